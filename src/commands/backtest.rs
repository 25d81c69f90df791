//! `ptsim backtest HISTORY --model KEY --train-days N` (docs: "ptsim backtest"): rolling-origin
//! backtest of `ptsim fit`. At every origin (each day by default) the N days before it are
//! fitted, the fitted scenario is simulated over the `--test-days` after it, and the realized
//! traffic of those days is priced exactly with the same engine (`PoolHours::new` +
//! `evaluate`). Prints how often the realized cost lies inside the predicted P10–P90 and P5–P95,
//! per unit level and overall, the median width of the bands and the PIT histogram; writes the
//! cases, the coverage table and a calibration chart.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::UsageError;
use crate::cli::BacktestArgs;
use crate::cost::{PoolHours, WorkloadTraffic};
use crate::fit::{fit_history, writer};
use crate::history::{GapPolicy, HourlySeries};
use crate::ratecard::RateCard;
use crate::report::backtest::{coverage_rows, table};
use crate::scenario::Scenario;
use crate::simulate::pool_hours;
use crate::stats::calibration::{Calibration, Placed, inside, tie_share};
use crate::stats::quantile::sort_floats;
use crate::traffic::time::format_epoch_hour;

use super::history_input::{PoolChoice, label, read_history};

/// Shares of the training window's peak hourly load priced by default (with 0 units).
const PEAK_SHARES: [f64; 4] = [0.25, 0.5, 0.75, 1.0];

/// One unit level in one window.
#[derive(Clone, Debug, Serialize)]
pub struct Case {
    /// "0 units", "25% of peak" …, or "k units" when --units is given.
    pub level: String,
    pub units: u32,
    pub realized_usd: f64,
    pub p5_usd: f64,
    pub p10_usd: f64,
    pub p50_usd: f64,
    pub p90_usd: f64,
    pub p95_usd: f64,
    /// Share of the simulated trials that cost less than the realized cost, plus a fixed
    /// pseudo-random share of those that cost the same (the randomized PIT).
    pub pit: f64,
    /// Inside P10–P90.
    pub inside: bool,
    pub inside_p5_p95: bool,
    /// P10 = P90: every trial costs the unit bill; not counted in the coverage.
    pub fixed: bool,
}

impl Case {
    fn placed(&self) -> Placed {
        Placed {
            p5: self.p5_usd,
            p10: self.p10_usd,
            p50: self.p50_usd,
            p90: self.p90_usd,
            p95: self.p95_usd,
            pit: self.pit,
        }
    }
}

/// One predicted window.
#[derive(Clone, Debug, Serialize)]
pub struct Window {
    pub train_start: String,
    pub start: String,
    pub end: String,
    /// The level uncertainty the fit gave this window, and where it came from.
    pub level_sigma: f64,
    pub level_sigma_source: &'static str,
    pub cases: Vec<Case>,
}

/// Coverage of one unit level (or "all") across the windows.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    pub level: String,
    #[serde(flatten)]
    pub calibration: Calibration,
    /// Windows priced at this level (fixed ones included).
    pub windows: usize,
    /// Kept for scripts written against the first backtest: the P10–P90 hits.
    pub inside: usize,
    pub below: usize,
    pub above: usize,
}

/// The whole backtest, as `--json` prints it and backtest.json holds it.
#[derive(Serialize)]
pub struct Backtest {
    pub model: String,
    pub history: String,
    pub train_days: u32,
    pub test_days: u32,
    pub step_days: u32,
    pub trials: u32,
    pub gaps: GapPolicy,
    /// Windows left out because their test days have hours without data.
    pub skipped_windows: usize,
    pub windows: Vec<Window>,
    pub coverage: Vec<Coverage>,
    pub overall: Calibration,
    pub inside: usize,
    pub inside_p5_p95: usize,
    pub cases: usize,
    pub share_inside: f64,
    pub share_inside_p5_p95: f64,
    pub median_width: f64,
}

