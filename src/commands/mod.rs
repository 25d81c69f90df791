//! One module per subcommand, each with `run(args) -> anyhow::Result<()>`.

pub mod backtest;
pub mod completions;
pub mod fit;
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

/// Reads a scenario file against the shipped rate card.
pub fn load_scenario(path: &Path) -> anyhow::Result<Scenario> {
    Ok(Scenario::read(path, &RateCard::shipped())?)
}

/// The scenario of a risk command: the file, or the built-in default, with `--seed` applied.
pub fn risk_scenario(
    path: Option<&Path>,
    output: &crate::cli::RiskOutputArgs,
) -> anyhow::Result<Scenario> {
    let card = RateCard::shipped();
    let mut scenario = match path {
        Some(path) => Scenario::read(path, &card)?,
        None => Scenario::builtin_default(&card)?,
    };
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

/// Refuses rows holding a non-finite number (exit code 2): the scenario's magnitudes were too
/// large to compute. `name` says which row it was ("pool p one_month fixed").
pub fn check_finite<R: serde::Serialize>(
    rows: &[R],
    source: &str,
    name: impl Fn(&R) -> String,
) -> anyhow::Result<()> {
    for row in rows {
        if let Some((column, value)) = crate::guard::find_non_finite(row) {
            anyhow::bail!(crate::UsageError(format!(
                "{source}: the simulation produced {value} for {} ({column}); the scenario's \
                 magnitudes are too large to compute",
                name(row)
            )));
        }
    }
    Ok(())
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
