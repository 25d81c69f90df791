//! The `ptsim replay --json` document (docs/model.md §7) and its table form.

use std::fmt::Write;

use serde::Serialize;

use super::format::{percent, usd};
use crate::cost::UnitOutcome;

/// One pool's replay results.
#[derive(Clone, Debug, Serialize)]
pub struct ReplayPool {
    pub pool: String,
    pub results: Vec<UnitOutcome>,
}

#[derive(Serialize)]
struct ReplayDocument<'a> {
    pools: &'a [ReplayPool],
}

/// `{"pools":[{"pool":…,"results":[{"units":k,…}]}]}`.
pub fn replay_json(pools: &[ReplayPool]) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&ReplayDocument { pools })? + "\n")
}

/// The same results as a table.
pub fn replay_table(pools: &[ReplayPool]) -> String {
    let mut out = String::new();
    for p in pools {
        let _ = writeln!(out, "pool {}", p.pool);
        let _ = writeln!(
            out,
            "  {:>6} {:>14} {:>14} {:>14} {:>14} {:>8}",
            "units", "total", "units", "on-demand", "batch", "util"
        );
        for r in &p.results {
            let _ = writeln!(
                out,
                "  {:>6} {:>14} {:>14} {:>14} {:>14} {:>8}",
                r.units,
                usd(r.total_usd),
                usd(r.units_usd),
                usd(r.on_demand_usd),
                usd(r.batch_usd),
                percent(r.utilization)
            );
        }
    }
    out
}
