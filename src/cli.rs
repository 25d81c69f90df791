//! The command line (clap). Each subcommand's options become typed values here; the commands in
//! `commands/` never see raw arguments.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand};

/// Parses the process's command line, or prints clap's error and exits. A mistyped subcommand
/// that clap finds nothing close to (it misses swapped letters: `rnu`) gets the closest name by
/// edit distance as its tip.
pub fn parse() -> Cli {
    Cli::try_parse().unwrap_or_else(|error| with_suggestion(error, std::env::args()).exit())
}

/// `error` with our subcommand suggestion added where clap has none.
fn with_suggestion(mut error: clap::Error, args: impl IntoIterator<Item = String>) -> clap::Error {
    if let Some(found) = subcommand_suggestion(&error, args) {
        error.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::Strings(vec![found]),
        );
    }
    error
}

/// The subcommand closest to the one `error` says is unknown, among those of the command it
/// was typed under (`args` is the command line, program name first); None when clap already
/// suggested one or none is close.
fn subcommand_suggestion(
    error: &clap::Error,
    args: impl IntoIterator<Item = String>,
) -> Option<String> {
    if error.kind() != ErrorKind::InvalidSubcommand
        || error.get(ContextKind::SuggestedSubcommand).is_some()
    {
        return None;
    }
    let Some(ContextValue::String(word)) = error.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let root = Cli::command();
    let mut level = &root;
    for arg in args.into_iter().skip(1) {
        if arg == *word {
            break;
        }
        if let Some(sub) = level.find_subcommand(&arg) {
            level = sub;
        }
    }
    crate::suggest::closest(word, level.get_subcommands().map(|c| c.get_name())).map(str::to_string)
}

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
    /// Simulate a scenario and write curve.csv, sizing.csv, report.md, manifest.json and charts.
    ///
    /// Writes to output/<scenario name>/ (or --out): curve.csv (cost distribution per pool and
    /// unit count), sizing.csv (each sizing rule's units and cost), report.md (the run written up,
    /// with its charts), manifest.json (version, seed, trials, the scenario as resolved), and per
    /// pool the charts fan_<pool>, savings_<pool>, traffic_<pool>, duration_<pool> and
    /// rules_<pool> (.png, or .svg with --charts svg; none with --charts none). The model is
    /// specified in docs/model.md.
    Run(RunArgs),
    /// Price each workload's trace file exactly (no randomness) for the given unit counts.
    Replay(ReplayArgs),
    /// Check a scenario file without running it.
    Validate(ValidateArgs),
    /// Show the shipped rate card.
    Rates(RatesArgs),
    /// Print a shell completion script (e.g. `ptsim completions bash > ~/.local/share/bash-completion/completions/ptsim`).
    Completions(CompletionsArgs),
    /// Fit a parametric scenario to a usage history (CSV or CloudWatch JSON), with a report.
    Fit(FitArgs),
    /// Fit on the first days of a history, predict the following days, and print how often the
    /// realized cost falls inside the predicted P10–P90.
    Backtest(BacktestArgs),
    /// Compare commitment terms and policies over the longest term: cost distribution, regret,
    /// stranding after a model switch (writes terms.csv and charts).
    Terms(TermsArgs),
    /// Tornado: which inputs move the min-mean k and its P50 savings most (writes
    /// sensitivity.csv and charts).
    Sensitivity(SensitivityArgs),
    /// Commitment plans: layers on mixed terms and start months, compared and searched for the
    /// one that minimises the objective (writes plans.csv, plans.md and charts).
    Plan(PlanArgs),
    /// Turn Bedrock usage in AWS billing exports (CUR 2.0 or FOCUS 1.2 CSV, plain or gzip) into
    /// hourly traces per model, import.json and a workloads.toml snippet.
    #[command(subcommand)]
    Import(ImportCommand),
}

