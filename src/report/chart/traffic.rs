//! Chart 3, traffic and capacity: one representative week of simulated hourly realtime load —
//! the P50 trial, with the P10–P90 band across sampled trials — against the unit counts chosen by
//! `p50_floor`, `peak_fraction` and `min_mean`. Load above a line spills to on-demand.

use chrono::DateTime;
use plotters::prelude::*;

use super::axis::{nice_ticks, number_label, padded};
use super::frame::{Axis, Options, Panel, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, header, legend};
use super::load::WEEK_HOURS;
use super::style::{self, Backend, DATA, Sizes, rule_color};
use super::{Context, RuleGroup, rule_groups};
use crate::report::format::percent;
use crate::stats::sizing::Rule;

/// The rules whose unit counts are drawn as capacity lines.
pub const LINE_RULES: [Rule; 3] = [Rule::P50Floor, Rule::PeakFraction, Rule::MinMean];

/// The capacity lines of a pool, rules with the same k merged.
pub fn line_groups(ctx: &Context) -> Vec<RuleGroup> {
    rule_groups(&ctx.report.choices, &LINE_RULES)
}

/// The legend entries of the P50 trial, its band and the capacity lines.
pub fn load_entries(ctx: &Context, groups: &[RuleGroup]) -> Vec<Entry> {
    let mut entries = vec![
        Entry::new(
            Swatch::Band(DATA.mix(0.2)),
            format!(
                "P10–P90 across {} trials",
                style::grouped(ctx.load.sampled.into())
            ),
        ),
        Entry::new(
            Swatch::Line(DATA),
            format!(
                "P50 trial (trial {}, horizon peak {} units)",
                ctx.load.p50_trial,
                significant(ctx.load.peak_p50_trial())
            ),
        ),
    ];
    for group in groups {
        let spill = match group.units {
            0 => String::new(),
            k => format!(
                ", load above it in {} of hours",
                percent(ctx.load.share_of_hours_above(f64::from(k)))
            ),
        };
        entries.push(Entry::new(
            Swatch::Line(rule_color(group.rules[0])),
            format!("{}: {}{spill}", group.names(), group.units_label()),
        ));
    }
    entries
}

/// A load with two significant digits below 10 (0.031, 4.2) and whole above (37).
fn significant(value: f64) -> String {
    match value {
        v if v >= 10.0 || v == 0.0 => format!("{v:.0}"),
        v => {
            let decimals = (1.0 - v.log10().floor()).max(0.0) as usize;
            format!("{v:.decimals$}")
        }
    }
}

/// The top of the load axis: the band, the P50 trial and every capacity line fit below it.
pub fn load_top(loads: &[&[f64]], groups: &[RuleGroup]) -> f64 {
    let data = loads
        .iter()
        .flat_map(|l| l.iter())
        .copied()
        .fold(0.0, f64::max);
    let lines = groups
        .iter()
        .map(|g| f64::from(g.units))
        .fold(0.0, f64::max);
    padded(0.0, data.max(lines).max(1.0), 0.08).1
}

/// Hours between ticks: midnights, or every six hours when fewer than three days are shown.
fn tick_step(hours: usize) -> i64 {
    if hours > 72 { 24 } else { 6 }
}

/// The tick hours of the window (the end excluded: a label there would run off the canvas).
fn hour_ticks(first_epoch_hour: i64, hours: usize) -> Vec<f64> {
    let step = tick_step(hours);
    (0..hours)
        .filter(|&h| (first_epoch_hour + h as i64).rem_euclid(step) == 0)
        .map(|h| h as f64)
        .collect()
}

fn hour_label(epoch_hour: i64, short: bool) -> String {
    let Some(time) = DateTime::from_timestamp(epoch_hour * 3600, 0) else {
        return String::new();
    };
    match (epoch_hour.rem_euclid(24), short) {
        (0, false) => time.format("%a %-d %b").to_string(),
        (0, true) => time.format("%a").to_string(),
        _ => time.format("%H:%M").to_string(),
    }
}

