//! One trial, one pool, k units (docs/model.md §4): realtime spill to on-demand, deferrable work
//! absorbed by idle units or billed at batch prices, and the unit bill.

use serde::Serialize;

use super::backlog::{Backlog, idle_after_realtime};
use super::capacity::Capacity;
use crate::numerics::lognormal_spill;

/// Prices of one pool, USD per token (token price multiplier already applied) and per unit-hour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PoolPrices {
    pub input_usd_per_token: f64,
    pub output_usd_per_token: f64,
    pub cache_read_usd_per_token: f64,
    /// Batch prices; the on-demand prices where the model has no batch mode.
    pub batch_input_usd_per_token: f64,
    pub batch_output_usd_per_token: f64,
    pub priority_multiplier: f64,
    pub unit_usd_per_hour: f64,
}

/// How one workload's tokens are split and priced.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WorkloadCost {
    /// Share b of tokens that may wait (batch-eligible).
    pub batch_share: f64,
    /// Window W: deferrable work arriving in hour a is due by the end of hour a + W − 1.
    pub batch_window_hours: u32,
    /// Share c of realtime input tokens read from the prompt cache.
    pub cache_hit_share: f64,
    /// Spill billed at the priority tier (× π).
    pub priority: bool,
}

impl WorkloadCost {
    /// On-demand USD of this workload's realtime `input` and `output` tokens (docs/model.md §4: the
    /// cache share at the cache-read price, × π for priority).
    pub fn on_demand_usd(&self, prices: &PoolPrices, input: f64, output: f64) -> f64 {
        let input_price = (1.0 - self.cache_hit_share) * prices.input_usd_per_token
            + self.cache_hit_share * prices.cache_read_usd_per_token;
        let priority = if self.priority {
            prices.priority_multiplier
        } else {
            1.0
        };
        (input * input_price + output * prices.output_usd_per_token) * priority
    }
}

/// Everything about a pool that does not change from trial to trial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolModel {
    pub capacity: Capacity,
    pub prices: PoolPrices,
    pub workloads: Vec<WorkloadCost>,
    pub fill_idle: bool,
    pub intra_hour_cv: f64,
    /// On-demand quota in tokens (input + output) per hour, if any.
    pub quota_tokens_per_hour: Option<f64>,
    /// EDP/private-pricing discount d: the bill is multiplied by 1 − d.
    pub discount: f64,
}

/// One workload's hourly traffic in one trial.
#[derive(Clone, Copy, Debug)]
pub struct WorkloadTraffic<'a> {
    pub input: &'a [f64],
    pub output: &'a [f64],
}

/// The outcome of one trial with `units` units (docs/model.md §4, §7 `replay` keys). USD after
/// discount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct UnitOutcome {
    pub units: u32,
    pub total_usd: f64,
    pub units_usd: f64,
    pub on_demand_usd: f64,
    pub batch_usd: f64,
    pub utilization: f64,
    pub spilled_tokens: f64,
    pub absorbed_tokens: f64,
    pub batch_tokens: f64,
    pub throttled_tokens: f64,
}

/// Deferrable tokens of one workload arriving in one hour.
#[derive(Clone, Copy, Debug)]
pub(super) struct Arrival {
    pub(super) hour: usize,
    pub(super) workload: usize,
    pub(super) input: f64,
    pub(super) output: f64,
}

/// A trial's pool traffic reduced to what the unit sweep needs; built once, evaluated for every k
/// (common random numbers).
#[derive(Clone, Debug)]
pub struct PoolHours {
    pub(super) realtime_input: Vec<f64>,
    pub(super) realtime_output: Vec<f64>,
    pub(super) realtime_load: Vec<f64>,
    /// On-demand USD of all realtime tokens of the hour (cache share and priority applied).
    pub(super) realtime_value_usd: Vec<f64>,
    /// Deferrable work in arrival order (hour, then workload).
    pub(super) arrivals: Vec<Arrival>,
    pub(super) deferrable_tokens: f64,
    pub(super) deferrable_batch_usd: f64,
}

