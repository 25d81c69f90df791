//! Chart 1, the break-even fan: total bill against units bought over the decision region —
//! P10–P90 and P25–P75 bands across trials, the P50 line, the all-on-demand P50 as a reference,
//! every sizing rule's choice — titled with the recommendation (`headline`), the recommended count
//! shaded and labelled on the chart, rules far beyond it named at the edge.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::axis::padded;
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::style::{self, Backend, DATA, RECOMMENDED, REFERENCE};
use super::units::{
    band, beyond_note, bill_panel, dashed, p50_of, recommended_band, region, rule_entries,
    rule_markers, thinned, units_axis,
};
use crate::report::format::{percent, usd3};
use crate::report::headline::Verdict;

/// The fan chart's title: the recommendation sentence.
pub fn title(ctx: &Context) -> String {
    ctx.headline.sentence()
}

/// The subtitle: pool, product and term, what is plotted, the break-even utilization and the
/// headline's second sentence.
fn subtitle(ctx: &Context) -> String {
    let u = match ctx.report.break_even_utilization {
        Some(u) => format!("units break even at {} utilization", percent(u)),
        None => "no realtime traffic to break even against".to_string(),
    };
    let detail = ctx.headline.detail();
    format!(
        "{} · total bill {} by units bought · {u}{}{detail}",
        style::subtitle(ctx.pool),
        ctx.headline.period.axis(),
        if detail.is_empty() { "" } else { ". " }
    )
}

/// Draws the fan chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let region = region(ctx);
    let rows = region.rows;
    let on_demand = rows[0].p50;
    let per = ctx.headline.period.per();

    let body = header(root, sizes, &title(ctx), &subtitle(ctx))?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let mut entries = vec![
        Entry::new(Swatch::Band(DATA.mix(0.16)), "P10–P90 of trials"),
        Entry::new(Swatch::Band(DATA.mix(0.36)), "P25–P75"),
        Entry::new(Swatch::Line(DATA), "P50 (median)"),
        Entry::new(
            Swatch::Dashed(REFERENCE),
            format!("All on-demand, P50 {} {per}", usd3(on_demand)),
        ),
    ];
    entries.extend(rule_entries(ctx, &region.inside));
    let plot = legend(&body, sizes, &entries)?;

    let (width, _) = plot.dim_in_pixel();
    let (x_range, _) = units_axis(sizes, rows, width);
    let top = rows.iter().map(|r| r.p90).fold(on_demand, f64::max);
    // Room at the top for the box naming the rules beyond the region.
    let room = if region.beyond.is_empty() {
        0.1
    } else {
        0.12 + 0.08 * (region.beyond.len() + 1) as f64
    };
    let (_, y_max) = padded(0.0, top, room);
    let (left, right) = (x_range.start, x_range.end);
    let mut chart = bill_panel(&plot, ctx, &region, y_max, "Total bill")?;

    let recommended = ctx.headline.units;
    let step = f64::from(ctx.pool.steps.increment.max(1));
    recommended_band(&mut chart, recommended, step, (0.0, y_max))?;
    chart.draw_series([Polygon::new(
        band(rows, |r| r.p10, |r| r.p90, 0.0),
        DATA.mix(0.16).filled(),
    )])?;
    chart.draw_series([Polygon::new(
        band(rows, |r| r.p25, |r| r.p75, 0.0),
        DATA.mix(0.36).filled(),
    )])?;
    dashed(
        &mut chart,
        sizes,
        ((left, on_demand), (right, on_demand)),
        REFERENCE,
    )?;
    let p50 = rows.iter().map(|r| (f64::from(r.units), r.p50));
    chart.draw_series(LineSeries::new(
        thinned(p50.clone().collect()),
        DATA.stroke_width(sizes.line()),
    ))?;
    // Dots at each k while they stay apart: the curve is only defined at whole units.
    if rows.len() <= 41 {
        let dot = sizes.px(4.0);
        chart.draw_series(p50.map(|p| Circle::new(p, dot, DATA.filled())))?;
    }
    rule_markers(&mut chart, sizes, &region, |r| r.p50)?;
    let row = ctx.report.row_at(recommended);
    let h = &ctx.headline;
    let (first, second) = match h.verdict {
        Verdict::Buy => (
            format!(
                "Buy {}",
                super::super::words::count(recommended, ctx.pool.product)
            ),
            format!(
                "P50 {} {per} · saves {}",
                usd3(row.p50),
                usd3(h.savings_p50)
            ),
        ),
        Verdict::NoMeaningfulDifference => (
            format!(
                "{}: no meaningful saving",
                super::super::words::count(recommended, ctx.pool.product)
            ),
            format!("P50 {} {per}", usd3(row.p50)),
        ),
        Verdict::StayOnDemand => (
            "Stay on demand".to_string(),
            format!("P50 {} {per}", usd3(row.p50)),
        ),
    };
    let callout = Note {
        lines: vec![
            (first, sizes.label_bold_in(RECOMMENDED)),
            (second, sizes.label()),
        ],
        border: Some(RECOMMENDED),
        place: if recommended == 0 {
            Place::Above
        } else {
            Place::Below
        },
    };
    let anchor = if recommended == 0 { row.p90 } else { row.p10 };
    note(
        &mut chart,
        sizes,
        (f64::from(recommended), anchor.max(0.0)),
        &callout,
    )?;
    beyond_note(&mut chart, ctx, &region, p50_of, (right, y_max))
}
