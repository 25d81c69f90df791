//! Chart 6, traffic and capacity: one week of simulated hourly realtime load — a typical trial
//! (the one whose all-on-demand bill is the median), with the P10–P90 band of each hour across
//! sampled trials — against the counts of `p50_floor`, `peak_fraction` and the recommendation.
//! Load above a line spills to on-demand. The load axis is sized to the bulk of the hours: a
//! spike above it runs off the top and is named, a far-off count is named at the edge.

use chrono::DateTime;
use plotters::prelude::*;

use super::annotate::{Note, Place, note};
use super::axis::{nice_ticks, number_label, padded};
use super::frame::{Axis, Options, Panel, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::load::WEEK_HOURS;
use super::style::{self, Backend, DATA, MUTED, RECOMMENDED};
use super::units::group_color;
use super::{Context, RuleGroup, rule_groups};
use crate::report::format::{grouped, share};
use crate::report::words::count;
use crate::stats::quantile::{percentile_sorted, sort_floats};
use crate::stats::sizing::Rule;

/// The rules whose unit counts are drawn as capacity lines.
pub const LINE_RULES: [Rule; 3] = [Rule::P50Floor, Rule::PeakFraction, Rule::MinMean];
/// A capacity line is drawn when it is within this multiple of the bulk of the load.
const NEAR: f64 = 1.6;

/// The capacity lines of a pool, rules with the same k merged.
pub fn line_groups(ctx: &Context) -> Vec<RuleGroup> {
    rule_groups(&ctx.report.choices, &LINE_RULES)
}

/// The load axis of a chart: its top, the lines drawn under it, the lines above it and the
/// highest load that runs off the top (if any).
pub struct LoadAxis {
    pub top: f64,
    pub lines: Vec<RuleGroup>,
    pub beyond: Vec<RuleGroup>,
    pub clipped_peak: Option<f64>,
}

/// The top of the load axis: the 99th percentile of the plotted loads with room above, raised to
/// the capacity lines near it; farther lines and higher loads are named instead.
pub fn load_axis(loads: &[&[f64]], groups: &[RuleGroup]) -> LoadAxis {
    let mut all: Vec<f64> = loads.iter().flat_map(|l| l.iter()).copied().collect();
    sort_floats(&mut all);
    let bulk = if all.is_empty() {
        1.0
    } else {
        percentile_sorted(&all, 0.99).max(1e-9)
    };
    let peak = all.last().copied().unwrap_or(0.0);
    let (lines, beyond): (Vec<RuleGroup>, Vec<RuleGroup>) = groups
        .iter()
        .cloned()
        .partition(|g| f64::from(g.units) <= NEAR * bulk || g.rules.contains(&Rule::MinMean));
    let highest_line = lines.iter().map(|g| f64::from(g.units)).fold(0.0, f64::max);
    // A peak just above the bulk is shown whole; only a spike well above it is cut.
    let shown = if peak <= bulk * 1.25 {
        peak
    } else {
        bulk * 1.1
    };
    let top = padded(0.0, shown.max(highest_line).max(1e-9), 0.06).1;
    LoadAxis {
        top,
        lines,
        beyond,
        clipped_peak: (peak > top).then_some(peak),
    }
}

/// The legend entries of the typical trial, its band and the capacity lines.
pub fn load_entries(ctx: &Context, axis: &LoadAxis) -> Vec<Entry> {
    let product = ctx.pool.product;
    let mut entries = vec![
        Entry::new(
            Swatch::Band(DATA.mix(0.2)),
            format!(
                "P10–P90 of each hour across {} sampled trials",
                grouped(ctx.load.sampled.into())
            ),
        ),
        Entry::new(
            Swatch::Line(DATA),
            "A typical trial (its all-on-demand bill is the median)",
        ),
    ];
    for group in &axis.lines {
        let spill = match group.units {
            0 => String::new(),
            k => format!(
                ", exceeded in {} of hours",
                share(ctx.load.share_of_hours_above(f64::from(k)))
            ),
        };
        let recommended = if group.rules.contains(&Rule::MinMean) {
            " (recommended)"
        } else {
            ""
        };
        entries.push(Entry::new(
            Swatch::Line(group_color(group)),
            format!(
                "{}: {}{recommended}{spill}",
                group.names(),
                group.units_label(product)
            ),
        ));
    }
    entries
}

/// The capacity lines across `0..x_end`, the recommended one thicker and labelled; the lines above
/// the axis and a clipped peak named in the top-right corner.
pub fn capacity_lines<DB: Backend>(
    chart: &mut Panel<DB>,
    ctx: &Context,
    axis: &LoadAxis,
    x_end: f64,
) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    for group in &axis.lines {
        let k = f64::from(group.units);
        let recommended = group.rules.contains(&Rule::MinMean);
        let width = if recommended {
            sizes.px(5.0) as u32
        } else {
            sizes.line()
        };
        chart.draw_series(LineSeries::new(
            [(0.0, k), (x_end, k)],
            group_color(group).stroke_width(width),
        ))?;
        if recommended && group.units > 0 {
            note(
                chart,
                sizes,
                (x_end, k),
                &Note::value(
                    format!("Recommended: {}", count(group.units, ctx.pool.product)),
                    sizes.label_bold_in(RECOMMENDED),
                    Place::Left,
                ),
            )?;
        }
    }
    let mut lines = Vec::new();
    for group in &axis.beyond {
        lines.push((
            format!(
                "{}: {} ↑",
                group.names(),
                group.units_label(ctx.pool.product)
            ),
            sizes.label_in(group_color(group)),
        ));
    }
    if let Some(peak) = axis.clipped_peak {
        lines.push((
            format!("Busiest hour: {} units of load ↑", significant(peak)),
            sizes.label_in(MUTED),
        ));
    }
    if lines.is_empty() {
        return Ok(());
    }
    lines.insert(0, ("Above the chart".to_string(), sizes.label_bold()));
    note(
        chart,
        sizes,
        (x_end, axis.top),
        &Note {
            lines,
            border: Some(MUTED),
            place: Place::Left,
        },
    )
}