/// The capacity lines of `groups` across `0..x_end`.
pub fn capacity_lines<DB: Backend>(
    chart: &mut Panel<DB>,
    sizes: &Sizes,
    groups: &[RuleGroup],
    x_end: f64,
) -> anyhow::Result<()> {
    for group in groups {
        let k = f64::from(group.units);
        chart.draw_series(LineSeries::new(
            [(0.0, k), (x_end, k)],
            rule_color(group.rules[0]).stroke_width(sizes.line()),
        ))?;
    }
    Ok(())
}

/// "A week", or "48 hours" when the horizon is shorter than a week.
fn window_name(hours: usize) -> String {
    if hours == WEEK_HOURS {
        "A week".to_string()
    } else {
        format!("{hours} hours")
    }
}

/// Draws the traffic-and-capacity chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let load = ctx.load;
    let groups = line_groups(ctx);
    let first = ctx.scenario.start_epoch_hour + load.week.start as i64;
    let last = first + load.week.len() as i64 - 1;
    let span = match (
        DateTime::from_timestamp(first * 3600, 0),
        DateTime::from_timestamp(last * 3600, 0),
    ) {
        (Some(a), Some(b)) => format!("{} – {}", a.format("%a %-d %b"), b.format("%a %-d %b %Y")),
        _ => String::new(),
    };
    let body = header(
        root,
        sizes,
        &format!(
            "{} of realtime traffic against capacity: {}",
            window_name(load.week.len()),
            ctx.report.name
        ),
        &style::subtitle(ctx.scenario, ctx.pool),
    )?;
    let plot = legend(&body, sizes, &load_entries(ctx, &groups))?;

    let (width, height) = plot.dim_in_pixel();
    let hours = load.week.len();
    let top = load_top(
        &[&load.week_p90, &load.week_p50_trial, &load.week_p10],
        &groups,
    );
    let (y_ticks, y_step) = nice_ticks(0.0, top, ticks_that_fit(sizes, height, 3.0).min(8));
    let y_label = |v: f64| number_label(v, y_step);
    let y_axis = Axis::new(
        0.0..top,
        y_ticks,
        &y_label,
        "Realtime load (units of capacity busy)",
    )
    .or_short("Load (units)");
    // Day labels sit mid-day, under the day they name; day names alone when a full date
    // would not fit.
    let plot_width = f64::from(width)
        - f64::from(y_label_width(&plot, sizes, &y_axis)?)
        - f64::from(sizes.margin() + sizes.px(40.0));
    let step_pixels = plot_width * tick_step(hours) as f64 / hours.max(1) as f64;
    let short = step_pixels < 6.5 * sizes.tick().font.get_size();
    let offset = if tick_step(hours) == 24 {
        step_pixels / 2.0
    } else {
        0.0
    };
    let x_label = |h: f64| hour_label(first + h.round() as i64, short);
    let mut chart = panel(
        &plot,
        sizes,
        Axis::new(
            0.0..hours as f64,
            hour_ticks(first, hours),
            &x_label,
            format!("Hour, UTC ({span})"),
        )
        .or_short("Hour, UTC"),
        y_axis,
        Options {
            x_label_offset: offset.round() as i32,
            ..Options::default()
        },
    )?;

    let x = |h: usize| h as f64 + 0.5;
    let mut band: Vec<(f64, f64)> = load
        .week_p90
        .iter()
        .enumerate()
        .map(|(h, &v)| (x(h), v))
        .collect();
    band.extend(
        load.week_p10
            .iter()
            .enumerate()
            .rev()
            .map(|(h, &v)| (x(h), v)),
    );
    chart.draw_series([Polygon::new(band, DATA.mix(0.2).filled())])?;
    chart.draw_series(LineSeries::new(
        load.week_p50_trial
            .iter()
            .enumerate()
            .map(|(h, &v)| (x(h), v)),
        DATA.stroke_width(sizes.px(2.5) as u32),
    ))?;
    capacity_lines(&mut chart, sizes, &groups, hours as f64)
}
