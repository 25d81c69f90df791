//! `ptsim backtest HISTORY --model KEY --train-days N` (issue 4): rolling-origin backtest of
//! `ptsim fit`. For each window of `--test-days` after the first N days, fit the N days before
//! it, write the fitted scenario starting where the window starts, simulate it, and price the
//! realized traffic exactly with the same engine (`PoolHours::new` + `evaluate`). Prints how
//! often the realized cost lies inside the predicted P10–P90, per unit level and overall.

use std::fmt::Write;

use rayon::prelude::*;
use serde::Serialize;

use crate::UsageError;
use crate::cli::BacktestArgs;
use crate::cost::{PoolHours, WorkloadTraffic};
use crate::fit::{fit_history, writer};
use crate::ratecard::RateCard;
use crate::report::format::usd;
use crate::scenario::Scenario;
use crate::simulate::pool_hours;
use crate::stats::quantile::{percentile_sorted, sort_floats};
use crate::traffic::time::format_epoch_hour;

use super::fit::{PoolChoice, label, read_history};

/// Shares of the training window's peak hourly load priced by default (with 0 units).
const PEAK_SHARES: [f64; 3] = [0.25, 0.5, 1.0];

/// One unit level in one window.
#[derive(Clone, Debug, Serialize)]
pub struct Case {
    /// "0 units", "25% of peak" …, or "k units" when --units is given.
    pub level: String,
    pub units: u32,
    pub realized_usd: f64,
    pub p10_usd: f64,
    pub p50_usd: f64,
    pub p90_usd: f64,
    pub inside: bool,
}

/// One predicted window.
#[derive(Clone, Debug, Serialize)]
pub struct Window {
    pub train_start: String,
    pub start: String,
    pub end: String,
    pub cases: Vec<Case>,
}

/// Coverage of one unit level across the windows. Cases whose predicted P10 and P90 are equal
/// (units that carry all the traffic in every trial: the cost is the unit bill) are counted as
/// `fixed`, not as covered.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    pub level: String,
    pub fixed: usize,
    pub inside: usize,
    pub below: usize,
    pub above: usize,
    pub windows: usize,
}

#[derive(Serialize)]
struct Backtest<'a> {
    model: &'a str,
    train_days: u32,
    test_days: u32,
    trials: u32,
    windows: &'a [Window],
    coverage: &'a [Coverage],
    inside: usize,
    cases: usize,
    share_inside: f64,
}

pub fn run(args: &BacktestArgs) -> anyhow::Result<()> {
    let card = RateCard::shipped();
    let (key, series) = read_history(&args.history, &args.model, &card)?;
    let history = label(&args.history);
    let (train, test) = (args.train_days as usize * 24, args.test_days as usize * 24);
    if series.len() < train + test {
        return Err(UsageError(format!(
            "history {history}: {} hours ({} days); --train-days {} and --test-days {} need at \
             least {} days",
            series.len(),
            series.len() / 24,
            args.train_days,
            args.test_days,
            args.train_days + args.test_days
        ))
        .into());
    }
    let choice = PoolChoice::for_model(&card, &key)?;
    let mut windows = Vec::new();
    let mut origin = train;
    while origin + test <= series.len() {
        let training = series.slice(origin - train, origin);
        let realized = series.slice(origin, origin + test);
        let fit = fit_history(&training, test).map_err(|m| {
            UsageError(format!(
                "history {history}: training window from {}: {m}",
                format_epoch_hour(training.start_epoch_hour)
            ))
        })?;
        let text = writer::scenario_toml(
            &fit,
            &writer::Header {
                model_key: &key,
                product: choice.product,
                term: choice.term,
                history: &history,
                bootstrap_file: None,
                start_epoch_hour: realized.start_epoch_hour,
                horizon_hours: test,
            },
        );
        let mut scenario = Scenario::parse(&text, "backtest", std::path::Path::new("."), &card)?;
        scenario.trials = args.trials;
        scenario.seed = args.seed;
        let levels = unit_levels(args, &training, &choice);
        let pool = &scenario.pools[0];
        let simulated: Vec<Vec<f64>> = (0..u64::from(args.trials))
            .into_par_iter()
            .map(|t| {
                let hours = pool_hours(&scenario, pool, t);
                levels
                    .iter()
                    .map(|(_, k)| hours.evaluate(&pool.model, *k).total_usd)
                    .collect()
            })
            .collect();
        let actual = PoolHours::new(
            &pool.model,
            &[WorkloadTraffic {
                input: &realized.input,
                output: &realized.output,
            }],
        );
        let cases = levels
            .iter()
            .enumerate()
            .map(|(i, (level, k))| {
                let mut totals: Vec<f64> = simulated.iter().map(|t| t[i]).collect();
                sort_floats(&mut totals);
                let realized_usd = actual.evaluate(&pool.model, *k).total_usd;
                let (p10_usd, p90_usd) = (
                    percentile_sorted(&totals, 0.1),
                    percentile_sorted(&totals, 0.9),
                );
                Case {
                    level: level.clone(),
                    units: *k,
                    realized_usd,
                    p10_usd,
                    p50_usd: percentile_sorted(&totals, 0.5),
                    p90_usd,
                    inside: (p10_usd..=p90_usd).contains(&realized_usd),
                }
            })
            .collect();
        windows.push(Window {
            train_start: format_epoch_hour(training.start_epoch_hour),
            start: format_epoch_hour(realized.start_epoch_hour),
            end: realized.end_label(),
            cases,
        });
        origin += test;
    }
    let coverage = coverage(&windows);
    let cases: usize = coverage.iter().map(|c| c.windows).sum();
    let inside: usize = coverage.iter().map(|c| c.inside).sum();
    let report = Backtest {
        model: &key,
        train_days: args.train_days,
        test_days: args.test_days,
        trials: args.trials,
        windows: &windows,
        coverage: &coverage,
        inside,
        cases,
        share_inside: inside as f64 / cases.max(1) as f64,
    };
    let text = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        table(&report, &history)
    };
    super::print_stdout(&text)
}

