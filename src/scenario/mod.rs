//! Scenarios (docs/model.md §7): the TOML file a user writes, validated and resolved against the
//! rate card into one value that nothing downstream needs to re-check.

mod bootstrap;
mod file;
mod plans;
mod resolve;
pub mod shipped;
mod values;
mod warnings;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cost::PoolModel;
use crate::ratecard::{Product, RateCard, Term, UnitSteps};
use crate::traffic::TrafficSource;

pub use resolve::{MAX_HORIZON_HOURS, MAX_TRIALS, MAX_UNITS};
pub use values::{MAX_GROWTH_SD, MAX_LEVEL_SIGMA};

/// Largest sweep chosen automatically when a pool sets no `max_units`.
pub const MAX_AUTO_UNITS: u32 = 5_000;

/// The built-in default scenario (`ptsim run` with no argument).
pub const DEFAULT_TOML: &str = include_str!("../../scenarios/default.toml");

/// A scenario that failed to read or validate, with where.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read: {error}")]
    Io { path: String, error: std::io::Error },
    /// Neither a file nor the name of a shipped scenario.
    #[error(
        "{path}: no such file, and no shipped scenario of that name; the shipped scenarios are: \
         {shipped}{suggestion}"
    )]
    NotFound {
        path: String,
        shipped: String,
        suggestion: String,
    },
    #[error("{path}:{line}:{column}: {field}: {message}\n  | {text}")]
    At {
        path: String,
        line: usize,
        column: usize,
        field: String,
        message: String,
        text: String,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// A trace file named at `line` of the scenario is bad; `error` says where in the trace.
    #[error("{path}:{line}:{column}: {field}: {error}\n  | {text}")]
    Trace {
        path: String,
        line: usize,
        column: usize,
        field: String,
        text: String,
        error: Box<crate::traffic::TraceError>,
    },
    /// A history file named at `line` of the scenario (`[workloads.bootstrap]`) is bad.
    #[error("{path}:{line}:{column}: {field}: {error}\n  | {text}")]
    History {
        path: String,
        line: usize,
        column: usize,
        field: String,
        text: String,
        error: Box<crate::history::HistoryError>,
    },
}

/// A validated scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub horizon_hours: usize,
    pub trials: u32,
    pub seed: u64,
    pub edp_discount: f64,
    /// The first simulated hour (UTC).
    pub start: String,
    #[serde(skip)]
    pub start_epoch_hour: i64,
    pub pools: Vec<Pool>,
    /// Where it was read from: a path or "built-in default".
    pub source: String,
    pub rate_card_date: String,
    /// Things worth telling the user that are not errors (e.g. trace rows outside the horizon).
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// `[risk]`: settings of `ptsim terms` (issue 5).
    pub risk: RiskSettings,
    /// `[plan]` and `[[plans]]`: settings and plans of `ptsim plan` (issue 15); None when the
    /// scenario has neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::plan::PlanSettings>,
}

/// How `ptsim terms` compares commitment terms and policies (`[risk]`, README "Commitment risk").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskSettings {
    /// Terms compared; None: every term the pool's product is sold on with a known price.
    pub terms: Option<Vec<Term>>,
    /// Chance, each month, that the pool's traffic moves to another model.
    pub switch_probability_per_month: f64,
    /// Share of the traffic that stays after a switch.
    pub share_after_switch: f64,
    /// Trials of `ptsim terms` unless `--trials` says otherwise.
    pub trials: u32,
    /// Months the rolling policy measures (all on-demand) before it first buys units.
    pub rolling_wait_months: u32,
}

impl Default for RiskSettings {
    fn default() -> Self {
        RiskSettings {
            terms: None,
            switch_probability_per_month: 0.0,
            share_after_switch: 0.0,
            trials: 200,
            rolling_wait_months: 3,
        }
    }
}

/// A term's price for one pool.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TermPrice {
    pub term: Term,
    pub usd_per_unit_hour: f64,
}

