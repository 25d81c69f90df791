//! The search's price list (issue 15): for every trial, month and legal unit count, the
//! on-demand and batch USD of that month served by that many units. A plan whose units change
//! only at month starts costs its unit bill plus one look-up per month, so thousands of plans
//! are compared on the same trials (common random numbers) without replaying them.
//!
//! Each month is priced alone: deferrable work still queued at a month's end is billed at batch
//! prices instead of being carried into the next month. The realtime spill is exact; the batch
//! part can only be over-stated, by work that would have been absorbed in the first hours of the
//! next month. The plans reported are then replayed hour by hour over the whole window
//! (`PoolHours::evaluate_schedule`), so no reported number carries this approximation.

use crate::cost::{PoolHours, PoolModel};
use crate::ratecard::UnitSteps;
use crate::risk::terms::HOURS_PER_MONTH;

/// One trial's month costs, levels as in `CostTable::levels`.
#[derive(Clone, Debug, PartialEq)]
pub struct TrialCosts {
    pub switch_month: Option<usize>,
    /// `[month × levels + level]`.
    pub costs: Vec<f64>,
}

/// Month costs of every trial.
#[derive(Clone, Debug, PartialEq)]
pub struct CostTable {
    pub steps: UnitSteps,
    /// The legal counts 0..=max_units priced.
    pub levels: Vec<u32>,
    pub trials: Vec<TrialCosts>,
}

/// On-demand + batch USD (after discount) of each month of `hours` at each of `levels`,
/// `[month × levels + level]`.
pub fn month_costs(hours: &PoolHours, model: &PoolModel, levels: &[u32]) -> Vec<f64> {
    (0..hours.hours() / HOURS_PER_MONTH)
        .flat_map(|m| {
            hours
                .slice(model, m * HOURS_PER_MONTH..(m + 1) * HOURS_PER_MONTH)
                .sweep(model, levels)
                .into_iter()
                .map(|o| o.on_demand_usd + o.batch_usd)
        })
        .collect()
}

impl CostTable {
    /// The position of `units` among the levels, if it is a legal count priced.
    pub fn level(&self, units: u32) -> Option<usize> {
        let max = self.levels.last().copied().unwrap_or(0);
        if units > max || !self.steps.is_legal(units) {
            None
        } else if units == 0 {
            Some(0)
        } else {
            Some(1 + ((units - self.steps.min) / self.steps.increment) as usize)
        }
    }

    /// The largest count priced.
    pub fn max_units(&self) -> u32 {
        self.levels.last().copied().unwrap_or(0)
    }

    /// The level of each month's count, if all are priced.
    pub fn levels_of(&self, units_by_month: &[u32]) -> Option<Vec<usize>> {
        units_by_month.iter().map(|&u| self.level(u)).collect()
    }

    /// What trial `t` pays beside its units with `levels[m]` (from `levels_of`) in service in
    /// month m.
    pub fn non_unit_usd(&self, t: usize, levels: &[usize]) -> f64 {
        let (costs, n) = (&self.trials[t].costs, self.levels.len());
        let mut usd = 0.0;
        for (m, &level) in levels.iter().enumerate() {
            usd += costs[m * n + level];
        }
        usd
    }

    /// All on-demand in trial `t`.
    pub fn on_demand(&self, t: usize) -> f64 {
        self.trials[t].costs.iter().step_by(self.levels.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_the_legal_counts_in_order() {
        let table = CostTable {
            steps: UnitSteps {
                min: 15,
                increment: 5,
            },
            levels: vec![0, 15, 20, 25],
            trials: Vec::new(),
        };
        assert_eq!(
            [0, 14, 15, 20, 25, 26, 30].map(|u| table.level(u)),
            [Some(0), None, Some(1), Some(2), Some(3), None, None]
        );
    }
}
