//! What the charts over a units axis share: the decision region they show (about twice the
//! recommended count, stretched to rules just beyond it; rules far off are named at the edge
//! instead of squeezing the region), the axis, and each sizing rule's marker and legend entry,
//! the recommended count drawn larger and shaded.

use std::ops::Range;

use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;

use super::annotate::{Note, Place, note};
use super::axis::{UsdAxis, nice_ticks, unit_ticks};
use super::frame::{Axis, Options, panel, ticks_that_fit};
use super::layout::{Entry, Swatch};
use super::style::{Backend, MUTED, RECOMMENDED, Sizes, rule_color};
use super::{Context, RuleGroup, rule_groups};
use crate::report::format::usd3;
use crate::stats::curve::CurveRow;
use crate::stats::sizing::Rule;

/// A rule is drawn in the region when it is within this multiple of the region's end.
const NEAR: f64 = 1.25;

/// The stretch of the sweep a chart shows and the rules inside and beyond it.
pub struct Region<'a> {
    pub rows: &'a [CurveRow],
    pub inside: Vec<RuleGroup>,
    pub beyond: Vec<RuleGroup>,
}

impl Region<'_> {
    /// The last count shown.
    pub fn end(&self) -> u32 {
        self.rows.last().map_or(0, |r| r.units)
    }

    /// The row at `units`, a count shown.
    pub fn row(&self, units: u32) -> Option<&CurveRow> {
        self.rows.iter().find(|r| r.units == units)
    }
}

/// The decision region of a pool: counts up to twice the recommended one (at least the second
/// positive count the product is sold in), extended to every rule within 1.25 × that end.
pub fn region<'a>(ctx: &Context<'a>) -> Region<'a> {
    let report = ctx.report;
    let units = &report.run.units;
    let second_positive = units.get(2).or(units.last()).copied().unwrap_or(0);
    let mut end = (2 * ctx.headline.units).max(second_positive);
    let mut wanted: Vec<u32> = report.choices.iter().map(|c| c.units).collect();
    wanted.sort_unstable();
    for k in wanted {
        if f64::from(k) <= NEAR * f64::from(end) {
            end = end.max(k);
        }
    }
    let shown = units
        .partition_point(|&u| u <= end)
        .clamp(2, report.curve.len());
    let rows = &report.curve[..shown];
    let last = rows.last().map_or(0, |r| r.units);
    let (inside, beyond) = rule_groups(&report.choices, &Rule::ALL)
        .into_iter()
        .partition(|g| g.units <= last);
    Region {
        rows,
        inside,
        beyond,
    }
}

/// The units axis over the region's rows in a plot `width` pixels wide: range and ticks.
pub fn units_axis(sizes: &Sizes, rows: &[CurveRow], width: u32) -> (Range<f64>, Vec<f64>) {
    let max = f64::from(rows.last().map_or(0, |r| r.units));
    let pad = (max * 0.02).max(0.15);
    let ticks = unit_ticks(max, ticks_that_fit(sizes, width, 3.5).min(12));
    (-pad..max + pad, ticks)
}

/// "Units bought", saying how much of the sweep is shown when it is cut.
pub fn units_title(ctx: &Context, region: &Region) -> String {
    let (_, many) = crate::report::words::unit_noun(ctx.pool.product);
    let many = crate::report::words::capitalized(many);
    let swept = ctx.report.run.max_units();
    if region.end() < swept {
        format!(
            "{many} bought (showing 0–{} of the 0–{swept} priced)",
            region.end()
        )
    } else {
        format!("{many} bought")
    }
}

/// One legend entry per group of rules: its marker, plain names and count; the recommended
/// group says so.
pub fn rule_entries(ctx: &Context, groups: &[RuleGroup]) -> Vec<Entry> {
    groups
        .iter()
        .map(|g| {
            let recommended = g.rules.contains(&Rule::MinMean);
            Entry::new(
                Swatch::Marker(group_color(g)),
                format!(
                    "{}: {}{}",
                    g.names(),
                    g.units_label(ctx.pool.product),
                    if recommended { " (recommended)" } else { "" }
                ),
            )
        })
        .collect()
}

/// The colour a group is drawn in: the recommended colour if it holds `min_mean`, else its first
/// rule's.
pub fn group_color(group: &RuleGroup) -> RGBColor {
    if group.rules.contains(&Rule::MinMean) {
        RECOMMENDED
    } else {
        rule_color(group.rules[0])
    }
}

/// A white-ringed marker per group at its units and `y(row)`; the recommended one larger.
pub fn rule_markers<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    sizes: &Sizes,
    region: &Region,
    y: impl Fn(&CurveRow) -> f64,
) -> anyhow::Result<()>
where
    DB: Backend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let ring = sizes.px(3.0) as u32;
    // The recommended marker last, on top.
    let mut groups: Vec<&RuleGroup> = region.inside.iter().collect();
    groups.sort_by_key(|g| g.rules.contains(&Rule::MinMean));
    for group in groups {
        let Some(row) = region.row(group.units) else {
            continue;
        };
        let radius = if group.rules.contains(&Rule::MinMean) {
            sizes.px(15.0)
        } else {
            sizes.px(10.0)
        };
        let point = (f64::from(group.units), y(row));
        chart.draw_series([
            Circle::new(point, radius, group_color(group).filled()),
            Circle::new(point, radius, WHITE.stroke_width(ring)),
        ])?;
    }
    Ok(())
}