/// The billing export formats `ptsim import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// AWS Cost and Usage Report 2.0 CSV (`line_item_usage_type` …; legacy `lineItem/UsageType`
    /// headers accepted).
    Cur(ImportArgs),
    /// FOCUS 1.2 CSV from AWS Data Exports (`ChargePeriodStart`, `ConsumedQuantity`,
    /// `x_UsageType` …).
    Focus(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Export files (.csv or .csv.gz); several are read as one export.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Output folder for the traces, import.json and workloads.toml.
    #[arg(long, default_value = "output/import")]
    pub out: PathBuf,
    /// Tokens per unit where a Marketplace token row's unit is the generic `Units` (AWS does not
    /// say; check one row's cost against the model's price per million tokens).
    #[arg(long, value_enum, default_value_t = crate::import::unit::MarketplaceUnit::Tokens)]
    pub marketplace_unit: crate::import::unit::MarketplaceUnit,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML), or the name of a shipped scenario (default, rag-sonnet, azure-ptu …).
    /// Without one, the built-in default scenario runs.
    pub scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>]; checked before anything is simulated.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Number of Monte Carlo trials (overrides the scenario's trials and its [plan] trials).
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
    /// Print the summary as JSON on stdout (per pool: the baseline and every rule's units and
    /// cost distribution) instead of the table.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Chart format written next to the CSVs.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub charts: ChartFormat,
    /// Chart width in pixels.
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(320..=8000))]
    pub width: u32,
    /// Chart height in pixels.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u32).range(240..=8000))]
    pub height: u32,
    /// The write-up: report.md, or report.md and report.html (one self-contained page with the
    /// charts inline as SVG, whatever --charts is, to open in any browser or mail on its own).
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub report: ReportFormat,
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

impl RiskOutputArgs {
    /// `--out`, or `output/<scenario name>`.
    pub fn out_dir(&self, scenario_name: &str) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(scenario_name))
    }

    /// The chart options these flags ask for.
    pub fn charts(&self) -> crate::report::chart::ChartOptions {
        crate::report::chart::ChartOptions {
            format: self.charts,
            width: self.width,
            height: self.height,
        }
    }
}

#[derive(Debug, Args)]
pub struct TermsArgs {
    /// Scenario file (TOML) or a shipped scenario's name; its [risk] section configures the
    /// comparison. Without one, the built-in default scenario.
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
    /// Scenario file (TOML) or a shipped scenario's name. Without one, the built-in default
    /// scenario.
    pub scenario: Option<PathBuf>,
    /// Trials of each of the 15 runs [default: the scenario's, at most 500].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub trials: Option<u32>,
    #[command(flatten)]
    pub output: RiskOutputArgs,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Scenario file (TOML); its [plan] section and [[plans]] tables configure the search and the
    /// plans compared. Without one, the built-in default scenario.
    pub scenario: Option<PathBuf>,
    /// Trials [default: the scenario's [plan] trials, else its [risk] trials, 200].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub trials: Option<u32>,
    /// What the best plan minimises [default: the scenario's, mean].
    #[arg(long, value_enum)]
    pub objective: Option<crate::plan::Objective>,
    /// Consider only plans that cost more than all on-demand in at most this share of trials
    /// (e.g. 10% or 0.1) [default: the scenario's, none].
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub max_loss_probability: Option<f64>,
    /// How to search: exhaustive where the space is small (auto), always, or coordinate descent
    /// [default: the scenario's, auto].
    #[arg(long, value_enum)]
    pub search: Option<crate::plan::SearchMethod>,
    /// Refuse plans estimated to need more memory than this (e.g. 16GiB, 500MiB) [default:
    /// 8GiB, or less if the machine has less available].
    #[arg(long, value_name = "SIZE", value_parser = parse_memory_size)]
    pub max_memory: Option<u64>,
    #[command(flatten)]
    pub output: RiskOutputArgs,
}

