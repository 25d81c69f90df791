//! `report.md`: a run written up for someone who will forward it — the question, the scenario's
//! assumptions with the rate card's sources and date, each sizing rule's recommendation with its
//! P10/P50/P90, the charts (by relative path, next to the report) and the caveats.

use std::fmt::Write;

use super::format::{percent, usd};
use super::table::pool_heading;
use crate::analysis::{PoolReport, RunReport};
use crate::ratecard::{Product, RateCard};
use crate::scenario::{Pool, Scenario};
use crate::stats::curve::CurveRow;
use crate::stats::sizing::Rule;
use crate::traffic::TrafficSource;

/// The charts a report shows per pool, with their captions (file `<stem>_<pool>.<ext>`).
const CHARTS: [(&str, &str); 4] = [
    ("fan", "Total cost by unit count: median and P10–P90 band"),
    (
        "savings",
        "Savings against all on-demand, and the chance of beating it",
    ),
    (
        "traffic",
        "A week of simulated traffic against the rules' unit counts",
    ),
    ("rules", "The sizing rules side by side"),
];

/// The report of `report`, whose output set holds `files` (charts are linked when present).
pub fn report_md(report: &RunReport, files: &[String]) -> String {
    let scenario = &report.scenario;
    let card = RateCard::shipped();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: how many provisioned units to buy\n",
        scenario.name
    );
    if !scenario.description.is_empty() {
        let _ = writeln!(out, "{}\n", scenario.description);
    }
    let _ = writeln!(
        out,
        "**The question.** For each model below: how many provisioned-throughput units to commit \
         to for this traffic rather than paying on-demand and batch prices, and what the \
         commitment risks. ptsim {} simulated {} trials of {} hours (seed {}, from {}); every \
         figure is the total bill over those {} hours in USD{}.\n",
        env!("CARGO_PKG_VERSION"),
        scenario.trials,
        scenario.horizon_hours,
        scenario.seed,
        scenario.start,
        scenario.horizon_hours,
        if scenario.edp_discount > 0.0 {
            format!(", after a {} discount", percent(scenario.edp_discount))
        } else {
            String::new()
        }
    );
    for pool_report in &report.pools {
        let pool = &scenario.pools[pool_report.pool_index];
        write_pool(&mut out, scenario, pool, pool_report, files, &card);
    }
    write_caveats(&mut out, scenario);
    out
}

