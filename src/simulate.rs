//! The Monte Carlo run (docs/model.md §6): every trial's traffic generated from its own streams,
//! priced for every k in the sweep (common random numbers), trials in parallel with an ordered
//! collect so that results do not depend on the thread count.

use rayon::prelude::*;

use crate::cost::{PoolHours, UnitOutcome, WorkloadTraffic};
use crate::scenario::{Pool, Scenario};
use crate::stats::quantile::{percentile_select, percentile_sorted, sort_floats};

/// Hourly realtime load of one trial, summarised for the sizing rules.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LoadSummary {
    /// P50 of the hourly realtime load, unit-hours.
    pub p50: f64,
    /// Peak hourly realtime load.
    pub peak: f64,
    /// Peak hourly load of all traffic (realtime + deferrable), the sweep's default upper end.
    pub peak_all: f64,
}

/// One trial of one pool: its load summary and its outcome for every k of the sweep.
#[derive(Clone, Debug)]
pub struct TrialOutcome {
    pub load: LoadSummary,
    pub by_units: Vec<UnitOutcome>,
}

/// A pool's whole run: trials in trial order, each priced at every unit count of `units`.
#[derive(Clone, Debug)]
pub struct PoolRun {
    /// The unit counts priced, ascending from 0: the legal counts of the pool's product
    /// (`TrialOutcome::by_units[i]` is at `units[i]`).
    pub units: Vec<u32>,
    pub trials: Vec<TrialOutcome>,
}

impl PoolRun {
    /// The sweep's end: the last unit count priced.
    pub fn max_units(&self) -> u32 {
        self.units.last().copied().unwrap_or(0)
    }

    /// The position of `units` in the sweep.
    ///
    /// # Panics
    /// If `units` was not priced: callers ask only for counts taken from the sweep or checked
    /// against it.
    pub fn index_of(&self, units: u32) -> usize {
        self.units
            .binary_search(&units)
            .unwrap_or_else(|_| panic!("{units} units are not in the sweep {:?}", self.units))
    }
}

/// Builds the pool's hourly aggregate for one trial.
pub fn pool_hours(scenario: &Scenario, pool: &Pool, trial: u64) -> PoolHours {
    let hours = scenario.horizon_hours;
    let buffers: Vec<(Vec<f64>, Vec<f64>)> = pool
        .workloads
        .iter()
        .map(|w| {
            let (mut input, mut output) = (vec![0.0; hours], vec![0.0; hours]);
            w.source.fill(
                scenario.seed,
                &w.name,
                trial,
                scenario.start_epoch_hour,
                &mut input,
                &mut output,
            );
            (input, output)
        })
        .collect();
    let traffic: Vec<WorkloadTraffic> = buffers
        .iter()
        .map(|(input, output)| WorkloadTraffic { input, output })
        .collect();
    PoolHours::new(&pool.model, &traffic)
}

fn summarise_load(pool: &Pool, hours: &PoolHours) -> LoadSummary {
    let mut load = hours.realtime_load().to_vec();
    let peak = load.iter().copied().fold(0.0, f64::max);
    LoadSummary {
        p50: percentile_select(&mut load, 0.5),
        peak,
        peak_all: hours.peak_all_load(&pool.model),
    }
}

/// Each trial's peak hourly load of all traffic (realtime and deferrable) for the trials `range`
/// of `pool`, in trial order, calling `progress` once per trial.
fn trial_peaks(
    scenario: &Scenario,
    pool: &Pool,
    range: std::ops::Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Vec<f64> {
    range
        .into_par_iter()
        .map(|t| {
            let peak = summarise_load(pool, &pool_hours(scenario, pool, t)).peak_all;
            progress();
            peak
        })
        .collect()
}

/// The sweep end for `pool`: its `max_units`, or — when unset — where the sweep covers the peak
/// hour of 95% of trials (`default_max_units`, rounded up to a count the product is sold in),
/// found by a pass over the same traces the run will draw, calling `progress` once per trial.
pub fn sweep_end(
    scenario: &Scenario,
    pool: &Pool,
    trials: u32,
    progress: &(dyn Fn() + Sync),
) -> u32 {
    sweep_end_after(scenario, pool, trials, &[], progress)
}

/// `sweep_end`, reusing `known`: the peaks of the first trials, already drawn by a pilot.
pub fn sweep_end_after(
    scenario: &Scenario,
    pool: &Pool,
    trials: u32,
    known: &[f64],
    progress: &(dyn Fn() + Sync),
) -> u32 {
    pool.max_units.unwrap_or_else(|| {
        let mut peaks = known[..known.len().min(trials as usize)].to_vec();
        let drawn = peaks.len() as u64;
        peaks.extend(trial_peaks(
            scenario,
            pool,
            drawn..u64::from(trials),
            progress,
        ));
        pool.steps.round_up(default_max_units(&peaks))
    })
}

/// Workload-hours of traffic a pilot draws at most (a few hundred milliseconds of one core on a
/// month of a few workloads; fewer trials for longer horizons and more workloads).
const PILOT_WORKLOAD_HOURS: u64 = 2_000_000;
/// Trials a pilot draws at least and at most.
const PILOT_TRIALS: (u64, u64) = (30, 1_000);

/// The sweep ends estimated before a run, in well under a second, for the memory guard: per pool,
/// `max_units`, or the P95-of-peaks rule on the run's own first trials (few enough to draw
/// quickly). The peaks are kept, so that planning the run reuses them rather than drawing them
/// again; with no more trials than the pilot, its sweep end is the run's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pilot {
    /// Per pool (scenario order): the estimated sweep end.
    pub sweep_ends: Vec<u32>,
    /// Per pool: the peaks of the first trials (empty for pools with `max_units`).
    pub peaks: Vec<Vec<f64>>,
}

