//! Chart 5, utilization against the break-even u* over the decision region: the mean utilization
//! of k units, and the utilization of the last step of units alone (the load it adds, per unit
//! of the step). A unit pays for itself only while what it adds is busy more than u*, which is
//! why the cheapest count sits where the second line crosses u*.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::frame::{Axis, Options, panel};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::style::{self, BREAK_EVEN, Backend, DATA, RECOMMENDED, okabe_ito};
use super::units::{
    dashed, recommended_band, region, rule_markers, thinned, units_axis, units_title,
};
use crate::report::format::{percent, share};
use crate::report::words::{capitalized, unit_noun};
use crate::stats::curve::CurveRow;

const MARGINAL: RGBColor = okabe_ito::VERMILLION;

/// Utilization of each step of the sweep alone: (k·u(k) − j·u(j)) / (k − j) for consecutive
/// counts j < k; the first row (k = 0) has none.
pub fn marginal(rows: &[CurveRow]) -> Vec<(u32, u32, f64)> {
    rows.windows(2)
        .map(|w| {
            let (j, k) = (f64::from(w[0].units), f64::from(w[1].units));
            let added = k * w[1].utilization_mean - j * w[0].utilization_mean;
            (w[0].units, w[1].units, (added / (k - j)).clamp(0.0, 1.0))
        })
        .collect()
}

/// "Unit 5", "PTUs 16–20".
fn step_name(from: u32, to: u32, product: crate::ratecard::Product) -> String {
    let (one, many) = unit_noun(product);
    if to == from + 1 {
        format!("{} {to}", capitalized(one))
    } else {
        format!("{} {}–{to}", capitalized(many), from + 1)
    }
}

fn title(ctx: &Context, steps: &[(u32, u32, f64)]) -> String {
    let product = ctx.pool.product;
    let k = ctx.headline.units;
    let at = steps.iter().position(|s| s.1 == k);
    let mut parts = Vec::new();
    if let Some(i) = at {
        let (from, to, u) = steps[i];
        parts.push(format!(
            "{} is busy {} of hours",
            step_name(from, to, product),
            share(u)
        ));
        if let Some(&(from, to, u)) = steps.get(i + 1) {
            parts.push(format!(
                "{} would be {}",
                step_name(from, to, product).to_lowercase(),
                share(u)
            ));
        }
    }
    let sentence = parts.join(", ");
    match ctx.report.break_even_utilization {
        Some(u) if !sentence.is_empty() => {
            format!("{sentence}: a unit pays only above {} busy", percent(u))
        }
        Some(u) => format!("A unit pays only when it is busy above {}", percent(u)),
        None => sentence,
    }
}

/// Draws the utilization chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let region = region(ctx);
    let rows = region.rows;
    let steps = marginal(rows);
    let body = header(
        root,
        sizes,
        &title(ctx, &steps),
        &format!(
            "{} · share of the hours units are busy, realtime and deferred work counted",
            style::subtitle(ctx.pool)
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let u_star = ctx.report.break_even_utilization;
    let mut entries = vec![
        Entry::new(
            Swatch::Line(DATA),
            "Mean utilization of all the units bought",
        ),
        Entry::new(
            Swatch::Line(MARGINAL),
            "Utilization of the last units added (what they serve)",
        ),
    ];
    match u_star {
        Some(u) if u <= 1.0 => entries.push(Entry::new(
            Swatch::Dashed(BREAK_EVEN),
            format!("Break-even utilization u* = {}", percent(u)),
        )),
        Some(u) => entries.push(Entry::new(
            Swatch::Dashed(BREAK_EVEN),
            format!("u* = {}: no utilization pays", percent(u)),
        )),
        None => {}
    }
    let plot = legend(&body, sizes, &entries)?;
    let (width, _) = plot.dim_in_pixel();
    let (x_range, x_ticks) = units_axis(sizes, rows, width);
    let (left, right) = (x_range.start, x_range.end);
    let x_label = |v: f64| format!("{v:.0}");
    let y_label = |v: f64| format!("{:.0}%", 100.0 * v);
    let mut chart = panel(
        &plot,
        sizes,
        Axis::new(x_range, x_ticks, &x_label, units_title(ctx, &region)).or_short("Units"),
        Axis::new(
            0.0..1.05,
            vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
            &y_label,
            "Utilization (share of hours busy)",
        )
        .or_short("Utilization"),
        Options::default(),
    )?;
    let k = ctx.headline.units;
    recommended_band(
        &mut chart,
        k,
        f64::from(ctx.pool.steps.increment.max(1)),
        (0.0, 1.05),
    )?;
    if let Some(u) = u_star.filter(|u| *u <= 1.0) {
        dashed(&mut chart, sizes, ((left, u), (right, u)), BREAK_EVEN)?;
    }
    // The last units' utilization as steps: flat across each step of the sweep.
    let mut staircase = Vec::new();
    for &(from, to, u) in &steps {
        staircase.push((f64::from(from), u));
        staircase.push((f64::from(to), u));
    }
    chart.draw_series(LineSeries::new(
        staircase,
        MARGINAL.stroke_width(sizes.line()),
    ))?;
    let positive = rows.iter().filter(|r| r.units > 0);
    chart.draw_series(LineSeries::new(
        thinned(
            positive
                .map(|r| (f64::from(r.units), r.utilization_mean))
                .collect(),
        ),
        DATA.stroke_width(sizes.line()),
    ))?;
    rule_markers(&mut chart, sizes, &region, |r| r.utilization_mean)?;
    let row = ctx.report.row_at(k);
    if k > 0 {
        note(
            &mut chart,
            sizes,
            (f64::from(k), row.utilization_mean),
            &Note::value(
                format!("{} busy on average", share(row.utilization_mean)),
                sizes.label_bold_in(RECOMMENDED),
                Place::Below,
            ),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_unit_serves_what_the_fleet_gains() {
        // One unit busy 90%; two units busy 70% on average serve 1.4 unit-hours per hour, so
        // the second serves 0.5.
        let row = |units, utilization_mean| CurveRow {
            utilization_mean,
            ..super::super::units::blank_row(units)
        };
        let steps = marginal(&[row(0, 0.0), row(1, 0.9), row(2, 0.7)]);
        assert_eq!(steps.len(), 2);
        assert!((steps[0].2 - 0.9).abs() < 1e-12);
        assert!((steps[1].2 - 0.5).abs() < 1e-12);
        assert_eq!(
            step_name(1, 2, crate::ratecard::Product::ModelUnit),
            "Unit 2"
        );
        assert_eq!(
            step_name(15, 20, crate::ratecard::Product::AzurePtu),
            "PTUs 16–20"
        );
    }
}
