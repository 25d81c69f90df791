//! `tornado_<pool>`: for each input, one bar from the P50 saving with the input at one end of
//! its range to the saving at the other, around the base run's saving — the widest swing on
//! top, inputs in plain words, each end labelled with its saving and, when it changes, the count
//! that minimises the expected bill there. Inputs that move nothing are listed under the chart
//! rather than drawn as empty rows; a pool where no input moves anything gets no chart.

use plotters::prelude::*;

use super::super::annotate::{Note, Place, note};
use super::super::axis::{UsdAxis, nice_ticks, padded};
use super::super::frame::{Axis, ticks_that_fit};
use super::super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::super::rows::{row_of, row_panel, row_y};
use super::super::style::{self, Backend, REFERENCE, Sizes, okabe_ito};
use super::super::{ChartOptions, Drawing, extension, render_drawing};
use crate::report::format::{Period, grouped, usd3};
use crate::report::words::{count, pool_title};
use crate::risk::sensitivity::SensitivityRow;
use crate::scenario::Scenario;

const LOW: RGBColor = okabe_ito::BLUE;
const HIGH: RGBColor = okabe_ito::ORANGE;

/// The tornado of one pool.
pub struct TornadoChart<'a> {
    pub scenario: &'a Scenario,
    pub trials: u32,
    pub pool: &'a str,
    pub rows: Vec<&'a SensitivityRow>,
    pub sizes: Sizes,
}

/// One tornado per pool where some input moves the saving, as (file name, bytes).
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
        if chart.moving().is_empty() {
            continue;
        }
        files.push((
            format!("tornado_{}.{ext}", pool.name),
            render_drawing(&chart, options)?,
        ));
    }
    Ok(files)
}

/// An input as a reader says it, with its range: "Unit throughput ±30%", "Monthly growth ±3
/// points".
pub fn input_name(row: &SensitivityRow) -> String {
    let (name, factor) = match row.input {
        "unit_throughput_factor" => ("Unit throughput", true),
        "unit_price_factor" => ("Unit price", true),
        "growth_per_month_shift" => ("Monthly growth", false),
        "level_sigma_factor" => ("Forecast error (level σ)", true),
        "noise_cv_factor" => ("Hour-to-hour noise (CV)", true),
        "batch_share_shift" => ("Batch-eligible share", false),
        "cache_hit_share_shift" => ("Cache-hit share", false),
        other => (other, false),
    };
    let symmetric = |a: f64, b: f64| (a + b).abs() < 1e-9;
    match factor {
        true if symmetric(row.low - 1.0, row.high - 1.0) => {
            format!("{name} ±{:.0}%", 100.0 * (row.high - 1.0))
        }
        true => format!("{name} ×{} to ×{}", row.low, row.high),
        false if symmetric(row.low, row.high) => {
            format!("{name} ±{:.0} points", 100.0 * row.high)
        }
        false => format!(
            "{name} {:+.0} to {:+.0} points",
            100.0 * row.low,
            100.0 * row.high
        ),
    }
}

impl TornadoChart<'_> {
    /// The inputs that move the saving or the count, widest swing first (as the rows come).
    fn moving(&self) -> Vec<&SensitivityRow> {
        self.rows
            .iter()
            .copied()
            .filter(|r| {
                r.swing > 0.0 || r.units_at_low != r.units_base || r.units_at_high != r.units_base
            })
            .collect()
    }
}

