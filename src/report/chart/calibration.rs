//! The calibration chart of `ptsim backtest` (issue 13): on the left, the coverage of every
//! central band of the predicted cost (10% … 98%) against its nominal level, one line per unit
//! level and the diagonal where an honest forecast lies; on the right, the histogram of where
//! the realized costs fell in their predicted distributions (PIT), flat when calibrated. The
//! title says whether the P10–P90 bands can be trusted.

use plotters::prelude::*;

use super::Drawing;
use super::axis::{nice_ticks, number_label};
use super::frame::{Axis, Options, panel};
use super::layout::{Area, Entry, Swatch, header, legend};
use super::style::{Backend, REFERENCE, Sizes, okabe_ito};
use crate::commands::backtest::Backtest;
use crate::stats::calibration::{Calibration, PIT_BINS};

/// Colour-blind-safe line colours for the unit levels (Okabe–Ito), then "all cases".
const LEVELS: [RGBColor; 7] = [
    okabe_ito::BLUE,
    okabe_ito::ORANGE,
    okabe_ito::GREEN,
    okabe_ito::PURPLE,
    okabe_ito::SKY,
    okabe_ito::VERMILLION,
    okabe_ito::YELLOW,
];
const ALL: RGBColor = RGBColor(30, 30, 30);
const BARS: RGBColor = okabe_ito::BLUE;

/// What the calibration chart shows.
pub struct CalibrationChart {
    pub title: String,
    pub subtitle: String,
    /// (level, calibration) per unit level.
    pub levels: Vec<(String, Calibration)>,
    pub overall: Calibration,
}

impl CalibrationChart {
    /// The chart of a backtest, with a title that states the verdict.
    pub fn of(report: &Backtest) -> Self {
        let o = &report.overall;
        // The unit levels of one window share its days, and overlapping windows share days too:
        // as many independent cases as there are non-overlapping windows' worth.
        let windows = report.windows.len() as f64;
        let independent =
            (windows * f64::from(report.step_days) / f64::from(report.test_days)).min(windows);
        CalibrationChart {
            title: verdict(o, independent),
            subtitle: format!(
                "Backtest of {} on {}: fit {} days, predict the next {}, {} forecasts ({} \
                 priced cases, about {:.0} independent windows; {} trials each). P10–P90 held {:.0}%, \
                 P5–P95 {:.0}%; median P10–P90 width {:.0}% of P50.",
                report.history,
                report.model,
                report.train_days,
                report.test_days,
                report.windows.len(),
                o.cases,
                independent,
                report.trials,
                100.0 * o.share_p10_p90(),
                100.0 * o.share_p5_p95(),
                100.0 * o.median_width
            ),
            levels: report
                .coverage
                .iter()
                .map(|c| (c.level.clone(), c.calibration.clone()))
                .collect(),
            overall: o.clone(),
        }
    }
}

/// "P10–P90 held the realized cost in 78% of 300 cases (nominal 80%): the bands are honest",
/// judged within two binomial standard errors of 80% for `independent` cases (non-overlapping
/// windows: the levels of one window and windows that overlap share their days).
pub fn verdict(c: &Calibration, independent: f64) -> String {
    let share = c.share_p10_p90();
    let tolerance = 2.0 * (0.8 * 0.2 / independent.max(1.0)).sqrt();
    let judgement = if c.cases == 0 {
        "no case to judge"
    } else if share < 0.8 - tolerance {
        "the bands are too narrow"
    } else if share > 0.8 + tolerance {
        "the bands are wider than they need to be"
    } else {
        "the bands are honest"
    };
    format!(
        "P10–P90 held the realized cost in {:.0}% of {} cases (nominal 80%): {judgement}",
        100.0 * share,
        c.cases
    )
}

impl Drawing for CalibrationChart {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let (width, height) = root.dim_in_pixel();
        let sizes = Sizes::new(width, height);
        let body = header(root, &sizes, &self.title, &self.subtitle)?;
        let mut entries: Vec<Entry> = self
            .levels
            .iter()
            .enumerate()
            .map(|(i, (level, _))| {
                Entry::new(Swatch::Line(LEVELS[i % LEVELS.len()]), level.clone())
            })
            .collect();
        entries.push(Entry::new(Swatch::Line(ALL), "All cases"));
        entries.push(Entry::new(
            Swatch::Dashed(REFERENCE),
            "Honest (coverage = nominal)",
        ));
        entries.push(Entry::new(
            Swatch::Band(BARS.mix(0.6)),
            "Where realized costs fell (PIT)",
        ));
        let plot = legend(&body, &sizes, &entries)?;
        let (plot_width, _) = plot.dim_in_pixel();
        let (left, right) = plot.split_horizontally(plot_width * 55 / 100);
        self.coverage_panel(&left, &sizes)?;
        self.pit_panel(&right, &sizes)
    }
}

