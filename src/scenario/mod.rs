//! Scenarios (SPEC §7): the TOML file a user writes, validated and resolved against the rate
//! card into one value that nothing downstream needs to re-check.

mod file;
mod resolve;
mod values;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cost::PoolModel;
use crate::ratecard::{Product, RateCard, Term};
use crate::traffic::TrafficSource;

pub use resolve::{MAX_HORIZON_HOURS, MAX_TRIALS, MAX_UNITS};

/// Largest sweep chosen automatically when a pool sets no `max_units`.
pub const MAX_AUTO_UNITS: u32 = 5_000;

/// The built-in default scenario (`ptsim run` with no argument).
pub const DEFAULT_TOML: &str = include_str!("../../scenarios/default.toml");

/// A scenario that failed to read or validate, with where.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
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
    #[error("{path}: {source}")]
    Trace {
        path: String,
        source: crate::traffic::TraceError,
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
}

/// One model's capacity pool and the workloads that share it.
#[derive(Clone, Debug, Serialize)]
pub struct Pool {
    pub name: String,
    pub model_key: String,
    pub product: Product,
    pub term: Term,
    /// Sweep k = 0..=max_units; None: enough to cover the peak (decided by the run).
    pub max_units: Option<u32>,
    /// Capacity, prices and per-workload cost settings (workload order as in `workloads`).
    pub model: PoolModel,
    pub workloads: Vec<Workload>,
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
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        resolve::resolve(&text, &path.display().to_string(), &base, card)
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
