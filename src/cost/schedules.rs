//! Several re-sized fleets of one trial at once (issue 15): `evaluate_schedule` for each of a set
//! of hour-by-hour unit schedules, the commitment plans `ptsim plan` replays. The realtime spill
//! is the reference's own arithmetic, hour by hour; the deferrable backlog, where one window
//! serves the pool and the capacity acts as one budget (`ScalarQueue`, see `sweep`), runs for
//! `LANES` schedules side by side with each hour's idle capacity taken from its own schedule.
//! Elsewhere (an on-demand quota, mixed windows or token mixes) each schedule is replayed by the
//! reference. Results equal `evaluate_schedule` up to rounding; the property test holds them to
//! 1e-9.

use super::fifo::{Absorbed, LANES, ScalarQueue, max};
use super::pool::{PoolHours, PoolModel, UnitOutcome, utilization};
use crate::numerics::lognormal_spill;

/// One schedule's realtime side: on-demand USD before discount, spilled tokens, the load served
/// in total and — with intra-hour burstiness, where it is not min(load, k) — each hour.
struct Realtime {
    on_demand_usd: f64,
    spilled_tokens: f64,
    served: Option<Vec<f64>>,
    served_load: f64,
}

impl PoolHours {
    /// `evaluate_schedule(model, s)` for every `s` of `schedules` (one unit count per hour each).
    pub fn evaluate_schedules(&self, model: &PoolModel, schedules: &[&[u32]]) -> Vec<UnitOutcome> {
        for s in schedules {
            assert_eq!(s.len(), self.hours(), "one unit count per hour");
        }
        let reference = || {
            schedules
                .iter()
                .map(|s| self.evaluate_schedule(model, s))
                .collect()
        };
        if model.quota_tokens_per_hour.is_some() {
            return reference();
        }
        let queue = match model.fill_idle.then(|| ScalarQueue::new(self, model)) {
            Some(None) if !self.arrivals.is_empty() => return reference(),
            found => found.flatten(),
        };
        let realtime = self.realtime(model, schedules);
        let mut absorbed: Vec<Option<Absorbed>> = vec![None; schedules.len()];
        if let Some(queue) = &queue {
            let pending: Vec<usize> = (0..schedules.len())
                .filter(|&i| schedules[i].iter().any(|&k| k > 0))
                .collect();
            for chunk in pending.chunks(LANES) {
                // Short chunks repeat their last schedule in the spare lanes.
                let lane = |l: usize| chunk[l.min(chunk.len() - 1)];
                let results = queue.absorb(|t, spare: &mut [f64; LANES]| {
                    for (l, s) in spare.iter_mut().enumerate() {
                        let i = lane(l);
                        let served = match &realtime[i].served {
                            Some(served) => served[t],
                            None => self.realtime_load[t],
                        };
                        *s = max(f64::from(schedules[i][t]) - served, 0.0);
                    }
                });
                for (&i, result) in chunk.iter().zip(results) {
                    absorbed[i] = Some(result);
                }
            }
        }
        schedules
            .iter()
            .zip(&realtime)
            .zip(absorbed)
            .map(|((s, part), absorbed)| self.schedule_outcome(model, s, part, absorbed, &queue))
            .collect()
    }

    /// The realtime side of each schedule, hour by hour as the reference replay computes it
    /// (so each schedule's sums are in the same order); the spill at each distinct unit count of
    /// an hour is computed once (the lognormal spill is the costly part).
    fn realtime(&self, model: &PoolModel, schedules: &[&[u32]]) -> Vec<Realtime> {
        let bursty = model.intra_hour_cv > 0.0;
        let mut parts: Vec<Realtime> = schedules
            .iter()
            .map(|_| Realtime {
                on_demand_usd: 0.0,
                spilled_tokens: 0.0,
                served: bursty.then(|| vec![0.0; self.hours()]),
                served_load: 0.0,
            })
            .collect();
        let mut spills: Vec<(u32, f64)> = Vec::new();
        for h in 0..self.hours() {
            let load = self.realtime_load[h];
            if load <= 0.0 {
                continue;
            }
            spills.clear();
            for (part, schedule) in parts.iter_mut().zip(schedules) {
                let units = schedule[h];
                let spill_load = match spills.iter().find(|(k, _)| *k == units) {
                    Some(&(_, spill)) => spill,
                    None => {
                        let k = f64::from(units);
                        let spill = if bursty {
                            lognormal_spill(load, k, model.intra_hour_cv)
                        } else {
                            (load - k).max(0.0)
                        };
                        spills.push((units, spill));
                        spill
                    }
                };
                let spill_frac = spill_load / load;
                part.on_demand_usd += spill_frac * self.realtime_value_usd[h];
                part.spilled_tokens +=
                    spill_frac * (self.realtime_input[h] + self.realtime_output[h]);
                let served = load - spill_load;
                if let Some(by_hour) = part.served.as_mut() {
                    by_hour[h] = served;
                }
                part.served_load += served;
            }
        }
        parts
    }

