//! One module per subcommand, each with `run(args) -> anyhow::Result<()>`.

pub mod backtest;
pub mod completions;
pub mod fit;
pub mod history_input;
pub mod import;
pub mod plan;
pub mod rates;
pub mod replay;
pub mod run;
pub mod sensitivity;
pub mod terms;
pub mod validate;

use std::io::Write;
use std::path::Path;

use crate::ratecard::RateCard;
use crate::scenario::Scenario;

/// The scenario a command names, against the shipped rate card: a file, or the name of a shipped
/// scenario (`default`, `rag-sonnet` …); with no argument, the built-in default.
pub fn load_scenario(path: Option<&Path>) -> anyhow::Result<Scenario> {
    let card = RateCard::shipped();
    Ok(match path {
        Some(path) => Scenario::read_named(path, &card)?,
        None => Scenario::builtin_default(&card)?,
    })
}

/// The scenario of a risk command: as `load_scenario`, with `--seed` applied.
pub fn risk_scenario(
    path: Option<&Path>,
    output: &crate::cli::RiskOutputArgs,
) -> anyhow::Result<Scenario> {
    let mut scenario = load_scenario(path)?;
    if let Some(seed) = output.seed {
        scenario.seed = seed;
    }
    if !output.quiet {
        print_warnings(&scenario);
    }
    Ok(scenario)
}

/// A rayon pool of `threads` workers (all cores when None).
pub fn thread_pool(threads: Option<u32>) -> anyhow::Result<rayon::ThreadPool> {
    use anyhow::Context;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, |t| t as usize))
        .build()
        .context("cannot start worker threads")
}

/// The memory guard before anything is simulated (sweep ends from `max_units` or a pilot of the
/// first trials, drawn in the current rayon pool): exit code 2 with the estimate and how to lower
/// it. The pilot is returned for the run to reuse.
pub fn check_memory_before_run(
    scenario: &Scenario,
    threads: usize,
    limit: (u64, crate::guard::memory::LimitSource),
) -> anyhow::Result<crate::simulate::Pilot> {
    use crate::guard::memory;
    let pilot = crate::simulate::Pilot::draw(scenario);
    memory::check(
        &memory::estimate_before_run(scenario, &pilot, threads),
        limit,
    )
    .map_err(|message| crate::UsageError(format!("{}: {message}", scenario.source)))?;
    Ok(pilot)
}

/// The warning when every workload replays a trace: `trials` trials would all be the same.
pub fn identical_trials_warning(scenario: &Scenario, trials: u32) -> Option<String> {
    (scenario.replays_traces_only() && trials > 1).then(|| {
        format!(
            "every workload replays a trace, so all {trials} trials would be the same: `ptsim \
             run` runs 1 trial (`ptsim replay` prices the traces at chosen unit counts)"
        )
    })
}

/// The trial count worth running: 1 when every workload replays a trace (said, unless
/// `quiet`), else `trials`.
pub fn trials_worth_running(scenario: &Scenario, trials: u32, quiet: bool) -> u32 {
    match identical_trials_warning(scenario, trials) {
        None => trials,
        Some(warning) => {
            if !quiet {
                print_warning(&warning);
            }
            1
        }
    }
}

/// Refuses `--units` counts some pool's product is not sold in (Azure global PTUs: 15, 20, 25 …),
/// naming the nearest counts it is sold in.
pub fn check_unit_counts(scenario: &Scenario, units: &[u32]) -> anyhow::Result<()> {
    for pool in &scenario.pools {
        if let Some(&k) = units.iter().find(|&&k| !pool.steps.is_legal(k)) {
            anyhow::bail!(crate::UsageError(format!(
                "--units {k}: pool {} buys {} {}, so {k} cannot be bought; try {} or {}",
                pool.name,
                pool.product.as_str(),
                pool.steps.describe(),
                pool.steps.round_down(k),
                pool.steps.round_up(k)
            )));
        }
    }
    Ok(())
}

/// The rows, refused if one holds a non-finite number (exit code 2): the scenario's magnitudes
/// were too large to compute. `name` says which row it was ("pool p one_month fixed").
pub fn finite_rows<'a, R: serde::Serialize + Clone + 'a>(
    rows: impl IntoIterator<Item = &'a R>,
    source: &str,
    name: impl Fn(&R) -> String,
) -> anyhow::Result<Vec<R>> {
    let rows: Vec<R> = rows.into_iter().cloned().collect();
    for row in &rows {
        if let Some((column, value)) = crate::guard::find_non_finite(row) {
            anyhow::bail!(crate::UsageError(format!(
                "{source}: the simulation produced {value} for {} ({column}); the scenario's \
                 magnitudes are too large to compute",
                name(row)
            )));
        }
    }
    Ok(rows)
}

/// Writes to stdout; a closed pipe (`ptsim … | head`) is not an error.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Prints the scenario's warnings on stderr.
pub fn print_warnings(scenario: &Scenario) {
    for w in &scenario.warnings {
        print_warning(w);
    }
}

/// Prints `warning: …` on stderr; a closed stderr is not worth a panic (eprintln! would).
pub fn print_warning(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}
