//! A policy's (or a plan's) cost in each trial against two yardsticks of the same trial: the
//! cheapest option known in hindsight (the regret) and all on-demand. What `terms.csv` and
//! `plans.csv` report of every policy and plan: percentiles, CVaR95, regret and the chance of
//! beating on-demand.

use super::quantile::{cvar_upper, mean, percentile_sorted, sort_floats};

/// Costs and regrets in trial order and ascending.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyCosts {
    pub costs: Vec<f64>,
    pub costs_sorted: Vec<f64>,
    pub regrets: Vec<f64>,
    pub regrets_sorted: Vec<f64>,
    /// Share of trials that cost less than all on-demand of the same trial.
    pub prob_beats_on_demand: f64,
}

impl PolicyCosts {
    /// `costs[i]` against `hindsight[i]` and `on_demand[i]`, trial by trial.
    pub fn new(costs: Vec<f64>, hindsight: &[f64], on_demand: &[f64]) -> Self {
        let regrets: Vec<f64> = costs.iter().zip(hindsight).map(|(c, r)| c - r).collect();
        let beats = costs.iter().zip(on_demand).filter(|(c, o)| c < o).count();
        let prob_beats_on_demand = beats as f64 / costs.len().max(1) as f64;
        let mut costs_sorted = costs.clone();
        sort_floats(&mut costs_sorted);
        let mut regrets_sorted = regrets.clone();
        sort_floats(&mut regrets_sorted);
        PolicyCosts {
            costs,
            costs_sorted,
            regrets,
            regrets_sorted,
            prob_beats_on_demand,
        }
    }

    /// The cost percentile `q` (0–1).
    pub fn percentile(&self, q: f64) -> f64 {
        percentile_sorted(&self.costs_sorted, q)
    }

    pub fn mean(&self) -> f64 {
        mean(&self.costs)
    }

    /// Mean cost of the worst 5% of trials.
    pub fn cvar95(&self) -> f64 {
        cvar_upper(&self.costs_sorted, 0.05)
    }

    pub fn regret_mean(&self) -> f64 {
        mean(&self.regrets)
    }

    pub fn regret_p95(&self) -> f64 {
        percentile_sorted(&self.regrets_sorted, 0.95)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regret_and_beating_on_demand_are_counted_trial_by_trial() {
        // Four trials: the policy costs 10, 20, 30, 40; hindsight 10, 15, 30, 20; on-demand
        // 12, 18, 30, 50. Regret 0, 5, 0, 20; it beats on-demand in trials 1 and 4 (30 = 30
        // does not beat).
        let t = PolicyCosts::new(
            vec![40.0, 10.0, 30.0, 20.0],
            &[20.0, 10.0, 30.0, 15.0],
            &[50.0, 12.0, 30.0, 18.0],
        );
        assert_eq!(t.regrets, [20.0, 0.0, 0.0, 5.0]);
        assert_eq!(t.regrets_sorted, [0.0, 0.0, 5.0, 20.0]);
        assert_eq!(t.costs_sorted, [10.0, 20.0, 30.0, 40.0]);
        assert_eq!(t.prob_beats_on_demand, 0.5);
        assert_eq!(t.mean(), 25.0);
        assert_eq!(t.regret_mean(), 6.25);
        assert_eq!(t.cvar95(), 40.0);
        assert_eq!(t.percentile(0.0), 10.0);
        assert_eq!(t.percentile(1.0), 40.0);
        assert_eq!(
            PolicyCosts::new(Vec::new(), &[], &[]).prob_beats_on_demand,
            0.0
        );
    }
}
