//! Every unit level of one trial at once (docs/model.md §4, issue 6). The reference
//! `PoolHours::evaluate` replays every hour for every k; most of that work has a closed form:
//! - realtime spill without intra-hour burstiness or quota: `Σ_{R_h > k} V_h·(R_h − k)/R_h` for
//!   every k from suffix sums over hours bucketed by ⌊R_h⌋ — no hour loop per k;
//! - deferrable work when one window serves the whole pool and the capacity acts as one budget
//!   (`ScalarQueue`): earliest deadline first is first in, first out, so the backlog is the
//!   per-hour deferred load with a head pointer; with k at or above every hour's total load it is
//!   all absorbed on arrival, with k at or below every hour's realtime load none of it is.
//!
//! Results equal the reference up to floating-point rounding (summation order); the property test
//! below holds them to 1e-9.

use super::fifo::{Absorbed, LANES, ScalarQueue, max};
use super::pool::{PoolHours, PoolModel, UnitOutcome, utilization};
use crate::numerics::lognormal_spill;

impl PoolHours {
    /// Prices this trial for every unit count in `levels`: `evaluate(model, k)` for each k, computed
    /// together (closed forms where they apply, see the module notes).
    pub fn sweep(&self, model: &PoolModel, levels: &[u32]) -> Vec<UnitOutcome> {
        if model.quota_tokens_per_hour.is_some() {
            return self.evaluate_each(model, levels);
        }
        let queue = match model.fill_idle.then(|| ScalarQueue::new(self, model)) {
            Some(None) if !self.arrivals.is_empty() => return self.evaluate_each(model, levels),
            found => found.flatten(),
        };
        let (realtime, absorbed) = if model.intra_hour_cv > 0.0 {
            self.bursty_sweep(model, levels, queue.as_ref())
        } else {
            self.hourly_sweep(levels, queue.as_ref())
        };
        levels
            .iter()
            .zip(realtime)
            .zip(absorbed)
            .map(|((&units, part), absorbed)| {
                self.outcome(model, units, part, absorbed, queue.as_ref())
            })
            .collect()
    }

    fn evaluate_each(&self, model: &PoolModel, levels: &[u32]) -> Vec<UnitOutcome> {
        levels.iter().map(|&k| self.evaluate(model, k)).collect()
    }

    /// The plain hourly model (no intra-hour burstiness): realtime from the bucketed suffix sums,
    /// the backlog for `LANES` unit counts at a time.
    fn hourly_sweep(
        &self,
        levels: &[u32],
        queue: Option<&ScalarQueue>,
    ) -> (Vec<RealtimePart>, Vec<Option<Absorbed>>) {
        let max_level = levels.iter().copied().max().unwrap_or(0);
        let curve = RealtimeCurve::new(self, max_level);
        let realtime = levels.iter().map(|&k| curve.at(k)).collect();
        let mut absorbed: Vec<Option<Absorbed>> = levels
            .iter()
            .map(|&k| {
                queue
                    .filter(|_| k > 0)
                    .and_then(|q| q.closed_form(f64::from(k), true))
            })
            .collect();
        if let Some(queue) = queue {
            let pending: Vec<usize> = (0..levels.len())
                .filter(|&i| levels[i] > 0 && absorbed[i].is_none())
                .collect();
            for (n, chunk) in pending.chunks(LANES).enumerate() {
                // Expiry only falls as k rises (more idle capacity in every hour serves the
                // queue at least as far): once a k lets nothing expire, every larger k absorbs all.
                if n > 0
                    && let Some(last) = absorbed[pending[n * LANES - 1]]
                    && last.expired_load == 0.0
                {
                    for &i in &pending[n * LANES..] {
                        absorbed[i] = Some(last);
                    }
                    break;
                }
                // Short chunks repeat their last unit count in the spare lanes.
                let units: [f64; LANES] =
                    std::array::from_fn(|l| f64::from(levels[chunk[l.min(chunk.len() - 1)]]));
                let results = queue.absorb(|t, spare: &mut [f64; LANES]| {
                    let load = self.realtime_load[t];
                    for (s, k) in spare.iter_mut().zip(units) {
                        *s = max(k - load, 0.0);
                    }
                });
                for (&i, result) in chunk.iter().zip(results) {
                    absorbed[i] = Some(result);
                }
            }
        }
        (realtime, absorbed)
    }

