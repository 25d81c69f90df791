//! `ptsim run [SCENARIO]`: simulate, write curve.csv, sizing.csv and manifest.json atomically,
//! and print the summary table.
//!
//! The run is computed on a worker thread while this one watches for Ctrl-C: an interrupt before
//! the files are written returns at once and writes nothing; the files are written as one set
//! (see `output`), after a memory estimate and a check that no number is NaN or ∞.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::UsageError;
use crate::analysis::{RunReport, analyse, plan};
use crate::cli::RunArgs;
use crate::guard::{self, Interrupted, find_non_finite, memory};
use crate::output::write_all_atomic;
use crate::ratecard::RateCard;
use crate::report::chart::{ChartOptions, render_charts};
use crate::report::{
    csv::to_csv, manifest::manifest_json, markdown::report_md, summary_json::summary_json,
    table::summary,
};
use crate::risk::convergence::{PrecisionOutcome, analyse_to_precision};
use crate::scenario::Scenario;

/// Trial-pools below which no progress bar is shown.
const PROGRESS_THRESHOLD: u64 = 2_000;
/// How often the waiting thread looks for Ctrl-C.
const INTERRUPT_POLL: Duration = Duration::from_millis(50);

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    guard::install_interrupt_handler();
    let card = RateCard::shipped();
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::read(path, &card)?,
        None => Scenario::builtin_default(&card)?,
    };
    if let Some(trials) = args.trials {
        scenario.trials = trials;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if !args.quiet {
        super::print_warnings(&scenario);
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));

    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |t| t as usize))
        .build()
        .context("cannot start worker threads")?;
    let thread_count = threads.current_num_threads();
    let limit = memory::limit(args.max_memory);
    // A first check before the sweep is planned (planning an automatic sweep takes a pass over
    // every trial): pools without `max_units` count as the smallest sweep, k = 0..=1.
    let smallest: Vec<u32> = scenario
        .pools
        .iter()
        .map(|p| p.max_units.unwrap_or(1))
        .collect();
    check_memory(&scenario, &smallest, thread_count, limit)?;

    let total = u64::from(scenario.trials) * scenario.pools.len() as u64;
    // With --precision the number of trials is not known in advance: no bar.
    let bar = if args.quiet || total < PROGRESS_THRESHOLD || args.precision.is_some() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} trials ({eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(format!("simulating {}", scenario.name));
        bar
    };
    let charts = ChartOptions {
        format: args.charts,
        width: args.width,
        height: args.height,
    };

    let json = args.json.then(|| out_dir.display().to_string());
    let (sender, receiver) = mpsc::channel();
    let worker_bar = bar.clone();
    let precision = args.precision;
    std::thread::Builder::new()
        .name("ptsim-run".to_string())
        .spawn(move || {
            let result = threads.install(|| {
                let max_units = plan(&scenario);
                check_memory(&scenario, &max_units, thread_count, limit)?;
                let progress = || worker_bar.inc(1);
                let (report, reached) = match precision {
                    None => (analyse(&scenario, &max_units, &progress), None),
                    Some(target) => {
                        let fits = |trials: u32| {
                            let larger = Scenario {
                                trials,
                                ..scenario.clone()
                            };
                            check_memory(&larger, &max_units, thread_count, limit).is_ok()
                        };
                        let (report, outcome) =
                            analyse_to_precision(&scenario, &max_units, target, &fits, &progress);
                        (report, Some(outcome))
                    }
                };
                check_finite(&report)?;
                let files = output_files(&report, &charts)?;
                let text = match &json {
                    Some(out) => summary_json(&report, out)?,
                    None => {
                        let mut text = summary(&report);
                        if let Some(outcome) = &reached {
                            text.push_str(&precision_line(outcome));
                        }
                        text
                    }
                };
                anyhow::Ok((files, text))
            });
            // The receiver is gone only if the run was interrupted; nothing is left to do.
            let _ = sender.send(result);
        })
        .context("cannot start the simulation thread")?;

    let done = loop {
        match receiver.recv_timeout(INTERRUPT_POLL) {
            Ok(result) => break result,
            Err(RecvTimeoutError::Timeout) if guard::interrupted() => {
                bar.finish_and_clear();
                return Err(Interrupted::BeforeWriting(out_dir.display().to_string()).into());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                bail!("the simulation stopped unexpectedly; nothing was written")
            }
        }
    };
    bar.finish_and_clear();
    let (files, table) = done?;
    if guard::interrupted() {
        return Err(Interrupted::BeforeWriting(out_dir.display().to_string()).into());
    }
    // From here on Ctrl-C only sets the flag: the set is written whole, then the run stops.
    write_all_atomic(&out_dir, &files)?;
    if guard::interrupted() {
        return Err(Interrupted::AfterWriting(out_dir.display().to_string()).into());
    }
    if args.json {
        super::print_stdout(&table)?;
    } else if !args.quiet {
        let mut text = table;
        text.push_str(&format!("\nwrote {}\n", out_dir.display()));
        super::print_stdout(&text)?;
    }
    Ok(())
}