impl PoolHours {
    /// Aggregates the workloads' traffic of one trial (`traffic[j]` belongs to `model.workloads[j]`).
    pub fn new(model: &PoolModel, traffic: &[WorkloadTraffic]) -> Self {
        assert_eq!(model.workloads.len(), traffic.len());
        let hours = traffic.first().map_or(0, |t| t.input.len());
        let prices = &model.prices;
        let mut realtime_input = vec![0.0; hours];
        let mut realtime_output = vec![0.0; hours];
        let mut realtime_value_usd = vec![0.0; hours];
        // Workload by workload (each hour still sums its workloads in file order).
        for (cost, t) in model.workloads.iter().zip(traffic) {
            let realtime = 1.0 - cost.batch_share;
            for h in 0..hours {
                let (input, output) = (realtime * t.input[h], realtime * t.output[h]);
                realtime_input[h] += input;
                realtime_output[h] += output;
                realtime_value_usd[h] += cost.on_demand_usd(prices, input, output);
            }
        }
        let deferrable: Vec<usize> = (0..traffic.len())
            .filter(|&j| model.workloads[j].batch_share > 0.0)
            .collect();
        let mut arrivals = Vec::with_capacity(hours * deferrable.len());
        let (mut deferrable_tokens, mut deferrable_batch_usd) = (0.0, 0.0);
        for h in 0..hours {
            for &j in &deferrable {
                let (share, t) = (model.workloads[j].batch_share, &traffic[j]);
                let (d_in, d_out) = (share * t.input[h], share * t.output[h]);
                if d_in > 0.0 || d_out > 0.0 {
                    arrivals.push(Arrival {
                        hour: h,
                        workload: j,
                        input: d_in,
                        output: d_out,
                    });
                    deferrable_tokens += d_in + d_out;
                    deferrable_batch_usd += batch_usd(prices, d_in, d_out);
                }
            }
        }
        let realtime_load = realtime_input
            .iter()
            .zip(&realtime_output)
            .map(|(&i, &o)| model.capacity.load(i, o))
            .collect();
        PoolHours {
            realtime_input,
            realtime_output,
            realtime_load,
            realtime_value_usd,
            arrivals,
            deferrable_tokens,
            deferrable_batch_usd,
        }
    }

    /// The hours `range` as a trial of their own: the deferrable work arriving in them, nothing
    /// queued before, everything still queued at the range's end billed at batch prices (the
    /// monthly blocks a commitment plan's search prices, issue 15).
    pub fn slice(&self, model: &PoolModel, range: std::ops::Range<usize>) -> PoolHours {
        let arrivals: Vec<Arrival> = self
            .arrivals
            .iter()
            .filter(|a| range.contains(&a.hour))
            .map(|a| Arrival {
                hour: a.hour - range.start,
                ..*a
            })
            .collect();
        let mut deferrable_tokens = 0.0;
        let mut deferrable_batch_usd = 0.0;
        for a in &arrivals {
            deferrable_tokens += a.input + a.output;
            deferrable_batch_usd += batch_usd(&model.prices, a.input, a.output);
        }
        PoolHours {
            realtime_input: self.realtime_input[range.clone()].to_vec(),
            realtime_output: self.realtime_output[range.clone()].to_vec(),
            realtime_load: self.realtime_load[range.clone()].to_vec(),
            realtime_value_usd: self.realtime_value_usd[range].to_vec(),
            arrivals,
            deferrable_tokens,
            deferrable_batch_usd,
        }
    }

    /// Hourly realtime load in unit-hours.
    pub fn realtime_load(&self) -> &[f64] {
        &self.realtime_load
    }

    /// The peak hourly load of all traffic, realtime and deferrable, as if none of it could wait.
    pub fn peak_all_load(&self, model: &PoolModel) -> f64 {
        let mut arrivals = self.arrivals.iter().peekable();
        let mut peak: f64 = 0.0;
        for h in 0..self.hours() {
            let (mut input, mut output) = (self.realtime_input[h], self.realtime_output[h]);
            while let Some(a) = arrivals.next_if(|a| a.hour == h) {
                input += a.input;
                output += a.output;
            }
            peak = peak.max(model.capacity.load(input, output));
        }
        peak
    }

    /// Hours in the horizon.
    pub fn hours(&self) -> usize {
        self.realtime_load.len()
    }

    /// Prices this trial with `units` units (docs/model.md §4).
    pub fn evaluate(&self, model: &PoolModel, units: u32) -> UnitOutcome {
        self.replay(model, Fleet::Fixed(units))
    }

