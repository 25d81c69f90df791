//! Chart 7, the load-duration curve: every hour of the horizon's realtime load sorted from the
//! busiest to the quietest (a typical trial, with the P10–P90 band across sampled trials),
//! against the same capacity lines as the traffic chart and the break-even utilization as a share
//! of hours: a unit at a height the curve holds for more than u* of the hours is busy enough to
//! pay for the realtime work it serves.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::axis::{nice_ticks, number_label};
use super::frame::{Axis, Options, panel, ticks_that_fit};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::style::{self, BREAK_EVEN, Backend, DATA};
use super::traffic::{capacity_lines, clamp, line_groups, load_axis, load_entries};
use super::units::dashed;
use super::units::group_color;
use crate::report::format::{percent, share};
use crate::report::words::count;

fn title(ctx: &Context) -> String {
    let k = ctx.headline.units;
    let full = ctx.load.share_of_hours_above(f64::from(k));
    let u = ctx
        .report
        .break_even_utilization
        .filter(|u| *u <= 1.0)
        .map_or(String::new(), |u| {
            format!(
                "; a unit pays when the load reaches it in more than {} of hours",
                percent(u)
            )
        });
    format!(
        "The {} recommended are all busy in {} of hours{u}",
        count(k, ctx.pool.product),
        share(full)
    )
}

/// Draws the load-duration chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let load = ctx.load;
    let groups = line_groups(ctx);
    let body = header(
        root,
        sizes,
        &title(ctx),
        &format!(
            "{} · the {} hours' realtime load sorted from busiest to quietest, in units of \
             capacity",
            style::subtitle(ctx.pool),
            style::grouped(ctx.scenario.horizon_hours as u64)
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let axis = load_axis(
        &[
            &load.duration_p90,
            &load.duration_p50_trial,
            &load.duration_p10,
        ],
        &groups,
    );
    let u_star = ctx.report.break_even_utilization.filter(|u| *u <= 1.0);
    let mut entries = load_entries(ctx, &axis);
    if let Some(u) = u_star {
        entries.push(Entry::new(
            Swatch::Dashed(BREAK_EVEN),
            format!(
                "Break-even: load reaches the unit in {} of hours",
                percent(u)
            ),
        ));
    }
    let plot = legend(&body, sizes, &entries)?;

    let (width, height) = plot.dim_in_pixel();
    let top = axis.top;
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
            "Share of hours with at least this load",
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
    let mut band: Vec<(f64, f64)> = x
        .iter()
        .copied()
        .zip(clamp(&load.duration_p90, top))
        .collect();
    band.extend(x.iter().copied().zip(clamp(&load.duration_p10, top)).rev());
    chart.draw_series([Polygon::new(band, DATA.mix(0.2).filled())])?;
    chart.draw_series(LineSeries::new(
        x.iter().copied().zip(clamp(&load.duration_p50_trial, top)),
        DATA.stroke_width(sizes.line()),
    ))?;
    if let Some(u) = u_star {
        dashed(
            &mut chart,
            sizes,
            ((100.0 * u, 0.0), (100.0 * u, top)),
            BREAK_EVEN,
        )?;
        note(
            &mut chart,
            sizes,
            (100.0 * u, top * 0.93),
            &Note::value(
                format!("break-even {}", percent(u)),
                sizes.label_in(BREAK_EVEN),
                Place::Right,
            ),
        )?;
    }
    capacity_lines(&mut chart, ctx, &axis, 100.0)?;
    let radius = sizes.px(9.0);
    for group in axis.lines.iter().filter(|g| g.units > 0) {
        // Where the typical trial's curve crosses the line: the share of hours that spill.
        let k = f64::from(group.units);
        let crossing = (100.0 * load.share_of_hours_above(k), k);
        chart.draw_series([
            Circle::new(crossing, radius, group_color(group).filled()),
            Circle::new(crossing, radius, WHITE.stroke_width(sizes.px(3.0) as u32)),
        ])?;
    }
    Ok(())
}
