//! A whole run: every pool simulated, then its curve, sizing rules and break-even utilization.

use crate::scenario::Scenario;
use crate::simulate::{Pilot, PoolRun, run_pool, sweep_end_after};
use crate::stats::breakeven::break_even_utilization;
use crate::stats::curve::{CurveRow, curve};
use crate::stats::sizing::{Choice, SizingRow, choose, sizing_rows};

/// What a run found for one pool.
#[derive(Clone, Debug)]
pub struct PoolReport {
    /// Index into `scenario.pools`.
    pub pool_index: usize,
    pub name: String,
    pub run: PoolRun,
    pub curve: Vec<CurveRow>,
    pub choices: Vec<Choice>,
    pub sizing: Vec<SizingRow>,
    pub break_even_utilization: Option<f64>,
}

/// What a run found, pool by pool, in scenario order.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub scenario: Scenario,
    pub pools: Vec<PoolReport>,
}

/// The sweep end of every pool, in scenario order (see `simulate::sweep_end`); `progress` is
/// called once per trial of each pool without `max_units`.
pub fn plan(scenario: &Scenario, progress: &(dyn Fn() + Sync)) -> Vec<u32> {
    plan_after(scenario, &Pilot::default(), progress)
}

/// `plan`, reusing the peaks `pilot` drew (the same trials: the result is the same).
pub fn plan_after(scenario: &Scenario, pilot: &Pilot, progress: &(dyn Fn() + Sync)) -> Vec<u32> {
    scenario
        .pools
        .iter()
        .enumerate()
        .map(|(i, pool)| {
            let known = pilot.peaks.get(i).map_or(&[][..], Vec::as_slice);
            sweep_end_after(scenario, pool, scenario.trials, known, progress)
        })
        .collect()
}

impl PoolReport {
    /// The curve row at `units`, a count of the sweep.
    pub fn row_at(&self, units: u32) -> &CurveRow {
        &self.curve[self.run.index_of(units)]
    }
}

/// The curve, sizing rules and break-even utilization of pool `pool_index`'s run.
pub fn pool_report(scenario: &Scenario, pool_index: usize, run: PoolRun) -> PoolReport {
    let pool = &scenario.pools[pool_index];
    let curve = curve(&pool.name, &run);
    let choices = choose(&run, &curve, pool.steps);
    let sizing = sizing_rows(&choices, &curve, &run);
    PoolReport {
        pool_index,
        name: pool.name.clone(),
        break_even_utilization: break_even_utilization(scenario, pool),
        run,
        curve,
        choices,
        sizing,
    }
}

/// Simulates every pool of `scenario` for k = 0..=`max_units[pool]` (in the current rayon
/// thread pool).
pub fn analyse(scenario: &Scenario, max_units: &[u32], progress: &(dyn Fn() + Sync)) -> RunReport {
    let pools = scenario
        .pools
        .iter()
        .zip(max_units)
        .enumerate()
        .map(|(pool_index, (pool, &max_units))| {
            let trials = 0..u64::from(scenario.trials);
            pool_report(
                scenario,
                pool_index,
                run_pool(scenario, pool, trials, max_units, progress),
            )
        })
        .collect();
    RunReport {
        scenario: scenario.clone(),
        pools,
    }
}