impl Drawing for TornadoChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let moving = self.moving();
        let (Some(first), Some(pool)) = (
            moving.first(),
            self.scenario.pools.iter().find(|p| p.name == self.pool),
        ) else {
            return Ok(());
        };
        let base = first.metric_base;
        let per = Period::new(self.scenario.horizon_hours).per();
        let (lo_value, hi_value) = (
            first.metric_at_low.min(first.metric_at_high),
            first.metric_at_low.max(first.metric_at_high),
        );
        let title = if first.units_base == 0 {
            let (value, units) = if first.metric_at_high >= first.metric_at_low {
                (first.metric_at_high, first.units_at_high)
            } else {
                (first.metric_at_low, first.units_at_low)
            };
            format!(
                "As assumed nothing pays; {} matters most: at one end {} save {} {per}",
                input_name(first),
                count(units, pool.product),
                usd3(value)
            )
        } else {
            format!(
                "{} moves the saving most: {} to {} {per}, around {} at {}",
                input_name(first),
                usd3(lo_value),
                usd3(hi_value),
                usd3(base),
                count(first.units_base, pool.product)
            )
        };
        let still: Vec<String> = self
            .rows
            .iter()
            .filter(|r| !moving.iter().any(|m| m.input == r.input))
            .map(|r| input_name(r))
            .collect();
        let mut foot = format!(
            "Scenario {} · {} trials per run · the same seed {} in every run (common random \
             numbers) · ptsim {}",
            self.scenario.name,
            grouped(u64::from(self.trials)),
            self.scenario.seed,
            env!("CARGO_PKG_VERSION")
        );
        if !still.is_empty() {
            foot = format!("No effect in these ranges: {}. {foot}", still.join(", "));
        }
        let body = header(
            root,
            sizes,
            &title,
            &format!(
                "{} · P50 saving against all on-demand {per} at the count with the lowest \
                 expected bill, each input swung alone",
                pool_title(pool)
            ),
        )?;
        let body = footer(&body, sizes, &foot)?;
        let entries = [
            Entry::new(
                Swatch::Band(LOW.to_rgba()),
                "input at the low end of its range",
            ),
            Entry::new(Swatch::Band(HIGH.to_rgba()), "input at the high end"),
            Entry::new(
                Swatch::Dashed(REFERENCE),
                format!("base run: saves {} {per}", usd3(base)),
            ),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let n = moving.len();
        let names: Vec<String> = moving.iter().map(|r| input_name(r)).collect();
        let name_of = |v: f64| names[row_of(v, n).min(n - 1)].clone();
        let values = moving
            .iter()
            .flat_map(|r| [r.metric_at_low, r.metric_at_high])
            .chain([base]);
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = (high - low).max(1.0);
        let (lo, hi) = padded(low - 0.3 * span, high + 0.3 * span, 0.0);
        let (ticks, step) = nice_ticks(
            lo,
            hi,
            ticks_that_fit(sizes, plot.dim_in_pixel().0, 5.0).min(8),
        );
        let usd = UsdAxis::new(hi.abs().max(lo.abs()), step);
        let x_label = |v: f64| usd.label(v);
        let mut chart = row_panel(
            &plot,
            sizes,
            Axis::new(lo..hi, ticks, &x_label, format!("P50 saving {per} (USD)"))
                .or_short("Saving (USD)"),
            n,
            &name_of,
        )?;
        let half = 0.3;
        for (i, r) in moving.iter().enumerate() {
            let y = row_y(i, n);
            for (value, units, color) in [
                (r.metric_at_low, r.units_at_low, LOW),
                (r.metric_at_high, r.units_at_high, HIGH),
            ] {
                chart.draw_series([Rectangle::new(
                    [(base.min(value), y - half), (base.max(value), y + half)],
                    color.filled(),
                )])?;
                if value == base && units == r.units_base {
                    continue;
                }
                let place = if value < base || (value == base && color == LOW) {
                    Place::Left
                } else {
                    Place::Right
                };
                let mut text = usd3(value);
                if units != r.units_base {
                    text.push_str(&format!(" · {}", count(units, pool.product)));
                }
                note(
                    &mut chart,
                    sizes,
                    (value, y),
                    &Note::value(text, sizes.label(), place),
                )?;
            }
        }
        chart.draw_series(DashedLineSeries::new(
            [(base, -0.6), (base, n as f64 - 0.4)],
            sizes.px(12.0) as u32,
            sizes.px(8.0) as u32,
            REFERENCE.stroke_width(sizes.px(2.0) as u32),
        ))?;
        let _ = style::INK;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(input: &'static str, low: f64, high: f64) -> SensitivityRow {
        SensitivityRow {
            input,
            low,
            high,
            metric_at_low: 0.0,
            metric_at_high: 0.0,
            swing: 0.0,
            pool: "p".into(),
            metric_base: 0.0,
            units_at_low: 0,
            units_at_high: 0,
            units_base: 0,
        }
    }

    #[test]
    fn inputs_are_named_with_their_ranges() {
        assert_eq!(
            input_name(&row("unit_throughput_factor", 0.7, 1.3)),
            "Unit throughput ±30%"
        );
        assert_eq!(
            input_name(&row("growth_per_month_shift", -0.03, 0.03)),
            "Monthly growth ±3 points"
        );
        assert_eq!(
            input_name(&row("level_sigma_factor", 0.5, 2.0)),
            "Forecast error (level σ) ×0.5 to ×2"
        );
    }
}
