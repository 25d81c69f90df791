//! `ptsim run [SCENARIO]`: simulate, write curve.csv, sizing.csv, report.md, manifest.json and
//! the charts atomically, and print the summary table.
//!
//! The run is computed on a worker thread while this one watches for Ctrl-C: an interrupt before
//! the files are written returns at once and writes nothing; the files are written as one set
//! (see `output`), after a check that no number is NaN or ∞. Before any trial is simulated the
//! memory the run needs is estimated and the output folder checked; a write that still fails
//! prints the summary before the error.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::UsageError;
use crate::analysis::{RunReport, analyse, plan_after};
use crate::cli::{ChartFormat, ReportFormat, RunArgs};
use crate::guard::{self, Interrupted, find_non_finite, memory};
use crate::output::write_all_atomic;
use crate::progress::Progress;
use crate::report::chart::{ChartOptions, render_charts};
use crate::report::html::report_html;
use crate::report::{
    csv::to_csv, manifest::manifest_json, markdown::report_md, summary_json::summary_json,
    table::summary,
};
use crate::risk::convergence::{PrecisionOutcome, analyse_to_precision};
use crate::scenario::Scenario;
use crate::simulate::Pilot;

/// How often the waiting thread looks for Ctrl-C.
const INTERRUPT_POLL: Duration = Duration::from_millis(50);

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    guard::install_interrupt_handler();
    let mut scenario = super::load_scenario(args.scenario.as_deref())?;
    if let Some(trials) = args.trials {
        // One trial count for the whole run: the plans too, so that a quick run is quick.
        scenario.trials = trials;
        if let Some(plan) = &mut scenario.plan {
            plan.trials = trials;
        }
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if !args.quiet {
        super::print_warnings(&scenario);
    }
    scenario.trials = super::trials_worth_running(&scenario, scenario.trials, args.quiet);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));

    let threads = super::thread_pool(args.threads)?;
    let thread_count = threads.current_num_threads();
    let limit = memory::limit(args.max_memory);
    // Before any trial is simulated: the memory the run needs (sweep ends from a pilot), and a
    // folder the results can be written to.
    let pilot =
        threads.install(|| super::check_memory_before_run(&scenario, thread_count, limit))?;
    if let Some(settings) = &scenario.plan {
        threads.install(|| super::plan::check_plan_memory(&scenario, settings, limit))?;
    }
    crate::output::check_writable(&out_dir)?;

    let progress = Progress::new(u64::from(scenario.trials), "trials").hide_if(args.quiet);
    let charts = ChartOptions {
        format: args.charts,
        width: args.width,
        height: args.height,
    };

    let json = args.json.then(|| out_dir.display().to_string());
    let html = args.report == ReportFormat::Html;
    let (sender, receiver) = mpsc::channel();
    let worker_progress = progress.clone();
    let precision = args.precision;
    std::thread::Builder::new()
        .name("ptsim-run".to_string())
        .spawn(move || {
            let result = threads.install(|| {
                let max_units = plan_with_progress(&scenario, &pilot, &worker_progress);
                check_memory(&scenario, &max_units, thread_count, limit)?;
                let (report, reached) = simulate(
                    &scenario,
                    &max_units,
                    precision,
                    &worker_progress,
                    &|trials| {
                        let larger = Scenario {
                            trials,
                            ..scenario.clone()
                        };
                        check_memory(&larger, &max_units, thread_count, limit).is_ok()
                    },
                );
                check_finite(&report)?;
                let files = output_files(&report, &charts, html, &worker_progress)?;
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
                progress.finish();
                return Err(Interrupted::BeforeWriting(out_dir.display().to_string()).into());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                bail!("the simulation stopped unexpectedly; nothing was written")
            }
        }
    };
    progress.finish();
    let (files, summary) = done?;
    if guard::interrupted() {
        return Err(Interrupted::BeforeWriting(out_dir.display().to_string()).into());
    }
    // From here on Ctrl-C only sets the flag: the set is written whole, then the run stops.
    if let Err(error) = write_all_atomic(&out_dir, &files) {
        // The answer is not lost with the files: print it, then say the files were not written.
        if !args.quiet {
            super::print_stdout(&summary)?;
        }
        return Err(error
            .context("the run finished and its summary is above, but its files were not written"));
    }
    if guard::interrupted() {
        return Err(Interrupted::AfterWriting(out_dir.display().to_string()).into());
    }
    if args.json {
        super::print_stdout(&summary)?;
    } else if !args.quiet {
        super::print_stdout(&format!("{summary}\n{}", wrote_lines(&out_dir, &files)))?;
    }
    Ok(())
}

