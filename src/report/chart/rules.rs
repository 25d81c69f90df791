//! Chart 8, the sizing rules side by side: for each rule, in three panels sharing its row, the
//! units it buys, the P50 bill with P10–P90 whiskers (against all on-demand) labelled with its
//! P50 saving and chance of beating on-demand, and the mean utilization of those units (against
//! the break-even utilization u*). The recommended row is shaded.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::axis::{UsdAxis, nice_ticks, unit_ticks};
use super::frame::{Axis, Options, Panel, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::rows::{row_of, row_y, rows};
use super::style::{self, BREAK_EVEN, Backend, INK, RECOMMENDED, REFERENCE, Sizes, rule_color};
use crate::report::format::{percent, share, usd3};
use crate::report::words::{count, rule_name};
use crate::stats::sizing::{Choice, Rule};

/// Half the height of a bar, in rows.
const HALF_BAR: f64 = 0.3;

/// A rule's row: the first rule on top.
fn row(i: usize) -> f64 {
    row_y(i, Rule::ALL.len())
}

/// The rows axis: one row per rule, labelled by `label`.
fn rule_rows<'f>(label: &'f dyn Fn(f64) -> String) -> Axis<'f> {
    rows(Rule::ALL.len(), label)
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
    at: (f64, f64),
    text: String,
    sizes: &Sizes,
) -> anyhow::Result<()> {
    note(
        chart,
        sizes,
        at,
        &Note::value(text, sizes.label(), Place::Right),
    )
}

/// A light band across row `y` of a panel from `x.0` to `x.1`: the recommended rule's row.
fn shade_row<DB: Backend>(chart: &mut Panel<DB>, y: f64, x: (f64, f64)) -> anyhow::Result<()> {
    chart.draw_series([Rectangle::new(
        [(x.0, y - 0.5), (x.1, y + 0.5)],
        RECOMMENDED.mix(0.1).filled(),
    )])?;
    Ok(())
}

