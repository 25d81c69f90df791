//! Chart 1, the break-even fan: total cost over the horizon against units bought — P10–P90 and
//! P25–P75 bands across trials, the P50 line, the all-on-demand P50 as a reference, and a marker
//! at each sizing rule's choice; u* in the subtitle.

use plotters::prelude::*;

use super::axis::{UsdAxis, nice_ticks, padded};
use super::frame::{Axis, Options, panel, ticks_that_fit};
use super::layout::{Area, Entry, Swatch, header, legend};
use super::style::{self, Backend, DATA, REFERENCE};
use super::units::{band, rule_entries, rule_markers, shown, units_axis, units_title};
use super::{Context, rule_groups};
use crate::report::format::usd_compact;
use crate::stats::sizing::Rule;

/// Draws the fan chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let curve = shown(ctx);
    let on_demand = curve[0].p50;
    let groups = rule_groups(&ctx.report.choices, &Rule::ALL);

    let body = header(
        root,
        sizes,
        &format!("What each unit count costs: {}", ctx.report.name),
        &style::subtitle_with_break_even(ctx.scenario, ctx.pool, ctx.report.break_even_utilization),
    )?;
    let mut entries = vec![
        Entry::new(Swatch::Band(DATA.mix(0.16)), "P10–P90 of trials"),
        Entry::new(Swatch::Band(DATA.mix(0.36)), "P25–P75"),
        Entry::new(Swatch::Line(DATA), "P50 (median trial)"),
        Entry::new(
            Swatch::Dashed(REFERENCE),
            format!("All on-demand, P50 {}", usd_compact(on_demand)),
        ),
    ];
    entries.extend(rule_entries(&groups));
    let plot = legend(&body, sizes, &entries)?;

    let (width, height) = plot.dim_in_pixel();
    let (x_range, x_ticks) = units_axis(sizes, curve, width);
    let top = curve.iter().map(|r| r.p90).fold(on_demand, f64::max);
    let (_, y_max) = padded(0.0, top, 0.06);
    let (y_ticks, y_step) = nice_ticks(0.0, y_max, ticks_that_fit(sizes, height, 3.0).min(8));
    let usd = UsdAxis::new(y_max, y_step);
    let (x_label, y_label) = (|v: f64| format!("{v:.0}"), |v: f64| usd.label(v));
    let (left, right) = (x_range.start, x_range.end);
    let mut chart = panel(
        &plot,
        sizes,
        Axis::new(x_range, x_ticks, &x_label, units_title(ctx, curve)).or_short("Units"),
        Axis::new(
            0.0..y_max,
            y_ticks,
            &y_label,
            format!(
                "Total cost over {} hours (USD)",
                style::grouped(ctx.scenario.horizon_hours as u64)
            ),
        )
        .or_short("Cost (USD)"),
        Options::default(),
    )?;

    chart.draw_series([Polygon::new(
        band(curve, |r| r.p10, |r| r.p90),
        DATA.mix(0.16).filled(),
    )])?;
    chart.draw_series([Polygon::new(
        band(curve, |r| r.p25, |r| r.p75),
        DATA.mix(0.36).filled(),
    )])?;
    chart.draw_series(DashedLineSeries::new(
        [(left, on_demand), (right, on_demand)],
        sizes.px(14.0) as u32,
        sizes.px(9.0) as u32,
        REFERENCE.stroke_width(sizes.px(2.0) as u32),
    ))?;
    let p50 = curve.iter().map(|r| (f64::from(r.units), r.p50));
    chart.draw_series(LineSeries::new(
        p50.clone(),
        DATA.stroke_width(sizes.line()),
    ))?;
    // Dots at each k while they stay apart: the curve is only defined at whole units.
    if curve.len() <= 41 {
        let dot = sizes.px(4.0);
        chart.draw_series(p50.map(|p| Circle::new(p, dot, DATA.filled())))?;
    }
    rule_markers(&mut chart, sizes, &groups, curve, |r| r.p50)
}
