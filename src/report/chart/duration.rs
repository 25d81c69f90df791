//! Chart 4, the load-duration curve: every hour of the horizon's realtime load sorted from the
//! busiest to the quietest (the P50 trial, with the P10–P90 band across sampled trials), against
//! the same capacity lines as the traffic chart. Where a line crosses the curve is the share of
//! hours that spill; the area under both the line and the curve is the work the units carry.

use plotters::prelude::*;

use super::Context;
use super::axis::{nice_ticks, number_label};
use super::frame::{Axis, Options, panel, ticks_that_fit};
use super::layout::{Area, header, legend};
use super::style::{self, Backend, DATA, rule_color};
use super::traffic::{capacity_lines, line_groups, load_entries, load_top};

/// Draws the load-duration chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let load = ctx.load;
    let groups = line_groups(ctx);
    let body = header(
        root,
        sizes,
        &format!("Load-duration curve: {}", ctx.report.name),
        &style::subtitle(ctx.scenario, ctx.pool),
    )?;
    let plot = legend(&body, sizes, &load_entries(ctx, &groups))?;

    let (width, height) = plot.dim_in_pixel();
    let top = load_top(
        &[
            &load.duration_p90,
            &load.duration_p50_trial,
            &load.duration_p10,
        ],
        &groups,
    );
    let (y_ticks, y_step) = nice_ticks(0.0, top, ticks_that_fit(sizes, height, 3.0).min(8));
    let x_step = if ticks_that_fit(sizes, width, 3.5) >= 10 {
        10
    } else {
        25
    };
    let x_ticks = (0..=100).step_by(x_step).map(f64::from).collect();
    let (x_label, y_label) = (
        |v: f64| format!("{v:.0}%"),
        |v: f64| number_label(v, y_step),
    );
    let mut chart = panel(
        &plot,
        sizes,
        Axis::new(
            0.0..100.0,
            x_ticks,
            &x_label,
            format!(
                "Share of the {} hours with at least this load",
                style::grouped(ctx.scenario.horizon_hours as u64)
            ),
        )
        .or_short("Share of hours"),
        Axis::new(
            0.0..top,
            y_ticks,
            &y_label,
            "Realtime load (units of capacity busy)",
        )
        .or_short("Load (units)"),
        Options::default(),
    )?;

    let x: Vec<f64> = load.duration_share.iter().map(|s| 100.0 * s).collect();
    let mut band: Vec<(f64, f64)> = x.iter().copied().zip(load.duration_p90.clone()).collect();
    band.extend(x.iter().copied().zip(load.duration_p10.clone()).rev());
    chart.draw_series([Polygon::new(band, DATA.mix(0.2).filled())])?;
    chart.draw_series(LineSeries::new(
        x.iter().copied().zip(load.duration_p50_trial.clone()),
        DATA.stroke_width(sizes.line()),
    ))?;
    capacity_lines(&mut chart, sizes, &groups, 100.0)?;
    let radius = sizes.px(9.0);
    for group in groups.iter().filter(|g| g.units > 0) {
        // Where the P50 trial's curve crosses the line: the share of hours that spill.
        let k = f64::from(group.units);
        let crossing = (100.0 * load.share_of_hours_above(k), k);
        let color = rule_color(group.rules[0]);
        chart.draw_series([
            Circle::new(crossing, radius, color.filled()),
            Circle::new(crossing, radius, WHITE.stroke_width(sizes.px(3.0) as u32)),
        ])?;
    }
    Ok(())
}