/// What `run` writes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
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
    /// Print the results as JSON (docs/model.md §7 keys) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML), or a shipped scenario's name.
    pub scenario: PathBuf,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RatesArgs {
    #[command(subcommand)]
    pub import: Option<RatesImport>,
    /// Print the rate card as JSON.
    #[arg(long, conflicts_with = "toml")]
    pub json: bool,
    /// Print the rate card's TOML source, with its comments.
    #[arg(long)]
    pub toml: bool,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// History: a CSV `timestamp,input_tokens,output_tokens[,requests][,model]` (or
    /// `timestamp,total_tokens` with --output-share; rows on the hour or every few minutes), or
    /// CloudWatch JSON from `get-metric-data` or `get-metric-statistics`. Several JSON files are
    /// merged into one history; several CSV files become one workload each (named by file).
    #[arg(num_args = 0..)]
    pub history: Vec<PathBuf>,
    /// A workload of its own: NAME=FILE[+FILE…][:MODEL] (the model defaults to --model); may be
    /// repeated. Workloads on the same model share one pool.
    #[arg(long = "workload", value_name = "NAME=FILE[:MODEL]")]
    pub workloads: Vec<String>,
    /// Rate-card key, or a Bedrock model id or ARN (prefixes and versions are normalised).
    #[arg(long)]
    pub model: Option<String>,
    /// Scenario file to write [default: fitted-<model>.toml]; the report files
    /// (<stem>.fit.json, <stem>.quantiles.csv, <stem>.qq.png) go next to it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Horizon of the written scenario, hours: the level uncertainty is for this long a window.
    #[arg(long, default_value_t = 730, value_parser = clap::value_parser!(u32).range(1..=87_600))]
    pub horizon_hours: u32,
    #[command(flatten)]
    pub forecast: ForecastArgs,
    /// Seed of the simulation behind the goodness-of-fit quantiles.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How a history is read and what a fit may assume (`fit` and `backtest`).
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Share of output tokens in a history that has only a total_tokens column, e.g. 0.2.
    #[arg(long, value_parser = parse_share)]
    pub output_share: Option<f64>,
    /// Hours without data (absent rows, empty cells): left out of every estimate (missing),
    /// filled from the fitted shape and the hours around them (interpolate), or read as idle
    /// hours (zero).
    #[arg(long, value_enum, default_value_t = crate::history::GapPolicy::Missing)]
    pub gaps: crate::history::GapPolicy,
    /// The same as --gaps interpolate.
    #[arg(long, conflicts_with = "gaps")]
    pub fill_gaps: bool,
    /// Fit a day-of-week profile: auto (from 21 days with data), on, or off (flat).
    #[arg(long, value_enum, default_value_t = crate::fit::Weekly::Auto)]
    pub weekly: crate::fit::Weekly,
    /// Per-trial level log-sd to use instead of the estimate (forecast error of the level;
    /// 0 turns it off).
    #[arg(long, value_parser = parse_level_sigma)]
    pub level_sigma: Option<f64>,
    /// Standard deviation of monthly growth to use instead of the estimate.
    #[arg(long, value_parser = parse_growth_sd)]
    pub growth_sd: Option<f64>,
    /// Hourly noise of the written scenario: the residuals' own quantiles (empirical), or the
    /// likelier of lognormal and gamma (parametric).
    #[arg(long, value_enum, default_value_t = crate::fit::NoiseChoice::Empirical)]
    pub noise: crate::fit::NoiseChoice,
}

impl ForecastArgs {
    /// The gap policy, --fill-gaps included.
    pub fn gap_policy(&self) -> crate::history::GapPolicy {
        if self.fill_gaps {
            crate::history::GapPolicy::Interpolate
        } else {
            self.gaps
        }
    }

    /// The fit options for a forecast of `horizon_hours`.
    pub fn fit_options(&self, horizon_hours: usize) -> crate::fit::FitOptions {
        crate::fit::FitOptions {
            horizon_hours,
            weekly: self.weekly,
            level_sigma: self.level_sigma,
            growth_sd: self.growth_sd,
            gaps: self.gap_policy(),
            noise: self.noise,
        }
    }

    /// How history files are read.
    pub fn read_options(&self) -> crate::history::ReadOptions {
        crate::history::ReadOptions {
            output_share: self.output_share,
        }
    }
}

fn parse_level_sigma(text: &str) -> Result<f64, String> {
    let max = crate::scenario::MAX_LEVEL_SIGMA;
    bounded_number(text, 0.0, max, &format!("a log-sd between 0 and {max}"))
}

fn parse_growth_sd(text: &str) -> Result<f64, String> {
    let max = crate::scenario::MAX_GROWTH_SD;
    bounded_number(
        text,
        0.0,
        max,
        &format!("a standard deviation between 0 and {max}"),
    )
}

