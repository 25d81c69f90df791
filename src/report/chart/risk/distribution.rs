//! The cost-distribution panel of `terms_<pool>` and `plans_<pool>`: one row per option, a box
//! from P25 to P75, whiskers from P5 to P95, a bar at P50, a dot at the mean, a note right of
//! the whiskers and an optional caption above, on a dollar axis.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::annotate::{Note, Place, note};
use super::super::axis::{UsdAxis, nice_ticks, padded};
use super::super::frame::{Axis, ticks_that_fit, y_label_width};
use super::super::layout::Area;
use super::super::rows::{row_of, row_panel, row_y, rows};
use super::super::style::{self, Backend, Sizes};
use crate::stats::quantile::percentile_sorted;

/// One row of the panel.
pub struct DistributionRow<'a> {
    pub label: String,
    pub color: RGBColor,
    /// The option's cost in every trial, ascending.
    pub costs_sorted: &'a [f64],
    pub mean: f64,
    /// Printed right of the whiskers.
    pub note: String,
    /// Printed above the row, from the axis's left end ("" for none).
    pub caption: String,
}

/// A dollar x axis over `low..high`: range, ticks and labels.
pub fn usd_axis(sizes: &Sizes, width: u32, low: f64, high: f64) -> (f64, f64, Vec<f64>, UsdAxis) {
    let (lo, hi) = padded(low, high, 0.04);
    let (ticks, step) = nice_ticks(lo, hi, ticks_that_fit(sizes, width, 5.0).min(8));
    (lo, hi, ticks, UsdAxis::new(hi.abs().max(lo.abs()), step))
}

/// Draws `rows` top to bottom on `plot`, the x axis titled `title` (`short` on small canvases),
/// with room on the right for every note beside its whiskers.
pub fn distribution_panel<DB: Backend>(
    plot: &Area<DB>,
    sizes: &Sizes,
    rows_shown: &[DistributionRow],
    (title, short): (String, &str),
) -> anyhow::Result<()> {
    let n = rows_shown.len();
    let q = |r: &DistributionRow, p| percentile_sorted(r.costs_sorted, p);
    let name_of = |v: f64| rows_shown[row_of(v, n).min(n - 1)].label.clone();
    let low = rows_shown
        .iter()
        .map(|r| q(r, 0.05))
        .fold(f64::INFINITY, f64::min);
    let high = rows_shown.iter().map(|r| q(r, 0.95)).fold(0.0, f64::max);
    let low = low.min(high);
    // The data area is the plot less the row labels and margins; a note w pixels wide after
    // P95 needs the axis to reach P95 + w/width of its span.
    let width = f64::from(plot.dim_in_pixel().0)
        - f64::from(y_label_width(plot, sizes, &rows(n, &name_of))?)
        - f64::from(sizes.margin() + sizes.px(60.0));
    let mut span = (high - low).max(high.abs() * 0.05).max(1e-9);
    for r in rows_shown {
        let note = plot.estimate_text_size(&r.note, &sizes.tick())?.0 as f64;
        let share = ((note + f64::from(sizes.px(24.0))) / width.max(1.0)).min(0.85);
        span = span.max((q(r, 0.95) - low) / (1.0 - share));
    }
    let (lo, hi, ticks, usd) = usd_axis(sizes, plot.dim_in_pixel().0, low, low + span);
    let x_label = |v: f64| usd.label(v);
    let mut chart = row_panel(
        plot,
        sizes,
        Axis::new(lo..hi, ticks, &x_label, title).or_short(short),
        n,
        &name_of,
    )?;
    // Captions take the top of each row's band.
    let captioned = rows_shown.iter().any(|r| !r.caption.is_empty());
    let half = if captioned { 0.22 } else { 0.3 };
    let caption_style = sizes
        .tick()
        .color(&style::MUTED)
        .pos(Pos::new(HPos::Left, VPos::Bottom));
    for (i, r) in rows_shown.iter().enumerate() {
        let y = row_y(i, n);
        let (p5, p50, p95) = (q(r, 0.05), q(r, 0.5), q(r, 0.95));
        let stroke = r.color.stroke_width(sizes.px(3.0) as u32);
        chart.draw_series([
            PathElement::new(vec![(p5, y), (p95, y)], stroke),
            PathElement::new(vec![(p5, y - 0.15), (p5, y + 0.15)], stroke),
            PathElement::new(vec![(p95, y - 0.15), (p95, y + 0.15)], stroke),
        ])?;
        let (q25, q75) = (q(r, 0.25), q(r, 0.75));
        chart.draw_series([
            Rectangle::new(
                [(q25, y - half), (q75, y + half)],
                r.color.mix(0.35).filled(),
            ),
            Rectangle::new([(q25, y - half), (q75, y + half)], stroke),
        ])?;
        chart.draw_series([PathElement::new(
            vec![(p50, y - half), (p50, y + half)],
            style::INK.stroke_width(sizes.px(4.0) as u32),
        )])?;
        let dot = sizes.px(6.0);
        chart.draw_series([
            Circle::new((r.mean, y), dot, style::INK.filled()),
            Circle::new((r.mean, y), dot, WHITE.stroke_width(2)),
        ])?;
        note(
            &mut chart,
            sizes,
            (p95, y),
            &Note::value(r.note.clone(), sizes.tick(), Place::Right),
        )?;
        if !r.caption.is_empty() {
            chart.draw_series([EmptyElement::at((lo, y + 0.48))
                + Text::new(r.caption.clone(), (sizes.px(8.0), 0), caption_style.clone())])?;
        }
    }
    Ok(())
}
