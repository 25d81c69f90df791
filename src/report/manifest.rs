//! `manifest.json`: what produced a run's files — version, seed, trials, rate-card date, the
//! scenario as resolved, and per pool its break-even utilization (SPEC §7). Nothing in it depends
//! on the machine or the thread count.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::RunReport;
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

#[derive(Serialize)]
struct PoolManifest<'a> {
    pool: &'a str,
    model: &'a str,
    product: &'static str,
    term: &'static str,
    unit_usd_per_hour: f64,
    max_units: u32,
    break_even_utilization: Option<f64>,
    recommended_units: BTreeMap<&'static str, u32>,
}

/// The manifest of `report`, listing `files`.
pub fn manifest_json(report: &RunReport, files: &[String]) -> anyhow::Result<Vec<u8>> {
    let scenario = &report.scenario;
    let pools = report
        .pools
        .iter()
        .map(|p| {
            let pool = &scenario.pools[p.pool_index];
            PoolManifest {
                pool: &p.name,
                model: &pool.model_key,
                product: pool.product.as_str(),
                term: pool.term.as_str(),
                unit_usd_per_hour: pool.model.prices.unit_usd_per_hour,
                max_units: p.run.max_units,
                break_even_utilization: p.break_even_utilization,
                recommended_units: p
                    .choices
                    .iter()
                    .map(|c| (c.rule.as_str(), c.units))
                    .collect(),
            }
        })
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
