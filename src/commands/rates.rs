//! `ptsim rates`: the shipped rate card as a table, JSON, or its TOML source; `import-litellm` and
//! `import-aws-price-list` build a card from a price feed.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;

use crate::UsageError;
use crate::cli::{ImportAwsPriceListArgs, ImportLitellmArgs, RatesArgs, RatesImport};
use crate::output::write_atomic;
use crate::ratecard::feed::Import;
use crate::ratecard::{
    CapacityProduct, Product, RateCard, SHIPPED_TOML, Term, aws_price_list, litellm,
};

pub fn run(args: &RatesArgs) -> anyhow::Result<()> {
    match &args.import {
        Some(RatesImport::ImportLitellm(import)) => return import_litellm(import),
        Some(RatesImport::ImportAwsPriceList(import)) => return import_aws_price_list(import),
        None => {}
    }
    let card = RateCard::shipped();
    let text = if args.toml {
        SHIPPED_TOML.to_string()
    } else if args.json {
        serde_json::to_string_pretty(&card)? + "\n"
    } else {
        table(&card)
    };
    super::print_stdout(&text)
}

/// `ptsim rates import-litellm FILE`: the Bedrock entries as a rate card; what was skipped is
/// counted on stderr.
fn import_litellm(args: &ImportLitellmArgs) -> anyhow::Result<()> {
    let (label, text) = read_feed(&args.feed.file)?;
    let date = args
        .feed
        .date
        .clone()
        .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string());
    let import = litellm::import(&text, &date).map_err(|m| UsageError(format!("{label}: {m}")))?;
    finish_import(&label, "import-litellm", &import, args.feed.out.as_deref())
}

/// `ptsim rates import-aws-price-list FILE`: the AWS Price List offer of Amazon Bedrock as a rate
/// card for one region; what was skipped is counted on stderr.
fn import_aws_price_list(args: &ImportAwsPriceListArgs) -> anyhow::Result<()> {
    let (label, text) = read_feed(&args.feed.file)?;
    let import = aws_price_list::import(&text, args.region.as_deref(), args.feed.date.as_deref())
        .map_err(|m| UsageError(format!("{label}: {m}")))?;
    finish_import(
        &label,
        "import-aws-price-list",
        &import,
        args.feed.out.as_deref(),
    )
}

/// The feed file's name for messages, and its text.
fn read_feed(path: &Path) -> anyhow::Result<(String, String)> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {label}"))?;
    Ok((label, text))
}

/// Counts what an import skipped on stderr, then writes the card to `out` (atomically) or
/// prints it.
fn finish_import(
    label: &str,
    command: &str,
    import: &Import,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let toml = format!(
        "# Rate card imported from {label} by `ptsim rates {command}`.\n{}",
        toml::to_string(&import.card)?
    );
    super::print_warning(&format!(
        "{} models imported, {} entries skipped ({}); the first few: {}",
        import.card.models.len(),
        import.skipped.len(),
        import.skipped_kinds,
        import
            .skipped
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    ));
    match out {
        Some(path) => write_atomic(path, toml.as_bytes()),
        None => super::print_stdout(&toml),
    }
}

fn price(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |p| format!("{p:.2}"))
}

/// The rate card as a table: token prices per million tokens and unit prices per hour.
pub fn table(card: &RateCard) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rate card as of {} ({}, {}; token prices per million tokens, units per unit-hour)",
        card.date, card.currency, card.region
    );
    let _ = writeln!(
        out,
        "{:<22} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
        "model",
        "input",
        "output",
        "batch in",
        "batch out",
        "cache rd",
        "no-commit",
        "1-month",
        "6-month",
        "1-year",
        "MU in/min",
        "MU out/min",
        "mode"
    );
    for (key, m) in &card.models {
        let batch = m.batch_prices();
        let mu = m.model_unit.as_ref();
        let term = |t: Term| price(mu.and_then(|u| u.hourly_price(t)));
        let _ = writeln!(
            out,
            "{:<22} {:>8.3} {:>8.3} {:>8} {:>9} {:>8.3} {:>10} {:>10} {:>10} {:>10} {:>9} {:>10} {:>9}",
            key,
            m.input_per_mtok,
            m.output_per_mtok,
            batch.map_or("-".to_string(), |b| format!("{:.3}", b.0)),
            batch.map_or("-".to_string(), |b| format!("{:.3}", b.1)),
            m.cache_read_per_mtok,
            term(Term::NoCommit),
            term(Term::OneMonth),
            term(Term::SixMonth),
            term(Term::OneYear),
            mu.map_or("-".to_string(), |u| format!(
                "{:.0}",
                u.input_tokens_per_minute
            )),
            mu.map_or("-".to_string(), |u| format!(
                "{:.0}",
                u.output_tokens_per_minute
            )),
            mu.map_or("-", |u| u.mode.as_str()),
        );
    }
    other_products(&mut out, card);
    let _ = writeln!(
        out,
        "\nSources: `ptsim rates --toml` shows each number's source."
    );
    out
}

/// The Reserved tier and Azure PTUs: per unit-hour on each term they are sold on, the unit's
/// throughput, and the counts it is sold in.
fn other_products(out: &mut String, card: &RateCard) {
    let rows: Vec<(&String, Product, &CapacityProduct)> = card
        .models
        .iter()
        .flat_map(|(key, m)| m.products().map(move |(p, c)| (key, p, c)))
        .filter(|(_, p, _)| *p != Product::ModelUnit)
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nother capacity products (USD per unit-hour; monthly prices / 730)\n{:<22} {:<14} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>7} {:>9}",
        "model",
        "product",
        "no-commit",
        "1-month",
        "3-month",
        "1-year",
        "in/min",
        "out/min",
        "mode",
        "sold in"
    );
    for (key, product, unit) in rows {
        let term = |t: Term| price(unit.hourly_price(t));
        let steps = unit.steps();
        let _ = writeln!(
            out,
            "{:<22} {:<14} {:>9} {:>10} {:>10} {:>10} {:>10.0} {:>10.0} {:>7} {:>9}",
            key,
            product.as_str(),
            term(Term::NoCommit),
            term(Term::OneMonth),
            term(Term::ThreeMonth),
            term(Term::OneYear),
            unit.input_tokens_per_minute,
            unit.output_tokens_per_minute,
            unit.mode.as_str(),
            format!("{}+{}", steps.min, steps.increment),
        );
    }
}
