//! From replayed trials to the rows of `plans.csv` (issue 15): each plan's cost distribution, its
//! regret against the cheapest plan of the same trial in hindsight (the trial's own searched plan
//! or any plan on the table, whichever cost less, so regret is never negative), its stranded
//! bill, how often it beats all on-demand, and which plan the objective recommends.

use serde::Serialize;

use super::layer::Plan;
use super::objective::{Goal, Score, loss_probability};
use super::trials::{Priced, TrialPrices};
use crate::stats::policy_costs::PolicyCosts;
use crate::stats::quantile::mean;

/// Where a row's plan comes from (`plans.csv` column `source`).
pub const ON_DEMAND: &str = "on_demand";
pub const SINGLE_TERM: &str = "single_term";
pub const LISTED: &str = "listed";
pub const SEARCH: &str = "search";
pub const HINDSIGHT: &str = "hindsight";

/// One row of `plans.csv` (field order = column order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanRow {
    pub pool: String,
    pub plan: String,
    pub source: &'static str,
    /// "4 six_month @0 + 2 one_month @3 re-size p50": units, term, start month (0-based).
    pub layers: String,
    /// Units in service, averaged over the window's months and the trials.
    pub units_mean: f64,
    pub mean: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub cvar95: f64,
    pub regret_mean: f64,
    pub regret_p95: f64,
    pub stranded_usd_mean: f64,
    pub prob_beats_on_demand: f64,
    pub prob_loss_vs_on_demand: f64,
    /// The objective's value (mean, P90 or CVaR95 of total cost).
    pub objective: f64,
    pub recommended: bool,
}

/// A row with its samples (for the charts and tests).
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSample {
    pub row: PlanRow,
    /// None for the hindsight row (a different plan in each trial).
    pub plan: Option<Plan>,
    /// Cost of each trial, in trial order.
    pub costs: Vec<f64>,
    pub costs_sorted: Vec<f64>,
    pub regrets: Vec<f64>,
    /// `[layer][month]`: units in service, averaged over trials.
    pub layer_units_mean: Vec<Vec<f64>>,
}

/// A plan to report and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub source: &'static str,
    pub plan: Plan,
}

fn layer_means(outcomes: &[&Priced]) -> Vec<Vec<f64>> {
    let Some(first) = outcomes.first() else {
        return Vec::new();
    };
    let n = outcomes.len() as f64;
    (0..first.layer_units.len())
        .map(|layer| {
            (0..first.layer_units[layer].len())
                .map(|month| {
                    let sum: u32 = outcomes.iter().map(|o| o.layer_units[layer][month]).sum();
                    f64::from(sum) / n
                })
                .collect()
        })
        .collect()
}

/// The rows of one pool: every candidate in order, then the hindsight row; and the index of the
/// recommended candidate (the best score on the replayed costs; the first wins ties).
pub fn summarise(
    pool: &str,
    candidates: &[Candidate],
    trials: &[TrialPrices],
    goal: Goal,
) -> (Vec<PlanSample>, usize) {
    let on_demand: Vec<f64> = trials.iter().map(|t| t.on_demand_usd).collect();
    let best_of_trial: Vec<&Priced> = trials
        .iter()
        .map(|t| {
            t.plans.iter().fold(&t.hindsight, |best, p| {
                if p.total_usd < best.total_usd {
                    p
                } else {
                    best
                }
            })
        })
        .collect();
    let reference: Vec<f64> = best_of_trial.iter().map(|p| p.total_usd).collect();
    let sample = |plan: &str, source, layers: String, outcomes: Vec<&Priced>| {
        let costs: Vec<f64> = outcomes.iter().map(|o| o.total_usd).collect();
        let t = PolicyCosts::new(costs, &reference, &on_demand);
        let p = |q| t.percentile(q);
        let units: Vec<f64> = outcomes.iter().map(|o| o.units_mean()).collect();
        let stranded: Vec<f64> = outcomes.iter().map(|o| o.stranded_usd).collect();
        PlanSample {
            row: PlanRow {
                pool: pool.to_string(),
                plan: plan.to_string(),
                source,
                layers,
                units_mean: mean(&units),
                mean: t.mean(),
                p5: p(0.05),
                p10: p(0.1),
                p25: p(0.25),
                p50: p(0.5),
                p75: p(0.75),
                p90: p(0.9),
                p95: p(0.95),
                cvar95: t.cvar95(),
                regret_mean: t.regret_mean(),
                regret_p95: t.regret_p95(),
                stranded_usd_mean: mean(&stranded),
                prob_beats_on_demand: t.prob_beats_on_demand,
                prob_loss_vs_on_demand: loss_probability(&t.costs, &on_demand),
                objective: goal.objective.value(&t.costs, &t.costs_sorted),
                recommended: false,
            },
            plan: None,
            layer_units_mean: if source == HINDSIGHT {
                Vec::new()
            } else {
                layer_means(&outcomes)
            },
            costs: t.costs,
            costs_sorted: t.costs_sorted,
            regrets: t.regrets,
        }
    };
    let mut samples: Vec<PlanSample> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let outcomes = trials.iter().map(|t| &t.plans[i]).collect();
            PlanSample {
                plan: Some(c.plan.clone()),
                ..sample(&c.plan.name, c.source, c.plan.describe(), outcomes)
            }
        })
        .collect();
    let mut recommended = (0, Score::WORST);
    for (i, s) in samples.iter().enumerate() {
        let score = goal.score(&s.costs, &on_demand);
        if score.better_than(&recommended.1) {
            recommended = (i, score);
        }
    }
    if let Some(s) = samples.get_mut(recommended.0) {
        s.row.recommended = true;
    }
    samples.push(sample(
        "hindsight",
        HINDSIGHT,
        "the cheapest plan of each trial".to_string(),
        best_of_trial,
    ));
    (samples, recommended.0)
}