/// One model's capacity pool and the workloads that share it.
#[derive(Clone, Debug, Serialize)]
pub struct Pool {
    pub name: String,
    pub model_key: String,
    pub product: Product,
    pub term: Term,
    /// Sweep the legal counts 0..=max_units; None: enough to cover the peak (decided by the
    /// run). Always a legal count.
    pub max_units: Option<u32>,
    /// The unit counts the pool's product is sold in.
    pub steps: UnitSteps,
    /// Capacity, prices and per-workload cost settings (workload order as in `workloads`).
    pub model: PoolModel,
    pub workloads: Vec<Workload>,
    /// Every term of the product with a known price (rate card, `[pools.term_prices]`, and the
    /// pool's own `unit_per_hour`/`unit_per_month`), shortest first.
    pub term_prices: Vec<TermPrice>,
}

/// One application's traffic on the pool's model.
#[derive(Clone, Debug, Serialize)]
pub struct Workload {
    pub name: String,
    pub source: TrafficSource,
}

impl Scenario {
    /// Reads and validates a scenario file; trace paths are relative to its folder.
    pub fn read(path: &Path, card: &RateCard) -> Result<Self, ScenarioError> {
        let label = path.display().to_string();
        let bytes = read_at_most(path, MAX_SCENARIO_BYTES).map_err(|error| ScenarioError::Io {
            path: label.clone(),
            error,
        })?;
        let text = utf8(&bytes, &label)?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        resolve::resolve(text, &label, &base, card)
    }

    /// The scenario a command line names: a file, else a shipped scenario by name (`default`,
    /// `rag-sonnet`, `rag-sonnet.toml`; `default` is the built-in default).
    pub fn read_named(path: &Path, card: &RateCard) -> Result<Self, ScenarioError> {
        if path.exists() {
            return Self::read(path, card);
        }
        let argument = path.to_string_lossy();
        match shipped::find(&argument) {
            Some(("default", _)) => Self::builtin_default(card),
            Some((name, text)) => resolve::resolve(
                text,
                &format!("shipped scenario {name}"),
                &PathBuf::from("."),
                card,
            ),
            None => Err(ScenarioError::NotFound {
                path: argument.to_string(),
                shipped: shipped::names(),
                suggestion: crate::suggest::did_you_mean(
                    argument.strip_suffix(".toml").unwrap_or(&argument),
                    shipped::SHIPPED.map(|(n, _)| n),
                ),
            }),
        }
    }

    /// Parses scenario bytes (a file's contents): like `parse`, after checking they are UTF-8.
    pub fn parse_bytes(
        bytes: &[u8],
        label: &str,
        base: &Path,
        card: &RateCard,
    ) -> Result<Self, ScenarioError> {
        resolve::resolve(utf8(bytes, label)?, label, base, card)
    }

    /// The built-in default scenario.
    pub fn builtin_default(card: &RateCard) -> Result<Self, ScenarioError> {
        resolve::resolve(DEFAULT_TOML, "built-in default", &PathBuf::from("."), card)
    }

    /// Parses scenario text; `label` names it in errors and `base` anchors trace paths.
    pub fn parse(
        text: &str,
        label: &str,
        base: &Path,
        card: &RateCard,
    ) -> Result<Self, ScenarioError> {
        resolve::resolve(text, label, base, card)
    }
}

impl Scenario {
    /// True when every workload replays a trace: every trial is then the same, and one trial
    /// says all that many would.
    pub fn replays_traces_only(&self) -> bool {
        self.pools
            .iter()
            .flat_map(|p| &p.workloads)
            .all(|w| matches!(w.source, TrafficSource::Trace(_)))
    }
}

/// Largest scenario file read (a scenario is a page of TOML; this stops `ptsim run /dev/zero`).
const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads a whole file of at most `limit` bytes; a larger one (or an endless device) is an error
/// rather than a machine out of memory.
pub(crate) fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB; is it the right file?",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// The text of a scenario file, or an error at the first byte that is not UTF-8.
fn utf8<'a>(bytes: &'a [u8], label: &str) -> Result<&'a str, ScenarioError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        let text_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| line_start + i);
        ScenarioError::At {
            path: label.to_string(),
            line,
            column,
            field: "(encoding)".to_string(),
            message: format!(
                "byte 0x{:02X} is not UTF-8; save the scenario as UTF-8 text",
                bytes[e.valid_up_to()]
            ),
            text: resolve::excerpt(
                String::from_utf8_lossy(&bytes[line_start..text_end]).trim_end_matches('\r'),
                column,
            ),
        }
    })
}
