//! A commitment plan (issue 15): layers of `(units, term, start month)` bought over a window of
//! whole months, on-demand (and batch) for the rest. A layer renews back to back from its start
//! while the whole next term fits in the window — no commitment outlives the plan — and may be
//! re-sized at each renewal to a percentile of the trailing month's load. This file turns a plan
//! into the units in service month by month and the unit bill of one trial; no I/O.

use serde::{Deserialize, Serialize};

use crate::ratecard::{Term, UnitSteps};
use crate::risk::terms::HOURS_PER_MONTH;
use crate::scenario::TermPrice;
use crate::stats::quantile::percentile_select;

/// The trailing month's load a re-sizing layer buys at each renewal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resize {
    /// ⌊P50⌋ of the trailing month's hourly realtime load.
    P50,
    /// ⌊P25⌋ of it.
    P25,
}

impl Resize {
    pub const ALL: [Resize; 2] = [Resize::P50, Resize::P25];

    /// The percentile as a fraction.
    pub fn quantile(self) -> f64 {
        match self {
            Resize::P50 => 0.5,
            Resize::P25 => 0.25,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Resize::P50 => "p50",
            Resize::P25 => "p25",
        }
    }
}

/// One layer: `units` bought on `term` from the start of `start_month`, renewed back to back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Layer {
    pub units: u32,
    pub term: Term,
    pub start_month: usize,
    /// Re-size at each renewal (the first purchase is `units`).
    pub resize: Option<Resize>,
}

/// A named set of layers; whatever they do not serve goes on-demand (or batch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub name: String,
    pub layers: Vec<Layer>,
}

/// Months one commitment on `term` lasts; None for no commitment (billed by the hour).
pub fn term_months(term: Term) -> Option<usize> {
    term.hours().map(|h| h / HOURS_PER_MONTH)
}

/// Whether a layer on `term` starting in `start_month` can be bought in a plan of `months`: its
/// first term must end by the window's end.
pub fn fits(term: Term, start_month: usize, months: usize) -> bool {
    start_month < months && term_months(term).is_none_or(|l| start_month + l <= months)
}

impl Layer {
    /// The layer's purchases as (first month, months after the last): back-to-back terms from
    /// the start while a whole term fits; a no-commitment layer is one purchase per month (it
    /// can be stopped or re-sized at any month's start).
    pub fn periods(&self, months: usize) -> Vec<(usize, usize)> {
        let length = term_months(self.term).unwrap_or(1);
        (self.start_month..months)
            .step_by(length)
            .map(|start| (start, start + length))
            .take_while(|&(_, end)| end <= months)
            .collect()
    }

    /// "4 six_month @0", "2 one_month @3 re-size p50".
    pub fn describe(&self) -> String {
        let resize = self
            .resize
            .map_or(String::new(), |r| format!(" re-size {}", r.as_str()));
        format!(
            "{} {} @{}{resize}",
            self.units,
            self.term.as_str(),
            self.start_month
        )
    }
}

impl Plan {
    /// "4 six_month @0 + 2 one_month @3", or "none" for all on-demand.
    pub fn describe(&self) -> String {
        let layers: Vec<String> = self
            .layers
            .iter()
            .filter(|l| l.units > 0 || l.resize.is_some())
            .map(Layer::describe)
            .collect();
        if layers.is_empty() {
            "none".to_string()
        } else {
            layers.join(" + ")
        }
    }

    /// Whether some layer re-sizes (its bill depends on the trial's load).
    pub fn resizes(&self) -> bool {
        self.layers.iter().any(|l| l.resize.is_some())
    }
}

/// What a plan is bought against: the window, the product's legal counts, the term prices and
/// the share of the bill kept after the discount.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanContext {
    pub months: usize,
    pub steps: UnitSteps,
    pub prices: Vec<TermPrice>,
    /// 1 − the EDP discount.
    pub keep: f64,
}

impl PlanContext {
    /// USD per unit-hour of `term`.
    ///
    /// # Panics
    /// If the term has no price: plans are checked against the pool's prices when read.
    pub fn price(&self, term: Term) -> f64 {
        self.prices
            .iter()
            .find(|p| p.term == term)
            .unwrap_or_else(|| panic!("{} has no price", term.as_str()))
            .usd_per_unit_hour
    }

    /// Hours in the window.
    pub fn hours(&self) -> usize {
        self.months * HOURS_PER_MONTH
    }
}

