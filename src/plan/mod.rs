//! Commitment portfolios (issue 15): plans of layers on mixed terms and start months — a floor on
//! six months, a layer month to month, staggered renewals, re-sizing at renewal — priced under
//! the scenario's growth, forecast error and model-switch risk with common random numbers, and
//! the search for the plan that minimises a chosen objective. No I/O.
//!
//! `layer` turns a plan into units and a unit bill per trial; `table` prices every month at every
//! legal count for the search; `search` finds the best fixed-layer plan; `trials` runs the passes
//! over trials; `summary` makes the rows of `plans.csv`.

pub mod layer;
pub mod memory;
pub mod objective;
pub mod search;
mod strategy;
pub mod summary;
pub mod table;
#[cfg(test)]
mod tests;
pub mod trials;

use rayon::prelude::*;
use serde::Serialize;

use crate::ratecard::Term;
use crate::scenario::{Pool, Scenario};
pub use layer::{Layer, Plan, PlanContext, Resize};
pub use objective::{Goal, Objective};
pub use search::SearchMethod;
use search::{Evaluator, Space};
pub use strategy::SearchSummary;
use strategy::{find_best, single_term_optima};
use summary::{Candidate, LISTED, ON_DEMAND, PlanSample, SEARCH, SINGLE_TERM, summarise};
pub use trials::Watch;
use trials::{Draw, MonthLoad, peaks, price_months, replay, sweep_end};

/// Months a plan covers unless `[plan] months` says otherwise.
pub const DEFAULT_MONTHS: usize = 12;
/// Longest plan: ten years, the longest horizon.
pub const MAX_MONTHS: usize = 120;

/// A plan written in the scenario, for one pool.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListedPlan {
    pub pool: String,
    pub plan: Plan,
}

/// `[plan]` and `[[plans]]`: what `ptsim plan` searches and compares (README "Commitment plans").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanSettings {
    /// Whole months the plans cover.
    pub months: usize,
    /// Terms the search may use; None: every term of the pool's product with a price.
    pub terms: Option<Vec<Term>>,
    pub goal: Goal,
    pub trials: u32,
    pub search: SearchMethod,
    pub plans: Vec<ListedPlan>,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            months: DEFAULT_MONTHS,
            terms: None,
            goal: Goal::default(),
            trials: crate::scenario::RiskSettings::default().trials,
            search: SearchMethod::Auto,
            plans: Vec::new(),
        }
    }
}

impl PlanSettings {
    /// The terms searched for `pool`: the listed ones it has a price for (all priced by default)
    /// whose first term fits in the window, shortest first.
    pub fn search_terms(&self, pool: &Pool) -> Vec<Term> {
        pool.term_prices
            .iter()
            .map(|p| p.term)
            .filter(|t| self.terms.as_ref().is_none_or(|list| list.contains(t)))
            .filter(|&t| layer::fits(t, 0, self.months))
            .collect()
    }
}

/// What `ptsim plan` found for one pool.
#[derive(Clone, Debug)]
pub struct PoolPlans {
    pub name: String,
    /// Index into `scenario.pools`.
    pub pool_index: usize,
    /// Terms the search used.
    pub terms: Vec<Term>,
    /// Largest total a searched plan may have in service (the sweep end).
    pub max_units: u32,
    pub search: SearchSummary,
    /// Candidates in order (on-demand, single terms, listed, search), then hindsight.
    pub samples: Vec<PlanSample>,
    pub recommended: usize,
    /// `[month][trial]`: the month's P50 and P95 hourly realtime load.
    pub load: Vec<Vec<MonthLoad>>,
    /// Share of trials whose traffic moved within the window.
    pub switch_share: f64,
}

impl PoolPlans {
    /// The recommended plan's row and samples.
    pub fn best(&self) -> &PlanSample {
        &self.samples[self.recommended]
    }
}

/// What `ptsim plan` found, pool by pool.
#[derive(Clone, Debug)]
pub struct PlansReport {
    pub scenario: Scenario,
    pub settings: PlanSettings,
    pub pools: Vec<PoolPlans>,
}

impl PlansReport {
    /// The rows of plans.csv, pool by pool.
    pub fn rows(&self) -> impl Iterator<Item = &summary::PlanRow> {
        self.pools
            .iter()
            .flat_map(|p| p.samples.iter().map(|s| &s.row))
    }
}

