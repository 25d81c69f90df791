//! Terminal tables of the commitment-risk commands (issue 5): `ptsim terms` and
//! `ptsim sensitivity`.

use std::fmt::Write;

use super::format::{percent, usd};
use crate::risk::TermsReport;
use crate::risk::sensitivity::SensitivityRow;
use crate::scenario::Scenario;

/// The `ptsim terms` summary: one block per pool, one line per term and policy.
pub fn terms_summary(report: &TermsReport) -> String {
    let s = &report.scenario;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} trials (seed {}), model switch {} per month, {} of traffic stays after it",
        s.name,
        report.trials,
        s.seed,
        percent(s.risk.switch_probability_per_month),
        percent(s.risk.share_after_switch)
    );
    for pool in &report.pools {
        let _ = writeln!(
            out,
            "\npool {}: every option priced over {} hours; {} of trials switched model",
            pool.name,
            pool.plan.window_hours,
            percent(pool.switch_share)
        );
        let _ = writeln!(
            out,
            "  {:<12} {:<12} {:>6} {:>10} {:>13} {:>13} {:>13} {:>13} {:>9} {:>12}",
            "term",
            "policy",
            "units",
            "units mean",
            "mean",
            "P50",
            "P95",
            "regret mean",
            "P(beats)",
            "stranded"
        );
        for sample in &pool.samples {
            let r = &sample.row;
            let _ = writeln!(
                out,
                "  {:<12} {:<12} {:>6} {:>10.1} {:>13} {:>13} {:>13} {:>13} {:>9} {:>12}",
                r.term,
                r.policy,
                r.units,
                r.units_mean,
                usd(r.mean),
                usd(r.p50),
                usd(r.p95),
                usd(r.regret_mean),
                percent(r.prob_beats_on_demand),
                usd(r.stranded_usd_mean)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nunits: the count bought (fixed: k; rolling_p50: the last month's fleet; hindsight: \
         each trial's best k), as the median over trials when it varies; units mean: the mean \
         over trials of the units in service"
    );
    out
}

/// The `ptsim sensitivity` summary: per pool, the inputs by swing.
pub fn sensitivity_summary(scenario: &Scenario, trials: u32, rows: &[SensitivityRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: P50 savings at the min-mean k, each input swung alone ({} trials per run, seed {})",
        scenario.name, trials, scenario.seed
    );
    for pool in &scenario.pools {
        let mut pool_rows = rows.iter().filter(|r| r.pool == pool.name).peekable();
        let Some(first) = pool_rows.peek() else {
            continue;
        };
        let _ = writeln!(
            out,
            "\npool {}: base {} units, P50 savings {}",
            pool.name,
            first.units_base,
            usd(first.metric_base)
        );
        let _ = writeln!(
            out,
            "  {:<24} {:>7} {:>7} {:>14} {:>14} {:>12} {:>7}",
            "input", "low", "high", "at low", "at high", "swing", "units"
        );
        for r in pool_rows {
            let _ = writeln!(
                out,
                "  {:<24} {:>7} {:>7} {:>14} {:>14} {:>12} {:>7}",
                r.input,
                r.low,
                r.high,
                usd(r.metric_at_low),
                usd(r.metric_at_high),
                usd(r.swing),
                format!("{}-{}", r.units_at_low, r.units_at_high)
            );
        }
    }
    out
}
