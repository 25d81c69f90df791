//! Chart 2, savings and risk, in two panels over the same units axis: P10/P50/P90 of what each
//! unit count saves against all on-demand in the same trial, and the probability that it costs
//! less than all on-demand. Each sizing rule's choice is marked on both.

use plotters::prelude::*;

use super::axis::{UsdAxis, nice_ticks, padded};
use super::frame::{Axis, Options, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, header, legend};
use super::style::{self, Backend, DATA, REFERENCE};
use super::units::{band, rule_entries, rule_markers, shown, units_axis, units_title};
use super::{Context, rule_groups};
use crate::stats::sizing::Rule;

/// Colour of the probability line (the savings use `DATA`).
const PROBABILITY: RGBColor = RGBColor(120, 60, 140);

/// Draws the savings-and-risk chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let curve = shown(ctx);
    let groups = rule_groups(&ctx.report.choices, &Rule::ALL);

    let body = header(
        root,
        sizes,
        &format!(
            "Savings against all on-demand, and how sure: {}",
            ctx.report.name
        ),
        &style::subtitle(ctx.scenario, ctx.pool),
    )?;
    // The probability gets its own panel unless the canvas is too small for two; then the
    // savings panel alone.
    let tick = sizes.tick().font.get_size();
    let two_panels = f64::from(body.dim_in_pixel().1) >= 24.0 * tick;
    let mut entries = vec![
        Entry::new(Swatch::Band(DATA.mix(0.2)), "P10–P90 savings"),
        Entry::new(Swatch::Line(DATA), "P50 savings"),
        Entry::new(Swatch::Dashed(REFERENCE), "No saving (all on-demand)"),
    ];
    if two_panels {
        entries.push(Entry::new(
            Swatch::Line(PROBABILITY),
            "P(cheaper than all on-demand in the same trial)",
        ));
    }
    entries.extend(rule_entries(&groups));
    let plot = legend(&body, sizes, &entries)?;
    let (width, height) = plot.dim_in_pixel();
    let split = if two_panels {
        height * 57 / 100
    } else {
        height
    };
    let (upper, lower) = plot.split_vertically(split);

    let (x_range, x_ticks) = units_axis(sizes, curve, width);
    let (left, right) = (x_range.start, x_range.end);
    let low = curve.iter().map(|r| r.savings_p10).fold(0.0, f64::min);
    let high = curve.iter().map(|r| r.savings_p90).fold(0.0, f64::max);
    let (y_low, y_high) = padded(low, high, 0.08);
    let y_low = if low < 0.0 { y_low } else { 0.0 };
    let fit = ticks_that_fit(sizes, upper.dim_in_pixel().1, 3.0).min(7);
    let (y_ticks, y_step) = nice_ticks(y_low, y_high, fit);
    let usd = UsdAxis::new(y_low.abs().max(y_high), y_step);
    let (x_label, usd_label) = (|v: f64| format!("{v:.0}"), |v: f64| usd.label(v));
    let share_label = |v: f64| format!("{:.0}%", 100.0 * v);
    let savings_axis = Axis::new(y_low..y_high, y_ticks, &usd_label, "Savings (USD)");
    let share_ticks = vec![0.0, 0.25, 0.5, 0.75, 1.0];
    let share_axis = Axis::new(-0.04..1.04, share_ticks, &share_label, "P(cheaper)");
    // Both panels get the wider label area so that their plots line up.
    let y_width = y_label_width(&upper, sizes, &savings_axis)?.max(y_label_width(
        &lower,
        sizes,
        &share_axis,
    )?);
    let units_title = units_title(ctx, curve);
    let top_x_title = if two_panels { "" } else { units_title.as_str() };

    let mut top = panel(
        &upper,
        sizes,
        Axis::new(x_range.clone(), x_ticks.clone(), &x_label, top_x_title).or_short("Units"),
        savings_axis,
        Options {
            hide_x_labels: two_panels,
            y_label_width: Some(y_width),
            ..Options::default()
        },
    )?;
    top.draw_series([Polygon::new(
        band(curve, |r| r.savings_p10, |r| r.savings_p90),
        DATA.mix(0.2).filled(),
    )])?;
    top.draw_series(DashedLineSeries::new(
        [(left, 0.0), (right, 0.0)],
        sizes.px(14.0) as u32,
        sizes.px(9.0) as u32,
        REFERENCE.stroke_width(sizes.px(2.0) as u32),
    ))?;
    top.draw_series(LineSeries::new(
        curve.iter().map(|r| (f64::from(r.units), r.savings_p50)),
        DATA.stroke_width(sizes.line()),
    ))?;
    rule_markers(&mut top, sizes, &groups, curve, |r| r.savings_p50)?;
    if !two_panels {
        return Ok(());
    }

    let mut bottom = panel(
        &lower,
        sizes,
        Axis::new(x_range, x_ticks, &x_label, units_title).or_short("Units"),
        share_axis,
        Options {
            y_label_width: Some(y_width),
            top: sizes.px(10.0),
            ..Options::default()
        },
    )?;
    bottom.draw_series(LineSeries::new(
        curve
            .iter()
            .map(|r| (f64::from(r.units), r.prob_beats_on_demand)),
        PROBABILITY.stroke_width(sizes.line()),
    ))?;
    rule_markers(&mut bottom, sizes, &groups, curve, |r| {
        r.prob_beats_on_demand
    })
}
