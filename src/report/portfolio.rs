//! The bill across all pools, today (all on-demand) and as recommended, trial by trial: trial t
//! of every pool is priced on the same trial index, so summing the pools' totals of one trial
//! gives one plausible bill for the whole portfolio. Percentiles of that sum are not the sums of
//! the pools' percentiles. A pool whose saving is no meaningful difference counts as on-demand.

use super::format::{Period, usd3};
use super::headline::{Verdict, headline};
use crate::analysis::RunReport;
use crate::simulate::PoolRun;
use crate::stats::quantile::{mean, percentile_sorted, sort_floats};

/// Mean and percentiles of one quantity over trials, USD.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Self {
        let mean = mean(&values);
        sort_floats(&mut values);
        let p = |q| percentile_sorted(&values, q);
        Spread {
            mean,
            p10: p(0.1),
            p50: p(0.5),
            p90: p(0.9),
        }
    }
}

/// The portfolio's bill over the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct Portfolio {
    /// All on-demand.
    pub today: Spread,
    /// Every pool at its recommended count.
    pub recommended: Spread,
    /// Today − recommended, per trial.
    pub savings: Spread,
    /// Share of trials where the recommendation costs strictly less.
    pub prob_beats_on_demand: f64,
}

/// Combines pools, each as its run and the position in its sweep of the count bought.
pub fn combine(pools: &[(&PoolRun, usize)]) -> Portfolio {
    let trials = pools.first().map_or(0, |(run, _)| run.trials.len());
    let (mut today, mut recommended) = (vec![0.0; trials], vec![0.0; trials]);
    // Serial sums in pool order: the same bits whatever the thread count.
    for (run, at) in pools {
        for (t, trial) in run.trials.iter().enumerate() {
            today[t] += trial.by_units[0].total_usd;
            recommended[t] += trial.by_units[*at].total_usd;
        }
    }
    let savings: Vec<f64> = today.iter().zip(&recommended).map(|(a, b)| a - b).collect();
    let beats = savings.iter().filter(|s| **s > 0.0).count();
    Portfolio {
        today: Spread::of(today),
        recommended: Spread::of(recommended),
        savings: Spread::of(savings),
        prob_beats_on_demand: beats as f64 / trials.max(1) as f64,
    }
}

/// The units bought in each pool of a run: the headline's count when it is a buy, else 0.
pub fn bought(report: &RunReport) -> Vec<u32> {
    report
        .pools
        .iter()
        .map(|p| {
            let h = headline(&report.scenario, p);
            if h.verdict == Verdict::Buy {
                h.units
            } else {
                0
            }
        })
        .collect()
}

/// "Across 2 models the recommendation saves $91.2k a month (P10–P90 $60.0k–$120k): the P50
/// bill goes from $336k to $245k".
pub fn sentence(portfolio: &Portfolio, pools: usize, period: Period) -> String {
    if portfolio.savings.mean <= 0.0 {
        return format!("Across {pools} models no unit count pays: stay on demand");
    }
    format!(
        "Across {pools} models the recommendation saves {} {} (P10–P90 {}–{}): the P50 bill goes \
         from {} to {}",
        usd3(portfolio.savings.p50),
        period.per(),
        usd3(portfolio.savings.p10),
        usd3(portfolio.savings.p90),
        usd3(portfolio.today.p50),
        usd3(portfolio.recommended.p50)
    )
}

/// The portfolio of a run.
pub fn portfolio(report: &RunReport) -> Portfolio {
    let pools: Vec<(&PoolRun, usize)> = report
        .pools
        .iter()
        .zip(bought(report))
        .map(|(p, k)| (&p.run, p.run.index_of(k)))
        .collect();
    combine(&pools)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::UnitOutcome;
    use crate::simulate::{LoadSummary, TrialOutcome};

    /// A run with the given totals per trial, k = 0, 1, …
    fn run(totals: &[&[f64]]) -> PoolRun {
        let trials = totals
            .iter()
            .map(|by_k| TrialOutcome {
                load: LoadSummary::default(),
                by_units: by_k
                    .iter()
                    .enumerate()
                    .map(|(k, &total_usd)| UnitOutcome {
                        units: k as u32,
                        total_usd,
                        ..UnitOutcome::default()
                    })
                    .collect(),
            })
            .collect();
        PoolRun {
            units: (0..totals[0].len() as u32).collect(),
            trials,
        }
    }

    #[test]
    fn trials_are_summed_across_pools_before_percentiles() {
        // Pool a buys k = 1, pool b stays on demand. Per-trial sums today: 100+10, 120+30,
        // 80+50 = 110, 150, 130; recommended: 70+10, 100+30, 90+50 = 80, 130, 140.
        let a = run(&[&[100.0, 70.0], &[120.0, 100.0], &[80.0, 90.0]]);
        let b = run(&[&[10.0, 40.0], &[30.0, 45.0], &[50.0, 60.0]]);
        let p = combine(&[(&a, 1), (&b, 0)]);
        assert_eq!(p.today.p50, 130.0);
        assert_eq!(p.today.mean, 130.0);
        assert_eq!(p.recommended.p50, 130.0);
        // Savings 30, 20, −10: P50 20, P10 = −10 + 0.2 · 30 = −4 (type 7).
        assert_eq!(p.savings.p50, 20.0);
        assert!((p.savings.p10 - -4.0).abs() < 1e-12);
        assert!((p.prob_beats_on_demand - 2.0 / 3.0).abs() < 1e-15);
        // The P50 of the sum (130) is not the sum of the P50s (100 + 30).
    }
}
