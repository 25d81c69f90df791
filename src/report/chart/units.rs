//! What the fan and savings charts share: the stretch of the sweep they show, the units axis,
//! and each sizing rule's marker and legend entry.

use std::ops::Range;

use plotters::prelude::*;

use super::axis::unit_ticks;
use super::frame::ticks_that_fit;
use super::layout::{Entry, Swatch};
use super::style::{Backend, Sizes, rule_color};
use super::{Context, RuleGroup};
use crate::stats::curve::CurveRow;

/// Multiple of the all-on-demand P90 the cost axis always reaches.
const HEADROOM: f64 = 1.5;

/// The rows of the curve the fan and savings charts show: the whole sweep up to where the P90
/// cost leaves an axis tall enough for 1.5 × the all-on-demand P90 and every rule's choice.
/// Beyond the cost-minimising region cost only climbs; a long sweep would squeeze it flat.
pub fn shown<'a>(ctx: &Context<'a>) -> &'a [CurveRow] {
    let curve = &ctx.report.curve;
    let choices = &ctx.report.choices;
    let ceiling = choices
        .iter()
        .map(|c| ctx.report.row_at(c.units).p90)
        .fold(HEADROOM * curve[0].p90, f64::max);
    let last_rule = choices
        .iter()
        .map(|c| ctx.report.run.index_of(c.units))
        .max()
        .unwrap_or(0);
    let fits = curve.iter().take_while(|r| r.p90 <= ceiling).count();
    let end = fits.max(last_rule + 1).max(2).min(curve.len());
    &curve[..end]
}

/// The units axis over the `shown` rows of a plot `width` pixels wide: range and ticks.
pub fn units_axis(sizes: &Sizes, shown: &[CurveRow], width: u32) -> (Range<f64>, Vec<f64>) {
    let max = f64::from(shown.last().map_or(0, |r| r.units));
    let pad = (max * 0.02).max(0.15);
    let ticks = unit_ticks(max, ticks_that_fit(sizes, width, 3.5).min(12));
    (-pad..max + pad, ticks)
}

/// The units axis title, saying so when the sweep is cut.
pub fn units_title(ctx: &Context, shown: &[CurveRow]) -> String {
    let swept = ctx.report.run.max_units();
    let last = shown.last().map_or(0, |r| r.units);
    if last < swept {
        format!("Units bought (k), shown to {last} of the {swept} swept")
    } else {
        "Units bought (k)".to_string()
    }
}

/// One legend entry per group of rules: its marker, names and units.
pub fn rule_entries(groups: &[RuleGroup]) -> Vec<Entry> {
    groups
        .iter()
        .map(|g| {
            Entry::new(
                Swatch::Marker(rule_color(g.rules[0])),
                format!("{}: {}", g.names(), g.units_label()),
            )
        })
        .collect()
}

/// A white-ringed marker in the colour of each group's first rule, at the group's units and
/// `y(row)` of its curve row.
pub fn rule_markers<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    sizes: &Sizes,
    groups: &[RuleGroup],
    curve: &[CurveRow],
    y: impl Fn(&CurveRow) -> f64,
) -> anyhow::Result<()>
where
    DB: Backend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let radius = sizes.px(11.0);
    let ring = sizes.px(3.0) as u32;
    for group in groups {
        let row = curve
            .iter()
            .find(|r| r.units == group.units)
            .expect("the rows shown include every rule's choice");
        let point = (f64::from(group.units), y(row));
        let color = rule_color(group.rules[0]);
        chart.draw_series([
            Circle::new(point, radius, color.filled()),
            Circle::new(point, radius, WHITE.stroke_width(ring)),
        ])?;
    }
    Ok(())
}

/// The closed outline of the band between `low` and `high` of each row.
pub fn band(
    curve: &[CurveRow],
    low: impl Fn(&CurveRow) -> f64,
    high: impl Fn(&CurveRow) -> f64,
) -> Vec<(f64, f64)> {
    let k = |r: &CurveRow| f64::from(r.units);
    let mut points: Vec<(f64, f64)> = curve.iter().map(|r| (k(r), high(r))).collect();
    points.extend(curve.iter().rev().map(|r| (k(r), low(r))));
    points
}
