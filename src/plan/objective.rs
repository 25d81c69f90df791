//! What "best" means for a plan (issue 15): the mean, P90 or CVaR95 of its total cost over the
//! trials, optionally subject to a ceiling on the probability that it costs more than all
//! on-demand in the same trial. Scores compare the constraint's excess first, then the value.

use serde::{Deserialize, Serialize};

use crate::stats::quantile::{cvar_upper, mean, percentile_sorted, sort_floats};

/// The statistic of total cost a search minimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    #[default]
    Mean,
    P90,
    Cvar95,
}

impl Objective {
    pub fn as_str(self) -> &'static str {
        match self {
            Objective::Mean => "mean",
            Objective::P90 => "p90",
            Objective::Cvar95 => "cvar95",
        }
    }

    /// The statistic of `costs` (trial order; the mean is summed in that order) and `sorted`,
    /// the same costs ascending.
    pub fn value(self, costs: &[f64], sorted: &[f64]) -> f64 {
        match self {
            Objective::Mean => mean(costs),
            Objective::P90 => percentile_sorted(sorted, 0.9),
            Objective::Cvar95 => cvar_upper(sorted, 0.05),
        }
    }
}

/// The objective and its optional constraint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Goal {
    pub objective: Objective,
    /// Most probability allowed of costing more than all on-demand in the same trial.
    pub max_loss_probability: Option<f64>,
}

/// How good a plan is: lower is better, the constraint's excess first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// How far P(cost > on-demand) is above the ceiling (0 when the plan meets it).
    pub excess_loss: f64,
    /// The objective's value, USD.
    pub value: f64,
}

impl Score {
    /// Strictly better (ties are not).
    pub fn better_than(&self, other: &Score) -> bool {
        self.excess_loss < other.excess_loss
            || (self.excess_loss == other.excess_loss && self.value < other.value)
    }

    /// Worse than anything.
    pub const WORST: Score = Score {
        excess_loss: f64::INFINITY,
        value: f64::INFINITY,
    };
}

/// Share of trials in which `costs[t]` is strictly above `on_demand[t]`.
pub fn loss_probability(costs: &[f64], on_demand: &[f64]) -> f64 {
    let losses = costs.iter().zip(on_demand).filter(|(c, o)| c > o).count();
    losses as f64 / costs.len().max(1) as f64
}

impl Goal {
    /// The score of a plan costing `costs[t]` in trial t (trial order), against all on-demand.
    pub fn score(&self, costs: &[f64], on_demand: &[f64]) -> Score {
        let excess_loss = self.max_loss_probability.map_or(0.0, |limit| {
            (loss_probability(costs, on_demand) - limit).max(0.0)
        });
        let value = if self.objective == Objective::Mean {
            mean(costs)
        } else {
            let mut sorted = costs.to_vec();
            sort_floats(&mut sorted);
            self.objective.value(costs, &sorted)
        };
        Score { excess_loss, value }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objectives_by_hand() {
        let costs: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(Objective::Mean.value(&costs, &costs), 10.5);
        // Type 7: h = 19 · 0.9 = 17.1 → 18 + 0.1 · 1.
        assert!((Objective::P90.value(&costs, &costs) - 18.1).abs() < 1e-12);
        // The worst ⌈5% of 20⌉ = 1 trial.
        assert_eq!(Objective::Cvar95.value(&costs, &costs), 20.0);
    }

    #[test]
    fn the_loss_ceiling_comes_before_the_value() {
        let on_demand = [10.0, 10.0, 10.0, 10.0];
        let goal = Goal {
            objective: Objective::Mean,
            max_loss_probability: Some(0.25),
        };
        // Cheaper on average but above on-demand in half the trials.
        let risky = goal.score(&[1.0, 1.0, 11.0, 11.0], &on_demand);
        let safe = goal.score(&[9.0, 9.0, 9.0, 11.0], &on_demand);
        assert_eq!(risky.excess_loss, 0.25);
        assert_eq!(safe.excess_loss, 0.0);
        assert!(safe.better_than(&risky) && !risky.better_than(&safe));
        // Equal cost is not a loss.
        assert_eq!(loss_probability(&on_demand, &on_demand), 0.0);
    }
}