impl CalibrationChart {
    fn coverage_panel<DB: Backend>(&self, area: &Area<DB>, sizes: &Sizes) -> anyhow::Result<()> {
        let percent = |v: f64| format!("{:.0}%", 100.0 * v);
        let ticks: Vec<f64> = (0..=5).map(|i| f64::from(i) * 0.2).collect();
        let mut chart = panel(
            area,
            sizes,
            Axis::new(
                0.0..1.0,
                ticks.clone(),
                &percent,
                "Nominal coverage of the central band",
            )
            .or_short("Nominal"),
            Axis::new(0.0..1.0, ticks, &percent, "Share of realized costs inside")
                .or_short("Inside"),
            Options::default(),
        )?;
        chart.draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (1.0, 1.0)],
            sizes.px(14.0) as u32,
            sizes.px(9.0) as u32,
            REFERENCE.stroke_width(sizes.px(2.0) as u32),
        ))?;
        let curve = |c: &Calibration| {
            std::iter::once((0.0, 0.0))
                .chain(c.coverage.iter().copied())
                .collect::<Vec<_>>()
        };
        for (i, (_, c)) in self.levels.iter().enumerate() {
            let color = LEVELS[i % LEVELS.len()];
            chart.draw_series(LineSeries::new(curve(c), color.stroke_width(sizes.line())))?;
        }
        let line = sizes.line() + sizes.px(1.5) as u32;
        chart.draw_series(LineSeries::new(
            curve(&self.overall),
            ALL.stroke_width(line),
        ))?;
        let radius = sizes.px(6.0);
        chart.draw_series(
            self.overall
                .coverage
                .iter()
                .map(|&p| Circle::new(p, radius, ALL.filled())),
        )?;
        Ok(())
    }

    fn pit_panel<DB: Backend>(&self, area: &Area<DB>, sizes: &Sizes) -> anyhow::Result<()> {
        let counts = &self.overall.pit_histogram;
        let total = counts.iter().sum::<usize>().max(1) as f64;
        let shares: Vec<f64> = counts.iter().map(|n| *n as f64 / total).collect();
        let top = shares.iter().copied().fold(2.0 / PIT_BINS as f64, f64::max) * 1.1;
        let (y_ticks, y_step) = nice_ticks(0.0, top, 6);
        let x_ticks: Vec<f64> = (0..=5).map(|i| f64::from(i) * 0.2).collect();
        let y_label = |v: f64| format!("{}%", number_label(100.0 * v, 100.0 * y_step));
        let x_label = |v: f64| format!("P{:.0}", 100.0 * v);
        let mut chart = panel(
            area,
            sizes,
            Axis::new(
                0.0..1.0,
                x_ticks,
                &x_label,
                "Where the realized cost fell in its forecast",
            )
            .or_short("Place in forecast"),
            Axis::new(0.0..top, y_ticks, &y_label, "Share of cases").or_short("Cases"),
            Options {
                no_y_grid: false,
                ..Options::default()
            },
        )?;
        let bin = 1.0 / PIT_BINS as f64;
        chart.draw_series(shares.iter().enumerate().map(|(i, s)| {
            let x = i as f64 * bin;
            Rectangle::new(
                [(x + 0.08 * bin, 0.0), (x + 0.92 * bin, *s)],
                BARS.mix(0.6).filled(),
            )
        }))?;
        chart.draw_series(DashedLineSeries::new(
            [(0.0, bin), (1.0, bin)],
            sizes.px(14.0) as u32,
            sizes.px(9.0) as u32,
            REFERENCE.stroke_width(sizes.px(2.0) as u32),
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(cases: usize, inside: usize) -> Calibration {
        Calibration {
            cases,
            inside_p10_p90: inside,
            ..Calibration::default()
        }
    }

    #[test]
    fn the_title_judges_the_p10_p90_coverage_within_two_binomial_errors() {
        // 300 independent cases: two standard errors are 4.6 points.
        assert!(verdict(&with(300, 240), 300.0).ends_with("the bands are honest"));
        assert!(verdict(&with(300, 200), 300.0).ends_with("too narrow"));
        assert!(verdict(&with(300, 258), 300.0).ends_with("wider than they need to be"));
        assert!(
            verdict(&with(300, 240), 300.0)
                .starts_with("P10–P90 held the realized cost in 80% of 300")
        );
        // The same 86% from daily windows of a week: 300 / 7 independent, 2 SE = 12 points.
        assert!(verdict(&with(300, 258), 300.0 / 7.0).ends_with("the bands are honest"));
    }
}
