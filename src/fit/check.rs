//! Goodness of fit: observed vs simulated quantiles of hourly load — the fitted model replayed
//! over the history's own hours with data, with the history's level and trend and no forecast
//! uncertainty — how often the output budget binds in each, and the QQ points of the noise
//! residuals against both candidates.

use rayon::prelude::*;
use serde::Serialize;

use super::Fit;
use crate::cost::{Capacity, CapacityMode};
use crate::history::HourlySeries;
use crate::stats::quantile::{percentile_sorted, sort_floats};
use crate::traffic::rng::stream;

/// The quantiles compared (P5 … P99).
pub const QUANTILES: [f64; 8] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99];
/// Hourly values simulated in all (trials × hours), enough for a stable P99.
const SIMULATED_HOURS: usize = 400_000;

/// One row of the quantile comparison.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct QuantileRow {
    pub quantile: f64,
    pub observed_input_tokens: f64,
    pub simulated_input_tokens: f64,
    pub observed_load: f64,
    pub simulated_load: f64,
}

/// How often the output budget binds (`separate` capacity: output / C_out above input / C_in),
/// in the history and in the fitted model replayed over its hours.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct OutputBound {
    pub observed_share: f64,
    pub simulated_share: f64,
}

/// The goodness-of-fit figures of a fit.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub quantiles: Vec<QuantileRow>,
    /// Hours whose output binds, where the product has separate input and output budgets.
    pub output_bound: Option<OutputBound>,
}

/// One QQ point: the noise residuals' quantile against each candidate's.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct QqPoint {
    pub p: f64,
    pub observed: f64,
    pub lognormal: f64,
    pub gamma: f64,
}

/// Simulates the fitted model over the history's hours and compares hourly quantiles of input
/// tokens and of load (unit-hours of `capacity`), over the hours with data. Deterministic in
/// `seed`.
pub fn check(fit: &Fit, series: &HourlySeries, capacity: &Capacity, seed: u64) -> Check {
    let hours = series.len();
    let in_sample = fit.parametric_from(
        fit.shape.level_start / fit.burst_factor(),
        (fit.growth_per_month.value, 0.0),
        0.0,
    );
    let trials = (SIMULATED_HOURS / hours.max(1)).clamp(10, 200);
    let seen = &series.observed;
    let output_binds =
        |i: f64, o: f64| o * capacity.input_tokens_per_hour > i * capacity.output_tokens_per_hour;
    let draws: Vec<(Vec<f64>, Vec<f64>, usize)> = (0..trials as u64)
        .into_par_iter()
        .map(|t| {
            let (mut i, mut o) = (vec![0.0; hours], vec![0.0; hours]);
            in_sample.generate(
                &mut stream(seed, "fit-check", t),
                series.start_epoch_hour,
                &mut i,
                &mut o,
            );
            let kept = || (0..hours).filter(|h| seen[*h]);
            let load = kept().map(|h| capacity.load(i[h], o[h])).collect();
            let bound = kept().filter(|h| output_binds(i[*h], o[*h])).count();
            (kept().map(|h| i[h]).collect(), load, bound)
        })
        .collect();
    let sorted = |v: Vec<f64>| {
        let mut v = v;
        sort_floats(&mut v);
        v
    };
    let sim_in = sorted(draws.iter().flat_map(|d| d.0.iter().copied()).collect());
    let sim_load = sorted(draws.iter().flat_map(|d| d.1.iter().copied()).collect());
    let kept = || (0..hours).filter(|h| seen[*h]);
    let obs_in = sorted(kept().map(|h| series.input[h]).collect());
    let obs_load = sorted(
        kept()
            .map(|h| capacity.load(series.input[h], series.output[h]))
            .collect(),
    );
    let quantiles = QUANTILES
        .iter()
        .map(|&q| QuantileRow {
            quantile: q,
            observed_input_tokens: percentile_sorted(&obs_in, q),
            simulated_input_tokens: percentile_sorted(&sim_in, q),
            observed_load: percentile_sorted(&obs_load, q),
            simulated_load: percentile_sorted(&sim_load, q),
        })
        .collect();
    let observed_hours = obs_in.len().max(1) as f64;
    let output_bound = (capacity.mode == CapacityMode::Separate).then(|| OutputBound {
        observed_share: kept()
            .filter(|h| output_binds(series.input[*h], series.output[*h]))
            .count() as f64
            / observed_hours,
        simulated_share: draws.iter().map(|d| d.2).sum::<usize>() as f64
            / (observed_hours * draws.len().max(1) as f64),
    });
    Check {
        quantiles,
        output_bound,
    }
}

/// The residual QQ points at P1 … P99.
pub fn qq_points(fit: &Fit) -> Vec<QqPoint> {
    let noise = &fit.noise;
    (1..100)
        .map(|i| {
            let p = f64::from(i) / 100.0;
            let (lognormal, gamma) = noise.candidate_quantiles(p);
            QqPoint {
                p,
                observed: percentile_sorted(&noise.sorted, p),
                lognormal,
                gamma,
            }
        })
        .collect()
}
