//! `[plan]` and `[[plans]]` (issue 15): the search settings of `ptsim plan` and the plans it
//! compares, checked against the pools — every layer on a term its pool has a price for, in a
//! count its product is sold in, starting early enough for its first term to end in the window.

use super::ScenarioError;
use super::file::{ListedPlanFile, PlanFile};
use super::resolve::{Locator, MAX_UNITS, trial_count};
use super::{Pool, TermPrice};
use crate::plan::layer::{PlanContext, bill, fits, term_months};
use crate::plan::{Layer, ListedPlan, MAX_MONTHS, Plan, PlanSettings};

/// The plan settings, or None when the scenario has neither section; trials default to
/// `risk_trials` (`[risk] trials`).
pub(super) fn resolve(
    loc: &Locator,
    file: Option<&PlanFile>,
    listed: &[ListedPlanFile],
    pools: &[Pool],
    risk_trials: u32,
) -> Result<Option<PlanSettings>, ScenarioError> {
    if file.is_none() && listed.is_empty() {
        return Ok(None);
    }
    let mut settings = PlanSettings {
        trials: risk_trials,
        ..PlanSettings::default()
    };
    if let Some(f) = file {
        if let Some(m) = &f.months {
            let months = *m.get_ref() as usize;
            if months == 0 || months > MAX_MONTHS {
                return Err(loc.spanned(
                    m,
                    "plan.months",
                    format!("expected 1 to {MAX_MONTHS} months, got {months}"),
                ));
            }
            settings.months = months;
        }
        if let Some(t) = &f.trials {
            settings.trials = trial_count(loc, t, "plan.trials")?;
        }
        settings.goal.objective = f.objective.unwrap_or_default();
        settings.goal.max_loss_probability = f.max_loss_probability.map(|s| s.0);
        settings.search = f.search.unwrap_or_default();
        if let Some(terms) = &f.terms {
            if terms.get_ref().is_empty() {
                return Err(loc.spanned(terms, "plan.terms", "expected at least one term"));
            }
            settings.terms = Some(terms.get_ref().clone());
            for pool in pools {
                if settings.search_terms(pool).is_empty() {
                    return Err(loc.spanned(
                        terms,
                        "plan.terms",
                        format!(
                            "pool '{}' has none of these terms priced with a first term that \
                             fits in {} months; it has: {}",
                            pool.name,
                            settings.months,
                            priced(&pool.term_prices)
                        ),
                    ));
                }
            }
        }
    }
    for (i, p) in listed.iter().enumerate() {
        let plan = resolve_plan(loc, p, i, pools, settings.months)?;
        if settings
            .plans
            .iter()
            .any(|q| q.pool == plan.pool && q.plan.name == plan.plan.name)
        {
            return Err(loc.spanned(
                &p.name,
                &format!("plans[{i}].name"),
                format!(
                    "plan name '{}' is used twice for pool '{}'",
                    plan.plan.name, plan.pool
                ),
            ));
        }
        settings.plans.push(plan);
    }
    Ok(Some(settings))
}

fn priced(prices: &[TermPrice]) -> String {
    let names: Vec<&str> = prices.iter().map(|p| p.term.as_str()).collect();
    names.join(", ")
}

fn resolve_plan(
    loc: &Locator,
    p: &ListedPlanFile,
    i: usize,
    pools: &[Pool],
    months: usize,
) -> Result<ListedPlan, ScenarioError> {
    let field = |f: &str| format!("plans[{i}].{f}");
    let name = p.name.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(loc.spanned(&p.name, &field("name"), "expected a non-empty name"));
    }
    let names: Vec<&str> = pools.iter().map(|q| q.name.as_str()).collect();
    let pool = match &p.pool {
        Some(wanted) => pools
            .iter()
            .find(|q| q.name == wanted.get_ref().trim())
            .ok_or_else(|| {
                loc.spanned(
                    wanted,
                    &field("pool"),
                    format!(
                        "no pool is named '{}'; pools are: {}",
                        wanted.get_ref(),
                        names.join(", ")
                    ),
                )
            })?,
        None if pools.len() == 1 => &pools[0],
        None => {
            return Err(loc.spanned(
                &p.name,
                &field("pool"),
                format!(
                    "the scenario has {} pools; say which this plan is for, e.g. pool = \"{}\"",
                    pools.len(),
                    names[0]
                ),
            ));
        }
    };
    if p.layers.is_empty() {
        return Err(loc.spanned(
            &p.name,
            &field("layers"),
            "expected at least one layer, e.g. layers = [{ units = 2, term = \"one_month\" }]",
        ));
    }
    let mut layers = Vec::new();
    for (j, l) in p.layers.iter().enumerate() {
        let field = |f: &str| format!("plans[{i}].layers[{j}].{f}");
        let l = l.get_ref();
        let term = *l.term.get_ref();
        if !pool.term_prices.iter().any(|t| t.term == term) {
            return Err(loc.spanned(
                &l.term,
                &field("term"),
                format!(
                    "pool '{}' has no price for {}; it has: {}",
                    pool.name,
                    term.as_str(),
                    priced(&pool.term_prices)
                ),
            ));
        }
        let start_month = l.start_month.as_ref().map_or(0, |s| *s.get_ref() as usize);
        if start_month >= months {
            let s = l.start_month.as_ref().expect("set when out of range");
            return Err(loc.spanned(
                s,
                &field("start_month"),
                format!(
                    "expected a month from 0 to {} (the plan covers {months} months), got \
                     {start_month}",
                    months - 1
                ),
            ));
        }
        if !fits(term, start_month, months) {
            let length = term_months(term).unwrap_or(1);
            return Err(loc.spanned(
                &l.term,
                &field("term"),
                format!(
                    "a {} layer starting in month {start_month} would end after the plan's \
                     {months} months; start it by month {} or choose a shorter term",
                    term.as_str(),
                    months.saturating_sub(length)
                ),
            ));
        }
        let units = *l.units.get_ref();
        if units > MAX_UNITS || !pool.steps.is_legal(units) {
            return Err(loc.spanned(
                &l.units,
                &field("units"),
                format!(
                    "expected a unit count the {} is sold in ({}, at most {MAX_UNITS}): {} or \
                     {}, got {units}",
                    pool.product.as_str(),
                    pool.steps.describe(),
                    pool.steps.round_down(units.min(MAX_UNITS)),
                    pool.steps.round_up(units.min(MAX_UNITS))
                ),
            ));
        }
        layers.push(Layer {
            units,
            term,
            start_month,
            resize: l.resize,
        });
    }
    let plan = Plan { name, layers };
    if !plan.resizes() {
        let ctx = PlanContext {
            months,
            steps: pool.steps,
            prices: pool.term_prices.clone(),
            keep: 1.0,
        };
        let totals = bill(&plan, &ctx, None, None).units_by_month;
        if let Some((m, &u)) = totals
            .iter()
            .enumerate()
            .find(|(_, u)| !pool.steps.is_legal(**u))
        {
            return Err(loc.spanned(
                &p.name,
                &field("layers"),
                format!(
                    "the layers add up to {u} units in month {m}, which the {} is not sold in \
                     ({})",
                    pool.product.as_str(),
                    pool.steps.describe()
                ),
            ));
        }
    }
    Ok(ListedPlan {
        pool: pool.name.clone(),
        plan,
    })
}
