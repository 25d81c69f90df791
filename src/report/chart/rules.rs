//! Chart 5, the sizing rules side by side: for each rule, in three panels sharing its row, the
//! units it buys, the P50 total cost with P10–P90 whiskers (against all on-demand), and the mean
//! utilization of those units (against the break-even utilization u*).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Context;
use super::axis::{UsdAxis, nice_ticks, unit_ticks};
use super::frame::{Axis, Options, Panel, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, header, legend};
use super::style::{self, Backend, INK, REFERENCE, Sizes, rule_color};
use crate::report::format::{percent, usd_compact};
use crate::stats::sizing::{Choice, Rule};

/// Colour of the u* line.
const BREAK_EVEN: RGBColor = RGBColor(150, 40, 40);
/// Half the height of a bar, in rows.
const HALF_BAR: f64 = 0.3;

/// A rule's row: the first rule on top.
fn row(i: usize) -> f64 {
    (Rule::ALL.len() - 1 - i) as f64
}

/// The rows axis: one row per rule, labelled by `label`.
fn rows<'f>(label: &'f dyn Fn(f64) -> String) -> Axis<'f> {
    let n = Rule::ALL.len();
    Axis::new(
        -0.6..n as f64 - 0.4,
        (0..n).map(|i| i as f64).collect(),
        label,
        "",
    )
}

/// A vertical dashed line at `x` across every row.
fn dashed_rule<DB: Backend>(
    chart: &mut Panel<DB>,
    sizes: &Sizes,
    x: f64,
    color: RGBColor,
) -> anyhow::Result<()> {
    chart.draw_series(DashedLineSeries::new(
        [(x, -0.6), (x, Rule::ALL.len() as f64 - 0.4)],
        sizes.px(12.0) as u32,
        sizes.px(8.0) as u32,
        color.stroke_width(sizes.px(2.0) as u32),
    ))?;
    Ok(())
}

/// `text` just right of `(x, y)`, vertically centred on the row, on a white box so that
/// reference lines do not run through it.
fn value_label<DB: Backend>(
    chart: &mut Panel<DB>,
    (x, y): (f64, f64),
    text: String,
    sizes: &Sizes,
) -> anyhow::Result<()> {
    let style = sizes.tick().pos(Pos::new(HPos::Left, VPos::Center));
    let (w, h) = chart.plotting_area().estimate_text_size(&text, &style)?;
    let (left, pad, w, h) = (sizes.px(10.0), sizes.px(3.0), w as i32, h as i32);
    let backdrop = Rectangle::new(
        [(left - pad, -h / 2 - pad), (left + w + pad, h / 2 + pad)],
        WHITE.filled(),
    );
    chart.draw_series([EmptyElement::at((x, y)) + backdrop + Text::new(text, (left, 0), style)])?;
    Ok(())
}

/// A horizontal bar from 0 to `value` on row `y`.
fn bar<DB: Backend>(
    chart: &mut Panel<DB>,
    (y, value): (f64, f64),
    color: RGBColor,
) -> anyhow::Result<()> {
    chart.draw_series([Rectangle::new(
        [(0.0, y - HALF_BAR), (value, y + HALF_BAR)],
        color.filled(),
    )])?;
    Ok(())
}

/// `long` if it fits in `width` pixels as an axis title, else `short`.
fn title<DB: Backend>(
    area: &Area<DB>,
    sizes: &Sizes,
    width: i32,
    long: String,
    short: &str,
) -> anyhow::Result<String> {
    let fits = area.estimate_text_size(&long, &sizes.axis())?.0 as i32 <= width;
    Ok(if fits { long } else { short.to_string() })
}

/// A panel beside the first: no row labels of its own.
fn beside(sizes: &Sizes) -> Options {
    Options {
        hide_y_labels: true,
        no_y_grid: true,
        left: Some(sizes.px(24.0)),
        ..Options::default()
    }
}

