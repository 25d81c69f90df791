//! Commitment terms over a common window (issue 5; docs/model.md §4 unit cost per term): every
//! trial's traffic is drawn once for the window (the longest term compared), the workload may move
//! to another model at the start of some month (after which the pool keeps `share_after_switch` of
//! its traffic), and every term is priced on those same hours — for every fixed k of the sweep and
//! for the rolling monthly re-size. Commitments renew back to back until the window ends, except
//! that none is renewed after a switch: the one running at the switch bills to its end, and that
//! bill after the switch is the stranded cost.

use std::collections::BTreeMap;

use rand::RngExt;
use rayon::prelude::*;

use crate::cost::{PoolHours, WorkloadTraffic};
use crate::ratecard::{Term, UnitSteps};
use crate::scenario::{Pool, RiskSettings, Scenario, TermPrice};
use crate::stats::quantile::{percentile_sorted, sort_floats};
use crate::traffic::rng;

/// Hours in a month (docs/model.md §3).
pub const HOURS_PER_MONTH: usize = crate::ratecard::HOURS_PER_MONTH as usize;

/// What `ptsim terms` compares for one pool.
#[derive(Clone, Debug, PartialEq)]
pub struct TermsPlan {
    /// Terms compared, shortest first, with their prices.
    pub terms: Vec<TermPrice>,
    /// Hours every term is priced over: the longest term compared (at least a month).
    pub window_hours: usize,
    /// Fixed fleets priced: the legal counts 0..=max_units.
    pub max_units: u32,
    /// The unit counts the pool's product is sold in.
    pub steps: UnitSteps,
    /// Fixed fleets reported besides each term's min-mean k (`ptsim terms --units`).
    pub extra_units: Vec<u32>,
}

impl TermsPlan {
    /// The plan for `pool`: the terms `settings` asks for (all priced ones by default) over the
    /// longest of them, with the sweep `max_units`.
    pub fn new(pool: &Pool, settings: &RiskSettings, max_units: u32) -> Self {
        let terms: Vec<TermPrice> = pool
            .term_prices
            .iter()
            .filter(|t| {
                settings
                    .terms
                    .as_ref()
                    .is_none_or(|list| list.contains(&t.term))
            })
            .copied()
            .collect();
        let window_hours = terms
            .iter()
            .filter_map(|t| t.term.hours())
            .max()
            .unwrap_or(HOURS_PER_MONTH)
            .max(HOURS_PER_MONTH);
        TermsPlan {
            terms,
            window_hours,
            max_units,
            steps: pool.steps,
            extra_units: Vec::new(),
        }
    }

    /// The fixed fleets priced, ascending from 0 (`TermsTrial::fixed[term][i]` is at `[i]`).
    pub fn units(&self) -> Vec<u32> {
        self.steps.counts_to(self.max_units)
    }

    /// Whole months in the window.
    pub fn months(&self) -> usize {
        self.window_hours / HOURS_PER_MONTH
    }
}

/// Whether the rolling monthly re-size can be bought on `term` (it needs to change the fleet
/// every month).
pub fn allows_rolling(term: Term) -> bool {
    matches!(term, Term::NoCommit | Term::OneMonth)
}

/// A policy's cost in one trial, USD after discount.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PolicyCost {
    pub total_usd: f64,
    /// Unit bill for hours at or after the switch.
    pub stranded_usd: f64,
    /// Units in service, averaged over the window's hours.
    pub units: f64,
    /// The unit count bought, a count the product is sold in: k for a fixed fleet; for the
    /// rolling re-size, the fleet of the window's last month.
    pub fleet: u32,
}

/// One trial of one pool, every term and policy priced on the same hours.
#[derive(Clone, Debug, PartialEq)]
pub struct TermsTrial {
    /// Month whose start the traffic moved, if it did within the window.
    pub switch_month: Option<usize>,
    /// Per compared term (plan order), per fleet of `TermsPlan::units`.
    pub fixed: Vec<Vec<PolicyCost>>,
    /// Per compared term: the rolling re-size, where the term allows it.
    pub rolling: Vec<Option<PolicyCost>>,
}

