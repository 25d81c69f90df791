//! What `ptsim backtest` prints and writes besides its JSON: the terminal table, one CSV row per
//! case (backtest.csv) and the coverage table (coverage.csv).

use std::fmt::Write;

use serde::Serialize;

use super::format::usd;
use crate::commands::backtest::{Backtest, Coverage};
use crate::stats::calibration::Calibration;

/// Most windows whose cases the terminal table lists one by one.
const MAX_WINDOWS_SHOWN: usize = 12;

/// One row of backtest.csv.
#[derive(Serialize)]
pub struct CaseRow<'a> {
    pub window_start: &'a str,
    pub level: &'a str,
    pub units: u32,
    pub realized_usd: f64,
    pub p5_usd: f64,
    pub p10_usd: f64,
    pub p50_usd: f64,
    pub p90_usd: f64,
    pub p95_usd: f64,
    pub pit: f64,
    pub inside_p10_p90: bool,
    pub inside_p5_p95: bool,
    pub fixed: bool,
    pub level_sigma: f64,
}

/// One row of coverage.csv.
#[derive(Serialize)]
pub struct CoverageRow<'a> {
    pub level: &'a str,
    pub cases: usize,
    pub fixed: usize,
    pub inside_p10_p90: usize,
    pub inside_p5_p95: usize,
    pub below_p10: usize,
    pub above_p90: usize,
    pub share_p10_p90: f64,
    pub share_p5_p95: f64,
    pub median_width: f64,
}

/// Every case, window by window.
pub fn case_rows(report: &Backtest) -> Vec<CaseRow<'_>> {
    report
        .windows
        .iter()
        .flat_map(|w| {
            w.cases.iter().map(move |c| CaseRow {
                window_start: &w.start,
                level: &c.level,
                units: c.units,
                realized_usd: c.realized_usd,
                p5_usd: c.p5_usd,
                p10_usd: c.p10_usd,
                p50_usd: c.p50_usd,
                p90_usd: c.p90_usd,
                p95_usd: c.p95_usd,
                pit: c.pit,
                inside_p10_p90: c.inside,
                inside_p5_p95: c.inside_p5_p95,
                fixed: c.fixed,
                level_sigma: w.level_sigma,
            })
        })
        .collect()
}

fn coverage_row<'a>(level: &'a str, c: &Calibration) -> CoverageRow<'a> {
    CoverageRow {
        level,
        cases: c.cases,
        fixed: c.fixed,
        inside_p10_p90: c.inside_p10_p90,
        inside_p5_p95: c.inside_p5_p95,
        below_p10: c.below_p10,
        above_p90: c.above_p90,
        share_p10_p90: c.share_p10_p90(),
        share_p5_p95: c.share_p5_p95(),
        median_width: c.median_width,
    }
}

/// The coverage per level, then "all".
pub fn coverage_rows(report: &Backtest) -> Vec<CoverageRow<'_>> {
    report
        .coverage
        .iter()
        .map(|c: &Coverage| coverage_row(&c.level, &c.calibration))
        .chain([coverage_row("all", &report.overall)])
        .collect()
}

/// The terminal table: every case (one line each), then coverage per level and overall.
pub fn table(report: &Backtest, history: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Backtest of {history} on {}: fit {} days, predict the next {}, a new origin every {} \
         day{} ({} trials each)\n",
        report.model,
        report.train_days,
        report.test_days,
        report.step_days,
        if report.step_days == 1 { "" } else { "s" },
        report.trials
    );
    let shown = if report.windows.len() <= MAX_WINDOWS_SHOWN {
        report.windows.len()
    } else {
        0
    };
    if shown == 0 {
        let _ = writeln!(
            s,
            "  {} forecast windows: every case is in backtest.csv and backtest.json",
            report.windows.len()
        );
    } else {
        let _ = writeln!(
            s,
            "  {:<22} {:<12} {:>6} {:>13} {:>13} {:>13} {:>13}  {:>5}  inside",
            "window start", "level", "units", "realized", "P10", "P50", "P90", "PIT"
        );
    }
    for w in &report.windows[..shown] {
        for c in &w.cases {
            let _ = writeln!(
                s,
                "  {:<22} {:<12} {:>6} {:>13} {:>13} {:>13} {:>13}  {:>5.2}  {}",
                w.start,
                c.level,
                c.units,
                usd(c.realized_usd),
                usd(c.p10_usd),
                usd(c.p50_usd),
                usd(c.p90_usd),
                c.pit,
                if c.fixed {
                    "fixed"
                } else if c.inside {
                    "yes"
                } else {
                    "no"
                }
            );
        }
    }
    let _ = writeln!(
        s,
        "\n  Coverage of the realized cost (nominal: P10–P90 80%, P5–P95 90%)\n  {:<12} {:>6} {:>15} {:>15} {:>7} {:>7} {:>13}",
        "level", "cases", "P10–P90", "P5–P95", "<P10", ">P90", "median width"
    );
    let line = |s: &mut String, level: &str, c: &Calibration| {
        let _ = writeln!(
            s,
            "  {:<12} {:>6} {:>8} ({:>3.0}%) {:>8} ({:>3.0}%) {:>7} {:>7} {:>12.0}%{}",
            level,
            c.cases,
            c.inside_p10_p90,
            100.0 * c.share_p10_p90(),
            c.inside_p5_p95,
            100.0 * c.share_p5_p95(),
            c.below_p10,
            c.above_p90,
            100.0 * c.median_width,
            if c.fixed > 0 {
                format!("  ({} fixed: P10 = P90, left out)", c.fixed)
            } else {
                String::new()
            }
        );
    };
    for c in &report.coverage {
        line(&mut s, &c.level, &c.calibration);
    }
    line(&mut s, "all", &report.overall);
    let pits: Vec<String> = report
        .overall
        .pit_histogram
        .iter()
        .map(|n| n.to_string())
        .collect();
    let _ = writeln!(
        s,
        "  PIT histogram (10 bins, flat when calibrated): {}",
        pits.join(" ")
    );
    if report.skipped_windows > 0 {
        let _ = writeln!(
            s,
            "  {} windows with missing test hours were not priced",
            report.skipped_windows
        );
    }
    s
}