/// The unit levels priced in a window: --units, or 0 and shares of the training peak load.
fn unit_levels(
    args: &BacktestArgs,
    training: &crate::history::HourlySeries,
    choice: &PoolChoice,
) -> Vec<(String, u32)> {
    if let Some(units) = &args.units {
        return units.iter().map(|k| (format!("{k} units"), *k)).collect();
    }
    let peak = training
        .input
        .iter()
        .zip(&training.output)
        .map(|(i, o)| choice.capacity.load(*i, *o))
        .fold(0.0, f64::max);
    let mut levels = vec![("0 units".to_string(), 0)];
    for share in PEAK_SHARES {
        let k = choice.steps.round_up(((share * peak).ceil() as u32).max(1));
        levels.push((format!("{:.0}% of peak", 100.0 * share), k));
    }
    levels
}

/// Inside, below and above the band, per level (in the order levels first appear).
fn coverage(windows: &[Window]) -> Vec<Coverage> {
    let mut out: Vec<Coverage> = Vec::new();
    for case in windows.iter().flat_map(|w| &w.cases) {
        let at = match out.iter().position(|c| c.level == case.level) {
            Some(i) => i,
            None => {
                out.push(Coverage {
                    level: case.level.clone(),
                    fixed: 0,
                    inside: 0,
                    below: 0,
                    above: 0,
                    windows: 0,
                });
                out.len() - 1
            }
        };
        let c = &mut out[at];
        if case.p90_usd - case.p10_usd <= 1e-9 * case.p90_usd.abs() {
            c.fixed += 1;
            continue;
        }
        c.windows += 1;
        if case.inside {
            c.inside += 1;
        } else if case.realized_usd < case.p10_usd {
            c.below += 1;
        } else {
            c.above += 1;
        }
    }
    out
}

fn table(report: &Backtest, history: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Backtest of {history} on {}: fit {} days, predict the next {} ({} trials each)\n",
        report.model, report.train_days, report.test_days, report.trials
    );
    let _ = writeln!(
        s,
        "  {:<22} {:<14} {:>6} {:>14} {:>14} {:>14} {:>14}  inside",
        "window start", "level", "units", "realized", "P10", "P50", "P90"
    );
    for w in report.windows {
        for c in &w.cases {
            let _ = writeln!(
                s,
                "  {:<22} {:<14} {:>6} {:>14} {:>14} {:>14} {:>14}  {}",
                w.start,
                c.level,
                c.units,
                usd(c.realized_usd),
                usd(c.p10_usd),
                usd(c.p50_usd),
                usd(c.p90_usd),
                if c.inside { "yes" } else { "no" }
            );
        }
    }
    let _ = writeln!(
        s,
        "\n  Coverage of the realized cost by the predicted P10–P90 (nominal 80%):"
    );
    for c in report.coverage {
        let _ = writeln!(
            s,
            "  {:<14} {:>3} of {:<3} windows ({:>3.0}%); below P10: {}, above P90: {}{}",
            c.level,
            c.inside,
            c.windows,
            100.0 * c.inside as f64 / c.windows.max(1) as f64,
            c.below,
            c.above,
            if c.fixed > 0 {
                format!("; {} with a fixed cost (P10 = P90) left out", c.fixed)
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(
        s,
        "  {:<14} {:>3} of {:<3} cases   ({:>3.0}%)",
        "all",
        report.inside,
        report.cases,
        100.0 * report.share_inside
    );
    s
}