fn bounded_number(text: &str, low: f64, high: f64, expected: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (low..=high).contains(&v) => Ok(v),
        _ => Err(format!("expected {expected}, got '{text}'")),
    }
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// History, as for `ptsim fit` (one workload: a CSV, or CloudWatch JSON files).
    #[arg(required = true, num_args = 1..)]
    pub history: Vec<PathBuf>,
    /// Rate-card key (or Bedrock model id) whose prices and capacity price the traffic.
    #[arg(long)]
    pub model: String,
    /// Days each fit is trained on (the days just before each predicted window).
    #[arg(long, value_parser = clap::value_parser!(u32).range(7..=3650))]
    pub train_days: u32,
    /// Days each prediction covers.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub test_days: u32,
    /// Days from one forecast origin to the next: 1 starts a new prediction every day the
    /// history allows; --test-days gives windows that do not overlap.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub step_days: u32,
    /// Unit counts priced, comma-separated [default: 0 and 25%, 50%, 75%, 100% of the
    /// training window's peak hourly load].
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub units: Option<Vec<u32>>,
    /// Monte Carlo trials per prediction.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(10..=100_000))]
    pub trials: u32,
    #[command(flatten)]
    pub forecast: ForecastArgs,
    /// Master random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Folder for backtest.csv (every case), coverage.csv and the calibration chart
    /// [default: output/backtest-<history stem>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chart format, or none.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub charts: ChartFormat,
}

/// Rate cards from price feeds.
#[derive(Debug, Subcommand)]
pub enum RatesImport {
    /// Turn LiteLLM's model_prices_and_context_window.json into a rate card (its Bedrock chat
    /// entries), printed as TOML or written to --out.
    ImportLitellm(ImportLitellmArgs),
    /// Turn the AWS Price List offer file of Amazon Bedrock (…/offers/v1.0/aws/AmazonBedrock/
    /// current/[REGION/]index.json) into a rate card for one region, printed as TOML or written
    /// to --out.
    ImportAwsPriceList(ImportAwsPriceListArgs),
}

#[derive(Debug, Args)]
pub struct ImportAwsPriceListArgs {
    #[command(flatten)]
    pub feed: FeedArgs,
    /// The region whose prices are taken (regionCode) [default: the file's only region, else
    /// us-east-1].
    #[arg(long)]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportLitellmArgs {
    #[command(flatten)]
    pub feed: FeedArgs,
}

/// What every `rates import-…` takes: the feed file, where the card goes, and its date.
#[derive(Debug, Args)]
pub struct FeedArgs {
    /// The price file (or an excerpt of it).
    pub file: PathBuf,
    /// Write the rate card here instead of printing it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The card's date [default: the AWS offer's publicationDate; for LiteLLM, today (UTC)].
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `0.5%` or `0.005`: a share strictly between 0 and 1.
fn parse_precision(text: &str) -> Result<f64, String> {
    let value = parse_fraction(text)?;
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!(
            "expected a share above 0% and below 100%, got '{text}'"
        ))
    }
}

fn parse_share(text: &str) -> Result<f64, String> {
    let value = parse_fraction(text)?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("expected a share from 0% to 100%, got '{text}'"))
    }
}

/// "0.5%" or "0.005" as 0.005.
fn parse_fraction(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, scale) = match trimmed.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (trimmed, 1.0),
    };
    let value = number
        .parse::<f64>()
        .map_err(|_| format!("expected a share such as 0.5% or 0.005, got '{text}'"))?
        / scale;
    Ok(value)
}

fn parse_memory_size(text: &str) -> Result<u64, String> {
    crate::guard::memory::parse_size(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tip the error of `line` ends up with (clap's own, or ours).
    fn tip(line: &str) -> Option<String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let error = Cli::try_parse_from(&args).expect_err("a bad command line");
        match with_suggestion(error, args).get(ContextKind::SuggestedSubcommand) {
            Some(ContextValue::Strings(names)) => names.first().cloned(),
            Some(ContextValue::String(name)) => Some(name.clone()),
            _ => None,
        }
    }

    #[test]
    fn swapped_letters_find_the_subcommand() {
        assert_eq!(tip("ptsim rnu").as_deref(), Some("run"));
        assert_eq!(tip("ptsim vaildate").as_deref(), Some("validate"));
        // Under `rates`, its own subcommands.
        assert_eq!(
            tip("ptsim rates impotr-litellm").as_deref(),
            Some("import-litellm")
        );
        assert_eq!(tip("ptsim frobnicate"), None);
    }
}
