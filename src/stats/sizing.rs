//! The sizing rules advisors quote, each turned into a k and that k's cost distribution, side by
//! side with the k that minimises a statistic of cost (docs/model.md §6, `sizing.csv`).

use serde::Serialize;

use super::curve::CurveRow;
use super::quantile::{percentile_sorted, sort_floats};
use crate::ratecard::UnitSteps;
use crate::simulate::PoolRun;

/// Utilization the `utilization_target` rule asks for ("PT pays above 60–70%").
pub const UTILIZATION_TARGET: f64 = 0.65;
/// Share of the observed peak the `peak_fraction` rule commits to ("70–80% of peak").
pub const PEAK_FRACTION: f64 = 0.75;

/// A sizing rule (docs/model.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    P50Floor,
    PeakFraction,
    UtilizationTarget,
    MinMean,
    MinP90,
    MinCvar95,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::P50Floor,
        Rule::PeakFraction,
        Rule::UtilizationTarget,
        Rule::MinMean,
        Rule::MinP90,
        Rule::MinCvar95,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::P50Floor => "p50_floor",
            Rule::PeakFraction => "peak_fraction",
            Rule::UtilizationTarget => "utilization_target",
            Rule::MinMean => "min_mean",
            Rule::MinP90 => "min_p90",
            Rule::MinCvar95 => "min_cvar95",
        }
    }

    /// What the rule says, for tables and reports.
    pub fn description(self) -> &'static str {
        match self {
            Rule::P50Floor => "cover the median hourly load, spill the rest",
            Rule::PeakFraction => "commit to 75% of the observed peak",
            Rule::UtilizationTarget => "most units still used >= 65% on average",
            Rule::MinMean => "lowest expected cost",
            Rule::MinP90 => "lowest P90 cost (bad month)",
            Rule::MinCvar95 => "lowest mean of the worst 5% of trials",
        }
    }
}

/// One row of `sizing.csv` (field order = column order; docs/model.md §7).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SizingRow {
    pub pool: String,
    pub rule: &'static str,
    pub units: u32,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub cvar95: f64,
    pub savings_p50: f64,
    pub prob_beats_on_demand: f64,
    pub utilization_mean: f64,
    /// Monte Carlo standard error of `mean` (issue 5; columns appended after docs/model.md §7's).
    pub mean_se: f64,
    /// Monte Carlo standard error of `p50`, from its order-statistic 95% interval.
    pub p50_se: f64,
    pub p50_ci95_low: f64,
    pub p50_ci95_high: f64,
}

/// A rule's choice before it is looked up on the curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Choice {
    pub rule: Rule,
    pub units: u32,
    /// The rule asked for more units than the sweep has; `units` is the sweep's end.
    pub capped: bool,
}

/// Median across trials of a per-trial statistic.
fn median_over_trials(run: &PoolRun, stat: fn(&crate::simulate::LoadSummary) -> f64) -> f64 {
    let mut values: Vec<f64> = run.trials.iter().map(|t| stat(&t.load)).collect();
    sort_floats(&mut values);
    percentile_sorted(&values, 0.5)
}

/// The k of every rule for one pool (docs/decisions.md §11), each a count the product is sold
/// in: the floor rule rounds down to one, the peak rule up.
pub fn choose(run: &PoolRun, curve: &[CurveRow], steps: UnitSteps) -> Vec<Choice> {
    let argmin = |stat: fn(&CurveRow) -> f64| {
        // First minimum: ties go to the smaller k.
        curve
            .iter()
            .fold(None::<&CurveRow>, |best, row| match best {
                Some(b) if stat(b) <= stat(row) => Some(b),
                _ => Some(row),
            })
            .map_or(0, |row| row.units)
    };
    Rule::ALL
        .iter()
        .map(|&rule| {
            let wanted = match rule {
                Rule::P50Floor => {
                    steps.round_down(median_over_trials(run, |l| l.p50).floor() as u32)
                }
                Rule::PeakFraction => steps
                    .round_up((PEAK_FRACTION * median_over_trials(run, |l| l.peak)).ceil() as u32),
                Rule::UtilizationTarget => curve
                    .iter()
                    .filter(|r| r.units > 0 && r.utilization_mean >= UTILIZATION_TARGET)
                    .map(|r| r.units)
                    .max()
                    .unwrap_or(0),
                Rule::MinMean => argmin(|r| r.mean),
                Rule::MinP90 => argmin(|r| r.p90),
                Rule::MinCvar95 => argmin(|r| r.cvar95),
            };
            Choice {
                rule,
                units: wanted.min(run.max_units()),
                capped: wanted > run.max_units(),
            }
        })
        .collect()
}

