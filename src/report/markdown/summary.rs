//! The report's first section: the question, every pool's recommendation sentence, and one table
//! of the bill today (all on-demand) and as recommended, with the saving and how often the
//! recommendation beats on-demand; across pools, the portfolio's total.

use std::fmt::Write;

use super::Sections;
use crate::report::format::{Period, percent, share, usd3};
use crate::report::headline::Verdict;
use crate::report::portfolio::{Portfolio, bought, portfolio, sentence};
use crate::report::words::{count, pool_title};
use crate::scenario::Scenario;

/// The report's title (its heading, and report.html's page title).
pub fn report_title(scenario: &Scenario) -> String {
    format!("{}: how many provisioned units to buy", scenario.name)
}

/// Title, question and summary.
pub fn write_summary(out: &mut String, s: &Sections) {
    let scenario = &s.report.scenario;
    let period = Period::new(scenario.horizon_hours);
    let _ = writeln!(out, "# {}\n", report_title(scenario));
    if !scenario.description.is_empty() {
        let _ = writeln!(out, "{}\n", scenario.description);
    }
    let _ = writeln!(out, "## Summary\n");
    let discount = if scenario.edp_discount > 0.0 {
        format!(
            " after a {} private-pricing discount",
            percent(scenario.edp_discount)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "For each model: how many provisioned-throughput units to commit to for this traffic, \
         rather than paying on-demand and batch prices, and what that risks. Every figure is the \
         total bill {} in US dollars{discount}, across {} simulated trials of {} of traffic each \
         (P10, P50, P90: the bill is below it in 10%, 50%, 90% of the trials).\n",
        period.per(),
        crate::report::format::grouped(u64::from(scenario.trials)),
        period.span()
    );
    for (p, h) in s.report.pools.iter().zip(&s.headlines) {
        let pool = &scenario.pools[p.pool_index];
        let detail = h.detail();
        let _ = writeln!(
            out,
            "- **{}**: {}.{}{detail}",
            pool_title(pool),
            h.sentence(),
            if detail.is_empty() { "" } else { " " }
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "| pool | today: all on-demand, P50 | P90 | recommended | P50 | P90 | saving, P50 (P10 to \
         P90) | cheaper than on-demand |\n|---|---:|---:|---|---:|---:|---:|---:|"
    );
    let counts = bought(s.report);
    for ((p, h), k) in s.report.pools.iter().zip(&s.headlines).zip(&counts) {
        let (today, row) = (&p.curve[0], p.row_at(*k));
        let what = match (h.verdict, k) {
            (Verdict::NoMeaningfulDifference, _) => {
                "on demand (units: no meaningful saving)".into()
            }
            (_, 0) => "stay on demand".to_string(),
            _ => count(*k, h.product),
        };
        let (saving, beats) = if *k == 0 {
            ("–".to_string(), "–".to_string())
        } else {
            (
                format!(
                    "{} ({} to {})",
                    usd3(row.savings_p50),
                    usd3(row.savings_p10),
                    usd3(row.savings_p90)
                ),
                share(row.prob_beats_on_demand),
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {what} | {} | {} | {saving} | {beats} |",
            pool_title(&scenario.pools[p.pool_index]),
            usd3(today.p50),
            usd3(today.p90),
            usd3(row.p50),
            usd3(row.p90),
        );
    }
    if s.report.pools.len() > 1 {
        let total = portfolio(s.report);
        write_total(out, &total);
        let _ = writeln!(
            out,
            "\n{}. In a bad {} (P90) the bill is {} as recommended against {} all on-demand; the \
             recommendation costs more than on-demand in {} of trials. The total adds the pools \
             trial by trial, so its percentiles are not the sums of the pools' percentiles.",
            sentence(&total, s.report.pools.len(), period),
            period.noun(),
            usd3(total.recommended.p90),
            usd3(total.today.p90),
            share(1.0 - total.prob_beats_on_demand)
        );
        if let Some(file) = s.chart("portfolio", None) {
            let _ = writeln!(
                out,
                "\n![The bill of every pool, today and as recommended]({file})"
            );
        }
    }
    out.push('\n');
}

fn write_total(out: &mut String, total: &Portfolio) {
    let _ = writeln!(
        out,
        "| **All models** | **{}** | **{}** | | **{}** | **{}** | **{}** ({} to {}) | {} |",
        usd3(total.today.p50),
        usd3(total.today.p90),
        usd3(total.recommended.p50),
        usd3(total.recommended.p90),
        usd3(total.savings.p50),
        usd3(total.savings.p10),
        usd3(total.savings.p90),
        share(total.prob_beats_on_demand)
    );
}
