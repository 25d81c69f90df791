//! From priced trials to `terms.csv` (issue 5): each term's policies — all on-demand, the fixed
//! k with the lowest mean cost on that term, the rolling monthly re-size, the hindsight-optimal
//! fixed k of each trial — their cost distribution, and their regret: cost minus the cheapest
//! option on the table for the same trial, known in hindsight (any term, any fixed k, or the
//! rolling re-size when it beat them all), so regret is never negative.

use serde::Serialize;

use super::terms::{PolicyCost, TermsPlan, TermsTrial};
use crate::stats::policy_costs::PolicyCosts;
use crate::stats::quantile::mean;

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
    /// Units bought, a count the product is sold in: k for `fixed`; for `hindsight` and
    /// `rolling_p50` the median over trials (the lower of the two middle trials when their
    /// number is even) of each trial's k — for the rolling re-size, its last month's fleet.
    pub units: u32,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub cvar95: f64,
    pub regret_mean: f64,
    pub regret_p95: f64,
    pub prob_beats_on_demand: f64,
    pub stranded_usd_mean: f64,
    /// Mean over trials of the units in service, averaged over the window's hours (k for
    /// `fixed`; for `hindsight`, the mean of each trial's k).
    pub units_mean: f64,
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
    let sample = |term: &'static str, policy: &'static str, outcomes: Vec<PolicyCost>| {
        let costs: Vec<f64> = outcomes.iter().map(|o| o.total_usd).collect();
        let t = PolicyCosts::new(costs, &reference, &on_demand);
        let stranded: Vec<f64> = outcomes.iter().map(|o| o.stranded_usd).collect();
        let p = |q| t.percentile(q);
        TermsSample {
            row: TermsRow {
                pool: pool.to_string(),
                term,
                policy,
                units: lower_median(outcomes.iter().map(|o| o.fleet).collect()),
                mean: t.mean(),
                p5: p(0.05),
                p50: p(0.5),
                p95: p(0.95),
                cvar95: t.cvar95(),
                regret_mean: t.regret_mean(),
                regret_p95: t.regret_p95(),
                prob_beats_on_demand: t.prob_beats_on_demand,
                stranded_usd_mean: mean(&stranded),
                units_mean: mean(&outcomes.iter().map(|o| o.units).collect::<Vec<_>>()),
            },
            costs_sorted: t.costs_sorted,
            regrets_sorted: t.regrets_sorted,
            costs: t.costs,
            regrets: t.regrets,
        }
    };
    let mut rows = vec![sample(
        "none",
        ON_DEMAND,
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
                trials.iter().map(|t| t.fixed[i][j]).collect(),
            ));
        }
        if trials.first().is_some_and(|t| t.rolling[i].is_some()) {
            let outcomes: Vec<PolicyCost> = trials
                .iter()
                .map(|t| t.rolling[i].unwrap_or_default())
                .collect();
            rows.push(sample(name, ROLLING, outcomes));
        }
        let best: Vec<PolicyCost> = trials
            .iter()
            .map(|t| t.fixed[i][argmin(t.fixed[i].iter().map(|o| o.total_usd))])
            .collect();
        rows.push(sample(name, HINDSIGHT, best));
    }
    let best: Vec<PolicyCost> = trials.iter().map(hindsight).collect();
    rows.push(sample("any", HINDSIGHT, best));
    rows
}

/// The middle value of `counts` (the lower middle one when their number is even): one of the
/// counts, so a count the product is sold in when they all are. 0 when there are none.
fn lower_median(mut counts: Vec<u32>) -> u32 {
    counts.sort_unstable();
    counts
        .get(counts.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::lower_median;

    #[test]
    fn the_median_count_is_one_of_the_counts() {
        // 15, 20, 25 … (Azure PTUs): the mean of 15 and 20 is not for sale, 15 is.
        assert_eq!(lower_median(vec![20, 15]), 15);
        assert_eq!(lower_median(vec![25, 15, 20]), 20);
        assert_eq!(lower_median(vec![15, 15, 20, 25]), 15);
        assert_eq!(lower_median(vec![]), 0);
    }
}