    /// Prices this trial with `units_per_hour[h]` units in hour h: a fleet re-sized over the
    /// horizon (monthly re-sizing policies). Units cost `Σ_h k_h · price`; utilization is the load
    /// served over `Σ_h k_h`; `units` in the outcome is the largest k_h. The backlog of deferrable
    /// work carries across re-sizes.
    pub fn evaluate_schedule(&self, model: &PoolModel, units_per_hour: &[u32]) -> UnitOutcome {
        assert_eq!(
            units_per_hour.len(),
            self.hours(),
            "one unit count per hour"
        );
        self.replay(model, Fleet::PerHour(units_per_hour))
    }

    /// Replays every hour with the fleet's units: the reference implementation of docs/model.md §4.
    fn replay(&self, model: &PoolModel, fleet: Fleet) -> UnitOutcome {
        let capacity = &model.capacity;
        let any_units = (0..self.hours()).any(|h| fleet.at(h) > 0);
        let use_backlog = model.fill_idle && any_units && !self.arrivals.is_empty();
        let mut backlog = Backlog::default();
        let mut next_arrival = 0;
        let (mut on_demand_usd, mut spilled, mut throttled, mut used) = (0.0, 0.0, 0.0, 0.0);
        let (mut absorbed, mut batch_tokens, mut batch_cost) = (0.0, 0.0, 0.0);
        for h in 0..self.hours() {
            let units = fleet.at(h);
            let k = f64::from(units);
            let load = self.realtime_load[h];
            let spill_load = if load <= 0.0 {
                0.0
            } else if model.intra_hour_cv > 0.0 {
                lognormal_spill(load, k, model.intra_hour_cv)
            } else {
                (load - k).max(0.0)
            };
            let spill_frac = if load > 0.0 { spill_load / load } else { 0.0 };
            let (rt_in, rt_out) = (self.realtime_input[h], self.realtime_output[h]);
            let mut spill_tokens = spill_frac * (rt_in + rt_out);
            let mut billed_frac = spill_frac;
            if let Some(limit) = model.quota_tokens_per_hour
                && spill_tokens > limit
            {
                throttled += spill_tokens - limit;
                billed_frac *= limit / spill_tokens;
                spill_tokens = limit;
            }
            on_demand_usd += billed_frac * self.realtime_value_usd[h];
            spilled += spill_tokens;
            let served_in = (1.0 - spill_frac) * rt_in;
            let served_out = (1.0 - spill_frac) * rt_out;
            let (mut total_in, mut total_out) = (served_in, served_out);
            if use_backlog {
                while let Some(a) = self.arrivals.get(next_arrival).filter(|a| a.hour == h) {
                    let window = model.workloads[a.workload].batch_window_hours as usize;
                    backlog.push(h, window, a.workload, a.input, a.output);
                    next_arrival += 1;
                }
                let idle =
                    idle_after_realtime(capacity, k, load - spill_load, served_in, served_out);
                let taken = backlog.serve(capacity, idle);
                absorbed += taken.input + taken.output;
                total_in += taken.input;
                total_out += taken.output;
                let expired = backlog.expire(h);
                batch_tokens += expired.input + expired.output;
                batch_cost += batch_usd(&model.prices, expired.input, expired.output);
            }
            if units > 0 {
                used += capacity.load(total_in, total_out);
            }
        }
        if use_backlog {
            let left = backlog.drain();
            batch_tokens += left.input + left.output;
            batch_cost += batch_usd(&model.prices, left.input, left.output);
        } else {
            batch_tokens = self.deferrable_tokens;
            batch_cost = self.deferrable_batch_usd;
        }
        let keep = 1.0 - model.discount;
        let (unit_hours, max_units) = fleet.unit_hours(self.hours());
        let units_usd = fleet.unit_usd(model.prices.unit_usd_per_hour, self.hours()) * keep;
        let on_demand_usd = on_demand_usd * keep;
        let batch_usd = batch_cost * keep;
        UnitOutcome {
            units: max_units,
            total_usd: units_usd + on_demand_usd + batch_usd,
            units_usd,
            on_demand_usd,
            batch_usd,
            utilization: utilization(used, unit_hours),
            spilled_tokens: spilled,
            absorbed_tokens: absorbed,
            batch_tokens,
            throttled_tokens: throttled,
        }
    }
}

