//! Commitment risk for finance (issue 5): the terms and policies an enterprise chooses between,
//! priced over the full term under growth, forecast error and the chance that the workload moves
//! to another model (`terms`, `regret`); which inputs move the answer most (`sensitivity`); and
//! how many trials a stated precision takes (`convergence`). No I/O.

pub mod convergence;
pub mod regret;
pub mod sensitivity;
pub mod terms;
#[cfg(test)]
mod tests;

use crate::scenario::Scenario;
use crate::simulate::sweep_end;
use regret::{TermsSample, summarise};
use terms::{TermsPlan, simulate};

/// What `ptsim terms` found for one pool.
#[derive(Clone, Debug)]
pub struct PoolTerms {
    pub name: String,
    /// Index into `scenario.pools`.
    pub pool_index: usize,
    pub plan: TermsPlan,
    pub samples: Vec<TermsSample>,
    /// Share of trials in which the traffic moved within the window.
    pub switch_share: f64,
}

/// What `ptsim terms` found, pool by pool.
#[derive(Clone, Debug)]
pub struct TermsReport {
    pub scenario: Scenario,
    pub trials: u32,
    pub pools: Vec<PoolTerms>,
}

impl TermsReport {
    /// The rows of terms.csv, pool by pool.
    pub fn rows(&self) -> impl Iterator<Item = &regret::TermsRow> {
        self.pools
            .iter()
            .flat_map(|p| p.samples.iter().map(|s| &s.row))
    }
}

/// The plan of every pool (scenario order): its terms, and the fleets priced — the sweep end
/// over the window (a pass over the trials for pools without `max_units`, calling `progress`
/// once per trial) and the `extra_units`.
pub fn plan_terms(
    scenario: &Scenario,
    trials: u32,
    extra_units: &[u32],
    progress: &(dyn Fn() + Sync),
) -> Vec<TermsPlan> {
    scenario
        .pools
        .iter()
        .map(|pool| {
            let mut plan = TermsPlan::new(pool, &scenario.risk, 0);
            let window = Scenario {
                horizon_hours: plan.window_hours,
                ..scenario.clone()
            };
            let most = extra_units.iter().copied().max().unwrap_or(0);
            plan.max_units = sweep_end(&window, pool, trials, progress).max(most);
            plan.extra_units = extra_units.to_vec();
            plan
        })
        .collect()
}

/// Prices every pool's terms and policies over `trials` trials as `plans` say (in the current
/// rayon pool), calling `progress` once per trial of each pool.
pub fn price_terms(
    scenario: &Scenario,
    trials: u32,
    plans: Vec<TermsPlan>,
    progress: &(dyn Fn() + Sync),
) -> TermsReport {
    let settings = &scenario.risk;
    let pools = scenario
        .pools
        .iter()
        .zip(plans)
        .enumerate()
        .map(|(pool_index, (pool, plan))| {
            let priced = simulate(scenario, pool, &plan, settings, trials, progress);
            let switched = priced.iter().filter(|t| t.switch_month.is_some()).count();
            PoolTerms {
                name: pool.name.clone(),
                pool_index,
                samples: summarise(&pool.name, &plan, &priced),
                switch_share: switched as f64 / f64::from(trials.max(1)),
                plan,
            }
        })
        .collect();
    TermsReport {
        scenario: scenario.clone(),
        trials,
        pools,
    }
}

/// Prices every pool's terms and policies over `trials` trials (in the current rayon pool), with
/// fixed fleets of `extra_units` reported besides each term's min-mean k.
pub fn analyse_terms(scenario: &Scenario, trials: u32, extra_units: &[u32]) -> TermsReport {
    let plans = plan_terms(scenario, trials, extra_units, &|| {});
    price_terms(scenario, trials, plans, &|| {})
}
