//! `manifest.json`: what produced a run's files — version, seed, trials, rate-card date, the
//! scenario as resolved, and per pool its break-even utilization (docs/model.md §7). Nothing in it
//! depends on the machine or the thread count.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{PoolReport, RunReport};
use crate::scenario::Scenario;

#[derive(Serialize)]
struct Manifest<'a> {
    ptsim_version: &'static str,
    seed: u64,
    trials: u32,
    horizon_hours: usize,
    rate_card_date: &'a str,
    files: &'a [String],
    pools: Vec<PoolManifest<'a>>,
    scenario: &'a Scenario,
}

/// What a run found for one pool, in brief (also the head of each pool in `run --json`).
#[derive(Serialize)]
pub struct PoolManifest<'a> {
    pool: &'a str,
    model: &'a str,
    product: &'static str,
    term: &'static str,
    unit_usd_per_hour: f64,
    max_units: u32,
    break_even_utilization: Option<f64>,
    recommended_units: BTreeMap<&'static str, u32>,
}

impl<'a> PoolManifest<'a> {
    /// The brief of `pool` in `report`.
    pub fn new(report: &'a RunReport, pool: &'a PoolReport) -> Self {
        let resolved = &report.scenario.pools[pool.pool_index];
        PoolManifest {
            pool: &pool.name,
            model: &resolved.model_key,
            product: resolved.product.as_str(),
            term: resolved.term.as_str(),
            unit_usd_per_hour: resolved.model.prices.unit_usd_per_hour,
            max_units: pool.run.max_units(),
            break_even_utilization: pool.break_even_utilization,
            recommended_units: pool
                .choices
                .iter()
                .map(|c| (c.rule.as_str(), c.units))
                .collect(),
        }
    }
}

/// The manifest of `report`, listing `files`.
pub fn manifest_json(report: &RunReport, files: &[String]) -> anyhow::Result<Vec<u8>> {
    let scenario = &report.scenario;
    let pools = report
        .pools
        .iter()
        .map(|p| PoolManifest::new(report, p))
        .collect();
    let manifest = Manifest {
        ptsim_version: env!("CARGO_PKG_VERSION"),
        seed: scenario.seed,
        trials: scenario.trials,
        horizon_hours: scenario.horizon_hours,
        rate_card_date: &scenario.rate_card_date,
        files,
        pools,
        scenario,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest)?;
    bytes.push(b'\n');
    Ok(bytes)
}
