//! `ptsim run [SCENARIO]`: simulate, write curve.csv, sizing.csv and manifest.json atomically,
//! and print the summary table.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analysis::{RunReport, analyse, plan};
use crate::cli::RunArgs;
use crate::output::write_all_atomic;
use crate::ratecard::RateCard;
use crate::report::chart::{ChartOptions, render_charts};
use crate::report::{csv::to_csv, manifest::manifest_json, table::summary};
use crate::scenario::Scenario;

/// Trial-pools below which no progress bar is shown.
const PROGRESS_THRESHOLD: u64 = 2_000;

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
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

    let total = u64::from(scenario.trials) * scenario.pools.len() as u64;
    let bar = if args.quiet || total < PROGRESS_THRESHOLD {
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
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |t| t as usize))
        .build()
        .context("cannot start worker threads")?;
    let report = threads.install(|| {
        let max_units = plan(&scenario);
        analyse(&scenario, &max_units, &|| bar.inc(1))
    });
    bar.finish_and_clear();

    let charts = ChartOptions {
        format: args.charts,
        width: args.width,
        height: args.height,
    };
    write_all_atomic(&out_dir, &output_files(&report, &charts)?)?;
    if !args.quiet {
        let mut text = summary(&report);
        text.push_str(&format!("\nwrote {}\n", out_dir.display()));
        super::print_stdout(&text)?;
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
    names.push("manifest.json".to_string());
    files.push(("manifest.json".to_string(), manifest_json(report, &names)?));
    Ok(files)
}
