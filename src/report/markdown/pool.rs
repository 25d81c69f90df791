//! The report's section per pool: its recommendation, every sizing rule side by side with its
//! bill and saving, the break-even utilization explained for this traffic, the charts, and the
//! assumptions in plain words; then the caveats of the whole run.

use std::fmt::Write;

use super::Sections;
use crate::analysis::PoolReport;
use crate::ratecard::Product;
use crate::report::format::{Period, percent, usd};
use crate::report::headline::Headline;
use crate::report::words::{capacity_words, pool_title, rule_name, term_words};
use crate::scenario::{Pool, Scenario};
use crate::stats::breakeven::break_even_utilization;
use crate::stats::curve::CurveRow;
use crate::traffic::TrafficSource;

/// The charts a report shows per pool, with their captions (file `<stem>_<pool>.<ext>`); a pool
/// where nothing pays has only the fan.
const CHARTS: [(&str, &str); 8] = [
    ("fan", "The bill by unit count: median and P10–P90 band"),
    (
        "savings",
        "Savings against all on-demand, and the chance of beating it",
    ),
    (
        "distribution",
        "The bill across trials at the recommended count",
    ),
    ("breakdown", "What the expected bill is made of"),
    ("utilization", "How busy the units are, against break-even"),
    (
        "traffic",
        "A week of simulated traffic against the rules' unit counts",
    ),
    ("duration", "Hours sorted by load, against the unit counts"),
    ("rules", "The sizing rules side by side"),
];

/// One section per pool.
pub fn write_pools(out: &mut String, s: &Sections) {
    let scenario = &s.report.scenario;
    for (report, headline) in s.report.pools.iter().zip(&s.headlines) {
        let pool = &scenario.pools[report.pool_index];
        write_pool(out, s, pool, report, headline);
    }
}

/// "Claude Sonnet 4.5 (model units, 1-month term, $39.60 per unit-hour)".
fn heading(pool: &Pool) -> String {
    format!(
        "{} ({}, {} per unit-hour)",
        pool_title(pool),
        capacity_words(pool),
        usd(pool.model.prices.unit_usd_per_hour)
    )
}

fn write_pool(
    out: &mut String,
    s: &Sections,
    pool: &Pool,
    report: &PoolReport,
    headline: &Headline,
) {
    let scenario = &s.report.scenario;
    let zero = &report.curve[0];
    let period = Period::new(scenario.horizon_hours);
    let _ = writeln!(out, "## {}\n", heading(pool));
    let detail = headline.detail();
    let _ = writeln!(
        out,
        "**{}.**{}{detail}\n",
        headline.sentence(),
        if detail.is_empty() { "" } else { " " }
    );
    let _ = writeln!(
        out,
        "Each rule of thumb, and each count that minimises a statistic of the bill {}:\n",
        period.per()
    );
    let _ = writeln!(
        out,
        "| rule | units | P10 | P50 | P90 | P50 saving | cheaper than on-demand | utilization |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|"
    );
    write_row(out, "All on-demand", "0", zero);
    for choice in &report.choices {
        let row = report.row_at(choice.units);
        // `*`: the rule wanted more units than the sweep has.
        let units = format!("{}{}", choice.units, if choice.capped { "*" } else { "" });
        let recommended = if choice.rule == crate::stats::sizing::Rule::MinMean {
            " (recommended)"
        } else {
            ""
        };
        write_row(
            out,
            &format!("{}{recommended}", rule_name(choice.rule)),
            &units,
            row,
        );
    }
    if report.choices.iter().any(|c| c.capped) {
        let _ = writeln!(
            out,
            "\n\\* The rule wants more units than the {} priced; shown at that end.",
            report.run.max_units()
        );
    }
    write_break_even(out, scenario, pool, report);
    out.push('\n');
    for (stem, caption) in CHARTS {
        if let Some(file) = s.chart(stem, Some(&report.name)) {
            let _ = writeln!(out, "![{caption}]({file})\n");
        }
    }
    write_assumptions(out, scenario, pool);
}

