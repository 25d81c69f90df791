//! The two passes over a pool's trials (issue 15): the first prices every month at every legal
//! count for the search (`CostTable`) and summarises the load for the chart; the second draws the
//! same traffic again and replays each reported plan hour by hour over the whole window. Trials
//! run in parallel and are collected in trial order, so nothing depends on the thread count.

use rayon::prelude::*;

use super::layer::{MonthlyLoad, Plan, PlanContext, bill};
use super::table::{CostTable, TrialCosts, month_costs};
use crate::cost::PoolHours;
use crate::risk::terms::{HOURS_PER_MONTH, switch_month, window_hours};
use crate::scenario::{Pool, RiskSettings, Scenario};
use crate::simulate::default_max_units;
use crate::stats::quantile::percentile_select;

/// The scenario, pool and risk settings every trial of a plan is drawn from.
#[derive(Clone, Copy)]
pub struct Draw<'a> {
    pub scenario: &'a Scenario,
    pub pool: &'a Pool,
    pub risk: &'a RiskSettings,
    pub months: usize,
    /// Told of every trial drawn.
    pub watch: Watch<'a>,
}

/// Where a plan analysis says how far it is: `pass` as each pass over the trials begins (what it
/// does, for which pool), `step` once per trial of the pass.
#[derive(Clone, Copy)]
pub struct Watch<'a> {
    pub pass: &'a (dyn Fn(&str) + Sync),
    pub step: &'a (dyn Fn() + Sync),
}

impl Watch<'_> {
    /// Nobody watching.
    pub const NONE: Watch<'static> = Watch {
        pass: &|_| {},
        step: &|| {},
    };
}

impl<'a> Draw<'a> {
    /// The trials of `pool` over `months`, under the scenario's own `[risk]`.
    pub fn new(scenario: &'a Scenario, pool: &'a Pool, months: usize, watch: Watch<'a>) -> Self {
        Draw {
            scenario,
            pool,
            risk: &scenario.risk,
            months,
            watch,
        }
    }

    /// Trial `t`: the month whose start the traffic moves (as in `ptsim terms`, from the same
    /// stream) and the window's hourly traffic.
    pub fn trial(&self, t: u64) -> (Option<usize>, PoolHours) {
        (self.watch.step)();
        let month = switch_month(
            self.scenario,
            self.pool,
            t,
            self.risk.switch_probability_per_month,
            self.months,
        );
        let hours = window_hours(
            self.scenario,
            self.pool,
            t,
            self.months * HOURS_PER_MONTH,
            month.map(|m| (m * HOURS_PER_MONTH, self.risk.share_after_switch)),
        );
        (month, hours)
    }
}

/// P50 and P95 of a month's hourly realtime load, unit-hours.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MonthLoad {
    pub p50: f64,
    pub p95: f64,
}

/// The sweep end of a pool with no `max_units` (as `run`'s: P95 over trials of each trial's peak
/// hour of all traffic, rounded up to a legal count), over the traffic the plans serve.
pub fn sweep_end(draw: &Draw, peaks: &[f64]) -> u32 {
    draw.pool.steps.round_up(default_max_units(peaks))
}

/// The peak hour of every trial's traffic (a pass of its own, for pools whose months cost
/// something at any unit count: intra-hour bursts spill a little however many units serve).
pub fn peaks(draw: &Draw, trials: u32) -> Vec<f64> {
    (0..u64::from(trials))
        .into_par_iter()
        .map(|t| draw.trial(t).1.peak_all_load(&draw.pool.model))
        .collect()
}

/// The first pass: the search's price list and each trial's monthly load. The levels are the
/// legal counts up to `max_units` when it is given; otherwise each trial is priced up to its own
/// peak and the table then cut or extended to the sweep end. Extending repeats the last level,
/// which is exact without intra-hour bursts: at or above a month's peak hour nothing spills and
/// every deferrable token is absorbed on arrival, so the month costs nothing beside its units.
pub fn price_months(
    draw: &Draw,
    max_units: Option<u32>,
    trials: u32,
) -> (CostTable, Vec<Vec<MonthLoad>>) {
    let steps = draw.pool.steps;
    let priced: Vec<(TrialCosts, Vec<MonthLoad>, f64, usize)> = (0..u64::from(trials))
        .into_par_iter()
        .map(|t| {
            let (switch_month, hours) = draw.trial(t);
            let loads = hours
                .realtime_load()
                .chunks_exact(HOURS_PER_MONTH)
                .map(|month| {
                    let mut values = month.to_vec();
                    MonthLoad {
                        p50: percentile_select(&mut values, 0.5),
                        p95: percentile_select(&mut values, 0.95),
                    }
                })
                .collect();
            let peak = hours.peak_all_load(&draw.pool.model);
            let own = max_units.unwrap_or_else(|| sweep_end(draw, &[peak]));
            let levels = steps.counts_to(own);
            let costs = month_costs(&hours, &draw.pool.model, &levels);
            let trial = TrialCosts {
                switch_month,
                costs,
            };
            (trial, loads, peak, levels.len())
        })
        .collect();
    let peaks: Vec<f64> = priced.iter().map(|p| p.2).collect();
    let levels = steps.counts_to(max_units.unwrap_or_else(|| sweep_end(draw, &peaks)));
    let (mut trials, mut loads) = (Vec::with_capacity(priced.len()), Vec::new());
    for (mut trial, load, _, own) in priced {
        if own != levels.len() {
            trial.costs = trial
                .costs
                .chunks_exact(own)
                .flat_map(|month| (0..levels.len()).map(|l| month[l.min(own - 1)]))
                .collect();
        }
        trials.push(trial);
        loads.push(load);
    }
    let table = CostTable {
        steps,
        levels,
        trials,
    };
    (table, loads)
}