/// What `--precision` reached, for the summary.
fn precision_line(outcome: &PrecisionOutcome) -> String {
    let how = if outcome.met {
        "reached"
    } else {
        "NOT reached (stopped by the memory limit or the trial cap)"
    };
    format!(
        "\nprecision: the 95% interval of the P50 total at the min-mean k is within ±{} of it \
         (target ±{}, {how}) after {} trials in {} batch(es)\n",
        crate::report::format::percent_fine(outcome.reached),
        crate::report::format::percent_fine(outcome.target),
        crate::report::format::grouped(u64::from(outcome.trials)),
        outcome.batches
    )
}

/// Refuses (exit code 2) a run whose estimated memory exceeds the limit.
fn check_memory(
    scenario: &Scenario,
    max_units: &[u32],
    threads: usize,
    limit: (u64, memory::LimitSource),
) -> anyhow::Result<()> {
    let estimate = memory::estimate(scenario, max_units, threads);
    memory::check(&estimate, limit)
        .map_err(|message| UsageError(format!("{}: {message}", scenario.source)).into())
}

/// Refuses (exit code 2) to write a report holding a NaN or ∞: CSV would print it as `NaN` and
/// JSON as `null`. Range checks on every scenario value keep this from happening; this is the
/// last line of defence, and names the pool, unit count and column.
pub fn check_finite(report: &RunReport) -> anyhow::Result<()> {
    let fail = |what: String, value: f64| -> anyhow::Result<()> {
        bail!(UsageError(format!(
            "{}: the simulation produced {value} for {what}; the scenario's magnitudes are too \
             large to compute (lower token rates, prices, growth or the horizon)",
            report.scenario.source
        )))
    };
    for pool in &report.pools {
        for row in &pool.curve {
            if let Some((column, value)) = find_non_finite(row) {
                return fail(
                    format!("pool {} at {} units ({column})", pool.name, row.units),
                    value,
                );
            }
        }
        for row in &pool.sizing {
            if let Some((column, value)) = find_non_finite(row) {
                return fail(
                    format!("pool {} rule {} ({column})", pool.name, row.rule),
                    value,
                );
            }
        }
        if let Some(u) = pool.break_even_utilization.filter(|u| !u.is_finite()) {
            return fail(format!("pool {} break-even utilization", pool.name), u);
        }
    }
    if let Some((path, value)) = find_non_finite(&report.scenario) {
        return fail(format!("scenario.{path}"), value);
    }
    Ok(())
}

/// Every file of a run, as (name, bytes), produced before anything is written.
pub fn output_files(
    report: &RunReport,
    charts: &ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let curve: Vec<_> = report
        .pools
        .iter()
        .flat_map(|p| p.curve.iter().cloned())
        .collect();
    let sizing: Vec<_> = report
        .pools
        .iter()
        .flat_map(|p| p.sizing.iter().cloned())
        .collect();
    let mut files = vec![
        ("curve.csv".to_string(), to_csv(&curve)?),
        ("sizing.csv".to_string(), to_csv(&sizing)?),
    ];
    files.extend(render_charts(report, charts)?);
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    files.push((
        "report.md".to_string(),
        report_md(report, &names).into_bytes(),
    ));
    names.push("report.md".to_string());
    names.push("manifest.json".to_string());
    files.push(("manifest.json".to_string(), manifest_json(report, &names)?));
    Ok(files)
}