/// u* for this traffic, and why it differs from a reference figure: the cache discount.
fn write_break_even(out: &mut String, scenario: &Scenario, pool: &Pool, report: &PoolReport) {
    let Some(u) = report.break_even_utilization else {
        return;
    };
    let cached = pool.model.workloads.iter().any(|w| w.cache_hit_share > 0.0);
    let uncached = cached
        .then(|| {
            let mut plain = pool.clone();
            for w in &mut plain.model.workloads {
                w.cache_hit_share = 0.0;
            }
            break_even_utilization(scenario, &plain)
        })
        .flatten();
    let pays = if u > 1.0 {
        " Above 100%, no unit count can pay."
    } else {
        ""
    };
    let why = match uncached {
        Some(plain) => format!(
            " It is for this pool's own traffic: part of its input is read from the prompt cache \
             at a fraction of the input price, so a unit replaces less on-demand spend; with no \
             caching it would be {}. Reference figures in the rate card's notes (appendix) are \
             for their own example traffic.",
            percent(plain)
        ),
        None => " It is for this pool's own mix of input and output tokens; reference figures in \
                 the rate card's notes (appendix) are for their own example traffic."
            .to_string(),
    };
    let _ = writeln!(
        out,
        "\nUnits break even at {} utilization: a unit must be busy at least that share of its \
         hours to cost less than the on-demand tokens it serves.{why}{pays}",
        percent(u)
    );
}

fn write_row(out: &mut String, rule: &str, units: &str, row: &CurveRow) {
    let _ = writeln!(
        out,
        "| {rule} | {units} | {} | {} | {} | {} | {} | {} |",
        usd(row.p10),
        usd(row.p50),
        usd(row.p90),
        usd(row.savings_p50),
        percent(row.prob_beats_on_demand),
        percent(row.utilization_mean)
    );
}

fn write_assumptions(out: &mut String, scenario: &Scenario, pool: &Pool) {
    let prices = &pool.model.prices;
    let capacity = &pool.model.capacity;
    let _ = writeln!(out, "### Assumptions\n");
    for (workload, cost) in pool.workloads.iter().zip(&pool.model.workloads) {
        let (input, output) = workload
            .source
            .mean_tokens_per_hour(scenario.start_epoch_hour, scenario.horizon_hours);
        let kind = match &workload.source {
            TrafficSource::Parametric(p) => format!(
                "simulated: hour-to-hour noise CV {:.2}, growth {} ± {} a month, forecast \
                 uncertainty σ {:.2}",
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
         an hour ({}).",
        per_mtok(prices.input_usd_per_token),
        per_mtok(prices.output_usd_per_token),
        per_mtok(prices.batch_input_usd_per_token),
        per_mtok(prices.batch_output_usd_per_token),
        per_mtok(prices.cache_read_usd_per_token),
        usd(prices.unit_usd_per_hour),
        term_words(pool.term),
        tokens(capacity.input_tokens_per_hour),
        tokens(capacity.output_tokens_per_hour),
        match capacity.mode.as_str() {
            "shared" => "one budget: an output token uses several input tokens' worth",
            _ => "input and output each have their own budget",
        }
    );
    let _ = writeln!(
        out,
        "- Where these numbers come from: the appendix. A scenario may override any of them; the \
         figures above are the ones used."
    );
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

/// The caveats of the run.
pub fn write_caveats(out: &mut String, s: &Sections) {
    let scenario = &s.report.scenario;
    let _ = writeln!(out, "## Caveats\n");
    for product in Product::ALL {
        if scenario.pools.iter().any(|p| p.product == product) {
            let _ = writeln!(out, "{}", product_caveat(product));
        }
    }
    let _ = writeln!(
        out,
        "\
         - Prices are list prices as of the rate card's date ({}); a private-pricing discount \
         changes the answer (the scenario can set one).\n\
         - Traffic is modelled hour by hour; latency and queueing inside the hour are not.\n\
         - Percentiles are across simulated trials of the assumptions above, not a forecast of \
         one {}: if traffic runs far from the assumed level, so does the bill.\n\
         - A saving smaller than the Monte Carlo error of the expected bill (1.96 standard \
         errors) is reported as no meaningful difference.\n",
        scenario.rate_card_date,
        Period::new(scenario.horizon_hours).noun()
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