impl Pilot {
    /// Draws the pilot of every pool of `scenario` (in the current rayon pool).
    pub fn draw(scenario: &Scenario) -> Self {
        let peaks: Vec<Vec<f64>> = scenario
            .pools
            .iter()
            .map(|pool| match pool.max_units {
                Some(_) => Vec::new(),
                None => {
                    let n = pilot_trials(scenario, pool);
                    trial_peaks(scenario, pool, 0..u64::from(n), &|| {})
                }
            })
            .collect();
        let sweep_ends = scenario
            .pools
            .iter()
            .zip(&peaks)
            .map(|(pool, known)| sweep_end_after(scenario, pool, known.len() as u32, known, &|| {}))
            .collect();
        Pilot { sweep_ends, peaks }
    }

    /// The most trials any pool's pilot drew, when that is fewer than the run's (the estimate is
    /// then an estimate); None when every sweep end is exact.
    pub fn estimated_from(&self, scenario: &Scenario) -> Option<u32> {
        let most = self.peaks.iter().map(Vec::len).max().unwrap_or(0) as u32;
        (most > 0 && most < scenario.trials).then_some(most)
    }

    /// Trials already drawn, summed over the pools (the planning pass skips them).
    pub fn trials_drawn(&self) -> u64 {
        self.peaks.iter().map(|p| p.len() as u64).sum()
    }
}

/// Trials of `pool` a pilot draws: at most the scenario's.
fn pilot_trials(scenario: &Scenario, pool: &Pool) -> u32 {
    let per_trial = (scenario.horizon_hours as u64 * pool.workloads.len() as u64).max(1);
    let trials = (PILOT_WORKLOAD_HOURS / per_trial).clamp(PILOT_TRIALS.0, PILOT_TRIALS.1);
    trials.min(u64::from(scenario.trials)) as u32
}

/// Runs trials `trials` (a range of trial indices, so that batches can be appended
/// deterministically) of `pool` for the legal unit counts 0..=max_units, calling `progress` once
/// per finished trial.
pub fn run_pool(
    scenario: &Scenario,
    pool: &Pool,
    trials: std::ops::Range<u64>,
    max_units: u32,
    progress: &(dyn Fn() + Sync),
) -> PoolRun {
    let levels = pool.steps.counts_to(max_units);
    let outcomes = trials
        .into_par_iter()
        .map(|t| {
            let hours = pool_hours(scenario, pool, t);
            let outcome = TrialOutcome {
                load: summarise_load(pool, &hours),
                by_units: hours.sweep(&pool.model, &levels),
            };
            progress();
            outcome
        })
        .collect();
    PoolRun {
        units: levels,
        trials: outcomes,
    }
}

/// Share of trials whose peak hour the default sweep covers.
pub const DEFAULT_SWEEP_PEAK_COVERAGE: f64 = 0.95;

/// The default sweep end: P95 over trials of each trial's peak hourly load (all traffic, as if
/// none could wait), rounded up, at least 1. Beyond it cost only rises; the maximum over trials
/// would let one extreme trial stretch the sweep (and the run time) tenfold.
pub fn default_max_units(peaks: &[f64]) -> u32 {
    let mut sorted = peaks.to_vec();
    sort_floats(&mut sorted);
    let peak = percentile_sorted(&sorted, DEFAULT_SWEEP_PEAK_COVERAGE);
    (peak.ceil() as u32).clamp(1, crate::scenario::MAX_AUTO_UNITS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratecard::RateCard;

    fn short_default(trials: u32) -> Scenario {
        let mut scenario = Scenario::builtin_default(&RateCard::shipped()).unwrap();
        scenario.horizon_hours = 72;
        scenario.trials = trials;
        scenario
    }

    #[test]
    fn a_pilot_of_every_trial_is_the_plan_and_reusing_it_changes_nothing() {
        // 30 trials: the pilot draws all of them, so its sweep ends are the run's.
        let scenario = short_default(30);
        let pilot = Pilot::draw(&scenario);
        let plan: Vec<u32> = (scenario.pools.iter())
            .map(|p| sweep_end(&scenario, p, 30, &|| {}))
            .collect();
        assert_eq!(pilot.sweep_ends, plan);
        assert_eq!(pilot.estimated_from(&scenario), None);
        // More trials than the pilot: its peaks are the first trials' and planning with them
        // gives the plan drawn from scratch, drawing only the rest.
        let larger = Scenario {
            trials: 3000,
            ..scenario.clone()
        };
        let pilot = Pilot::draw(&larger);
        assert_eq!(pilot.estimated_from(&larger), Some(1000));
        let drawn = std::sync::atomic::AtomicU64::new(0);
        let reused = crate::analysis::plan_after(&larger, &pilot, &|| {
            drawn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(reused, crate::analysis::plan(&larger, &|| {}));
        assert_eq!(drawn.into_inner(), 2 * 2000);
    }
}