    /// Intra-hour burstiness (docs/model.md §2): the lognormal spill hour by hour for each k, and
    /// the backlog absorbing what it leaves idle.
    fn bursty_sweep(
        &self,
        model: &PoolModel,
        levels: &[u32],
        queue: Option<&ScalarQueue>,
    ) -> (Vec<RealtimePart>, Vec<Option<Absorbed>>) {
        let mut served = vec![0.0; self.hours()];
        levels
            .iter()
            .map(|&units| {
                let k = f64::from(units);
                let mut part = RealtimePart::default();
                for (h, served_h) in served.iter_mut().enumerate() {
                    let load = self.realtime_load[h];
                    *served_h = 0.0;
                    if load <= 0.0 {
                        continue;
                    }
                    let spill_frac = lognormal_spill(load, k, model.intra_hour_cv) / load;
                    part.on_demand_usd += spill_frac * self.realtime_value_usd[h];
                    part.spilled_tokens +=
                        spill_frac * (self.realtime_input[h] + self.realtime_output[h]);
                    *served_h = load - spill_frac * load;
                    part.served_load += *served_h;
                }
                let absorbed = queue.filter(|_| units > 0).map(|q| {
                    q.closed_form(k, false).unwrap_or_else(|| {
                        let [a] = q.absorb(|t, spare: &mut [f64; 1]| {
                            spare[0] = (k - served[t]).max(0.0);
                        });
                        a
                    })
                });
                (part, absorbed)
            })
            .unzip()
    }

    fn outcome(
        &self,
        model: &PoolModel,
        units: u32,
        realtime: RealtimePart,
        absorbed: Option<Absorbed>,
        queue: Option<&ScalarQueue>,
    ) -> UnitOutcome {
        let k = f64::from(units);
        let hours = self.hours() as f64;
        let (absorbed_load, expired_share) = match (absorbed, queue) {
            (Some(a), Some(q)) if q.total_load > 0.0 => (a.load, a.expired_load / q.total_load),
            _ => (0.0, 1.0),
        };
        let keep = 1.0 - model.discount;
        let units_usd = k * model.prices.unit_usd_per_hour * hours * keep;
        let on_demand_usd = realtime.on_demand_usd * keep;
        let batch_usd = self.deferrable_batch_usd * expired_share * keep;
        let batch_tokens = self.deferrable_tokens * expired_share;
        let used = realtime.served_load + absorbed_load;
        UnitOutcome {
            units,
            total_usd: units_usd + on_demand_usd + batch_usd,
            units_usd,
            on_demand_usd,
            batch_usd,
            utilization: utilization(used, k * hours),
            spilled_tokens: realtime.spilled_tokens,
            absorbed_tokens: self.deferrable_tokens - batch_tokens,
            batch_tokens,
            throttled_tokens: 0.0,
        }
    }
}

/// The realtime side of one k: on-demand USD before discount, spilled tokens, served load.
#[derive(Clone, Copy, Debug, Default)]
struct RealtimePart {
    on_demand_usd: f64,
    spilled_tokens: f64,
    served_load: f64,
}

/// Realtime spill for every integer k ≤ `max_level` at once: hours bucketed by ⌊R_h⌋ (the last
/// bucket takes everything above), with suffix sums so that bucket k sums the hours with R_h ≥ k.
struct RealtimeCurve {
    value_usd: Vec<f64>,
    value_per_load: Vec<f64>,
    tokens: Vec<f64>,
    tokens_per_load: Vec<f64>,
    load: Vec<f64>,
    hours: Vec<f64>,
    total_load: f64,
}

impl RealtimeCurve {
    fn new(hours: &PoolHours, max_level: u32) -> Self {
        let buckets = max_level as usize + 1;
        let mut curve = RealtimeCurve {
            value_usd: vec![0.0; buckets],
            value_per_load: vec![0.0; buckets],
            tokens: vec![0.0; buckets],
            tokens_per_load: vec![0.0; buckets],
            load: vec![0.0; buckets],
            hours: vec![0.0; buckets],
            total_load: 0.0,
        };
        for h in 0..hours.hours() {
            let load = hours.realtime_load[h];
            if load <= 0.0 {
                continue;
            }
            // ⌊load⌋ (load > 0); the cast saturates, so a huge load lands in the last bucket.
            let b = (load as usize).min(buckets - 1);
            let value = hours.realtime_value_usd[h];
            let tokens = hours.realtime_input[h] + hours.realtime_output[h];
            curve.value_usd[b] += value;
            curve.value_per_load[b] += value / load;
            curve.tokens[b] += tokens;
            curve.tokens_per_load[b] += tokens / load;
            curve.load[b] += load;
            curve.hours[b] += 1.0;
            curve.total_load += load;
        }
        for column in [
            &mut curve.value_usd,
            &mut curve.value_per_load,
            &mut curve.tokens,
            &mut curve.tokens_per_load,
            &mut curve.load,
            &mut curve.hours,
        ] {
            for b in (0..buckets - 1).rev() {
                column[b] += column[b + 1];
            }
        }
        curve
    }

    /// The realtime part with `units` units: the hours with R_h ≥ k spill R_h − k.
    fn at(&self, units: u32) -> RealtimePart {
        let (b, k) = (units as usize, f64::from(units));
        let spilled_load = (self.load[b] - k * self.hours[b]).max(0.0);
        RealtimePart {
            on_demand_usd: (self.value_usd[b] - k * self.value_per_load[b]).max(0.0),
            spilled_tokens: (self.tokens[b] - k * self.tokens_per_load[b]).max(0.0),
            served_load: self.total_load - spilled_load,
        }
    }
}
