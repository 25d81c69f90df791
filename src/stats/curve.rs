//! The break-even curve: for every k, the distribution of total cost over trials and of savings
//! against k = 0 in the same trial (docs/model.md §6, `curve.csv`).

use serde::Serialize;

use super::quantile::{cvar_upper, mean, percentile_sorted, sort_floats};
use crate::simulate::PoolRun;

/// One row of `curve.csv` (field order = column order; docs/model.md §7).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CurveRow {
    pub pool: String,
    pub units: u32,
    pub mean: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub cvar95: f64,
    pub savings_p10: f64,
    pub savings_p50: f64,
    pub savings_p90: f64,
    pub prob_beats_on_demand: f64,
    pub utilization_mean: f64,
    pub spilled_tokens_mean: f64,
    pub absorbed_tokens_mean: f64,
    pub batch_tokens_mean: f64,
    pub throttled_tokens_mean: f64,
}

/// The curve of one pool's run, one row per unit count of the sweep (k = 0 first).
pub fn curve(pool: &str, run: &PoolRun) -> Vec<CurveRow> {
    let n = run.trials.len() as f64;
    let on_demand: Vec<f64> = run.trials.iter().map(|t| t.by_units[0].total_usd).collect();
    run.units
        .iter()
        .enumerate()
        .map(|(i, &units)| {
            let outcomes = run.trials.iter().map(|t| &t.by_units[i]);
            let mut totals: Vec<f64> = outcomes.clone().map(|o| o.total_usd).collect();
            let mut savings: Vec<f64> = on_demand
                .iter()
                .zip(&totals)
                .map(|(zero, total)| zero - total)
                .collect();
            let beats = on_demand
                .iter()
                .zip(&totals)
                .filter(|(zero, total)| total < zero)
                .count();
            let mean_of = |f: fn(&crate::cost::UnitOutcome) -> f64| {
                mean(&outcomes.clone().map(f).collect::<Vec<_>>())
            };
            let total_mean = mean(&totals);
            sort_floats(&mut totals);
            sort_floats(&mut savings);
            let p = |q| percentile_sorted(&totals, q);
            CurveRow {
                pool: pool.to_string(),
                units,
                mean: total_mean,
                p5: p(0.05),
                p10: p(0.10),
                p25: p(0.25),
                p50: p(0.50),
                p75: p(0.75),
                p90: p(0.90),
                p95: p(0.95),
                p99: p(0.99),
                cvar95: cvar_upper(&totals, 0.05),
                savings_p10: percentile_sorted(&savings, 0.10),
                savings_p50: percentile_sorted(&savings, 0.50),
                savings_p90: percentile_sorted(&savings, 0.90),
                prob_beats_on_demand: beats as f64 / n,
                utilization_mean: mean_of(|o| o.utilization),
                spilled_tokens_mean: mean_of(|o| o.spilled_tokens),
                absorbed_tokens_mean: mean_of(|o| o.absorbed_tokens),
                batch_tokens_mean: mean_of(|o| o.batch_tokens),
                throttled_tokens_mean: mean_of(|o| o.throttled_tokens),
            }
        })
        .collect()
}
