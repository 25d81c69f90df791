//! `plan_units_<pool>`: the recommended plan month by month (issue 15) — its units in service,
//! stacked by layer (averaged over trials: a re-sizing layer differs from trial to trial) —
//! against the simulated realtime load: the median trial's typical hour (P50) and busy hour
//! (P95) of each month, with the P10–P90 band of the typical hour across trials.

use plotters::prelude::*;

use super::super::Drawing;
use super::super::axis::{nice_ticks, number_label, padded, unit_ticks};
use super::super::frame::{Axis, Options, panel, ticks_that_fit};
use super::super::layout::{Area, Entry, Swatch, header, legend};
use super::super::style::{Backend, DATA, REFERENCE, Sizes, okabe_ito};
use super::plans::{layer_words, plan_words, subtitle};
use crate::plan::{Plan, PlansReport, PoolPlans};
use crate::stats::quantile::{percentile_sorted, sort_floats};

/// Colours of the layers, bottom up (Okabe–Ito, skipping the load's blue).
const LAYER_COLORS: [RGBColor; 6] = [
    okabe_ito::GREEN,
    okabe_ito::ORANGE,
    okabe_ito::SKY,
    okabe_ito::PURPLE,
    okabe_ito::VERMILLION,
    okabe_ito::YELLOW,
];

/// The month-by-month chart of one pool's recommended plan.
pub struct PlanUnitsChart<'a> {
    pub report: &'a PlansReport,
    pub pool: &'a PoolPlans,
    pub sizes: Sizes,
}

/// The load lines of each month: P10, P50 and P90 across trials of the month's P50 hour, and
/// the P50 across trials of its P95 hour.
fn load_lines(pool: &PoolPlans) -> Vec<[f64; 4]> {
    pool.load
        .iter()
        .map(|trials| {
            let mut typical: Vec<f64> = trials.iter().map(|l| l.p50).collect();
            let mut busy: Vec<f64> = trials.iter().map(|l| l.p95).collect();
            sort_floats(&mut typical);
            sort_floats(&mut busy);
            let q = |p| percentile_sorted(&typical, p);
            [q(0.1), q(0.5), q(0.9), percentile_sorted(&busy, 0.5)]
        })
        .collect()
}

impl Drawing for PlanUnitsChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let best = self.pool.best();
        let plan = best.plan.clone().unwrap_or(Plan {
            name: best.row.plan.clone(),
            layers: Vec::new(),
        });
        let body = header(
            root,
            sizes,
            &format!(
                "Recommended plan against the simulated load: {}",
                self.pool.name
            ),
            &format!(
                "{}: {} · bars: units in service, mean over trials (no renewal after a model \
                 switch) · {}",
                best.row.plan,
                plan_words(&plan),
                subtitle(self.report, self.pool)
            ),
        )?;
        let color = |i: usize| LAYER_COLORS[i % LAYER_COLORS.len()];
        let mut entries: Vec<Entry> = plan
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| Entry::new(Swatch::Band(color(i).mix(0.8)), layer_words(l)))
            .collect();
        entries.extend([
            Entry::new(
                Swatch::Band(DATA.mix(0.2)),
                "typical hour (P50 of the month), P10–P90 of trials",
            ),
            Entry::new(Swatch::Line(DATA), "typical hour, median trial"),
            Entry::new(
                Swatch::Dashed(REFERENCE),
                "busy hour (P95 of the month), median trial",
            ),
        ]);
        let plot = legend(&body, sizes, &entries)?;

        let months = self.report.settings.months;
        let lines = load_lines(self.pool);
        let stacks: Vec<f64> = (0..months)
            .map(|m| best.layer_units_mean.iter().map(|l| l[m]).sum())
            .collect();
        let top = lines
            .iter()
            .flat_map(|l| [l[2], l[3]])
            .chain(stacks.iter().copied())
            .fold(1.0, f64::max);
        let (width, height) = plot.dim_in_pixel();
        let (_, y_max) = padded(0.0, top, 0.08);
        let (y_ticks, y_step) = nice_ticks(0.0, y_max, ticks_that_fit(sizes, height, 3.0).min(8));
        let x_ticks = unit_ticks(
            (months - 1) as f64,
            ticks_that_fit(sizes, width, 3.0).min(24),
        );
        let x_label = |v: f64| format!("{v:.0}");
        let y_label = |v: f64| number_label(v, y_step);
        let mut chart = panel(
            &plot,
            sizes,
            Axis::new(
                -0.6..months as f64 - 0.4,
                x_ticks,
                &x_label,
                "Month of the plan (0 = its first month)",
            )
            .or_short("Month"),
            Axis::new(
                0.0..y_max,
                y_ticks,
                &y_label,
                "Units in service / load (unit-hours per hour)",
            )
            .or_short("Units"),
            Options::default(),
        )?;
        let mut band: Vec<(f64, f64)> = lines
            .iter()
            .enumerate()
            .map(|(m, l)| (m as f64, l[0]))
            .collect();
        band.extend(
            lines
                .iter()
                .enumerate()
                .rev()
                .map(|(m, l)| (m as f64, l[2])),
        );
        chart.draw_series([Polygon::new(band, DATA.mix(0.2).filled())])?;
        for (m, _) in stacks.iter().enumerate() {
            let x = m as f64;
            let mut bottom = 0.0;
            for (i, layer) in best.layer_units_mean.iter().enumerate() {
                if layer[m] <= 0.0 {
                    continue;
                }
                chart.draw_series([Rectangle::new(
                    [(x - 0.38, bottom), (x + 0.38, bottom + layer[m])],
                    color(i).mix(0.8).filled(),
                )])?;
                bottom += layer[m];
            }
        }
        chart.draw_series(LineSeries::new(
            lines.iter().enumerate().map(|(m, l)| (m as f64, l[1])),
            DATA.stroke_width(sizes.line()),
        ))?;
        chart.draw_series(DashedLineSeries::new(
            lines.iter().enumerate().map(|(m, l)| (m as f64, l[3])),
            sizes.px(14.0) as u32,
            sizes.px(9.0) as u32,
            REFERENCE.stroke_width(sizes.px(2.0) as u32),
        ))?;
        let dot = sizes.px(4.0);
        chart.draw_series(
            lines
                .iter()
                .enumerate()
                .map(|(m, l)| Circle::new((m as f64, l[1]), dot, DATA.filled())),
        )?;
        Ok(())
    }
}