/// Clamps every load to the axis top (a spike runs along it).
pub fn clamp(values: &[f64], top: f64) -> Vec<f64> {
    values.iter().map(|v| v.min(top)).collect()
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

/// "A week", or "48 hours" when the horizon is shorter than a week.
fn window_name(hours: usize) -> String {
    if hours == WEEK_HOURS {
        "A week".to_string()
    } else {
        format!("{hours} hours")
    }
}

/// "In a typical trial, load exceeds the 5 units recommended in 34% of hours, and that excess
/// goes to on-demand".
fn title(ctx: &Context) -> String {
    let k = ctx.headline.units;
    let above = ctx.load.share_of_hours_above(f64::from(k));
    format!(
        "In a typical trial, load exceeds the {} recommended in {} of hours, and that excess \
         goes to on-demand",
        count(k, ctx.pool.product),
        share(above)
    )
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
        &title(ctx),
        &format!(
            "{} · {} of hourly realtime load in units of capacity, mid-horizon",
            style::subtitle(ctx.pool),
            window_name(load.week.len()).to_lowercase()
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let axis = load_axis(
        &[&load.week_p90, &load.week_p50_trial, &load.week_p10],
        &groups,
    );
    let plot = legend(&body, sizes, &load_entries(ctx, &axis))?;

    let (width, height) = plot.dim_in_pixel();
    let hours = load.week.len();
    let top = axis.top;
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
    let (p90, p10) = (clamp(&load.week_p90, top), clamp(&load.week_p10, top));
    let mut band: Vec<(f64, f64)> = p90.iter().enumerate().map(|(h, &v)| (x(h), v)).collect();
    band.extend(p10.iter().enumerate().rev().map(|(h, &v)| (x(h), v)));
    chart.draw_series([Polygon::new(band, DATA.mix(0.2).filled())])?;
    chart.draw_series(LineSeries::new(
        clamp(&load.week_p50_trial, top)
            .into_iter()
            .enumerate()
            .map(|(h, v)| (x(h), v)),
        DATA.stroke_width(sizes.px(2.5) as u32),
    ))?;
    capacity_lines(&mut chart, ctx, &axis, hours as f64)
}
