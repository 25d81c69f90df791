//! Bedrock token line items summed into one hourly series per model (rate-card key), with the
//! tier and routing breakdown and the shares a workload needs. No I/O.
//!
//! A line item spanning several hours (a daily-granularity export) is spread evenly over the
//! hours it covers; the trace then shows a flat day, not the day's real shape.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::model;
use super::read::LineItem;
use super::unit::{MarketplaceUnit, tokens_per_unit};
use super::usage_type::{Routing, Tier, TokenKind, classify};
use crate::ratecard::RateCard;

/// Longest line item spread, in hours (a leap year): longer ones are refused.
pub const MAX_LINE_ITEM_HOURS: i64 = 24 * 366;

/// One hour of a model's tokens. `input` excludes cache reads and writes; the batch columns
/// count every batch-tier token of their side (cache included).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct HourTokens {
    pub input: f64,
    pub output: f64,
    pub cache_read: f64,
    pub cache_write: f64,
    pub batch_input: f64,
    pub batch_output: f64,
}

impl HourTokens {
    /// Every input token: uncached, cache reads and cache writes.
    pub fn all_input(&self) -> f64 {
        self.input + self.cache_read + self.cache_write
    }

    fn add(&mut self, kind: TokenKind, tier: Tier, tokens: f64) {
        match kind {
            TokenKind::Input => self.input += tokens,
            TokenKind::Output => self.output += tokens,
            TokenKind::CacheRead => self.cache_read += tokens,
            TokenKind::CacheWrite => self.cache_write += tokens,
        }
        if tier == Tier::Batch {
            if kind == TokenKind::Output {
                self.batch_output += tokens;
            } else {
                self.batch_input += tokens;
            }
        }
    }

    fn plus(&mut self, other: &HourTokens) {
        self.input += other.input;
        self.output += other.output;
        self.cache_read += other.cache_read;
        self.cache_write += other.cache_write;
        self.batch_input += other.batch_input;
        self.batch_output += other.batch_output;
    }
}

/// One model's imported usage.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelUsage {
    /// Rate-card key, or a sanitised name when the card does not know the model.
    pub key: String,
    pub in_rate_card: bool,
    /// The names the rows gave the model (usage-type part or product name).
    pub source_names: Vec<String>,
    /// Tokens per epoch hour (sparse; hours without rows are absent).
    pub hours: BTreeMap<i64, HourTokens>,
    pub totals: HourTokens,
    pub by_tier: BTreeMap<Tier, f64>,
    pub by_routing: BTreeMap<Routing, f64>,
    /// Token rows read for this model.
    pub rows: u64,
}

impl ModelUsage {
    /// Batch-tier tokens over all tokens of the model (input, cache and output).
    pub fn batch_share(&self) -> f64 {
        let t = &self.totals;
        ratio(t.batch_input + t.batch_output, t.all_input() + t.output)
    }

    /// Cache-read input tokens over all input tokens.
    pub fn cache_hit_share(&self) -> f64 {
        ratio(self.totals.cache_read, self.totals.all_input())
    }
}

fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// A Bedrock row that is not text-token usage the import understands.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Unclassified {
    pub file: PathBuf,
    pub row: u64,
    pub usage_type: String,
    pub unit: String,
    pub quantity: f64,
    pub reason: String,
}

/// Everything one import found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Import {
    pub models: BTreeMap<String, ModelUsage>,
    pub unclassified: Vec<Unclassified>,
    /// Rows of other services (counted, not listed).
    pub other_service_rows: u64,
    /// Bedrock rows that are not usage, by charge type (`Tax`, `Credit` …).
    pub not_usage_rows: BTreeMap<String, u64>,
    /// Token rows spread over more than one hour.
    pub spread_rows: u64,
    pub rows_read: u64,
    /// Models the card does not know (kept under a sanitised name).
    pub warnings: Vec<String>,
}

impl Import {
    /// First and last hour with a token row, over every model.
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self
            .models
            .values()
            .filter_map(|m| m.hours.keys().next())
            .min()?;
        let last = self
            .models
            .values()
            .filter_map(|m| m.hours.keys().last())
            .max()?;
        Some((*first, *last))
    }
}