/// Draws the rules-side-by-side chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let curve = &ctx.report.curve;
    let choices: &[Choice] = &ctx.report.choices;
    let on_demand = curve[0].p50;
    let u_star = ctx.report.break_even_utilization;
    let body = header(
        root,
        sizes,
        &format!("The sizing rules side by side: {}", ctx.report.name),
        &style::subtitle(ctx.scenario, ctx.pool),
    )?;
    let u_label = match u_star {
        Some(u) if u <= 1.0 => format!("Break-even utilization u* = {}", percent(u)),
        Some(u) => format!("u* = {}: no utilization pays", percent(u)),
        None => "u* n/a (no realtime traffic)".to_string(),
    };
    let mut entries = vec![
        Entry::new(Swatch::Marker(INK), "P50 total cost, whiskers P10–P90"),
        Entry::new(
            Swatch::Dashed(REFERENCE),
            format!("All on-demand P50 {}", usd_compact(on_demand)),
        ),
        Entry::new(Swatch::Dashed(BREAK_EVEN), u_label),
    ];
    if choices.iter().any(|c| c.capped) {
        entries.push(Entry::new(
            Swatch::Band(TRANSPARENT),
            "* the rule wanted more units than the sweep has",
        ));
    }
    let plot = legend(&body, sizes, &entries)?;

    let names: Vec<String> = choices
        .iter()
        .map(|c| format!("{}{}", c.rule.as_str(), if c.capped { "*" } else { "" }))
        .collect();
    let name_of = |v: f64| {
        let i = Rule::ALL.len() as f64 - 1.0 - v.round();
        names.get(i as usize).cloned().unwrap_or_default()
    };
    let name_width = y_label_width(&plot, sizes, &rows(&name_of))?;
    let (plot_width, _) = plot.dim_in_pixel();
    let panel_width = (plot_width as i32 - name_width - 2 * sizes.margin()) / 3;
    let (units_area, rest) = plot.split_horizontally(sizes.margin() + name_width + panel_width);
    let (cost_area, util_area) = rest.split_horizontally(panel_width);
    let fit = ticks_that_fit(sizes, panel_width.max(1) as u32, 4.0);

    // Units bought.
    let max_units = f64::from(choices.iter().map(|c| c.units).max().unwrap_or(0).max(1));
    let whole = |v: f64| format!("{v:.0}");
    let mut units = panel(
        &units_area,
        sizes,
        Axis::new(
            0.0..max_units * 1.2,
            unit_ticks(max_units, fit),
            &whole,
            title(&plot, sizes, panel_width, "Units bought".into(), "Units")?,
        ),
        rows(&name_of),
        Options {
            no_y_grid: true,
            ..Options::default()
        },
    )?;
    for (i, c) in choices.iter().enumerate() {
        let (y, k) = (row(i), f64::from(c.units));
        bar(&mut units, (y, k), rule_color(c.rule))?;
        value_label(&mut units, (k, y), c.units.to_string(), sizes)?;
    }

    // P50 total with P10–P90 whiskers; room on the right for the value labels.
    let high = choices
        .iter()
        .map(|c| ctx.report.row_at(c.units).p90)
        .fold(on_demand, f64::max)
        * 1.3;
    let (x_ticks, x_step) = nice_ticks(0.0, high, fit.min(5));
    let usd = UsdAxis::new(high, x_step);
    let (usd_label, blank) = (|v: f64| usd.label(v), |_: f64| String::new());
    let cost_title = format!(
        "Total cost over {} hours (USD)",
        style::grouped(ctx.scenario.horizon_hours as u64)
    );
    let cost_title = title(&plot, sizes, panel_width, cost_title, "Cost (USD)")?;
    let mut cost = panel(
        &cost_area,
        sizes,
        Axis::new(0.0..high, x_ticks, &usd_label, cost_title),
        rows(&blank),
        beside(sizes),
    )?;
    dashed_rule(&mut cost, sizes, on_demand, REFERENCE)?;
    let (cap, radius) = (0.16, sizes.px(10.0));
    for (i, c) in choices.iter().enumerate() {
        let (y, r) = (row(i), ctx.report.row_at(c.units));
        let stroke = rule_color(c.rule).stroke_width(sizes.px(3.0) as u32);
        cost.draw_series([PathElement::new(vec![(r.p10, y), (r.p90, y)], stroke)])?;
        // Caps only where the whisker reaches past the marker: half hidden behind it they
        // look like a dashed line.
        let (from, to) = (
            cost.backend_coord(&(r.p10, y)),
            cost.backend_coord(&(r.p90, y)),
        );
        if to.0 - from.0 > 3 * radius {
            cost.draw_series([
                PathElement::new(vec![(r.p10, y - cap), (r.p10, y + cap)], stroke),
                PathElement::new(vec![(r.p90, y - cap), (r.p90, y + cap)], stroke),
            ])?;
        }
        cost.draw_series([
            Circle::new((r.p50, y), radius, rule_color(c.rule).filled()),
            Circle::new((r.p50, y), radius, WHITE.stroke_width(sizes.px(3.0) as u32)),
        ])?;
        value_label(&mut cost, (r.p90, y), usd_compact(r.p50), sizes)?;
    }

    // Mean utilization; room on the right for the value labels.
    let share = |v: f64| format!("{:.0}%", 100.0 * v);
    let shares = if fit >= 5 {
        vec![0.0, 0.25, 0.5, 0.75, 1.0]
    } else {
        vec![0.0, 0.5, 1.0]
    };
    let mut util = panel(
        &util_area,
        sizes,
        Axis::new(
            0.0..1.22,
            shares,
            &share,
            title(
                &plot,
                sizes,
                panel_width,
                "Mean utilization of the units bought".into(),
                "Utilization",
            )?,
        ),
        rows(&blank),
        beside(sizes),
    )?;
    if let Some(u) = u_star.filter(|u| *u <= 1.0) {
        dashed_rule(&mut util, sizes, u, BREAK_EVEN)?;
    }
    for (i, c) in choices.iter().enumerate() {
        let (y, u) = (row(i), ctx.report.row_at(c.units).utilization_mean);
        bar(&mut util, (y, u), rule_color(c.rule))?;
        let text = if c.units == 0 {
            "no units".to_string()
        } else {
            percent(u)
        };
        value_label(&mut util, (u, y), text, sizes)?;
    }
    Ok(())
}