impl TermsTrial {
    /// All on-demand (k = 0), the same on every term.
    pub fn on_demand_usd(&self) -> f64 {
        self.fixed.first().map_or(0.0, |f| f[0].total_usd)
    }
}

/// The month (0-based) at whose start the pool's traffic moves, drawn once per trial from the
/// pool's own stream: each month, if it has not moved yet, it moves with probability `p`.
pub fn switch_month(
    scenario: &Scenario,
    pool: &Pool,
    trial: u64,
    p: f64,
    months: usize,
) -> Option<usize> {
    if p <= 0.0 {
        return None;
    }
    // A name no workload can collide with in practice (workload names are user text).
    let mut stream = rng::stream(
        scenario.seed,
        &format!("\u{0}switch\u{0}{}", pool.name),
        trial,
    );
    (0..months).find(|_| stream.random::<f64>() < p)
}

/// The hour a fixed fleet on `term` stops billing: the window's end, or — after a switch at
/// `switch_hour` — the end of the commitment running then (at once for no commitment).
pub fn bill_end(term: Term, switch_hour: Option<usize>, window_hours: usize) -> usize {
    match (switch_hour, term.hours()) {
        (None, _) => window_hours,
        (Some(s), None) => s,
        (Some(s), Some(h)) => ((s / h + 1) * h).min(window_hours),
    }
}

/// The rolling policy's units in each hour: nothing while it measures (`wait_months`, and always
/// the first month, which has no trailing month), then each month ⌊P50⌋ of the previous month's
/// hourly realtime load rounded down to a count the product is sold in (the `p50_floor` rule on
/// the trailing month).
pub fn rolling_schedule(realtime_load: &[f64], wait_months: u32, steps: UnitSteps) -> Vec<u32> {
    let hours = realtime_load.len();
    let mut units = vec![0u32; hours];
    let months = hours.div_ceil(HOURS_PER_MONTH);
    for m in (wait_months.max(1) as usize)..months {
        let trailing = &realtime_load[(m - 1) * HOURS_PER_MONTH..m * HOURS_PER_MONTH];
        let mut sorted = trailing.to_vec();
        sort_floats(&mut sorted);
        let k = steps.round_down(percentile_sorted(&sorted, 0.5).floor().max(0.0) as u32);
        let end = ((m + 1) * HOURS_PER_MONTH).min(hours);
        units[m * HOURS_PER_MONTH..end].fill(k);
    }
    units
}

/// One trial's hourly traffic over the window, scaled by `share` from `switch_hour` on (also the
/// traffic of `ptsim plan`, so both commands price the same trials).
pub fn window_hours(
    scenario: &Scenario,
    pool: &Pool,
    trial: u64,
    hours: usize,
    switch: Option<(usize, f64)>,
) -> PoolHours {
    let buffers: Vec<(Vec<f64>, Vec<f64>)> = pool
        .workloads
        .iter()
        .map(|w| {
            let (mut input, mut output) = (vec![0.0; hours], vec![0.0; hours]);
            w.source.fill(
                scenario.seed,
                &w.name,
                trial,
                scenario.start_epoch_hour,
                &mut input,
                &mut output,
            );
            if let Some((from, share)) = switch {
                for v in input[from..].iter_mut().chain(&mut output[from..]) {
                    *v *= share;
                }
            }
            (input, output)
        })
        .collect();
    let traffic: Vec<WorkloadTraffic> = buffers
        .iter()
        .map(|(input, output)| WorkloadTraffic { input, output })
        .collect();
    PoolHours::new(&pool.model, &traffic)
}

