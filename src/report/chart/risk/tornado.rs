//! `tornado_<pool>`: for each input, the P50 savings at the min-mean k with the input at its low
//! and its high value, as bars from the base run's value; the widest swing on top, the min-mean
//! k at each end printed beside its bar.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::super::axis::{UsdAxis, nice_ticks, padded};
use super::super::frame::{Axis, Options, panel, ticks_that_fit};
use super::super::layout::{Area, Entry, Swatch, header, legend};
use super::super::style::{self, Backend, REFERENCE, Sizes};
use super::super::{ChartOptions, Drawing, extension, render_drawing};
use super::{row_of, row_y, rows, value_label};
use crate::report::format::usd_compact;
use crate::risk::sensitivity::SensitivityRow;
use crate::scenario::Scenario;

const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(230, 159, 0);

/// The tornado of one pool.
pub struct TornadoChart<'a> {
    pub scenario: &'a Scenario,
    pub trials: u32,
    pub pool: &'a str,
    pub rows: Vec<&'a SensitivityRow>,
    pub sizes: Sizes,
}

/// One tornado per pool as (file name, bytes).
pub fn tornado_charts(
    scenario: &Scenario,
    trials: u32,
    rows: &[SensitivityRow],
    options: &ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let Some(ext) = extension(options.format) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for pool in &scenario.pools {
        let chart = TornadoChart {
            scenario,
            trials,
            pool: &pool.name,
            rows: rows.iter().filter(|r| r.pool == pool.name).collect(),
            sizes: Sizes::new(options.width, options.height),
        };
        files.push((
            format!("tornado_{}.{ext}", pool.name),
            render_drawing(&chart, options)?,
        ));
    }
    Ok(files)
}

/// "unit_throughput_factor 0.7 – 1.3".
fn label(row: &SensitivityRow) -> String {
    format!("{} {} to {}", row.input, row.low, row.high)
}

impl Drawing for TornadoChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let Some(first) = self.rows.first() else {
            return Ok(());
        };
        let base = first.metric_base;
        let body = header(
            root,
            sizes,
            &format!("What moves the answer: {}", self.pool),
            &format!(
                "{} · P50 savings vs all on-demand at the min-mean k; base {} at {} units · each \
                 input swung alone, {} trials, same seed {} (common random numbers)",
                self.scenario.name,
                usd_compact(base),
                first.units_base,
                style::grouped(u64::from(self.trials)),
                self.scenario.seed
            ),
        )?;
        let entries = [
            Entry::new(Swatch::Band(LOW.to_rgba()), "input at its low value"),
            Entry::new(Swatch::Band(HIGH.to_rgba()), "input at its high value"),
            Entry::new(
                Swatch::Dashed(REFERENCE),
                format!("base run {}", usd_compact(base)),
            ),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().map(|r| label(r)).collect();
        let name_of = |v: f64| names[row_of(v, n).min(n - 1)].clone();
        let values = self
            .rows
            .iter()
            .flat_map(|r| [r.metric_at_low, r.metric_at_high])
            .chain([base, 0.0]);
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = (high - low).max(1.0);
        let (lo, hi) = padded(low - 0.25 * span, high + 0.25 * span, 0.0);
        let (ticks, step) = nice_ticks(
            lo,
            hi,
            ticks_that_fit(sizes, plot.dim_in_pixel().0, 5.0).min(8),
        );
        let usd = UsdAxis::new(hi.abs().max(lo.abs()), step);
        let x_label = |v: f64| usd.label(v);
        let mut chart = panel(
            &plot,
            sizes,
            Axis::new(
                lo..hi,
                ticks,
                &x_label,
                "P50 savings at the min-mean k (USD over the horizon)",
            )
            .or_short("P50 savings (USD)"),
            rows(n, &name_of),
            Options {
                no_y_grid: true,
                ..Options::default()
            },
        )?;
        for (i, r) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            for (value, units, color, dy) in [
                (r.metric_at_low, r.units_at_low, LOW, 0.17),
                (r.metric_at_high, r.units_at_high, HIGH, -0.17),
            ] {
                chart.draw_series([Rectangle::new(
                    [
                        (base.min(value), y + dy - 0.15),
                        (base.max(value), y + dy + 0.15),
                    ],
                    color.filled(),
                )])?;
                let anchor = if value < base {
                    HPos::Right
                } else {
                    HPos::Left
                };
                value_label(
                    &mut chart,
                    (value, y + dy),
                    format!(
                        "{} ({units} unit{})",
                        usd_compact(value),
                        if units == 1 { "" } else { "s" }
                    ),
                    sizes,
                    anchor,
                )?;
            }
        }
        chart.draw_series(DashedLineSeries::new(
            [(base, -0.6), (base, n as f64 - 0.4)],
            sizes.px(12.0) as u32,
            sizes.px(8.0) as u32,
            REFERENCE.stroke_width(sizes.px(2.0) as u32),
        ))?;
        Ok(())
    }
}
