//! The command line (clap). Each subcommand's options become typed values here; the commands in
//! `commands/` never see raw arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Monte Carlo sizing of provisioned LLM throughput: how many units to buy, on which term, and
/// what that commitment risks, against on-demand and batch pricing.
#[derive(Debug, Parser)]
#[command(name = "ptsim", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write curve.csv, sizing.csv and manifest.json.
    Run(RunArgs),
    /// Price each workload's trace file exactly (no randomness) for the given unit counts.
    Replay(ReplayArgs),
    /// Check a scenario file without running it.
    Validate(ValidateArgs),
    /// Show the shipped rate card.
    Rates(RatesArgs),
    /// Compare commitment terms and policies over the longest term: cost distribution, regret,
    /// stranding after a model switch (writes terms.csv and charts).
    Terms(TermsArgs),
    /// Tornado: which inputs move the min-mean k and its P50 savings most (writes
    /// sensitivity.csv and charts).
    Sensitivity(SensitivityArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without one, the built-in default scenario runs.
    pub scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Number of Monte Carlo trials (overrides the scenario).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub trials: Option<u32>,
    /// Master random seed (overrides the scenario).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results are identical for any count.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Refuse to start a run estimated to need more memory than this (e.g. 16GiB, 500MiB)
    /// [default: 8GiB, or less if the machine has less available].
    #[arg(long, value_name = "SIZE", value_parser = parse_memory_size)]
    pub max_memory: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Chart format written next to the CSVs.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub charts: ChartFormat,
    /// Chart width in pixels.
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(320..=8000))]
    pub width: u32,
    /// Chart height in pixels.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u32).range(240..=8000))]
    pub height: u32,
    /// Keep adding trials, in batches of --trials, until the 95% interval of the P50 total at
    /// each pool's min-mean k is within ± this share of it (e.g. 0.5% or 0.005).
    #[arg(long, value_name = "SHARE", value_parser = parse_precision)]
    pub precision: Option<f64>,
}

/// Options shared by `terms` and `sensitivity`.
#[derive(Debug, Args)]
pub struct RiskOutputArgs {
    /// Output folder [default: output/<scenario name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Master random seed (overrides the scenario).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results are identical for any count.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Chart format written next to the CSV.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub charts: ChartFormat,
    /// Chart width in pixels.
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(320..=8000))]
    pub width: u32,
    /// Chart height in pixels.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u32).range(240..=8000))]
    pub height: u32,
}

#[derive(Debug, Args)]
pub struct TermsArgs {
    /// Scenario file (TOML); its [risk] section configures the comparison. Without one, the
    /// built-in default scenario.
    pub scenario: Option<PathBuf>,
    /// Trials [default: the scenario's [risk] trials, 200].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub trials: Option<u32>,
    /// Also report fixed fleets of these unit counts on every term (e.g. 4,6).
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub units: Vec<u32>,
    #[command(flatten)]
    pub output: RiskOutputArgs,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML). Without one, the built-in default scenario.
    pub scenario: Option<PathBuf>,
    /// Trials of each of the 15 runs [default: the scenario's, at most 500].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub trials: Option<u32>,
    #[command(flatten)]
    pub output: RiskOutputArgs,
}

/// Chart output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartFormat {
    None,
    Png,
    Svg,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Scenario file whose workloads all read [workloads.trace] files.
    pub scenario: PathBuf,
    /// Unit counts to price, comma-separated (e.g. 0,2,4).
    #[arg(long, value_delimiter = ',', required = true, num_args = 1..)]
    pub units: Vec<u32>,
    /// Print the results as JSON (SPEC §7 keys) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
}

#[derive(Debug, Args)]
pub struct RatesArgs {
    /// Print the rate card as JSON.
    #[arg(long, conflicts_with = "toml")]
    pub json: bool,
    /// Print the rate card's TOML source, with its comments.
    #[arg(long)]
    pub toml: bool,
}

/// `0.5%` or `0.005`: a share strictly between 0 and 1.
fn parse_precision(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, scale) = match trimmed.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (trimmed, 1.0),
    };
    let value = number
        .parse::<f64>()
        .map_err(|_| format!("expected a share such as 0.5% or 0.005, got '{text}'"))?
        / scale;
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!(
            "expected a share above 0% and below 100%, got '{text}'"
        ))
    }
}

fn parse_memory_size(text: &str) -> Result<u64, String> {
    crate::guard::memory::parse_size(text)
}