pub fn run(args: &BacktestArgs) -> anyhow::Result<()> {
    let card = RateCard::shipped();
    let (key, series) = read_history(&args.history, &args.model, &card, &args.forecast)?;
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
    let step = args.step_days as usize * 24;
    let origins: Vec<usize> = (train..=series.len() - test).step_by(step).collect();
    let policy = args.forecast.gap_policy();
    let priced: Vec<usize> = origins
        .iter()
        .copied()
        .filter(|&o| policy == GapPolicy::Zero || series.observed[o..o + test].iter().all(|s| *s))
        .collect();
    let skipped_windows = origins.len() - priced.len();
    if skipped_windows > 0 {
        super::print_warning(&format!(
            "history {history}: {skipped_windows} of {} windows have test days with hours \
             without data and are not priced (their realized cost is unknown; --gaps zero \
             prices those hours as idle)",
            origins.len()
        ));
    }
    let progress =
        crate::progress::Progress::new(priced.len() as u64, "forecasts").with_label("backtest");
    let windows = priced
        .par_iter()
        .map(|&origin| {
            let window = predict_window(args, &series, origin, &key, &choice, &card, &history);
            progress.inc(1);
            window
        })
        .collect::<anyhow::Result<Vec<Window>>>()?;
    progress.finish();
    let report = summarize(args, key, history.clone(), windows, skipped_windows);
    let json = serde_json::to_string_pretty(&report)? + "\n";
    let dir = write_outputs(args, &report, &json)?;
    let text = if args.json {
        json
    } else {
        format!("{}\nWrote {}\n", table(&report, &history), dir.display())
    };
    super::print_stdout(&text)
}

/// Fits the training days before `origin`, simulates the test days after it and prices them.
fn predict_window(
    args: &BacktestArgs,
    series: &HourlySeries,
    origin: usize,
    key: &str,
    choice: &PoolChoice,
    card: &RateCard,
    history: &str,
) -> anyhow::Result<Window> {
    let (train, test) = (args.train_days as usize * 24, args.test_days as usize * 24);
    let training = series.slice(origin - train, origin);
    let realized = series.slice(origin, origin + test);
    let mut fit = fit_history(&training, &args.forecast.fit_options(test)).map_err(|m| {
        UsageError(format!(
            "history {history}: training window from {}: {m}",
            format_epoch_hour(training.start_epoch_hour)
        ))
    })?;
    // The realized days are priced hour by hour, so the forecast is too: a sub-hourly
    // history's within-hour spread would price minutes the replay cannot see.
    fit.intra_hour_cv = None;
    let text = writer::scenario_toml(
        &writer::Header {
            name: "backtest",
            histories: history,
            start_epoch_hour: realized.start_epoch_hour,
            horizon_hours: test,
        },
        &[writer::FittedWorkload {
            name: "fitted",
            pool: writer::PoolSpec {
                model_key: key,
                product: choice.product,
                term: choice.term,
            },
            history,
            bootstrap_file: None,
            fit: &fit,
        }],
    );
    let mut scenario = Scenario::parse(&text, "backtest", std::path::Path::new("."), card)?;
    scenario.trials = args.trials;
    scenario.seed = args.seed;
    let levels = unit_levels(args, &training, choice);
    let pool = &scenario.pools[0];
    let simulated: Vec<Vec<f64>> = (0..u64::from(args.trials))
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
            let case = origin as u64 * levels.len() as u64 + i as u64;
            let p = Placed::new(&totals, realized_usd, tie_share(case));
            Case {
                level: level.clone(),
                units: *k,
                realized_usd,
                p5_usd: p.p5,
                p10_usd: p.p10,
                p50_usd: p.p50,
                p90_usd: p.p90,
                p95_usd: p.p95,
                pit: p.pit,
                inside: inside(realized_usd, p.p10, p.p90),
                inside_p5_p95: inside(realized_usd, p.p5, p.p95),
                fixed: p.fixed(),
            }
        })
        .collect();
    Ok(Window {
        train_start: format_epoch_hour(training.start_epoch_hour),
        start: format_epoch_hour(realized.start_epoch_hour),
        end: realized.end_label(),
        level_sigma: fit.level_sigma,
        level_sigma_source: fit.level.source,
        cases,
    })
}

