//! `ptsim replay SCENARIO --units K,…`: every workload's trace priced exactly, no randomness.

use anyhow::bail;

use crate::cli::ReplayArgs;
use crate::report::replay::{ReplayPool, replay_json, replay_table};
use crate::simulate::pool_hours;
use crate::traffic::TrafficSource;

pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    let scenario = super::load_scenario(Some(&args.scenario))?;
    for pool in &scenario.pools {
        if let Some(w) = pool
            .workloads
            .iter()
            .find(|w| !matches!(w.source, TrafficSource::Trace(_)))
        {
            bail!(crate::UsageError(format!(
                "{}: workload '{}' has no [workloads.trace] file; replay prices recorded traffic only",
                args.scenario.display(),
                w.name
            )));
        }
    }
    super::check_unit_counts(&scenario, &args.units)?;
    super::print_warnings(&scenario);
    let pools: Vec<ReplayPool> = scenario
        .pools
        .iter()
        .map(|pool| {
            let hours = pool_hours(&scenario, pool, 0);
            ReplayPool {
                pool: pool.name.clone(),
                results: args
                    .units
                    .iter()
                    .map(|&k| hours.evaluate(&pool.model, k))
                    .collect(),
            }
        })
        .collect();
    for pool in &pools {
        if let Some((path, value)) = crate::guard::find_non_finite(&pool.results) {
            bail!(crate::UsageError(format!(
                "{}: pool {}: the replay produced {value} for results{path}; the scenario's \
                 magnitudes are too large to compute",
                args.scenario.display(),
                pool.pool
            )));
        }
    }
    let text = if args.json {
        replay_json(&pools)?
    } else {
        replay_table(&pools)
    };
    super::print_stdout(&text)
}