fn write_pool(
    out: &mut String,
    scenario: &Scenario,
    pool: &Pool,
    report: &PoolReport,
    files: &[String],
    card: &RateCard,
) {
    let zero = &report.curve[0];
    let _ = writeln!(out, "## {}\n", pool_heading(&report.name, pool));
    let min_mean = report.choices.iter().find(|c| c.rule == Rule::MinMean);
    if min_mean.is_some_and(|c| c.units == 0) {
        let _ = writeln!(
            out,
            "**Recommendation: no units** — on-demand and batch prices give the lowest expected \
             bill: P50 {} (P10 {} – P90 {}); no unit count in the sweep beats them on average.\n",
            usd(zero.p50),
            usd(zero.p10),
            usd(zero.p90),
        );
    } else if let Some(best) = min_mean {
        let row = report.row_at(best.units);
        let _ = writeln!(
            out,
            "**Recommendation: {} units** — the lowest expected bill: P50 {} (P10 {} – P90 {}) \
             against {} all on-demand; cheaper than on-demand in {} of trials, units used {} on \
             average.{}\n",
            best.units,
            usd(row.p50),
            usd(row.p10),
            usd(row.p90),
            usd(zero.p50),
            percent(row.prob_beats_on_demand),
            percent(row.utilization_mean),
            if best.capped {
                " (At the end of the sweep: more units might do better; raise `max_units`.)"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(
        out,
        "| rule | what it says | units | P10 | P50 | P90 | P50 savings | beats on-demand | utilization |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    write_row(out, "all on-demand", "no units", "0", zero);
    for choice in &report.choices {
        let row = report.row_at(choice.units);
        // `*`: the rule wanted more units than the sweep has.
        let units = format!("{}{}", choice.units, if choice.capped { "*" } else { "" });
        write_row(
            out,
            choice.rule.as_str(),
            choice.rule.description(),
            &units,
            row,
        );
    }
    if let Some(u) = report.break_even_utilization {
        let _ = writeln!(
            out,
            "\nBreak-even utilization u* = {}: a unit must be busy at least that share of its hours \
             to cost less than the on-demand tokens it serves.",
            percent(u)
        );
    }
    out.push('\n');
    for (stem, caption) in CHARTS {
        let prefix = format!("{stem}_{}.", report.name);
        if let Some(file) = files.iter().find(|f| f.starts_with(&prefix)) {
            let _ = writeln!(out, "![{caption}]({file})\n");
        }
    }
    write_assumptions(out, scenario, pool, card);
}

fn write_row(out: &mut String, rule: &str, says: &str, units: &str, row: &CurveRow) {
    let _ = writeln!(
        out,
        "| {rule} | {says} | {units} | {} | {} | {} | {} | {} | {} |",
        usd(row.p10),
        usd(row.p50),
        usd(row.p90),
        usd(row.savings_p50),
        percent(row.prob_beats_on_demand),
        percent(row.utilization_mean)
    );
}

fn write_assumptions(out: &mut String, scenario: &Scenario, pool: &Pool, card: &RateCard) {
    let prices = &pool.model.prices;
    let capacity = &pool.model.capacity;
    let _ = writeln!(out, "### Assumptions\n");
    for (workload, cost) in pool.workloads.iter().zip(&pool.model.workloads) {
        let (input, output) = workload
            .source
            .mean_tokens_per_hour(scenario.start_epoch_hour, scenario.horizon_hours);
        let kind = match &workload.source {
            TrafficSource::Parametric(p) => format!(
                "parametric: noise CV {:.2}, growth {} ± {} a month, level uncertainty σ {:.2}",
                p.noise_cv,
                percent(p.growth_per_month_mean),
                percent(p.growth_per_month_sd),
                p.level_sigma
            ),
            TrafficSource::Trace(_) => "a recorded trace, replayed".to_string(),
            TrafficSource::Bootstrap(_) => "days or weeks resampled from a history".to_string(),
        };
        let _ = writeln!(
            out,
            "- Workload **{}**: {} input + {} output tokens an hour on average ({kind}); {} may \
             wait up to {} h for idle units or batch; {} of input read from cache{}.",
            workload.name,
            tokens(input),
            tokens(output),
            percent(cost.batch_share),
            cost.batch_window_hours,
            percent(cost.cache_hit_share),
            if cost.priority { "; priority tier" } else { "" }
        );
    }
    let _ = writeln!(
        out,
        "- Prices (USD per million tokens): on-demand {} input / {} output, batch {} / {}, cache \
         read {}; a unit costs {} an hour on the {} term and serves {} input and {} output tokens \
         an hour ({} budgets).",
        per_mtok(prices.input_usd_per_token),
        per_mtok(prices.output_usd_per_token),
        per_mtok(prices.batch_input_usd_per_token),
        per_mtok(prices.batch_output_usd_per_token),
        per_mtok(prices.cache_read_usd_per_token),
        usd(prices.unit_usd_per_hour),
        pool.term.as_str(),
        tokens(capacity.input_tokens_per_hour),
        tokens(capacity.output_tokens_per_hour),
        capacity.mode.as_str()
    );
    if let Some(rates) = card.models.get(&pool.model_key) {
        let _ = writeln!(
            out,
            "- Rate card of {} for {}: {}",
            scenario.rate_card_date, rates.name, rates.source
        );
        let mut cited = rates.source.clone();
        if let Some(product) = rates.product(pool.product) {
            let _ = writeln!(out, "- Capacity product: {}", product.source);
            cited.push_str(&product.source);
        }
        let cited = crate::ratecard::sources_cited_in(&cited);
        if !cited.is_empty() {
            let _ = writeln!(out, "- Sources cited: {}.", cited.join("; "));
        }
        let _ = writeln!(
            out,
            "- A scenario may override any of these; the figures above are the ones used."
        );
    }
    out.push('\n');
}

/// A caveat per capacity product the scenario's pools buy.
fn product_caveat(product: Product) -> &'static str {
    match product {
        Product::ModelUnit => {
            "- AWS does not publish how many tokens a model unit serves; the throughput above is \
             a sourced estimate or an assumption, and it scales every unit count in this report."
        }
        Product::ReservedTier => {
            "- AWS does not publish Reserved-tier prices; the per-1K-TPM rates above are an \
             assumption (break-even at 50% on one month): put your quote in the scenario."
        }
        Product::AzurePtu => {
            "- Azure PTUs are sized from Microsoft's input TPM per PTU and output weight; the \
             capacity calculator is the authority for your model version. Only counts Azure sells \
             (at least 15, then steps of 5) are priced."
        }
    }
}

fn write_caveats(out: &mut String, scenario: &Scenario) {
    let _ = writeln!(out, "## Caveats\n");
    for product in Product::ALL {
        if scenario.pools.iter().any(|p| p.product == product) {
            let _ = writeln!(out, "{}", product_caveat(product));
        }
    }
    let _ = writeln!(
        out,
        "\
         - Prices are list prices as of the rate card's date ({}); private pricing changes the \
         answer (`edp_discount`).\n\
         - Traffic is modelled hour by hour; latency and queueing inside the hour are not.\n\
         - Percentiles are across simulated trials of the assumptions above, not a forecast of \
         one month: if traffic runs far from the assumed level, so does the bill.\n\
         - Full tables: `curve.csv` (every unit count) and `sizing.csv`; what produced them: \
         `manifest.json`.",
        scenario.rate_card_date
    );
}

/// `16.0M` tokens.
fn tokens(value: f64) -> String {
    match value {
        v if v >= 1e9 => format!("{:.1}B", v / 1e9),
        v if v >= 1e6 => format!("{:.1}M", v / 1e6),
        v if v >= 1e3 => format!("{:.1}k", v / 1e3),
        v => format!("{v:.0}"),
    }
}

/// `$3.00`, a per-token price shown per million tokens.
fn per_mtok(usd_per_token: f64) -> String {
    usd(usd_per_token * 1e6)
}
