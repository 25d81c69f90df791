//! The terminal summary of a run: per pool, each sizing rule's units, P50/P90 cost, savings
//! against all on-demand, the break-even utilization, and the recommendation sentence
//! (`headline`, the same one the fan chart and report.md print).

use std::fmt::Write;

use super::format::{percent, usd};
use crate::analysis::RunReport;

/// The summary table as text.
pub fn summary(report: &RunReport) -> String {
    let scenario = &report.scenario;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} trials x {} hours (seed {}, rate card {})",
        scenario.name,
        scenario.trials,
        scenario.horizon_hours,
        scenario.seed,
        scenario.rate_card_date
    );
    for p in &report.pools {
        let pool = &scenario.pools[p.pool_index];
        let zero = &p.curve[0];
        let _ = writeln!(
            out,
            "\npool {}: break-even utilization u* = {}",
            pool_heading(&p.name, pool),
            p.break_even_utilization
                .map_or("n/a (no realtime traffic)".to_string(), percent)
        );
        let _ = writeln!(
            out,
            "  {:<20} {:>6} {:>14} {:>14} {:>16} {:>9} {:>8}",
            "rule", "units", "P50 total", "P90 total", "P50 savings", "P(beats)", "util"
        );
        let _ = writeln!(
            out,
            "  {:<20} {:>6} {:>14} {:>14} {:>16} {:>9} {:>8}",
            "all on-demand",
            0,
            usd(zero.p50),
            usd(zero.p90),
            "-",
            "-",
            "-"
        );
        for (choice, row) in p.choices.iter().zip(&p.sizing) {
            let units = if choice.capped {
                format!("{}*", row.units)
            } else {
                row.units.to_string()
            };
            let _ = writeln!(
                out,
                "  {:<20} {:>6} {:>14} {:>14} {:>16} {:>9} {:>8}",
                row.rule,
                units,
                usd(row.p50),
                usd(row.p90),
                usd(row.savings_p50),
                percent(row.prob_beats_on_demand),
                percent(row.utilization_mean)
            );
        }
        if let Some(row) = p.sizing.iter().find(|r| r.rule == "min_mean") {
            let _ = writeln!(
                out,
                "  Monte Carlo error at min_mean ({} units, {} trials): mean ± {} (1 s.e.), P50 \
                 95% interval {} to {}",
                row.units,
                super::format::grouped(u64::from(scenario.trials)),
                usd(row.mean_se),
                usd(row.p50_ci95_low),
                usd(row.p50_ci95_high)
            );
        }
        let _ = writeln!(
            out,
            "  Recommended: {}",
            super::headline::headline(scenario, p).sentence()
        );
        if p.choices.iter().any(|c| c.capped) {
            let _ = writeln!(
                out,
                "  * the rule wants more than max_units = {}; shown at the sweep's end",
                p.run.max_units()
            );
        }
    }
    out
}

/// `claude-sonnet-4.5 (model_unit one_month, $39.60/unit-hour)`: a pool, its product, term and
/// unit price, as summaries and reports head it.
pub fn pool_heading(name: &str, pool: &crate::scenario::Pool) -> String {
    format!(
        "{name} ({} {}, {}/unit-hour)",
        pool.product.as_str(),
        pool.term.as_str(),
        usd(pool.model.prices.unit_usd_per_hour)
    )
}
