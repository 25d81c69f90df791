//! ptsim: Monte Carlo sizing of provisioned LLM throughput. How many units to buy, on which term,
//! and what the commitment risks, against on-demand and batch pricing (see docs/model.md).
//!
//! The engine (`traffic`, `cost`, `simulate`, `stats`, `analysis`) takes values and returns values;
//! reading files, writing outputs and printing live in `scenario`, `report`, `output` and `commands`.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod cost;
pub mod fit;
pub mod guard;
pub mod history;
pub mod import;
pub mod numerics;
pub mod output;
pub mod plan;
pub mod progress;
#[cfg(test)]
mod proptest_seed;
pub mod ratecard;
pub mod report;
pub mod risk;
pub mod scenario;
pub mod simulate;
pub mod stats;
pub mod suggest;
pub mod traffic;

/// An error in what the user asked for (exit code 2), as opposed to a failure of the machine.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Exit code for an error: 2 for bad input (scenario, trace, usage), 130 for a run stopped by
/// Ctrl-C, 1 otherwise.
pub fn exit_code(error: &anyhow::Error) -> i32 {
    if error.chain().any(|e| e.is::<guard::Interrupted>()) {
        return 130;
    }
    let bad_input = error.chain().any(|e| {
        e.is::<scenario::ScenarioError>()
            || e.is::<traffic::TraceError>()
            || e.is::<history::HistoryError>()
            || e.is::<import::ImportError>()
            || e.is::<UsageError>()
    });
    if bad_input { 2 } else { 1 }
}

/// Runs the parsed command line.
pub fn run(cli: &cli::Cli) -> anyhow::Result<()> {
    match &cli.command {
        cli::Command::Run(args) => commands::run::run(args),
        cli::Command::Replay(args) => commands::replay::run(args),
        cli::Command::Validate(args) => commands::validate::run(args),
        cli::Command::Rates(args) => commands::rates::run(args),
        cli::Command::Completions(args) => commands::completions::run(args),
        cli::Command::Fit(args) => commands::fit::run(args),
        cli::Command::Backtest(args) => commands::backtest::run(args),
        cli::Command::Terms(args) => commands::terms::run(args),
        cli::Command::Sensitivity(args) => commands::sensitivity::run(args),
        cli::Command::Plan(args) => commands::plan::run(args),
        cli::Command::Import(command) => commands::import::run(command),
    }
}