/// True for a row of Bedrock: the `AmazonBedrock…` product code or service name, a product named
/// `… (Amazon Bedrock Edition)`, or a Marketplace token meter.
pub fn is_bedrock(service: &str, product: &str, usage_type: &str) -> bool {
    let bedrock = |s: &str| s.to_ascii_lowercase().contains("bedrock");
    bedrock(service)
        || bedrock(product)
        || (usage_type.contains("MP:") && classify(usage_type).is_ok())
}

/// Sums the Bedrock token rows of every file into per-model hourly series.
pub fn aggregate(
    files: &[(PathBuf, Vec<LineItem>)],
    card: &RateCard,
    marketplace_unit: MarketplaceUnit,
) -> Result<Import, (PathBuf, u64, String)> {
    let mut import = Import::default();
    for (path, items) in files {
        for item in items {
            import.rows_read += 1;
            if !is_bedrock(&item.service, &item.product, &item.usage_type) {
                import.other_service_rows += 1;
                continue;
            }
            let Some(usage) = item.usage else {
                *import
                    .not_usage_rows
                    .entry(item.charge_type.clone())
                    .or_default() += 1;
                continue;
            };
            let mut unclassified = |reason: String| {
                import.unclassified.push(Unclassified {
                    file: path.clone(),
                    row: item.row,
                    usage_type: item.usage_type.clone(),
                    unit: item.unit.clone(),
                    quantity: usage.quantity,
                    reason,
                })
            };
            let kind = match classify(&item.usage_type) {
                Ok(kind) => kind,
                Err(reason) => {
                    unclassified(reason);
                    continue;
                }
            };
            let Some(scale) =
                tokens_per_unit(&item.unit, kind.marketplace.then_some(marketplace_unit))
            else {
                unclassified(format!(
                    "unit '{}' is not tokens, 1K tokens or 1M tokens",
                    item.unit
                ));
                continue;
            };
            let names: Vec<&str> = match &kind.model {
                Some(m) => vec![m.as_str()],
                None => [item.product.as_str(), item.resource.as_str()]
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .collect(),
            };
            let Some(source) = names.first().map(|s| s.to_string()) else {
                unclassified(
                    "a Marketplace token row with no product name or resource id to name the \
                     model"
                        .to_string(),
                );
                continue;
            };
            let (key, in_card) = match names.iter().find_map(|n| model::card_key(n, card)) {
                Some(key) => (key, true),
                None => {
                    let bare = source.split_once(" (").map_or(source.as_str(), |(h, _)| h);
                    (model::sanitised(bare), false)
                }
            };
            let first_hour = usage.start_seconds.div_euclid(3600);
            let end_hour = (usage.end_seconds + 3599).div_euclid(3600);
            let hours = (end_hour - first_hour).max(1);
            if hours > MAX_LINE_ITEM_HOURS {
                return Err((
                    path.clone(),
                    item.row,
                    format!(
                        "the line item spans {hours} hours; expected at most \
                         {MAX_LINE_ITEM_HOURS}"
                    ),
                ));
            }
            if hours > 1 {
                import.spread_rows += 1;
            }
            let tokens = usage.quantity * scale;
            let per_hour = tokens / hours as f64;
            let entry = import
                .models
                .entry(key.clone())
                .or_insert_with(|| ModelUsage {
                    key: key.clone(),
                    in_rate_card: in_card,
                    source_names: Vec::new(),
                    hours: BTreeMap::new(),
                    totals: HourTokens::default(),
                    by_tier: BTreeMap::new(),
                    by_routing: BTreeMap::new(),
                    rows: 0,
                });
            if !entry.source_names.contains(&source) {
                entry.source_names.push(source);
            }
            entry.rows += 1;
            for h in first_hour..first_hour + hours {
                entry
                    .hours
                    .entry(h)
                    .or_default()
                    .add(kind.kind, kind.tier, per_hour);
            }
            let mut row_total = HourTokens::default();
            row_total.add(kind.kind, kind.tier, tokens);
            entry.totals.plus(&row_total);
            *entry.by_tier.entry(kind.tier).or_default() += tokens;
            *entry.by_routing.entry(kind.routing).or_default() += tokens;
        }
    }
    for m in import.models.values().filter(|m| !m.in_rate_card) {
        import.warnings.push(format!(
            "model '{}' (from {}) is not in the rate card; its trace is {}.csv under that name \
             and its workload is left commented out in workloads.toml",
            m.key,
            m.source_names.join(", "),
            m.key
        ));
    }
    Ok(import)
}