/// The trailing-month percentiles a re-sizing layer reads: `by_month[m]` holds month m's P50
/// and P25 of the hourly realtime load (in `Resize::ALL` order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthlyLoad {
    pub by_month: Vec<[f64; 2]>,
}

impl MonthlyLoad {
    /// The percentiles of every whole month of `realtime_load`.
    pub fn new(realtime_load: &[f64]) -> Self {
        let by_month = realtime_load
            .chunks_exact(HOURS_PER_MONTH)
            .map(|month| {
                let mut values = month.to_vec();
                Resize::ALL.map(|r| percentile_select(&mut values, r.quantile()))
            })
            .collect();
        MonthlyLoad { by_month }
    }

    fn at(&self, month: usize, resize: Resize) -> f64 {
        let i = Resize::ALL
            .iter()
            .position(|&r| r == resize)
            .expect("every resize is listed");
        self.by_month[month][i]
    }
}

/// One trial's purchases: units in service each month, the unit bill and its part after a
/// model switch, USD after discount.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrialBill {
    pub units_by_month: Vec<u32>,
    /// Each layer's units in service each month (`[layer][month]`).
    pub layer_units: Vec<Vec<u32>>,
    pub unit_usd: f64,
    pub stranded_usd: f64,
}

impl TrialBill {
    /// Appends the units in service hour by hour (for `PoolHours::evaluate_schedule`).
    pub fn push_units_by_hour(&self, out: &mut Vec<u32>) {
        for &k in &self.units_by_month {
            out.extend(std::iter::repeat_n(k, HOURS_PER_MONTH));
        }
    }
}

/// The largest count a re-sizing layer may buy on top of `below` units: ⌊target⌋ − below,
/// rounded down until the layer and the total are both counts the product sells.
fn top_up(steps: UnitSteps, target: f64, below: u32) -> u32 {
    let target = target.floor().max(0.0).min(f64::from(u32::MAX)) as u32;
    let mut units = steps.round_down(target.saturating_sub(below));
    while units > 0 && !steps.is_legal(below + units) {
        units = steps.round_down(units - 1);
    }
    units
}

/// What `plan` buys in one trial whose traffic moves to another model at the start of
/// `switch_month` (if it does): commitments are signed at their start months up to and
/// including the switch month and never after; no-commitment units stop at the switch. A
/// re-sizing layer decides each renewal from the month before it only (`load`, needed when the
/// plan re-sizes), topping up the layers listed before it to the trailing percentile.
pub fn bill(
    plan: &Plan,
    ctx: &PlanContext,
    switch_month: Option<usize>,
    load: Option<&MonthlyLoad>,
) -> TrialBill {
    let months = ctx.months;
    let mut layer_units = vec![vec![0u32; months]; plan.layers.len()];
    let (mut unit_usd, mut stranded_usd) = (0.0, 0.0);
    let periods: Vec<Vec<(usize, usize)>> = plan.layers.iter().map(|l| l.periods(months)).collect();
    for month in 0..months {
        for (i, layer) in plan.layers.iter().enumerate() {
            let Some(&(start, end)) = periods[i].iter().find(|p| p.0 == month) else {
                continue;
            };
            let commits = layer.term.hours().is_some();
            let signed = match switch_month {
                None => true,
                Some(s) if commits => start <= s,
                Some(s) => start < s,
            };
            if !signed {
                continue;
            }
            let units = match (layer.resize, start > layer.start_month) {
                (Some(resize), true) => {
                    let below: u32 = layer_units[..i].iter().map(|u| u[month]).sum();
                    let trailing = load.expect("a re-sizing plan needs the trial's load");
                    top_up(ctx.steps, trailing.at(month - 1, resize), below)
                }
                _ => layer.units,
            };
            layer_units[i][start..end].fill(units);
            let per_month = f64::from(units) * ctx.price(layer.term) * HOURS_PER_MONTH as f64;
            unit_usd += per_month * (end - start) as f64 * ctx.keep;
            if let Some(s) = switch_month {
                stranded_usd += per_month * end.saturating_sub(s.max(start)) as f64 * ctx.keep;
            }
        }
    }
    let units_by_month = (0..months)
        .map(|m| layer_units.iter().map(|u| u[m]).sum())
        .collect();
    TrialBill {
        units_by_month,
        layer_units,
        unit_usd,
        stranded_usd,
    }
}