/// A light band across the plot at the recommended count, `y` the plot's value range.
pub fn recommended_band<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    units: u32,
    step: f64,
    y: (f64, f64),
) -> anyhow::Result<()>
where
    DB: Backend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    if units == 0 {
        return Ok(());
    }
    let (x, half) = (f64::from(units), step * 0.35);
    chart.draw_series([Rectangle::new(
        [(x - half, y.0), (x + half, y.1)],
        RECOMMENDED.mix(0.12).filled(),
    )])?;
    Ok(())
}

/// The rules beyond the region, named in a box at the top right: "75% of observed peak: 33
/// units, P50 $1.20M →".
pub fn beyond_note<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    ctx: &Context,
    region: &Region,
    value: impl Fn(&CurveRow) -> String,
    corner: (f64, f64),
) -> anyhow::Result<()>
where
    DB: Backend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    if region.beyond.is_empty() {
        return Ok(());
    }
    let sizes = &ctx.sizes;
    let mut lines = vec![("Beyond the chart →".to_string(), sizes.label_bold())];
    for group in &region.beyond {
        let row = ctx.report.row_at(group.units);
        lines.push((
            format!(
                "{}: {}, {}",
                group.names(),
                group.units_label(ctx.pool.product),
                value(row)
            ),
            sizes.label_in(group_color(group)),
        ));
    }
    let note_box = Note {
        lines,
        border: Some(MUTED),
        place: Place::Left,
    };
    note(chart, sizes, corner, &note_box)
}

/// Most points along a drawn line: thick lines through many short segments render ragged.
const LINE_POINTS: usize = 160;

/// `points` thinned to about `LINE_POINTS`, keeping the first and the last.
pub fn thinned(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let stride = points.len().div_ceil(LINE_POINTS).max(1);
    if stride == 1 {
        return points;
    }
    let last = points.last().copied();
    let mut kept: Vec<(f64, f64)> = points.into_iter().step_by(stride).collect();
    if let Some(last) = last.filter(|l| kept.last() != Some(l)) {
        kept.push(last);
    }
    kept
}

/// "P50 $1.20M": a cost row's median, for edge notes.
pub fn p50_of(row: &CurveRow) -> String {
    format!("P50 {}", usd3(row.p50))
}

/// A dashed reference line from `from` to `to` (all on-demand, zero saving, break-even).
pub fn dashed<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    sizes: &Sizes,
    (from, to): ((f64, f64), (f64, f64)),
    color: RGBColor,
) -> anyhow::Result<()>
where
    DB: Backend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart.draw_series(DashedLineSeries::new(
        [from, to],
        sizes.px(14.0) as u32,
        sizes.px(9.0) as u32,
        color.stroke_width(sizes.px(2.0) as u32),
    ))?;
    Ok(())
}

/// A panel of dollars (0 to `y_max`, titled "`what` per month (USD)") over the region's units.
pub fn bill_panel<'a, DB: Backend>(
    plot: &'a super::layout::Area<DB>,
    ctx: &Context,
    region: &Region,
    y_max: f64,
    what: &str,
) -> anyhow::Result<super::frame::Panel<'a, DB>> {
    let sizes = &ctx.sizes;
    let (width, height) = plot.dim_in_pixel();
    let (x_range, x_ticks) = units_axis(sizes, region.rows, width);
    let (y_ticks, y_step) = nice_ticks(0.0, y_max, ticks_that_fit(sizes, height, 3.0).min(8));
    let usd = UsdAxis::new(y_max, y_step);
    let (x_label, y_label) = (|v: f64| format!("{v:.0}"), |v: f64| usd.label(v));
    panel(
        plot,
        sizes,
        Axis::new(x_range, x_ticks, &x_label, units_title(ctx, region)).or_short("Units"),
        Axis::new(
            0.0..y_max,
            y_ticks,
            &y_label,
            format!("{what} {} (USD)", ctx.headline.period.axis()),
        )
        .or_short("Bill (USD)"),
        Options::default(),
    )
}

/// The closed outline of the band between `low` and `high` of each row, each clamped to
/// `floor` so that a band leaving the axis runs along its bottom.
pub fn band(
    rows: &[CurveRow],
    low: impl Fn(&CurveRow) -> f64,
    high: impl Fn(&CurveRow) -> f64,
    floor: f64,
) -> Vec<(f64, f64)> {
    let k = |r: &CurveRow| f64::from(r.units);
    let mut points: Vec<(f64, f64)> = rows.iter().map(|r| (k(r), high(r).max(floor))).collect();
    points.extend(rows.iter().rev().map(|r| (k(r), low(r).max(floor))));
    points
}

/// A curve row of zeros at `units`, for tests.
#[cfg(test)]
pub fn blank_row(units: u32) -> CurveRow {
    CurveRow {
        units,
        ..CurveRow::default()
    }
}
