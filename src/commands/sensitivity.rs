//! `ptsim sensitivity [SCENARIO]`: the tornado of issue 5 — each input swung to its low and high
//! value with the same seed, the scenario re-run, and the min-mean k and its P50 savings
//! compared; writes `sensitivity.csv` and `tornado_<pool>` charts atomically.

use anyhow::bail;

use crate::UsageError;
use crate::cli::SensitivityArgs;
use crate::guard::find_non_finite;
use crate::output::write_all_atomic;
use crate::progress::Progress;
use crate::report::chart::risk::tornado_charts;
use crate::report::csv::to_csv;
use crate::report::format::grouped;
use crate::report::risk::sensitivity_summary;
use crate::risk::sensitivity::{RUNS, analyse_sensitivity, steps_per_trial};

/// Most trials per run when neither `--trials` nor a smaller scenario count says otherwise: the
/// tornado is 15 runs.
pub const DEFAULT_MAX_TRIALS: u32 = 500;

pub fn run(args: &SensitivityArgs) -> anyhow::Result<()> {
    let out = &args.output;
    let mut scenario = super::risk_scenario(args.scenario.as_deref(), out)?;
    scenario.trials = args
        .trials
        .unwrap_or(scenario.trials.min(DEFAULT_MAX_TRIALS));
    let out_dir = out.out_dir(&scenario.name);
    crate::output::check_writable(&out_dir)?;
    let charts = out.charts();
    let progress = Progress::with_steps(
        (RUNS as u64) * u64::from(scenario.trials),
        steps_per_trial(&scenario),
        "trials",
    )
    .hide_if(out.quiet)
    .with_label(format!(
        "{}: {RUNS} runs of {} trials",
        scenario.name,
        grouped(u64::from(scenario.trials))
    ));
    let (files, table) = super::thread_pool(out.threads)?.install(|| {
        let rows = analyse_sensitivity(&scenario, &|| progress.inc(1));
        progress.finish();
        for row in &rows {
            if let Some((column, value)) = find_non_finite(row) {
                bail!(UsageError(format!(
                    "{}: the simulation produced {value} for pool {} input {} ({column})",
                    scenario.source, row.pool, row.input
                )));
            }
        }
        let mut files = vec![("sensitivity.csv".to_string(), to_csv(&rows)?)];
        files.extend(tornado_charts(&scenario, scenario.trials, &rows, &charts)?);
        anyhow::Ok((
            files,
            sensitivity_summary(&scenario, scenario.trials, &rows),
        ))
    })?;
    write_all_atomic(&out_dir, &files)?;
    if !out.quiet {
        super::print_stdout(&format!("{table}\nwrote {}\n", out_dir.display()))?;
    }
    Ok(())
}
