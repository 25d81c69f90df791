//! From priced trials to `terms.csv` (issue 5): each term's policies — all on-demand, the fixed
//! k with the lowest mean cost on that term, the rolling monthly re-size, the hindsight-optimal
//! fixed k of each trial — their cost distribution, and their regret: cost minus the cheapest
//! option on the table for the same trial, known in hindsight (any term, any fixed k, or the
//! rolling re-size when it beat them all), so regret is never negative.

use serde::Serialize;

use super::terms::{PolicyCost, TermsPlan, TermsTrial};
use crate::stats::quantile::{cvar_upper, mean, percentile_sorted, sort_floats};

/// Policy names in `terms.csv`.
pub const ON_DEMAND: &str = "on_demand";
pub const FIXED: &str = "fixed";
pub const ROLLING: &str = "rolling_p50";
pub const HINDSIGHT: &str = "hindsight";

/// One row of `terms.csv` (field order = column order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermsRow {
    pub pool: String,
    /// A term, `none` for all on-demand, `any` for the hindsight optimum over every term.
    pub term: &'static str,
    pub policy: &'static str,
    /// Units bought: k for `fixed`; the mean over trials of the k (or mean fleet) of each trial
    /// for `hindsight` and `rolling_p50`.
    pub units: f64,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub cvar95: f64,
    pub regret_mean: f64,
    pub regret_p95: f64,
    pub prob_beats_on_demand: f64,
    pub stranded_usd_mean: f64,
}

/// A row with its per-trial samples, ascending (for the charts).
#[derive(Clone, Debug, PartialEq)]
pub struct TermsSample {
    pub row: TermsRow,
    pub costs_sorted: Vec<f64>,
    pub regrets_sorted: Vec<f64>,
    /// Cost of each trial, in trial order.
    pub costs: Vec<f64>,
    /// Regret of each trial, in trial order.
    pub regrets: Vec<f64>,
}

/// Index of the first minimum (ties go to the smaller index).
fn argmin(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::INFINITY);
    for (i, v) in values.enumerate() {
        if v < best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// The cheapest option of one trial in hindsight: every fixed k of every term and every
/// rolling re-size.
fn hindsight(trial: &TermsTrial) -> PolicyCost {
    let options = trial
        .fixed
        .iter()
        .flatten()
        .chain(trial.rolling.iter().flatten());
    let mut best = PolicyCost {
        total_usd: f64::INFINITY,
        ..PolicyCost::default()
    };
    for o in options {
        if o.total_usd < best.total_usd {
            best = *o;
        }
    }
    best
}

/// Rows of one pool: `none`/on_demand, then per term fixed, rolling_p50 (where allowed) and
/// hindsight, then `any`/hindsight.
pub fn summarise(pool: &str, plan: &TermsPlan, trials: &[TermsTrial]) -> Vec<TermsSample> {
    let fleets = plan.units();
    let reference: Vec<f64> = trials.iter().map(|t| hindsight(t).total_usd).collect();
    let on_demand: Vec<f64> = trials.iter().map(TermsTrial::on_demand_usd).collect();
    let sample =
        |term: &'static str, policy: &'static str, units: f64, outcomes: Vec<PolicyCost>| {
            let costs: Vec<f64> = outcomes.iter().map(|o| o.total_usd).collect();
            let regrets: Vec<f64> = costs.iter().zip(&reference).map(|(c, r)| c - r).collect();
            let beats = costs
                .iter()
                .zip(&on_demand)
                .filter(|(c, od)| c < od)
                .count();
            let stranded: Vec<f64> = outcomes.iter().map(|o| o.stranded_usd).collect();
            let mut costs_sorted = costs.clone();
            sort_floats(&mut costs_sorted);
            let mut regrets_sorted = regrets.clone();
            sort_floats(&mut regrets_sorted);
            let n = costs.len().max(1) as f64;
            let p = |q| percentile_sorted(&costs_sorted, q);
            TermsSample {
                row: TermsRow {
                    pool: pool.to_string(),
                    term,
                    policy,
                    units,
                    mean: mean(&costs),
                    p5: p(0.05),
                    p50: p(0.5),
                    p95: p(0.95),
                    cvar95: cvar_upper(&costs_sorted, 0.05),
                    regret_mean: mean(&regrets),
                    regret_p95: percentile_sorted(&regrets_sorted, 0.95),
                    prob_beats_on_demand: beats as f64 / n,
                    stranded_usd_mean: mean(&stranded),
                },
                costs_sorted,
                regrets_sorted,
                costs,
                regrets,
            }
        };
    let mut rows = vec![sample(
        "none",
        ON_DEMAND,
        0.0,
        trials.iter().map(|t| t.fixed[0][0]).collect(),
    )];
    for (i, term) in plan.terms.iter().enumerate() {
        let name = term.term.as_str();
        let best = argmin((0..fleets.len()).map(|j| {
            mean(
                &trials
                    .iter()
                    .map(|t| t.fixed[i][j].total_usd)
                    .collect::<Vec<_>>(),
            )
        }));
        let mut at = vec![best];
        at.extend(
            plan.extra_units
                .iter()
                .filter_map(|u| fleets.binary_search(u).ok()),
        );
        at.sort_unstable();
        at.dedup();
        for j in at {
            rows.push(sample(
                name,
                FIXED,
                f64::from(fleets[j]),
                trials.iter().map(|t| t.fixed[i][j]).collect(),
            ));
        }
        if trials.first().is_some_and(|t| t.rolling[i].is_some()) {
            let outcomes: Vec<PolicyCost> = trials
                .iter()
                .map(|t| t.rolling[i].unwrap_or_default())
                .collect();
            let units = mean(&outcomes.iter().map(|o| o.units).collect::<Vec<_>>());
            rows.push(sample(name, ROLLING, units, outcomes));
        }
        let best: Vec<PolicyCost> = trials
            .iter()
            .map(|t| t.fixed[i][argmin(t.fixed[i].iter().map(|o| o.total_usd))])
            .collect();
        let units = mean(&best.iter().map(|o| o.units).collect::<Vec<_>>());
        rows.push(sample(name, HINDSIGHT, units, best));
    }
    let best: Vec<PolicyCost> = trials.iter().map(hindsight).collect();
    let units = mean(&best.iter().map(|o| o.units).collect::<Vec<_>>());
    rows.push(sample("any", HINDSIGHT, units, best));
    rows
}
