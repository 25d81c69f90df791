//! The QQ plot of `ptsim fit` (issue 4): the hourly noise residuals' percentiles P1…P99 against
//! those of the fitted lognormal and gamma, on the chart frame every run chart uses. Points on
//! the diagonal mean the distribution fits; the chosen family is named in the legend.

use plotters::prelude::*;

use super::axis::{nice_ticks, number_label, padded};
use super::frame::{Axis, Options, panel, ticks_that_fit};
use super::layout::{Area, Entry, Swatch, header, legend};
use super::style::{self, Backend, REFERENCE, Sizes, okabe_ito};
use crate::fit::check::QqPoint;

const LOGNORMAL: RGBColor = RGBColor(38, 70, 120);
const GAMMA: RGBColor = okabe_ito::VERMILLION;

/// What the QQ chart shows.
pub struct QqChart<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub points: &'a [QqPoint],
    /// "lognormal" or "gamma": the family the fit chose.
    pub chosen: &'a str,
}

fn draw<DB: Backend>(root: &Area<DB>, chart: &QqChart, sizes: &Sizes) -> anyhow::Result<()> {
    let body = header(root, sizes, chart.title, chart.subtitle)?;
    let label = |name: &str| {
        if name == chart.chosen {
            format!("Fitted {name} (chosen)")
        } else {
            format!("Fitted {name}")
        }
    };
    let entries = [
        Entry::new(Swatch::Marker(LOGNORMAL), label("lognormal")),
        Entry::new(Swatch::Marker(GAMMA), label("gamma")),
        Entry::new(Swatch::Dashed(REFERENCE), "Perfect fit (observed = fitted)"),
    ];
    let plot = legend(&body, sizes, &entries)?;
    let (width, height) = plot.dim_in_pixel();
    let values = || {
        chart
            .points
            .iter()
            .flat_map(|p| [p.observed, p.lognormal, p.gamma])
            .filter(|v| v.is_finite())
    };
    let (low, high) = padded(
        values().fold(f64::INFINITY, f64::min).min(1.0),
        values().fold(0.0, f64::max).max(1.0),
        0.05,
    );
    let low = low.max(0.0);
    let (x_ticks, x_step) = nice_ticks(low, high, ticks_that_fit(sizes, width, 4.0).min(10));
    let (y_ticks, y_step) = nice_ticks(low, high, ticks_that_fit(sizes, height, 3.0).min(8));
    let x_label = |v: f64| number_label(v, x_step);
    let y_label = |v: f64| number_label(v, y_step);
    let mut panel = panel(
        &plot,
        sizes,
        Axis::new(
            low..high,
            x_ticks,
            &x_label,
            "Fitted quantile of the hourly multiplier (1 = the expected hour)",
        )
        .or_short("Fitted quantile"),
        Axis::new(
            low..high,
            y_ticks,
            &y_label,
            "Observed quantile (traffic ÷ expected)",
        )
        .or_short("Observed quantile"),
        Options::default(),
    )?;
    panel.draw_series(DashedLineSeries::new(
        [(low, low), (high, high)],
        sizes.px(14.0) as u32,
        sizes.px(9.0) as u32,
        REFERENCE.stroke_width(sizes.px(2.0) as u32),
    ))?;
    let radius = sizes.px(6.0);
    for (color, pick) in [
        (
            LOGNORMAL,
            (|p: &QqPoint| p.lognormal) as fn(&QqPoint) -> f64,
        ),
        (GAMMA, |p: &QqPoint| p.gamma),
    ] {
        panel.draw_series(
            chart
                .points
                .iter()
                .filter(|p| pick(p).is_finite() && p.observed.is_finite())
                .map(|p| Circle::new((pick(p), p.observed), radius, color.filled())),
        )?;
    }
    Ok(())
}

/// The QQ chart as PNG bytes.
pub fn render_qq_png(chart: &QqChart, width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    style::register_fonts()?;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (width, height));
        let root = super::glyphs::Typeset::new(bitmap).into_drawing_area();
        draw(&root, chart, &Sizes::new(width, height))?;
        root.present()?;
    }
    super::encode_png(&rgb, width, height)
}