    fn schedule_outcome(
        &self,
        model: &PoolModel,
        schedule: &[u32],
        realtime: &Realtime,
        absorbed: Option<Absorbed>,
        queue: &Option<ScalarQueue>,
    ) -> UnitOutcome {
        let unit_hours: f64 = schedule.iter().map(|&k| f64::from(k)).sum();
        let (absorbed_load, expired_share) = match (absorbed, queue) {
            (Some(a), Some(q)) if q.total_load > 0.0 => (a.load, a.expired_load / q.total_load),
            _ => (0.0, 1.0),
        };
        let keep = 1.0 - model.discount;
        let units_usd = unit_hours * model.prices.unit_usd_per_hour * keep;
        let on_demand_usd = realtime.on_demand_usd * keep;
        let batch_usd = self.deferrable_batch_usd * expired_share * keep;
        let batch_tokens = self.deferrable_tokens * expired_share;
        UnitOutcome {
            units: schedule.iter().copied().max().unwrap_or(0),
            total_usd: units_usd + on_demand_usd + batch_usd,
            units_usd,
            on_demand_usd,
            batch_usd,
            utilization: utilization(realtime.served_load + absorbed_load, unit_hours),
            spilled_tokens: realtime.spilled_tokens,
            absorbed_tokens: self.deferrable_tokens - batch_tokens,
            batch_tokens,
            throttled_tokens: 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::pool::tests::sonnet_pool;
    use super::super::pool::{WorkloadCost, WorkloadTraffic};
    use super::*;

    /// Equal to 1e-9 of the larger value or of `scale`, the size of the whole: a token count
    /// that is the total less a share of it carries the total's rounding (one ulp of 24M
    /// tokens is 4e-9).
    fn close(a: f64, b: f64, scale: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(scale)
    }

    proptest! {
        #![proptest_config(crate::proptest_seed::seeded(64))]

        /// Any mix of schedules, with or without deferrable work, idle filling and minute
        /// bursts, prices as the reference replay of each schedule does.
        #[test]
        fn schedules_price_as_the_reference_replay(
            hours in prop::collection::vec(0.0f64..5.0, 1..60),
            mix in 0.0f64..1.0,
            schedules in prop::collection::vec(prop::collection::vec(0u32..6, 60), 1..11),
            batch_share in prop::sample::select(vec![0.0, 0.3, 1.0]),
            window in 1u32..8,
            fill_idle in any::<bool>(),
            cv in prop::sample::select(vec![0.0, 0.4]),
        ) {
            let mut model = sonnet_pool(vec![WorkloadCost {
                batch_share,
                batch_window_hours: window,
                cache_hit_share: 0.2,
                priority: false,
            }]);
            model.fill_idle = fill_idle;
            model.intra_hour_cv = cv;
            model.discount = 0.1;
            // Load in units of 16M input + 4M output; `mix` tilts every hour alike towards
            // output (one token mix, so the one-budget backlog applies when work may wait).
            let input: Vec<f64> = hours.iter().map(|l| l * 16e6).collect();
            let output: Vec<f64> = hours.iter().map(|l| l * 4e6 * (0.5 + mix)).collect();
            let pool = PoolHours::new(&model, &[WorkloadTraffic { input: &input, output: &output }]);
            let n = hours.len();
            let all_tokens: f64 = input.iter().chain(&output).sum();
            let cut: Vec<&[u32]> = schedules.iter().map(|s| &s[..n]).collect();
            let fast = pool.evaluate_schedules(&model, &cut);
            for (s, got) in cut.iter().zip(fast) {
                let want = pool.evaluate_schedule(&model, s);
                prop_assert_eq!(got.units, want.units);
                for (name, a, b, scale) in [
                    ("total", got.total_usd, want.total_usd, 1.0),
                    ("units", got.units_usd, want.units_usd, 1.0),
                    ("on-demand", got.on_demand_usd, want.on_demand_usd, 1.0),
                    ("batch", got.batch_usd, want.batch_usd, 1.0),
                    ("utilization", got.utilization, want.utilization, 1.0),
                    ("absorbed", got.absorbed_tokens, want.absorbed_tokens, all_tokens),
                    ("spilled", got.spilled_tokens, want.spilled_tokens, all_tokens),
                ] {
                    prop_assert!(close(a, b, scale), "{} {} vs {} for {:?}", name, a, b, s);
                }
            }
        }
    }
}
