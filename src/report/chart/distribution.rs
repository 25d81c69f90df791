//! Chart 3, the classic Monte Carlo view at the recommended count: the histogram of the bill
//! across trials, recommended against all on-demand, and below it both S-curves (the share of
//! trials whose bill is at most x), so a budget at any percentile reads off directly. The outer
//! bars hold the 1% tails on each side.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::axis::{UsdAxis, nice_ticks, padded};
use super::frame::{Axis, Options, panel, ticks_that_fit, y_label_width};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::style::{self, Backend, RECOMMENDED, REFERENCE};
use crate::report::format::usd3;
use crate::report::words::count;
use crate::stats::quantile::{percentile_sorted, sort_floats};

/// Bars across the range.
const BINS: usize = 36;
/// Most points drawn along an S-curve.
const CURVE_POINTS: usize = 200;

/// Every trial's bill at the sweep position `at`, ascending.
fn sorted_totals(ctx: &Context, at: usize) -> Vec<f64> {
    let mut totals: Vec<f64> = ctx
        .report
        .run
        .trials
        .iter()
        .map(|t| t.by_units[at].total_usd)
        .collect();
    sort_floats(&mut totals);
    totals
}

/// Share of `sorted` in each of `BINS` bins over `low..high`, tails in the outer bins.
fn histogram(sorted: &[f64], low: f64, high: f64) -> Vec<f64> {
    let mut counts = vec![0usize; BINS];
    let width = (high - low) / BINS as f64;
    for v in sorted {
        let bin = ((v - low) / width).floor().clamp(0.0, (BINS - 1) as f64) as usize;
        counts[bin] += 1;
    }
    let n = sorted.len().max(1) as f64;
    counts.iter().map(|&c| c as f64 / n).collect()
}

/// Up to `CURVE_POINTS` points (bill, share of trials at or below it) of an ascending sample.
fn s_curve(sorted: &[f64]) -> Vec<(f64, f64)> {
    let n = sorted.len();
    let stride = n.div_ceil(CURVE_POINTS).max(1);
    let mut points: Vec<(f64, f64)> = (0..n)
        .step_by(stride)
        .map(|i| (sorted[i], (i + 1) as f64 / n as f64))
        .collect();
    if let Some(&last) = sorted.last() {
        points.push((last, 1.0));
    }
    points
}