/// One plan in one trial, replayed hour by hour. USD after discount.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Priced {
    /// Unit bill + the replayed on-demand and batch bill.
    pub total_usd: f64,
    pub unit_usd: f64,
    pub stranded_usd: f64,
    /// `[layer][month]`: units in service.
    pub layer_units: Vec<Vec<u32>>,
}

impl Priced {
    /// Units in service, averaged over the window's months.
    pub fn units_mean(&self) -> f64 {
        let months = self.layer_units.first().map_or(0, Vec::len);
        let total: u32 = self.layer_units.iter().flatten().sum();
        f64::from(total) / months.max(1) as f64
    }
}

/// `plans` in one trial: each one's unit bill from its layers (`bill`) plus the on-demand and
/// batch bill of replaying the trial with those units in service each hour
/// (`PoolHours::evaluate_schedules`, equal to `evaluate_schedule` of each up to rounding).
pub fn price(
    plans: &[&Plan],
    ctx: &PlanContext,
    hours: &PoolHours,
    draw: &Draw,
    switch_month: Option<usize>,
    load: Option<&MonthlyLoad>,
) -> Vec<Priced> {
    let bills: Vec<_> = plans
        .iter()
        .map(|p| bill(p, ctx, switch_month, load))
        .collect();
    // One buffer for every schedule: a trial's replay allocates little.
    let mut schedules = Vec::with_capacity(bills.len() * hours.hours());
    for b in &bills {
        b.push_units_by_hour(&mut schedules);
    }
    let slices: Vec<&[u32]> = schedules.chunks_exact(hours.hours().max(1)).collect();
    let outcomes = hours.evaluate_schedules(&draw.pool.model, &slices);
    bills
        .into_iter()
        .zip(outcomes)
        .map(|(bill, outcome)| Priced {
            total_usd: bill.unit_usd + outcome.on_demand_usd + outcome.batch_usd,
            unit_usd: bill.unit_usd,
            stranded_usd: bill.stranded_usd,
            layer_units: bill.layer_units,
        })
        .collect()
}

/// One trial of the second pass.
#[derive(Clone, Debug, PartialEq)]
pub struct TrialPrices {
    pub on_demand_usd: f64,
    /// In the order of the plans replayed.
    pub plans: Vec<Priced>,
    /// The trial's own hindsight plan.
    pub hindsight: Priced,
}

/// The second pass: every plan of `plans`, and trial t's `hindsight[t]`, replayed on every trial.
pub fn replay(
    draw: &Draw,
    ctx: &PlanContext,
    plans: &[Plan],
    hindsight: &[Plan],
    trials: u32,
) -> Vec<TrialPrices> {
    let reads_load = plans.iter().any(Plan::resizes);
    let on_demand = Plan {
        name: String::new(),
        layers: Vec::new(),
    };
    (0..u64::from(trials))
        .into_par_iter()
        .map(|t| {
            let (switch_month, hours) = draw.trial(t);
            let load = reads_load.then(|| MonthlyLoad::new(hours.realtime_load()));
            // All on-demand first: an empty schedule, priced as `evaluate(model, 0)` is.
            let all: Vec<&Plan> = std::iter::once(&on_demand)
                .chain(plans)
                .chain([&hindsight[t as usize]])
                .collect();
            let mut priced = price(&all, ctx, &hours, draw, switch_month, load.as_ref());
            let hindsight = priced.pop().expect("the hindsight plan was priced");
            let on_demand_usd = priced.remove(0).total_usd;
            TrialPrices {
                on_demand_usd,
                plans: priced,
                hindsight,
            }
        })
        .collect()
}
