//! Hourly realtime load for the traffic and load-duration charts, regenerated from the seed
//! (traffic is deterministic per trial): the P50 trial — the trial whose all-on-demand cost is the
//! median — and a P10–P90 band across the first `SAMPLE_TRIALS` trials.

use std::ops::Range;

use rayon::prelude::*;

use crate::analysis::PoolReport;
use crate::scenario::Scenario;
use crate::simulate::{PoolRun, pool_hours};
use crate::stats::quantile::{percentile_sorted, sort_floats};

/// Most trials regenerated for the bands: enough for stable P10/P90, few enough to draw fast.
pub const SAMPLE_TRIALS: u32 = 200;
/// Points along the load-duration curve.
const DURATION_POINTS: usize = 400;
/// Hours in the week the traffic chart shows.
pub const WEEK_HOURS: usize = 168;

/// A pool's load, ready to draw.
#[derive(Clone, Debug)]
pub struct LoadSample {
    /// The P50 trial's index.
    pub p50_trial: u64,
    /// Trials behind the bands.
    pub sampled: u32,
    /// The hours shown by the traffic chart (a week near the middle of the horizon).
    pub week: Range<usize>,
    /// The P50 trial's load in those hours, and P10/P90 across the sample, unit-hours per hour.
    pub week_p50_trial: Vec<f64>,
    pub week_p10: Vec<f64>,
    pub week_p90: Vec<f64>,
    /// Share of hours (0..=1) at which the duration curves are drawn.
    pub duration_share: Vec<f64>,
    /// Load exceeded in that share of hours: the P50 trial, and P10/P90 across the sample.
    pub duration_p50_trial: Vec<f64>,
    pub duration_p10: Vec<f64>,
    pub duration_p90: Vec<f64>,
    /// The P50 trial's hourly load over the whole horizon, ascending.
    sorted_p50_trial: Vec<f64>,
}

impl LoadSample {
    /// The P50 trial's busiest hour.
    pub fn peak_p50_trial(&self) -> f64 {
        self.sorted_p50_trial.last().copied().unwrap_or(0.0)
    }

    /// Share of the P50 trial's hours whose load exceeds `units`.
    pub fn share_of_hours_above(&self, units: f64) -> f64 {
        let n = self.sorted_p50_trial.len();
        if n == 0 {
            return 0.0;
        }
        let at_or_below = self.sorted_p50_trial.partition_point(|&v| v <= units);
        (n - at_or_below) as f64 / n as f64
    }
}

/// The trial whose k = 0 (all on-demand) total is the median; the lower middle one for an even
/// count, ties to the lower trial index.
pub fn median_trial(run: &PoolRun) -> u64 {
    let mut order: Vec<(f64, usize)> = run
        .trials
        .iter()
        .enumerate()
        .map(|(i, t)| (t.by_units.first().map_or(0.0, |o| o.total_usd), i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order
        .get(order.len().saturating_sub(1) / 2)
        .map_or(0, |&(_, i)| i as u64)
}

/// The week shown: the Monday-00:00-UTC-aligned week nearest the middle of the horizon (growth
/// makes early weeks light and late weeks heavy), or the whole horizon if shorter than a week.
pub fn week_window(start_epoch_hour: i64, horizon: usize) -> Range<usize> {
    if horizon <= WEEK_HOURS {
        return 0..horizon;
    }
    let latest = horizon - WEEK_HOURS;
    let wanted = (horizon / 2).saturating_sub(WEEK_HOURS / 2);
    // 1970-01-05 00:00 UTC, epoch hour 96, was a Monday.
    let week = WEEK_HOURS as i64;
    let first_monday = (96 - start_epoch_hour).rem_euclid(week) as usize;
    let mondays = (first_monday..=latest).step_by(WEEK_HOURS);
    let start = mondays
        .min_by_key(|&h| h.abs_diff(wanted))
        .unwrap_or(wanted.min(latest));
    start..start + WEEK_HOURS
}

/// Load exceeded in `share` of hours, from loads sorted ascending.
fn exceeded(sorted: &[f64], share: f64) -> f64 {
    if sorted.is_empty() {
        0.0
    } else {
        percentile_sorted(sorted, 1.0 - share)
    }
}

/// P10 and P90 of each column of `rows` (all rows the same length).
fn band(rows: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let columns = rows.first().map_or(0, Vec::len);
    (0..columns)
        .map(|j| {
            let mut column: Vec<f64> = rows.iter().map(|r| r[j]).collect();
            sort_floats(&mut column);
            (
                percentile_sorted(&column, 0.1),
                percentile_sorted(&column, 0.9),
            )
        })
        .unzip()
}

/// Regenerates the pool's hourly load (in the current rayon pool).
pub fn sample(scenario: &Scenario, report: &PoolReport) -> LoadSample {
    let pool = &scenario.pools[report.pool_index];
    let horizon = scenario.horizon_hours;
    let week = week_window(scenario.start_epoch_hour, horizon);
    let duration_share: Vec<f64> = (0..DURATION_POINTS)
        .map(|i| i as f64 / (DURATION_POINTS - 1) as f64)
        .collect();
    let reduce = |load: &[f64]| {
        let mut sorted = load.to_vec();
        sort_floats(&mut sorted);
        let duration: Vec<f64> = duration_share
            .iter()
            .map(|&s| exceeded(&sorted, s))
            .collect();
        (load[week.clone()].to_vec(), duration, sorted)
    };
    let sampled = scenario.trials.min(SAMPLE_TRIALS);
    let rows: Vec<(Vec<f64>, Vec<f64>)> = (0..u64::from(sampled))
        .into_par_iter()
        .map(|t| {
            let (week_load, duration, _) = reduce(pool_hours(scenario, pool, t).realtime_load());
            (week_load, duration)
        })
        .collect();
    let (week_rows, duration_rows): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let (week_p10, week_p90) = band(&week_rows);
    let (duration_p10, duration_p90) = band(&duration_rows);
    let p50_trial = median_trial(&report.run);
    let (week_p50_trial, duration_p50_trial, sorted_p50_trial) =
        reduce(pool_hours(scenario, pool, p50_trial).realtime_load());
    LoadSample {
        p50_trial,
        sampled,
        week,
        week_p50_trial,
        week_p10,
        week_p90,
        duration_share,
        duration_p50_trial,
        duration_p10,
        duration_p90,
        sorted_p50_trial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traffic::time::DEFAULT_START_EPOCH_HOUR;

    #[test]
    fn the_week_starts_on_a_monday_near_the_middle() {
        // The default start is Monday 2024-01-01 00:00 UTC; a 730-hour month's middle week
        // starts on Monday the 15th (hour 336).
        assert_eq!(week_window(DEFAULT_START_EPOCH_HOUR, 730), 336..504);
        assert_eq!(week_window(DEFAULT_START_EPOCH_HOUR, 100), 0..100);
        // Starting on a Wednesday: the first Monday is 120 hours in.
        let week = week_window(DEFAULT_START_EPOCH_HOUR + 48, 400);
        assert_eq!(week, 120..288);
    }
}