/// The `sizing.csv` rows of one pool, with the Monte Carlo error of each rule's k.
pub fn sizing_rows(choices: &[Choice], curve: &[CurveRow], run: &PoolRun) -> Vec<SizingRow> {
    choices
        .iter()
        .map(|c| {
            let row = &curve[run.index_of(c.units)];
            let (error, _) = super::convergence::error_at(run, c.units);
            SizingRow {
                pool: row.pool.clone(),
                rule: c.rule.as_str(),
                units: c.units,
                mean: row.mean,
                p50: row.p50,
                p90: row.p90,
                cvar95: row.cvar95,
                savings_p50: row.savings_p50,
                prob_beats_on_demand: row.prob_beats_on_demand,
                utilization_mean: row.utilization_mean,
                mean_se: error.mean_se,
                p50_se: error.p50_se,
                p50_ci95_low: error.p50_ci95_low,
                p50_ci95_high: error.p50_ci95_high,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::UnitOutcome;
    use crate::simulate::{LoadSummary, TrialOutcome};
    use crate::stats::curve::curve;

    /// Trials with the given per-k totals and utilizations, and the given load summaries.
    fn run(totals: &[&[f64]], utilization: &[f64], loads: &[(f64, f64)]) -> PoolRun {
        let trials = totals
            .iter()
            .zip(loads)
            .map(|(by_k, &(p50, peak))| TrialOutcome {
                load: LoadSummary {
                    p50,
                    peak,
                    peak_all: peak,
                },
                by_units: by_k
                    .iter()
                    .zip(utilization)
                    .enumerate()
                    .map(|(k, (&total_usd, &utilization))| UnitOutcome {
                        units: k as u32,
                        total_usd,
                        utilization,
                        ..UnitOutcome::default()
                    })
                    .collect(),
            })
            .collect();
        PoolRun {
            units: (0..utilization.len() as u32).collect(),
            trials,
        }
    }

    #[test]
    fn each_rule_picks_its_k() {
        // Three trials, k = 0..=4. Means: 100, 80, 70, 75, 90; P90 lowest at k = 3; the worst
        // trial (CVaR95 = the maximum with 3 trials) lowest at k = 3 as well.
        let r = run(
            &[
                &[100.0, 80.0, 60.0, 70.0, 90.0],
                &[90.0, 70.0, 60.0, 70.0, 90.0],
                &[110.0, 90.0, 90.0, 85.0, 90.0],
            ],
            &[0.0, 0.99, 0.8, 0.66, 0.5],
            &[(2.7, 4.0), (1.2, 3.0), (3.9, 5.0)],
        );
        let c = curve("p", &r);
        let chosen: Vec<(&str, u32)> = choose(&r, &c, UnitSteps::default())
            .iter()
            .map(|c| (c.rule.as_str(), c.units))
            .collect();
        assert_eq!(
            chosen,
            [
                ("p50_floor", 2),          // ⌊median(2.7, 1.2, 3.9)⌋ = ⌊2.7⌋
                ("peak_fraction", 3),      // ⌈0.75 · median(4, 3, 5)⌉ = ⌈3⌉
                ("utilization_target", 3), // largest k with mean utilization ≥ 0.65
                ("min_mean", 2),
                ("min_p90", 3),
                ("min_cvar95", 3),
            ]
        );
    }

    #[test]
    fn curve_savings_and_beat_probability_are_per_trial() {
        let r = run(
            &[&[100.0, 90.0], &[50.0, 60.0]],
            &[0.0, 0.5],
            &[(0.5, 1.0), (0.5, 1.0)],
        );
        let c = curve("p", &r);
        // Savings per trial: 10 and −10; P(k = 1 beats k = 0) = 1/2.
        assert_eq!(c[1].prob_beats_on_demand, 0.5);
        assert_eq!(c[1].savings_p50, 0.0);
        assert_eq!(c[1].savings_p10, -8.0); // type 7: −10 + 0.1 · 20
        assert_eq!(c[1].cvar95, 90.0); // ⌈0.05 · 2⌉ = 1 worst trial
        assert_eq!(c[0].savings_p90, 0.0);
    }

    #[test]
    fn rules_beyond_the_sweep_are_capped_and_flagged() {
        let r = run(&[&[10.0, 9.0]], &[0.0, 1.0], &[(7.5, 20.0)]);
        let c = curve("p", &r);
        let floor = choose(&r, &c, UnitSteps::default())[0];
        assert_eq!((floor.units, floor.capped), (1, true));
    }
}
