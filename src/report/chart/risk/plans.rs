//! `plans_<pool>`: the cost distribution of every plan `ptsim plan` compared (issue 15), best
//! objective on top and the hindsight reference last — a box from P25 to P75, whiskers from P5
//! to P95, a bar at P50, a dot at the mean, and each plan's layers beside it.

use plotters::prelude::*;

use super::super::layout::{Area, Entry, Swatch, header, legend};
use super::super::style::{self, Backend, DATA, REFERENCE, Sizes, okabe_ito};
use super::super::{ChartOptions, Drawing};
use super::distribution::{DistributionRow, distribution_panel};
use super::plan_units::PlanUnitsChart;
use super::pool_chart_pairs;
use crate::plan::summary::{HINDSIGHT, LISTED, ON_DEMAND, PlanSample, SEARCH};
use crate::plan::{Layer, Plan, PlansReport, PoolPlans};
use crate::report::format::{percent, usd_compact};
use crate::report::words::term_words;

/// Most plans drawn (the best by the objective; the hindsight row is always drawn too).
const MOST_ROWS: usize = 11;

/// Colour of each kind of plan.
pub fn source_color(source: &str) -> RGBColor {
    match source {
        ON_DEMAND => REFERENCE,
        LISTED => okabe_ito::VERMILLION,
        SEARCH => okabe_ito::GREEN,
        HINDSIGHT => okabe_ito::PURPLE,
        _ => DATA,
    }
}

/// Layers named beside a plan before the rest are counted ("+ 2 more").
const MOST_LAYERS_NAMED: usize = 4;

/// "4 × 6-month from m0", "1-month at the trailing P50 from m3 (first 0)", as a reader says it.
pub fn layer_words(layer: &Layer) -> String {
    match layer.resize {
        None => format!(
            "{} × {} from m{}",
            layer.units,
            term_words(layer.term),
            layer.start_month
        ),
        Some(r) => format!(
            "{} at the trailing {} from m{} (first {})",
            term_words(layer.term),
            r.as_str().to_uppercase(),
            layer.start_month,
            layer.units
        ),
    }
}

/// A plan's layers in words, the first `MOST_LAYERS_NAMED` of them.
pub fn plan_words(plan: &Plan) -> String {
    let mut words: Vec<String> = plan
        .layers
        .iter()
        .take(MOST_LAYERS_NAMED)
        .map(layer_words)
        .collect();
    if plan.layers.len() > MOST_LAYERS_NAMED {
        words.push(format!("{} more", plan.layers.len() - MOST_LAYERS_NAMED));
    }
    if words.is_empty() {
        "no units".to_string()
    } else {
        words.join(" + ")
    }
}

/// The subtitle of both plan charts.
pub fn subtitle(report: &PlansReport, pool: &PoolPlans) -> String {
    format!(
        "{} · {} · {} trials of {} months · model switch {}/month, {} of trials · minimising {} \
         · seed {}",
        report.scenario.name,
        pool.name,
        style::grouped(u64::from(report.settings.trials)),
        report.settings.months,
        percent(report.scenario.risk.switch_probability_per_month),
        percent(pool.switch_share),
        report.settings.goal.objective.as_str(),
        report.scenario.seed
    )
}

/// The cost-distribution chart of one pool.
pub struct PlansChart<'a> {
    pub report: &'a PlansReport,
    pub pool: &'a PoolPlans,
    pub sizes: Sizes,
}

/// Both charts of every pool as (file name, bytes).
pub fn plan_charts(
    report: &PlansReport,
    options: &ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    pool_chart_pairs(
        &report.pools,
        |p| p.name.as_str(),
        ("plans", "plan_units"),
        |pool, sizes| {
            (
                PlansChart {
                    report,
                    pool,
                    sizes,
                },
                PlanUnitsChart {
                    report,
                    pool,
                    sizes,
                },
            )
        },
        options,
    )
}

/// The plans drawn: the best `MOST_ROWS` by the objective (ties in table order), then hindsight.
pub fn shown(pool: &PoolPlans) -> Vec<&PlanSample> {
    let (mut plans, reference): (Vec<&PlanSample>, Vec<&PlanSample>) =
        pool.samples.iter().partition(|s| s.plan.is_some());
    plans.sort_by(|a, b| a.row.objective.total_cmp(&b.row.objective));
    plans.truncate(MOST_ROWS);
    plans.extend(reference);
    plans
}

impl Drawing for PlansChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let body = header(
            root,
            sizes,
            &format!("What each commitment plan costs: {}", self.pool.name),
            &subtitle(self.report, self.pool),
        )?;
        let entries = [
            Entry::new(Swatch::Band(DATA.mix(0.35)), "P25–P75 of trials"),
            Entry::new(Swatch::Line(DATA), "P5–P95 whiskers, bar at P50"),
            Entry::new(Swatch::Marker(style::INK), "mean"),
            Entry::new(Swatch::Marker(source_color(SEARCH)), "searched best"),
            Entry::new(
                Swatch::Marker(source_color(LISTED)),
                "listed in the scenario",
            ),
            Entry::new(Swatch::Marker(DATA), "best single term"),
            Entry::new(
                Swatch::Marker(source_color(HINDSIGHT)),
                "each trial's cheapest plan in hindsight",
            ),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let rows: Vec<DistributionRow> = shown(self.pool)
            .into_iter()
            .map(|s| DistributionRow {
                label: if s.row.recommended {
                    format!("{} (recommended)", s.row.plan)
                } else {
                    s.row.plan.clone()
                },
                color: source_color(s.row.source),
                costs_sorted: &s.costs_sorted,
                mean: s.row.mean,
                note: format!("P50 {}", usd_compact(s.row.p50)),
                caption: s
                    .plan
                    .as_ref()
                    .map_or("a different plan in each trial".to_string(), plan_words),
            })
            .collect();
        let title = format!(
            "Total cost over {} months (USD, after discount)",
            self.report.settings.months
        );
        distribution_panel(&plot, sizes, &rows, (title, "Cost (USD)"))
    }
}
