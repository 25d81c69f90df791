//! Chart 2, savings and risk, in two panels over the decision region: P10/P50/P90 of what each
//! unit count saves against all on-demand in the same trial, and the probability that it costs
//! less than all on-demand. The savings axis is sized to the gains: losses far below them run
//! along its bottom edge instead of stretching it.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::axis::{UsdAxis, nice_ticks, padded};
use super::frame::{Axis, Options, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::style::{self, Backend, DATA, RECOMMENDED, REFERENCE};
use super::units::{
    band, beyond_note, dashed, recommended_band, region, rule_entries, rule_markers, thinned,
    units_axis, units_title,
};
use crate::report::format::{share, usd3};
use crate::report::words::count;

/// Colour of the probability line (the savings use `DATA`).
const PROBABILITY: RGBColor = RGBColor(120, 60, 140);

/// "Savings peak at 5 units, $91.2k a month at P50; from 10 units on-demand is cheaper in most
/// trials".
fn title(ctx: &Context) -> String {
    let h = &ctx.headline;
    let product = ctx.pool.product;
    let best = format!(
        "Savings peak at {}: {} {} at P50",
        count(h.units, product),
        usd3(h.savings_p50),
        h.period.per()
    );
    let losing = ctx
        .report
        .curve
        .iter()
        .find(|r| r.units > h.units && r.prob_beats_on_demand < 0.5);
    match losing {
        Some(r) => format!(
            "{best}; from {} on-demand is cheaper in most trials",
            count(r.units, product)
        ),
        None => best,
    }
}

/// Draws the savings-and-risk chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let region = region(ctx);
    let rows = region.rows;
    let per = ctx.headline.period.per();
    let body = header(
        root,
        sizes,
        &title(ctx),
        &format!(
            "{} · saving against all on-demand {per}, each trial against itself",
            style::subtitle(ctx.pool)
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    // The probability gets its own panel unless the canvas is too small for two.
    let tick = sizes.tick().font.get_size();
    let two_panels = f64::from(body.dim_in_pixel().1) >= 24.0 * tick;
    let mut entries = vec![
        Entry::new(Swatch::Band(DATA.mix(0.2)), "P10–P90 saving"),
        Entry::new(Swatch::Line(DATA), "P50 saving"),
        Entry::new(Swatch::Dashed(REFERENCE), "No saving (all on-demand)"),
    ];
    if two_panels {
        entries.push(Entry::new(
            Swatch::Line(PROBABILITY),
            "Chance of costing less than all on-demand",
        ));
    }
    entries.extend(rule_entries(ctx, &region.inside));
    let plot = legend(&body, sizes, &entries)?;
    let (width, height) = plot.dim_in_pixel();
    let split = if two_panels {
        height * 57 / 100
    } else {
        height
    };
    let (upper, lower) = plot.split_vertically(split);

    let (x_range, x_ticks) = units_axis(sizes, rows, width);
    let (left, right) = (x_range.start, x_range.end);
    let high = rows.iter().map(|r| r.savings_p90).fold(0.0, f64::max);
    // Losses are shown down to the size of the best gain, or to the P50 line if it falls lower.
    let lowest_p50 = rows.iter().map(|r| r.savings_p50).fold(0.0, f64::min);
    let low = rows
        .iter()
        .map(|r| r.savings_p10)
        .fold(0.0, f64::min)
        .max(-high.max(1.0))
        .min(lowest_p50);
    // Room above the best saving for its label.
    let (y_low, y_high) = padded(low, high.max(1.0), 0.08);
    let y_high = y_high + 0.25 * (y_high - y_low);
    let y_low = if low < 0.0 { y_low } else { 0.0 };
    let fit = ticks_that_fit(sizes, upper.dim_in_pixel().1, 3.0).min(7);
    let (y_ticks, y_step) = nice_ticks(y_low, y_high, fit);
    let usd = UsdAxis::new(y_low.abs().max(y_high), y_step);
    let (x_label, usd_label) = (|v: f64| format!("{v:.0}"), |v: f64| usd.label(v));
    let share_label = |v: f64| format!("{:.0}%", 100.0 * v);
    let savings_axis = Axis::new(
        y_low..y_high,
        y_ticks,
        &usd_label,
        format!("Saving {} (USD)", ctx.headline.period.axis()),
    )
    .or_short("Saving (USD)");
    let share_ticks = vec![0.0, 0.25, 0.5, 0.75, 1.0];
    let share_axis =
        Axis::new(-0.04..1.04, share_ticks, &share_label, "Chance cheaper").or_short("Chance");
    // Both panels get the wider label area so that their plots line up.
    let y_width = y_label_width(&upper, sizes, &savings_axis)?.max(y_label_width(
        &lower,
        sizes,
        &share_axis,
    )?);
    let units_title = units_title(ctx, &region);
    let top_x_title = if two_panels { "" } else { units_title.as_str() };
    let recommended = ctx.headline.units;
    let step = f64::from(ctx.pool.steps.increment.max(1));

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
    recommended_band(&mut top, recommended, step, (y_low, y_high))?;
    top.draw_series([Polygon::new(
        band(rows, |r| r.savings_p10, |r| r.savings_p90, y_low),
        DATA.mix(0.2).filled(),
    )])?;
    dashed(&mut top, sizes, ((left, 0.0), (right, 0.0)), REFERENCE)?;
    top.draw_series(LineSeries::new(
        thinned(
            rows.iter()
                .map(|r| (f64::from(r.units), r.savings_p50.max(y_low)))
                .collect(),
        ),
        DATA.stroke_width(sizes.line()),
    ))?;
    rule_markers(&mut top, sizes, &region, |r| r.savings_p50.max(y_low))?;
    let h = &ctx.headline;
    let callout = Note::value(
        format!(
            "Recommended: {}, saves {} (P10–P90 {} to {})",
            count(recommended, ctx.pool.product),
            usd3(h.savings_p50),
            usd3(h.savings_p10),
            usd3(h.savings_p90)
        ),
        sizes.label_bold_in(RECOMMENDED),
        Place::Above,
    );
    let row = ctx.report.row_at(recommended);
    note(
        &mut top,
        sizes,
        (f64::from(recommended), row.savings_p90.max(y_low)),
        &callout,
    )?;
    let saving = |r: &crate::stats::curve::CurveRow| format!("P50 saving {}", usd3(r.savings_p50));
    if !two_panels {
        return beyond_note(&mut top, ctx, &region, saving, (right, y_high));
    }
    beyond_note(&mut top, ctx, &region, saving, (right, y_high))?;

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
    recommended_band(&mut bottom, recommended, step, (-0.04, 1.04))?;
    bottom.draw_series(LineSeries::new(
        thinned(
            rows.iter()
                .map(|r| (f64::from(r.units), r.prob_beats_on_demand))
                .collect(),
        ),
        PROBABILITY.stroke_width(sizes.line()),
    ))?;
    rule_markers(&mut bottom, sizes, &region, |r| r.prob_beats_on_demand)?;
    note(
        &mut bottom,
        sizes,
        (f64::from(recommended), row.prob_beats_on_demand),
        &Note::value(
            format!("cheaper in {} of trials", share(row.prob_beats_on_demand)),
            sizes.label_in(RECOMMENDED),
            Place::Below,
        ),
    )
}