/// The units in service hour by hour.
#[derive(Clone, Copy)]
enum Fleet<'a> {
    Fixed(u32),
    PerHour(&'a [u32]),
}

impl Fleet<'_> {
    fn at(self, hour: usize) -> u32 {
        match self {
            Fleet::Fixed(k) => k,
            Fleet::PerHour(units) => units[hour],
        }
    }

    /// Unit-hours over `hours` hours, and the largest fleet.
    fn unit_hours(self, hours: usize) -> (f64, u32) {
        match self {
            Fleet::Fixed(k) => (f64::from(k) * hours as f64, k),
            Fleet::PerHour(units) => (
                units.iter().map(|&k| f64::from(k)).sum(),
                units.iter().copied().max().unwrap_or(0),
            ),
        }
    }

    /// The unit bill before discount (a fixed fleet's as `k · price · H`, rounding included).
    fn unit_usd(self, usd_per_unit_hour: f64, hours: usize) -> f64 {
        match self {
            Fleet::Fixed(k) => f64::from(k) * usd_per_unit_hour * hours as f64,
            Fleet::PerHour(_) => self.unit_hours(hours).0 * usd_per_unit_hour,
        }
    }
}

/// Served load over paid unit-hours (0 with no units). A fully used fleet sums its hours' loads
/// with rounding that can land a hair above 1; it is reported as 1.
pub(super) fn utilization(used_load: f64, unit_hours: f64) -> f64 {
    if unit_hours > 0.0 {
        (used_load / unit_hours).min(1.0)
    } else {
        0.0
    }
}

