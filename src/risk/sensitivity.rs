//! The tornado (issue 5): which inputs move the min-mean k and its P50 savings most. Each input
//! is swung to a stated low and high value and the whole scenario re-run with the same seed
//! (common random numbers: every trial draws the same random numbers at low, base and high), so
//! the swing is the input's effect, not Monte Carlo noise. A run at a low or high value is
//! exactly `ptsim run` on the scenario edited by hand to that value.

use serde::Serialize;

use crate::analysis::{analyse, plan};
use crate::scenario::Scenario;
use crate::stats::sizing::Rule;
use crate::traffic::{Parametric, TrafficSource};

/// An input of the tornado and the range it is swung over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Input {
    /// Name in `sensitivity.csv`.
    pub name: &'static str,
    pub low: f64,
    pub high: f64,
    /// What a value means, for the README and the chart.
    pub meaning: &'static str,
}

/// The inputs and their ranges. Factors multiply the scenario's value; shifts are added to it.
pub const INPUTS: [Input; 7] = [
    Input {
        name: "unit_throughput_factor",
        low: 0.7,
        high: 1.3,
        meaning: "× every pool's C_in and C_out (AWS publishes no MU throughput)",
    },
    Input {
        name: "unit_price_factor",
        low: 0.8,
        high: 1.2,
        meaning: "× every pool's unit price",
    },
    Input {
        name: "growth_per_month_shift",
        low: -0.03,
        high: 0.03,
        meaning: "+ every parametric workload's growth_per_month_mean",
    },
    Input {
        name: "level_sigma_factor",
        low: 0.5,
        high: 1.5,
        meaning: "× every parametric workload's level_sigma (forecast error)",
    },
    Input {
        name: "noise_cv_factor",
        low: 0.5,
        high: 1.5,
        meaning: "× every parametric workload's noise_cv",
    },
    Input {
        name: "batch_share_shift",
        low: -0.1,
        high: 0.1,
        meaning: "+ the batch_share of workloads that have one (kept in 0..1)",
    },
    Input {
        name: "cache_hit_share_shift",
        low: -0.1,
        high: 0.1,
        meaning: "+ the cache_hit_share of workloads that have one (kept in 0..1)",
    },
];

/// One row of `sensitivity.csv` (field order = column order): the six columns, then the
/// pool and the min-mean k at low, base and high.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SensitivityRow {
    pub input: &'static str,
    pub low: f64,
    pub high: f64,
    /// P50 savings (USD, k = 0 minus k, same trial) at the min-mean k, input at `low`.
    pub metric_at_low: f64,
    pub metric_at_high: f64,
    /// |metric_at_high − metric_at_low|; rows are sorted by it, largest first, per pool.
    pub swing: f64,
    pub pool: String,
    pub metric_base: f64,
    pub units_at_low: u32,
    pub units_at_high: u32,
    pub units_base: u32,
}

/// A parametric workload with one parameter changed (rebuilt, so derived tables follow).
fn rebuilt(p: &Parametric, change: impl Fn(&mut Parametric)) -> Parametric {
    let mut q = p.clone();
    change(&mut q);
    q.refreshed()
}

/// `scenario` with input `name` at `value` (a factor or a shift, see `INPUTS`); the new value is
/// kept inside the range the scenario reader accepts.
pub fn apply(scenario: &Scenario, name: &str, value: f64) -> Scenario {
    let mut s = scenario.clone();
    for pool in &mut s.pools {
        let model = &mut pool.model;
        match name {
            "unit_throughput_factor" => {
                model.capacity.input_tokens_per_hour *= value;
                model.capacity.output_tokens_per_hour *= value;
            }
            "unit_price_factor" => model.prices.unit_usd_per_hour *= value,
            "batch_share_shift" | "cache_hit_share_shift" => {
                for w in &mut model.workloads {
                    let share = if name == "batch_share_shift" {
                        &mut w.batch_share
                    } else {
                        &mut w.cache_hit_share
                    };
                    if *share > 0.0 {
                        *share = (*share + value).clamp(0.0, 1.0);
                    }
                }
            }
            _ => {}
        }
        for w in &mut pool.workloads {
            let TrafficSource::Parametric(p) = &w.source else {
                continue;
            };
            let changed = match name {
                "growth_per_month_shift" => rebuilt(p, |q| {
                    q.growth_per_month_mean = (q.growth_per_month_mean + value).max(-0.99)
                }),
                "level_sigma_factor" => {
                    rebuilt(p, |q| q.level_sigma = (q.level_sigma * value).min(3.0))
                }
                "noise_cv_factor" => rebuilt(p, |q| *q = q.clone().with_noise_spread(value)),
                _ => continue,
            };
            w.source = TrafficSource::Parametric(Box::new(changed));
        }
    }
    s
}

/// One pool's answer: the min-mean k and the P50 savings at it.
pub type PoolAnswer = (u32, f64);

/// Per pool (scenario order): the min-mean k and the P50 savings at it. `progress` is called
/// once per trial of each pool's planning pass (pools without `max_units`) and of its simulation:
/// `steps_per_trial` times per trial.
pub fn min_mean_savings(scenario: &Scenario, progress: &(dyn Fn() + Sync)) -> Vec<PoolAnswer> {
    let report = analyse(scenario, &plan(scenario, progress), progress);
    report
        .pools
        .iter()
        .map(|p| {
            let row = p
                .sizing
                .iter()
                .find(|r| r.rule == Rule::MinMean.as_str())
                .expect("every run has a min_mean rule");
            (row.units, row.savings_p50)
        })
        .collect()
}

/// Runs of the tornado: the base, then each input at its low and its high value.
pub const RUNS: usize = 1 + 2 * INPUTS.len();

/// Progress steps per trial of one run: one per pool simulated, and one more per pool whose
/// sweep end is planned by a pass over the trials (no `max_units`).
pub fn steps_per_trial(scenario: &Scenario) -> u64 {
    let planned = scenario
        .pools
        .iter()
        .filter(|p| p.max_units.is_none())
        .count();
    (scenario.pools.len() + planned) as u64
}

/// The tornado of every pool: rows sorted by swing within each pool (ties in `INPUTS` order).
/// `progress` is called `steps_per_trial` times per trial of each of the `RUNS` runs.
pub fn analyse_sensitivity(
    scenario: &Scenario,
    progress: &(dyn Fn() + Sync),
) -> Vec<SensitivityRow> {
    let base = min_mean_savings(scenario, progress);
    let swung: Vec<(Input, Vec<PoolAnswer>, Vec<PoolAnswer>)> = INPUTS
        .iter()
        .map(|input| {
            let low = min_mean_savings(&apply(scenario, input.name, input.low), progress);
            let high = min_mean_savings(&apply(scenario, input.name, input.high), progress);
            (*input, low, high)
        })
        .collect();
    let mut rows = Vec::new();
    for (i, pool) in scenario.pools.iter().enumerate() {
        let mut pool_rows: Vec<SensitivityRow> = swung
            .iter()
            .map(|(input, low, high)| SensitivityRow {
                input: input.name,
                low: input.low,
                high: input.high,
                metric_at_low: low[i].1,
                metric_at_high: high[i].1,
                swing: (high[i].1 - low[i].1).abs(),
                pool: pool.name.clone(),
                metric_base: base[i].1,
                units_at_low: low[i].0,
                units_at_high: high[i].0,
                units_base: base[i].0,
            })
            .collect();
        pool_rows.sort_by(|a, b| b.swing.total_cmp(&a.swing));
        rows.extend(pool_rows);
    }
    rows
}