/// The unit levels priced in a window: --units, or 0 and shares of the training peak load.
fn unit_levels(
    args: &BacktestArgs,
    training: &HourlySeries,
    choice: &PoolChoice,
) -> Vec<(String, u32)> {
    if let Some(units) = &args.units {
        return units.iter().map(|k| (format!("{k} units"), *k)).collect();
    }
    let peak = (0..training.len())
        .filter(|h| training.observed[*h])
        .map(|h| choice.capacity.load(training.input[h], training.output[h]))
        .fold(0.0, f64::max);
    let mut levels = vec![("0 units".to_string(), 0)];
    for share in PEAK_SHARES {
        let k = choice.steps.round_up(((share * peak).ceil() as u32).max(1));
        levels.push((format!("{:.0}% of peak", 100.0 * share), k));
    }
    levels
}

fn summarize(
    args: &BacktestArgs,
    model: String,
    history: String,
    windows: Vec<Window>,
    skipped_windows: usize,
) -> Backtest {
    let mut levels: Vec<String> = Vec::new();
    for case in windows.iter().flat_map(|w| &w.cases) {
        if !levels.contains(&case.level) {
            levels.push(case.level.clone());
        }
    }
    let cases_of = |level: Option<&str>| {
        windows
            .iter()
            .flat_map(|w| &w.cases)
            .filter(move |c| level.is_none_or(|l| c.level == l))
            .map(|c| (c.placed(), c.realized_usd))
            .collect::<Vec<_>>()
    };
    let calibrate = |cases: &[(Placed, f64)]| Calibration::of(cases.iter().map(|(p, r)| (p, *r)));
    let coverage = levels
        .iter()
        .map(|level| {
            let cases = cases_of(Some(level));
            let c = calibrate(&cases);
            Coverage {
                level: level.clone(),
                windows: cases.len(),
                inside: c.inside_p10_p90,
                below: c.below_p10,
                above: c.above_p90,
                calibration: c,
            }
        })
        .collect();
    let overall = calibrate(&cases_of(None));
    Backtest {
        model,
        history,
        train_days: args.train_days,
        test_days: args.test_days,
        step_days: args.step_days,
        trials: args.trials,
        gaps: args.forecast.gap_policy(),
        skipped_windows,
        windows,
        coverage,
        inside: overall.inside_p10_p90,
        inside_p5_p95: overall.inside_p5_p95,
        cases: overall.cases,
        share_inside: overall.share_p10_p90(),
        share_inside_p5_p95: overall.share_p5_p95(),
        median_width: overall.median_width,
        overall,
    }
}

/// backtest.json, backtest.csv (one row per case), coverage.csv and the calibration chart, in
/// the folder returned.
fn write_outputs(args: &BacktestArgs, report: &Backtest, json: &str) -> anyhow::Result<PathBuf> {
    let dir = args.out.clone().unwrap_or_else(|| {
        let stem = args.history[0]
            .file_stem()
            .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("output").join(format!("backtest-{stem}"))
    });
    let mut files = vec![
        ("backtest.json".to_string(), json.as_bytes().to_vec()),
        (
            "backtest.csv".to_string(),
            crate::report::csv::to_csv(&crate::report::backtest::case_rows(report))?,
        ),
        (
            "coverage.csv".to_string(),
            crate::report::csv::to_csv(&coverage_rows(report))?,
        ),
    ];
    if let Some(ext) = crate::report::chart::extension(args.charts) {
        let chart = crate::report::chart::calibration::CalibrationChart::of(report);
        files.push((
            format!("calibration.{ext}"),
            crate::report::chart::render_drawing(
                &chart,
                &crate::report::chart::ChartOptions {
                    format: args.charts,
                    width: 1600,
                    height: 900,
                },
            )?,
        ));
    }
    crate::output::write_all_atomic(&dir, &files)?;
    Ok(dir)
}
