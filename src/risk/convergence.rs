//! `run --precision` (issue 5, convergence): trials are added in deterministic batches — trial
//! indices N..N' appended to the same runs, so the result equals one run of N' trials — until the
//! 95% interval of the P50 total at every pool's min-mean k is within ± the target share of that
//! P50 (the distribution-free order-statistic interval of `stats::convergence`).

use crate::analysis::{RunReport, pool_report};
use crate::scenario::{MAX_TRIALS, Scenario};
use crate::simulate::{PoolRun, run_pool};
use crate::stats::convergence::error_at;
use crate::stats::sizing::Rule;

/// Safety factor on the trials the current interval says are needed (it shrinks as 1/√N).
const OVERSHOOT: f64 = 1.1;

/// How the precision loop ended.
#[derive(Clone, Debug, PartialEq)]
pub struct PrecisionOutcome {
    /// Target half-width of the P50 interval, as a share of P50.
    pub target: f64,
    pub trials: u32,
    pub batches: u32,
    /// Widest relative half-width over the pools, reached with `trials`.
    pub reached: f64,
    /// The target was met (otherwise the memory limit or the trial cap stopped the loop).
    pub met: bool,
}

/// Widest relative half-width of the P50 interval at the min-mean k over the pools.
pub fn widest_half_width(report: &RunReport) -> f64 {
    report
        .pools
        .iter()
        .map(|p| {
            let k = p
                .choices
                .iter()
                .find(|c| c.rule == Rule::MinMean)
                .map_or(0, |c| c.units);
            let (error, p50) = error_at(&p.run, k);
            error.p50_relative_half_width(p50)
        })
        .fold(0.0, f64::max)
}

/// The trial count to try next: enough by the 1/√N law (with a margin), at least one more batch,
/// a whole number of batches, at most `MAX_TRIALS`.
pub fn next_trials(trials: u32, batch: u32, reached: f64, target: f64) -> u32 {
    let wanted = f64::from(trials) * (reached / target).powi(2) * OVERSHOOT;
    let wanted = if wanted.is_finite() {
        wanted.min(f64::from(MAX_TRIALS))
    } else {
        f64::from(MAX_TRIALS)
    };
    let batches = (wanted / f64::from(batch)).ceil() as u64;
    let next = (batches * u64::from(batch)).max(u64::from(trials) + u64::from(batch));
    next.min(u64::from(MAX_TRIALS)) as u32
}

/// Runs `scenario` (its `trials` is the batch size) until the target is met, `fits(trials)` says
/// a larger run would not fit in memory, or the trial cap is reached. `planned(trials)` is called
/// before each batch with the trial count the run will have after it; `progress` once per trial
/// of each pool.
pub fn analyse_to_precision(
    scenario: &Scenario,
    max_units: &[u32],
    target: f64,
    fits: &dyn Fn(u32) -> bool,
    planned: &dyn Fn(u32),
    progress: &(dyn Fn() + Sync),
) -> (RunReport, PrecisionOutcome) {
    let batch = scenario.trials.max(1);
    let mut trials = 0u32;
    let mut runs: Vec<PoolRun> = scenario
        .pools
        .iter()
        .zip(max_units)
        .map(|(pool, &k)| PoolRun {
            units: pool.steps.counts_to(k),
            trials: Vec::new(),
        })
        .collect();
    let mut next = batch;
    let mut batches = 0;
    loop {
        planned(next);
        for (run, pool) in runs.iter_mut().zip(&scenario.pools) {
            let more = run_pool(
                scenario,
                pool,
                u64::from(trials)..u64::from(next),
                run.max_units(),
                progress,
            );
            run.trials.extend(more.trials);
        }
        trials = next;
        batches += 1;
        let resolved = Scenario {
            trials,
            ..scenario.clone()
        };
        let report = RunReport {
            pools: runs
                .into_iter()
                .enumerate()
                .map(|(i, run)| pool_report(&resolved, i, run))
                .collect(),
            scenario: resolved,
        };
        let reached = widest_half_width(&report);
        let met = reached <= target;
        let wanted = next_trials(trials, batch, reached, target);
        let fitting = largest_fitting(trials, wanted, batch, fits);
        if met || fitting.is_none() {
            let outcome = PrecisionOutcome {
                target,
                trials,
                batches,
                reached,
                met,
            };
            return (report, outcome);
        }
        next = fitting.expect("checked above");
        runs = report.pools.into_iter().map(|p| p.run).collect();
    }
}

/// The largest whole number of batches above `trials`, up to `wanted`, that `fits`; None when
/// not even one more batch does.
fn largest_fitting(
    trials: u32,
    wanted: u32,
    batch: u32,
    fits: &dyn Fn(u32) -> bool,
) -> Option<u32> {
    let at = |b: u32| trials + b * batch;
    let mut high = wanted.saturating_sub(trials) / batch;
    if high == 0 || !fits(at(1)) {
        return None;
    }
    let mut low = 1;
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        if fits(at(mid)) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    Some(at(low))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyse, plan};
    use crate::ratecard::RateCard;

    #[test]
    fn next_trials_follows_the_square_root_law_in_whole_batches() {
        // Twice the target: 4 × 1.1 × 100 = 440 → 500 (whole batches of 100).
        assert_eq!(next_trials(100, 100, 0.01, 0.005), 500);
        // Nearly there: still one more batch.
        assert_eq!(next_trials(300, 100, 0.0051, 0.005), 400);
        assert_eq!(next_trials(100, 100, f64::INFINITY, 0.005), MAX_TRIALS);
    }

    #[test]
    fn batches_append_to_the_same_run_as_one_long_run() {
        let mut scenario = Scenario::builtin_default(&RateCard::shipped()).expect("default");
        scenario.horizon_hours = 48;
        scenario.trials = 10;
        scenario.pools.truncate(1);
        let max_units = [6];
        // A target no run can meet: the loop goes as far as memory allows (30 trials here) in
        // whole batches of 10.
        let (report, outcome) =
            analyse_to_precision(&scenario, &max_units, 1e-9, &|n| n <= 30, &|_| {}, &|| {});
        assert_eq!(
            (outcome.trials, outcome.batches, outcome.met),
            (30, 2, false)
        );
        let once = analyse(
            &Scenario {
                trials: 30,
                ..scenario.clone()
            },
            &plan(&scenario, &|| {})
                .iter()
                .map(|_| 6)
                .collect::<Vec<_>>(),
            &|| {},
        );
        assert_eq!(report.pools[0].curve, once.pools[0].curve);
        assert_eq!(report.scenario.trials, 30);
    }
}