/// Prices one trial: every compared term at every k, and the rolling re-size.
pub fn simulate_trial(
    scenario: &Scenario,
    pool: &Pool,
    plan: &TermsPlan,
    settings: &RiskSettings,
    trial: u64,
) -> TermsTrial {
    let window = plan.window_hours;
    let month = switch_month(
        scenario,
        pool,
        trial,
        settings.switch_probability_per_month,
        plan.months(),
    );
    let switch_hour = month.map(|m| m * HOURS_PER_MONTH);
    let hours = window_hours(
        scenario,
        pool,
        trial,
        window,
        switch_hour.map(|s| (s, settings.share_after_switch)),
    );
    let model = &pool.model;
    let keep = 1.0 - model.discount;
    // On-demand and batch USD of a fleet of k units billed until `end`, shared by every term
    // that stops billing at the same hour.
    let fleets = plan.units();
    let mut by_end: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    let mut non_unit = |end: usize| -> Vec<f64> {
        by_end
            .entry(end)
            .or_insert_with(|| {
                fleets
                    .iter()
                    .map(|&k| {
                        let outcome = if end >= window || k == 0 {
                            hours.evaluate(model, k)
                        } else {
                            let mut schedule = vec![0; window];
                            schedule[..end].fill(k);
                            hours.evaluate_schedule(model, &schedule)
                        };
                        outcome.on_demand_usd + outcome.batch_usd
                    })
                    .collect()
            })
            .clone()
    };
    let fixed = plan
        .terms
        .iter()
        .map(|t| {
            let end = bill_end(t.term, switch_hour, window);
            let others = non_unit(end);
            fleets
                .iter()
                .zip(&others)
                .map(|(&k, &other)| {
                    let units = f64::from(k);
                    let per_hour = units * t.usd_per_unit_hour;
                    let stranded_hours = switch_hour.map_or(0, |s| end.saturating_sub(s));
                    PolicyCost {
                        total_usd: other + per_hour * end as f64 * keep,
                        stranded_usd: per_hour * stranded_hours as f64 * keep,
                        units,
                        fleet: k,
                    }
                })
                .collect()
        })
        .collect();
    let rolling_terms: Vec<&TermPrice> = plan
        .terms
        .iter()
        .filter(|t| allows_rolling(t.term))
        .collect();
    let rolling_run = (!rolling_terms.is_empty()).then(|| {
        let schedule = rolling_schedule(
            hours.realtime_load(),
            settings.rolling_wait_months,
            plan.steps,
        );
        let outcome = hours.evaluate_schedule(model, &schedule);
        let unit_hours: f64 = schedule.iter().map(|&k| f64::from(k)).sum();
        let after: f64 =
            switch_hour.map_or(0.0, |s| schedule[s..].iter().map(|&k| f64::from(k)).sum());
        let last = schedule.last().copied().unwrap_or(0);
        (
            outcome.on_demand_usd + outcome.batch_usd,
            unit_hours,
            after,
            last,
        )
    });
    let rolling = plan
        .terms
        .iter()
        .map(|t| {
            let (others, unit_hours, after, last) =
                rolling_run.filter(|_| allows_rolling(t.term))?;
            Some(PolicyCost {
                total_usd: others + unit_hours * t.usd_per_unit_hour * keep,
                stranded_usd: after * t.usd_per_unit_hour * keep,
                units: unit_hours / window as f64,
                fleet: last,
            })
        })
        .collect();
    TermsTrial {
        switch_month: month,
        fixed,
        rolling,
    }
}

/// Prices `trials` trials of `pool` (in parallel; collected in trial order, so the result does
/// not depend on the thread count), calling `progress` once per trial.
pub fn simulate(
    scenario: &Scenario,
    pool: &Pool,
    plan: &TermsPlan,
    settings: &RiskSettings,
    trials: u32,
    progress: &(dyn Fn() + Sync),
) -> Vec<TermsTrial> {
    (0..u64::from(trials))
        .into_par_iter()
        .map(|t| {
            let trial = simulate_trial(scenario, pool, plan, settings, t);
            progress();
            trial
        })
        .collect()
}