/// Draws the bill-distribution chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let h = &ctx.headline;
    let per = h.period.per();
    let units = count(h.units, ctx.pool.product);
    let today = sorted_totals(ctx, 0);
    let bought = sorted_totals(ctx, ctx.report.run.index_of(h.units));
    let q = |s: &[f64], p| percentile_sorted(s, p);
    let title = format!(
        "With {units} the bill {per} is {}–{} in 8 of 10 trials, against {}–{} all on-demand",
        usd3(q(&bought, 0.1)),
        usd3(q(&bought, 0.9)),
        usd3(q(&today, 0.1)),
        usd3(q(&today, 0.9))
    );
    let body = header(
        root,
        sizes,
        &title,
        &format!(
            "{} · the bill {per} across trials at the recommended count · read a budget off the \
             S-curves: the bill at P80 is the one not exceeded in 80% of trials",
            style::subtitle(ctx.pool)
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let entries = [
        Entry::new(Swatch::Band(RECOMMENDED.mix(0.55)), format!("With {units}")),
        Entry::new(Swatch::Band(REFERENCE.mix(0.3)), "All on-demand"),
        Entry::new(Swatch::Marker(RECOMMENDED), "P10, P50, P90 with the units"),
    ];
    let plot = legend(&body, sizes, &entries)?;
    let (width, height) = plot.dim_in_pixel();
    let (upper, lower) = plot.split_vertically(height * 45 / 100);

    let low = q(&today, 0.01).min(q(&bought, 0.01));
    let high = q(&today, 0.99).max(q(&bought, 0.99));
    let (low, high) = padded(low, high, 0.04);
    let low = low.max(0.0);
    let (x_ticks, x_step) = nice_ticks(low, high, ticks_that_fit(sizes, width, 5.0).min(10));
    let usd = UsdAxis::new(high, x_step);
    let x_label = |v: f64| usd.label(v);
    let (hist_today, hist_bought) = (histogram(&today, low, high), histogram(&bought, low, high));
    let tallest = hist_today
        .iter()
        .chain(&hist_bought)
        .copied()
        .fold(0.0, f64::max);
    let (_, share_top) = padded(0.0, tallest.max(0.01), 0.1);
    let (share_ticks, share_step) = nice_ticks(
        0.0,
        share_top,
        ticks_that_fit(sizes, upper.dim_in_pixel().1, 3.0).min(5),
    );
    let decimals = if share_step >= 0.01 { 0 } else { 1 };
    let share_label = |v: f64| format!("{:.*}%", decimals, 100.0 * v);
    let cumulative_label = |v: f64| format!("{:.0}%", 100.0 * v);
    let hist_axis =
        Axis::new(0.0..share_top, share_ticks, &share_label, "Share of trials").or_short("Trials");
    let curve_axis = Axis::new(
        0.0..1.02,
        vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
        &cumulative_label,
        "Trials with a bill ≤ x",
    )
    .or_short("Trials ≤ x");
    let y_width =
        y_label_width(&upper, sizes, &hist_axis)?.max(y_label_width(&lower, sizes, &curve_axis)?);
    let x_title = format!("Total bill {} (USD)", h.period.axis());

    let mut top = panel(
        &upper,
        sizes,
        Axis::new(low..high, x_ticks.clone(), &x_label, ""),
        hist_axis,
        Options {
            hide_x_labels: true,
            y_label_width: Some(y_width),
            ..Options::default()
        },
    )?;
    let bin = (high - low) / BINS as f64;
    for (shares, color) in [
        (&hist_today, REFERENCE.mix(0.3)),
        (&hist_bought, RECOMMENDED.mix(0.55)),
    ] {
        top.draw_series(shares.iter().enumerate().map(|(i, &s)| {
            let x = low + i as f64 * bin;
            Rectangle::new([(x, 0.0), (x + bin * 0.92, s)], color.filled())
        }))?;
    }

    let mut bottom = panel(
        &lower,
        sizes,
        Axis::new(low..high, x_ticks, &x_label, x_title).or_short("Bill (USD)"),
        curve_axis,
        Options {
            y_label_width: Some(y_width),
            top: sizes.px(10.0),
            ..Options::default()
        },
    )?;
    let clip = |points: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        points
            .into_iter()
            .map(|(x, y)| (x.clamp(low, high), y))
            .collect()
    };
    bottom.draw_series(LineSeries::new(
        clip(s_curve(&today)),
        REFERENCE.stroke_width(sizes.line()),
    ))?;
    bottom.draw_series(LineSeries::new(
        clip(s_curve(&bought)),
        RECOMMENDED.stroke_width(sizes.line()),
    ))?;
    let radius = sizes.px(9.0);
    for (p, place) in [(0.1, Place::Right), (0.5, Place::Right), (0.9, Place::Left)] {
        let point = (q(&bought, p), p);
        bottom.draw_series([
            Circle::new(point, radius, RECOMMENDED.filled()),
            Circle::new(point, radius, WHITE.stroke_width(sizes.px(3.0) as u32)),
        ])?;
        note(
            &mut bottom,
            sizes,
            point,
            &Note::value(
                format!("P{:.0} {}", 100.0 * p, usd3(point.0)),
                sizes.label_in(RECOMMENDED),
                place,
            ),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_shares_sum_to_one_with_tails_in_the_outer_bins() {
        let values = [-5.0, 0.5, 1.5, 2.5, 99.0];
        let shares = histogram(&values, 0.0, 36.0);
        assert_eq!(shares.len(), BINS);
        assert_eq!(shares[0], 0.4); // −5 and 0.5
        assert_eq!(shares[BINS - 1], 0.2); // 99
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_s_curve_climbs_to_every_trial() {
        let sorted: Vec<f64> = (0..2500).map(f64::from).collect();
        let curve = s_curve(&sorted);
        assert!(curve.len() <= CURVE_POINTS + 1);
        assert_eq!(curve.last(), Some(&(2499.0, 1.0)));
        assert!(
            curve
                .windows(2)
                .all(|w| w[0].1 <= w[1].1 && w[0].0 <= w[1].0)
        );
    }
}