fn batch_usd(prices: &PoolPrices, input: f64, output: f64) -> f64 {
    input * prices.batch_input_usd_per_token + output * prices.batch_output_usd_per_token
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::cost::CapacityMode;

    /// Claude-3.5-Sonnet-like pool: 16M in + 4M out per MU-hour, $3/$15 per Mtok, $39.60/h.
    pub(in crate::cost) fn sonnet_pool(workloads: Vec<WorkloadCost>) -> PoolModel {
        PoolModel {
            capacity: Capacity {
                input_tokens_per_hour: 16e6,
                output_tokens_per_hour: 4e6,
                mode: CapacityMode::Separate,
            },
            prices: PoolPrices {
                input_usd_per_token: 3e-6,
                output_usd_per_token: 15e-6,
                cache_read_usd_per_token: 0.3e-6,
                batch_input_usd_per_token: 1.5e-6,
                batch_output_usd_per_token: 7.5e-6,
                priority_multiplier: 1.75,
                unit_usd_per_hour: 39.6,
            },
            workloads,
            fill_idle: true,
            intra_hour_cv: 0.0,
            quota_tokens_per_hour: None,
            discount: 0.0,
        }
    }

    fn realtime() -> WorkloadCost {
        WorkloadCost {
            batch_share: 0.0,
            batch_window_hours: 24,
            cache_hit_share: 0.0,
            priority: false,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn constant_traffic_is_priced_by_hand() {
        // 24M in + 6M out every hour = 1.5 unit-hours of load, worth 24·3 + 6·15 = $162/h on-demand.
        let model = sonnet_pool(vec![realtime()]);
        let (input, output) = (vec![24e6; 10], vec![6e6; 10]);
        let hours = PoolHours::new(
            &model,
            &[WorkloadTraffic {
                input: &input,
                output: &output,
            }],
        );
        let all_od = hours.evaluate(&model, 0);
        assert!(close(all_od.total_usd, 1620.0));
        assert_eq!(all_od.utilization, 0.0);
        // One unit serves 1/1.5 of the load: on-demand pays a third, $54/h, units $39.60/h.
        let one = hours.evaluate(&model, 1);
        assert!(close(one.on_demand_usd, 540.0));
        assert!(close(one.units_usd, 396.0));
        assert!(close(one.utilization, 1.0));
        assert!(close(one.spilled_tokens, 10.0 * 10e6));
        // Two units serve everything at 75% utilization.
        let two = hours.evaluate(&model, 2);
        assert!(close(two.total_usd, 792.0));
        assert!(close(two.utilization, 0.75));
    }

    #[test]
    fn a_resized_fleet_pays_for_the_units_it_had_each_hour() {
        // 1.5 unit-hours of load, $162/h on-demand: 1 unit for 4 hours, then 2 units for 6.
        let model = sonnet_pool(vec![realtime()]);
        let (input, output) = (vec![24e6; 10], vec![6e6; 10]);
        let traffic = [WorkloadTraffic {
            input: &input,
            output: &output,
        }];
        let hours = PoolHours::new(&model, &traffic);
        let schedule = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
        let out = hours.evaluate_schedule(&model, &schedule);
        assert_eq!(out.units, 2);
        assert!(close(out.units_usd, 16.0 * 39.6));
        assert!(close(out.on_demand_usd, 4.0 * 54.0));
        // Served 4·1 + 6·1.5 = 13 of 16 unit-hours.
        assert!(close(out.utilization, 13.0 / 16.0));
        assert_eq!(
            hours.evaluate_schedule(&model, &[2; 10]),
            hours.evaluate(&model, 2)
        );
    }

    #[test]
    fn a_slice_is_the_trial_of_its_hours_alone() {
        // Half of every hour may wait 2 hours; hours 3..6 priced alone equal a 3-hour trial of
        // the same traffic (what was queued before hour 3 is not carried in).
        let mut w = realtime();
        w.batch_share = 0.5;
        let model = sonnet_pool(vec![w]);
        let input: Vec<f64> = (0..8).map(|h| 8e6 * f64::from(h)).collect();
        let output: Vec<f64> = input.iter().map(|i| i / 4.0).collect();
        let whole = PoolHours::new(
            &model,
            &[WorkloadTraffic {
                input: &input,
                output: &output,
            }],
        );
        let alone = PoolHours::new(
            &model,
            &[WorkloadTraffic {
                input: &input[3..6],
                output: &output[3..6],
            }],
        );
        let slice = whole.slice(&model, 3..6);
        for k in 0..4 {
            assert_eq!(
                slice.evaluate(&model, k),
                alone.evaluate(&model, k),
                "k {k}"
            );
        }
    }

    #[test]
    fn deferrable_work_fills_idle_units_and_the_rest_pays_batch() {
        // Half the traffic may wait 2 hours. Hour 0: 32M in + 8M out; hour 1: nothing.
        let mut w = realtime();
        w.batch_share = 0.5;
        w.batch_window_hours = 2;
        let model = sonnet_pool(vec![w]);
        let (input, output) = (vec![32e6, 0.0], vec![8e6, 0.0]);
        let hours = PoolHours::new(
            &model,
            &[WorkloadTraffic {
                input: &input,
                output: &output,
            }],
        );
        // k = 1: realtime fills hour 0; the deferred 16M+4M is absorbed in hour 1.
        let one = hours.evaluate(&model, 1);
        assert!(close(one.absorbed_tokens, 20e6));
        assert_eq!(one.batch_tokens, 0.0);
        assert!(close(one.total_usd, 79.2));
        assert!(close(one.utilization, 1.0));
        // Without fill_idle the deferred work pays batch: 16·1.5 + 4·7.5 = $54.
        let plain = PoolModel {
            fill_idle: false,
            ..model.clone()
        };
        let batch = hours.evaluate(&plain, 1);
        assert!(close(batch.batch_usd, 54.0));
        assert!(close(batch.total_usd, 79.2 + 54.0));
    }

    #[test]
    fn cache_priority_quota_and_discount_apply_to_the_spill() {
        let w = WorkloadCost {
            cache_hit_share: 0.5,
            priority: true,
            ..realtime()
        };
        let mut model = sonnet_pool(vec![w]);
        model.quota_tokens_per_hour = Some(5e6);
        model.discount = 0.1;
        let (input, output) = (vec![8e6], vec![2e6]);
        let hours = PoolHours::new(
            &model,
            &[WorkloadTraffic {
                input: &input,
                output: &output,
            }],
        );
        let out = hours.evaluate(&model, 0);
        // Value: (8·(0.5·3 + 0.5·0.3) + 2·15)·1.75 = (13.2 + 30)·1.75 = 75.6; half is throttled.
        assert!(close(out.throttled_tokens, 5e6));
        assert!(close(out.spilled_tokens, 5e6));
        assert!(close(out.on_demand_usd, 75.6 * 0.5 * 0.9));
    }
}