/// The sweep end of every pool, with the planning pass (pools without `max_units`; the trials
/// the pilot drew are reused) shown as the first phase of the progress display.
fn plan_with_progress(scenario: &Scenario, pilot: &Pilot, progress: &Progress) -> Vec<u32> {
    let planned = scenario
        .pools
        .iter()
        .filter(|p| p.max_units.is_none())
        .count() as u64;
    if planned > 0 {
        progress.restart(
            u64::from(scenario.trials),
            planned,
            format!("{}: finding the sweep end", scenario.name),
        );
        progress.skip(pilot.trials_drawn());
    }
    plan_after(scenario, pilot, &|| progress.inc(1))
}

/// The run itself, one trial of one pool per progress step: `trials` trials, or — with
/// `precision` — batches until it is met (or `fits` says a larger run would not fit).
fn simulate(
    scenario: &Scenario,
    max_units: &[u32],
    precision: Option<f64>,
    progress: &Progress,
    fits: &dyn Fn(u32) -> bool,
) -> (RunReport, Option<PrecisionOutcome>) {
    let pools = scenario.pools.len() as u64;
    let step = || progress.inc(1);
    let label = format!("{}: simulating", scenario.name);
    match precision {
        None => {
            progress.restart(u64::from(scenario.trials), pools, label);
            (analyse(scenario, max_units, &step), None)
        }
        Some(target) => {
            let batch = std::cell::Cell::new(0u32);
            let planned = |trials: u32| {
                batch.set(batch.get() + 1);
                let label = format!(
                    "{label} to ±{} (batch {})",
                    crate::report::format::percent_fine(target),
                    batch.get()
                );
                if batch.get() == 1 {
                    progress.restart(u64::from(trials), pools, label);
                } else {
                    progress.set_total(u64::from(trials));
                    progress.set_label(label);
                }
            };
            let (report, outcome) =
                analyse_to_precision(scenario, max_units, target, fits, &planned, &step);
            (report, Some(outcome))
        }
    }
}

/// The last lines of the summary: what was written where, the write-up last.
fn wrote_lines(out_dir: &std::path::Path, files: &[(String, Vec<u8>)]) -> String {
    let charts = files
        .iter()
        .filter(|(n, _)| n.ends_with(".png") || n.ends_with(".svg"))
        .count();
    let charts = match charts {
        0 => String::new(),
        1 => " and 1 chart".to_string(),
        n => format!(" and {n} charts"),
    };
    let html = if files.iter().any(|(n, _)| n == "report.html") {
        format!(" and {}", out_dir.join("report.html").display())
    } else {
        String::new()
    };
    format!(
        "wrote curve.csv, sizing.csv, manifest.json{charts} to {}\nreport: {}{html}\n",
        out_dir.display(),
        out_dir.join("report.md").display()
    )
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

/// Every file of a run, as (name, bytes), produced before anything is written (the plans'
/// passes shown on `progress`); with `html`, report.html beside report.md.
pub fn output_files(
    report: &RunReport,
    charts: &ChartOptions,
    html: bool,
    progress: &Progress,
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
    // A scenario with `[plan]` or `[[plans]]` adds plans.csv, the plan charts and a report
    // section, analysed as `ptsim plan` does with the scenario's settings.
    let mut plans = match &report.scenario.plan {
        Some(settings) => Some(super::plan::plan_files(
            &report.scenario,
            settings,
            charts,
            progress,
        )?),
        None => None,
    };
    if let Some(plans) = &mut plans {
        files.append(&mut plans.files);
    }
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let section = plans.as_ref().map(|p| p.section.as_str());
    files.push((
        "report.md".to_string(),
        report_md(report, &names, section).into_bytes(),
    ));
    names.push("report.md".to_string());
    if html {
        let page = html_page(report, charts, plans.as_ref().map(|p| &p.report))?;
        files.push(("report.html".to_string(), page.into_bytes()));
        names.push("report.html".to_string());
    }
    names.push("manifest.json".to_string());
    files.push(("manifest.json".to_string(), manifest_json(report, &names)?));
    Ok(files)
}

/// report.html: the report written for SVG charts drawn at the run's size, each inline.
fn html_page(
    report: &RunReport,
    charts: &ChartOptions,
    plans: Option<&crate::plan::PlansReport>,
) -> anyhow::Result<String> {
    use crate::report::chart::risk::plan_charts;
    let svg = ChartOptions {
        format: ChartFormat::Svg,
        ..*charts
    };
    let mut svgs = render_charts(report, &svg)?;
    let mut section = None;
    if let Some(plans) = plans {
        let plan_svgs = plan_charts(plans, &svg)?;
        let names: Vec<&str> = plan_svgs.iter().map(|(n, _)| n.as_str()).collect();
        section = Some(crate::report::plans::plans_section(plans, &names));
        svgs.extend(plan_svgs);
    }
    let names: Vec<String> = svgs.iter().map(|(n, _)| n.clone()).collect();
    let markdown = report_md(report, &names, section.as_deref());
    let title = crate::report::markdown::report_title(&report.scenario);
    Ok(report_html(&title, &markdown, &svgs.into_iter().collect()))
}