/// "The rules of thumb buy 4 to 11 units; 75% of observed peak loses $36.9k a month at P50":
/// the spread of the rules' counts and the worst rule's P50 saving.
fn title(ctx: &Context) -> String {
    let choices = &ctx.report.choices;
    let product = ctx.pool.product;
    let thumbs = [Rule::P50Floor, Rule::PeakFraction, Rule::UtilizationTarget];
    let counts: Vec<u32> = choices
        .iter()
        .filter(|c| thumbs.contains(&c.rule))
        .map(|c| c.units)
        .collect();
    let (low, high) = (
        counts.iter().copied().min().unwrap_or(0),
        counts.iter().copied().max().unwrap_or(0),
    );
    let spread = if low == high {
        format!("The rules of thumb all buy {}", count(low, product))
    } else {
        format!("The rules of thumb buy {low} to {}", count(high, product))
    };
    let worst = choices
        .iter()
        .filter(|c| thumbs.contains(&c.rule))
        .min_by(|a, b| {
            let (x, y) = (ctx.report.row_at(a.units), ctx.report.row_at(b.units));
            x.savings_p50.total_cmp(&y.savings_p50)
        });
    let per = ctx.headline.period.per();
    match worst {
        Some(c) if ctx.report.row_at(c.units).savings_p50 < 0.0 => format!(
            "{spread}; {} loses {} {per} at P50",
            rule_name(c.rule),
            usd3(-ctx.report.row_at(c.units).savings_p50)
        ),
        _ => format!(
            "{spread}; the recommended {} save {} {per} at P50",
            count(ctx.headline.units, product),
            usd3(ctx.headline.savings_p50)
        ),
    }
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
fn axis_title<DB: Backend>(
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
    let per = ctx.headline.period.per();
    let body = header(
        root,
        sizes,
        &title(ctx),
        &format!(
            "{} · what each rule buys, its bill {per} and how busy its units are",
            style::subtitle(ctx.pool)
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let u_label = match u_star {
        Some(u) if u <= 1.0 => format!("Break-even utilization u* = {}", percent(u)),
        Some(u) => format!("u* = {}: no utilization pays", percent(u)),
        None => "u* n/a (no realtime traffic)".to_string(),
    };
    let mut entries = vec![
        Entry::new(
            Swatch::Marker(INK),
            "P50 bill, whiskers P10–P90; then P50 saving and chance of beating on-demand",
        ),
        Entry::new(
            Swatch::Dashed(REFERENCE),
            format!("All on-demand, P50 {} {per}", usd3(on_demand)),
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
        .map(|c| {
            let recommended = if c.rule == Rule::MinMean {
                " (recommended)"
            } else {
                ""
            };
            let capped = if c.capped { "*" } else { "" };
            format!("{}{capped}{recommended}", rule_name(c.rule))
        })
        .collect();
    let name_of = |v: f64| {
        names
            .get(row_of(v, Rule::ALL.len()))
            .cloned()
            .unwrap_or_default()
    };
    let name_width = y_label_width(&plot, sizes, &rule_rows(&name_of))?;
    let (plot_width, _) = plot.dim_in_pixel();
    let room = plot_width as i32 - name_width - 2 * sizes.margin();
    let (units_width, cost_width) = (room * 19 / 100, room * 56 / 100);
    let util_width = room - units_width - cost_width;
    let (units_area, rest) = plot.split_horizontally(sizes.margin() + name_width + units_width);
    let (cost_area, util_area) = rest.split_horizontally(cost_width);
    let fit = |w: i32| ticks_that_fit(sizes, w.max(1) as u32, 4.0);
    let recommended_row = choices
        .iter()
        .position(|c| c.rule == Rule::MinMean)
        .map(row);

    // Units bought.
    let max_units = f64::from(choices.iter().map(|c| c.units).max().unwrap_or(0).max(1));
    let whole = |v: f64| format!("{v:.0}");
    let (_, many) = crate::report::words::unit_noun(ctx.pool.product);
    let mut units = panel(
        &units_area,
        sizes,
        Axis::new(
            0.0..max_units * 1.25,
            unit_ticks(max_units, fit(units_width).min(5)),
            &whole,
            axis_title(
                &plot,
                sizes,
                units_width,
                format!("{} bought", crate::report::words::capitalized(many)),
                "Units",
            )?,
        ),
        rule_rows(&name_of),
        Options {
            no_y_grid: true,
            ..Options::default()
        },
    )?;
    if let Some(y) = recommended_row {
        shade_row(&mut units, y, (0.0, max_units * 1.25))?;
    }
    for (i, c) in choices.iter().enumerate() {
        let (y, k) = (row(i), f64::from(c.units));
        bar(&mut units, (y, k), rule_color(c.rule))?;
        value_label(&mut units, (k, y), c.units.to_string(), sizes)?;
    }

    // P50 bill with P10–P90 whiskers; room on the right for the value labels.
    let p90 = choices
        .iter()
        .map(|c| ctx.report.row_at(c.units).p90)
        .fold(on_demand, f64::max);
    let high = p90 * 2.15;
    let (x_ticks, x_step) = nice_ticks(0.0, p90 * 1.05, fit(cost_width).min(5));
    let usd = UsdAxis::new(high, x_step);
    let (usd_label, blank) = (|v: f64| usd.label(v), |_: f64| String::new());
    let cost_title = format!("Bill {} (USD)", ctx.headline.period.axis());
    let cost_title = axis_title(&plot, sizes, cost_width, cost_title, "Bill (USD)")?;
    let mut cost = panel(
        &cost_area,
        sizes,
        Axis::new(0.0..high, x_ticks, &usd_label, cost_title),
        rule_rows(&blank),
        beside(sizes),
    )?;
    if let Some(y) = recommended_row {
        shade_row(&mut cost, y, (0.0, high))?;
    }
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
        let verb = if r.savings_p50 < 0.0 {
            "loses"
        } else {
            "saves"
        };
        let text = if c.units == 0 {
            format!("{} · all on-demand", usd3(r.p50))
        } else {
            format!(
                "{} · {verb} {} · {}",
                usd3(r.p50),
                usd3(r.savings_p50.abs()),
                share(r.prob_beats_on_demand)
            )
        };
        value_label(&mut cost, (r.p90, y), text, sizes)?;
    }

    // Mean utilization; room on the right for the value labels.
    let share_tick = |v: f64| format!("{:.0}%", 100.0 * v);
    let shares = if fit(util_width) >= 5 {
        vec![0.0, 0.25, 0.5, 0.75, 1.0]
    } else {
        vec![0.0, 0.5, 1.0]
    };
    let mut util = panel(
        &util_area,
        sizes,
        Axis::new(
            0.0..1.3,
            shares,
            &share_tick,
            axis_title(
                &plot,
                sizes,
                util_width,
                "Mean utilization of the units".into(),
                "Utilization",
            )?,
        ),
        rule_rows(&blank),
        beside(sizes),
    )?;
    if let Some(y) = recommended_row {
        shade_row(&mut util, y, (0.0, 1.3))?;
    }
    if let Some(u) = u_star.filter(|u| *u <= 1.0) {
        dashed_rule(&mut util, sizes, u, BREAK_EVEN)?;
    }
    for (i, c) in choices.iter().enumerate() {
        let (y, u) = (row(i), ctx.report.row_at(c.units).utilization_mean);
        bar(&mut util, (y, u), rule_color(c.rule))?;
        let text = if c.units == 0 {
            "no units".to_string()
        } else {
            share(u)
        };
        value_label(&mut util, (u, y), text, sizes)?;
    }
    Ok(())
}