/// Searches and compares the plans of every pool over `settings.trials` trials (in the current
/// rayon pool), telling `watch` of each pass and trial. Err when an exhaustive search is asked of
/// a space too large to enumerate.
pub fn analyse_plans(
    scenario: &Scenario,
    settings: &PlanSettings,
    watch: Watch,
) -> Result<PlansReport, String> {
    let pools = scenario
        .pools
        .iter()
        .enumerate()
        .map(|(i, pool)| analyse_pool(scenario, settings, i, pool, watch))
        .collect::<Result<_, _>>()?;
    Ok(PlansReport {
        scenario: scenario.clone(),
        settings: settings.clone(),
        pools,
    })
}

fn analyse_pool(
    scenario: &Scenario,
    settings: &PlanSettings,
    pool_index: usize,
    pool: &Pool,
    watch: Watch,
) -> Result<PoolPlans, String> {
    let trials = settings.trials;
    let draw = Draw::new(scenario, pool, settings.months, watch);
    let pass = |what: &str| (watch.pass)(&format!("pool {}: {what}", pool.name));
    let ctx = PlanContext {
        months: settings.months,
        steps: pool.steps,
        prices: pool.term_prices.clone(),
        keep: 1.0 - pool.model.discount,
    };
    // The sweep end needs a pass of its own only where a month costs something at any count.
    let max_units = pool.max_units.or_else(|| {
        (pool.model.intra_hour_cv > 0.0).then(|| {
            pass("finding the sweep end");
            sweep_end(&draw, &peaks(&draw, trials))
        })
    });
    pass("pricing every month at every unit count");
    let (table, loads) = price_months(&draw, max_units, trials);
    let max_units = table.max_units();
    let terms = settings.search_terms(pool);
    let space = Space::new(&terms, &ctx, &table);
    let all: Vec<usize> = (0..table.trials.len()).collect();
    let evaluator = Evaluator::new(&space, &table, settings.goal, all);
    let listed: Vec<&ListedPlan> = settings
        .plans
        .iter()
        .filter(|p| p.pool == pool.name)
        .collect();
    let singles = single_term_optima(&evaluator, &space, &terms);
    let starts: Vec<Vec<u32>> = listed
        .iter()
        .filter_map(|p| space.counts_of(&p.plan))
        .collect();
    pass("searching, then each trial's plan in hindsight");
    let (best, search) = find_best(&evaluator, &space, settings.search, &singles, &starts)?;

    let mut candidates = vec![Candidate {
        source: ON_DEMAND,
        plan: Plan {
            name: "all on-demand".to_string(),
            layers: Vec::new(),
        },
    }];
    candidates.extend(singles.iter().map(|(t, found)| Candidate {
        source: SINGLE_TERM,
        plan: space.plan(&found.counts, &format!("{} only", t.as_str())),
    }));
    candidates.extend(listed.iter().map(|p| Candidate {
        source: LISTED,
        plan: p.plan.clone(),
    }));
    candidates.push(Candidate {
        source: SEARCH,
        plan: space.plan(&best.counts, "best (search)"),
    });
    // Each trial's own best fixed plan, known afterwards: descent from the search's best.
    let hindsight: Vec<Plan> = (0..table.trials.len())
        .into_par_iter()
        .map(|t| {
            let one = Evaluator::new(&space, &table, Goal::default(), vec![t]);
            let plan = space.plan(&one.descend(best.counts.clone(), false).counts, "hindsight");
            (watch.step)();
            plan
        })
        .collect();
    pass("replaying every plan hour by hour");
    let plans: Vec<Plan> = candidates.iter().map(|c| c.plan.clone()).collect();
    let priced = replay(&draw, &ctx, &plans, &hindsight, trials);
    let (samples, recommended) = summarise(&pool.name, &candidates, &priced, settings.goal);
    let switched = table
        .trials
        .iter()
        .filter(|t| t.switch_month.is_some())
        .count();
    Ok(PoolPlans {
        name: pool.name.clone(),
        pool_index,
        terms,
        max_units,
        search,
        samples,
        recommended,
        load: (0..settings.months)
            .map(|m| loads.iter().map(|l| l[m]).collect())
            .collect(),
        switch_share: switched as f64 / f64::from(trials.max(1)),
    })
}
