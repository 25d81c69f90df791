//! `ptsim run --json`: the run's summary for scripts — per pool its brief (as in
//! `manifest.json`), the all-on-demand baseline and every sizing rule with its distribution (the
//! `sizing.csv` columns plus P10 and whether the sweep capped it).

use serde::Serialize;

use super::manifest::PoolManifest;
use crate::analysis::RunReport;

#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    out: &'a str,
    seed: u64,
    trials: u32,
    horizon_hours: usize,
    rate_card_date: &'a str,
    pools: Vec<PoolSummary<'a>>,
}

#[derive(Serialize)]
struct PoolSummary<'a> {
    #[serde(flatten)]
    brief: PoolManifest<'a>,
    on_demand: Distribution,
    rules: Vec<RuleSummary>,
}

/// Total cost over the horizon at one unit count, USD.
#[derive(Serialize)]
struct Distribution {
    units: u32,
    mean: f64,
    p10: f64,
    p50: f64,
    p90: f64,
    cvar95: f64,
}

#[derive(Serialize)]
struct RuleSummary {
    rule: &'static str,
    /// True when the rule wanted more units than the sweep has (shown at the sweep's end).
    capped: bool,
    #[serde(flatten)]
    cost: Distribution,
    savings_p50: f64,
    prob_beats_on_demand: f64,
    utilization_mean: f64,
}

/// The summary of `report`, written to `out`, as pretty JSON with a final newline.
pub fn summary_json(report: &RunReport, out: &str) -> anyhow::Result<String> {
    let scenario = &report.scenario;
    let pools = report
        .pools
        .iter()
        .map(|p| {
            let at = |units: u32| {
                let row = p.row_at(units);
                Distribution {
                    units,
                    mean: row.mean,
                    p10: row.p10,
                    p50: row.p50,
                    p90: row.p90,
                    cvar95: row.cvar95,
                }
            };
            let rules = p
                .choices
                .iter()
                .map(|choice| {
                    let row = p.row_at(choice.units);
                    RuleSummary {
                        rule: choice.rule.as_str(),
                        capped: choice.capped,
                        cost: at(choice.units),
                        savings_p50: row.savings_p50,
                        prob_beats_on_demand: row.prob_beats_on_demand,
                        utilization_mean: row.utilization_mean,
                    }
                })
                .collect();
            PoolSummary {
                brief: PoolManifest::new(report, p),
                on_demand: at(0),
                rules,
            }
        })
        .collect();
    let summary = Summary {
        scenario: &scenario.name,
        out,
        seed: scenario.seed,
        trials: scenario.trials,
        horizon_hours: scenario.horizon_hours,
        rate_card_date: &scenario.rate_card_date,
        pools,
    };
    let mut text = serde_json::to_string_pretty(&summary)?;
    text.push('\n');
    Ok(text)
}
