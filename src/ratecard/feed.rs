//! What every price-feed import shares (docs/model.md §3, issue 7): one model's quoted prices → a
//! `ModelRates` with the defaults of docs/model.md §3 filled in and said so in its `source`, and
//! capacity products carried over from the shipped card. `litellm` and `aws_price_list` read their
//! feeds into a `FeedModel` and leave the rest here, so both cards default and label numbers the
//! same way.

use std::collections::BTreeMap;

use super::{CapacityProduct, ModelRates, RateCard, TpmPrice, TpmPrices};
use crate::cost::CapacityMode;

/// The priority multiplier when a feed gives none (docs/model.md §3 default).
pub const DEFAULT_PRIORITY_MULTIPLIER: f64 = 1.75;

/// What an import made and what it left out.
#[derive(Debug)]
pub struct Import {
    pub card: RateCard,
    /// Entries left out, with why (`entry: reason`).
    pub skipped: Vec<String>,
    /// What kinds of entry `skipped` holds, for the summary line (e.g. "other providers, modes").
    pub skipped_kinds: String,
}

impl Import {
    /// A USD card of `models` with what was left out.
    pub fn new(
        date: String,
        region: String,
        note: String,
        models: BTreeMap<String, ModelRates>,
        skipped: Vec<String>,
        skipped_kinds: String,
    ) -> Self {
        let currency = "USD".to_string();
        let card = RateCard {
            date,
            currency,
            region,
            note,
            models,
        };
        Import {
            card,
            skipped,
            skipped_kinds,
        }
    }
}

/// A price the feed gives, per million tokens (or a plain ratio), and where it came from.
#[derive(Clone, Debug)]
pub struct Quoted {
    pub value: f64,
    /// The feed's own words for it: field or SKU, raw value and unit.
    pub origin: String,
}

/// One model as a feed prices it; `None` where the feed is silent.
#[derive(Debug)]
pub struct FeedModel {
    /// Rate-card key.
    pub key: String,
    /// Display name and provider when the shipped card does not know the key.
    pub name: String,
    pub provider: String,
    /// Opens the `source`: which feed entry this is (e.g. "LiteLLM entry '…'").
    pub entry: String,
    pub input: Quoted,
    pub output: Quoted,
    pub batch_input: Option<Quoted>,
    pub batch_output: Option<Quoted>,
    pub cache_read: Option<Quoted>,
    pub priority_multiplier: Option<Quoted>,
    /// Model-unit prices from the feed; `None`: carry the shipped card's product over.
    pub model_unit: Option<FeedUnitPrices>,
    /// Reserved-tier prices per 1K TPM-month from the feed; `None`: carry the shipped card's
    /// product over.
    pub reserved_tier: Option<FeedReservedPrices>,
}

/// Reserved-tier prices a feed quotes: USD per 1K tokens-per-minute per month, input and output,
/// for one and three months.
#[derive(Debug, Default)]
pub struct FeedReservedPrices {
    pub one_month_input: Option<Quoted>,
    pub one_month_output: Option<Quoted>,
    pub three_month_input: Option<Quoted>,
    pub three_month_output: Option<Quoted>,
}

/// The Reserved tier's minimum reservation (AWS Bedrock user guide, service tiers), the block a
/// feed-priced Reserved tier gets when the shipped card has none for the model.
const MIN_RESERVED_TPM: (f64, f64) = (100_000.0, 10_000.0);

/// Hourly model-unit prices a feed quotes, per term, with their origins.
#[derive(Debug, Default)]
pub struct FeedUnitPrices {
    pub no_commit: Option<Quoted>,
    pub one_month: Option<Quoted>,
    pub three_month: Option<Quoted>,
    pub six_month: Option<Quoted>,
    pub one_year: Option<Quoted>,
}

impl FeedModel {
    /// The rate-card entry: feed prices where given, else the docs/model.md §3 defaults (batch 50%
    /// of on-demand, cache reads at the input price, priority ×1.75), each default named in the
    /// `source`; capacity products from the shipped card for keys it has.
    pub fn into_rates(self, shipped: &RateCard) -> ModelRates {
        let mut notes = vec![
            format!("input {}", self.input.origin),
            format!("output {}", self.output.origin),
        ];
        let batch =
            |side: &str, quoted: Option<Quoted>, on_demand: f64, notes: &mut Vec<_>| match quoted {
                Some(q) => {
                    notes.push(format!("batch {side} {}", q.origin));
                    q.value
                }
                None => {
                    notes.push(format!(
                        "batch {side}: not in the feed, 50% of on-demand (docs/model.md §3 default)"
                    ));
                    0.5 * on_demand
                }
            };
        let batch_input = batch("input", self.batch_input, self.input.value, &mut notes);
        let batch_output = batch("output", self.batch_output, self.output.value, &mut notes);
        let cache_read = match self.cache_read {
            Some(q) => {
                notes.push(format!("cache read {}", q.origin));
                q.value
            }
            None => {
                notes.push("cache read: not in the feed, at the input price".into());
                self.input.value
            }
        };
        let priority = match self.priority_multiplier {
            Some(q) => {
                notes.push(format!("priority multiplier {}", q.origin));
                q.value
            }
            None => {
                notes.push(format!(
                    "priority multiplier {DEFAULT_PRIORITY_MULTIPLIER}: docs/model.md §3 default"
                ));
                DEFAULT_PRIORITY_MULTIPLIER
            }
        };
        let carried = shipped.models.get(&self.key);
        let model_unit = match self.model_unit {
            None => {
                if carried.is_some_and(|m| m.model_unit.is_some()) {
                    notes.push("model unit: the shipped card's".into());
                }
                carried.and_then(|m| m.model_unit.clone())
            }
            Some(prices) => {
                let base = carried.and_then(|m| m.model_unit.as_ref());
                let (product, note) = unit_from_feed(prices, base);
                notes.push(note);
                product
            }
        };
        let reserved_tier = match self.reserved_tier {
            Some(prices) => {
                let (product, note) =
                    reserved_from_feed(prices, carried.and_then(|m| m.reserved_tier.as_ref()));
                notes.push(note);
                product
            }
            None => {
                let carried = carried.and_then(|m| m.reserved_tier.clone());
                if carried.is_some() {
                    notes.push("reserved tier: the shipped card's".into());
                }
                carried
            }
        };
        ModelRates {
            name: carried.map_or(self.name, |m| m.name.clone()),
            provider: carried.map_or(self.provider, |m| m.provider.clone()),
            input_per_mtok: self.input.value,
            output_per_mtok: self.output.value,
            batch: true,
            batch_input_per_mtok: Some(batch_input),
            batch_output_per_mtok: Some(batch_output),
            cache_read_per_mtok: cache_read,
            priority_multiplier: priority,
            source: format!("{}: {}", self.entry, notes.join("; ")),
            model_unit,
            reserved_tier,
            azure_ptu: None,
        }
    }
}

/// A Reserved tier priced by the feed, per term where it quotes both input and output: the block
/// (its TPM and mode) from the shipped card's Reserved tier, else the minimum reservation.
fn reserved_from_feed(
    prices: FeedReservedPrices,
    base: Option<&CapacityProduct>,
) -> (Option<CapacityProduct>, String) {
    let pair = |input: Option<Quoted>, output: Option<Quoted>| match (input, output) {
        (Some(i), Some(o)) => Some((
            TpmPrice {
                input: i.value,
                output: o.value,
            },
            format!("input {}; output {}", i.origin, o.origin),
        )),
        _ => None,
    };
    let one = pair(prices.one_month_input, prices.one_month_output);
    let three = pair(prices.three_month_input, prices.three_month_output);
    if one.is_none() && three.is_none() {
        return (
            base.cloned(),
            "reserved tier: the feed prices input or output TPM alone; the shipped card's kept"
                .into(),
        );
    }
    let (input_tpm, output_tpm) = base.map_or(MIN_RESERVED_TPM, |b| {
        (b.input_tokens_per_minute, b.output_tokens_per_minute)
    });
    let quoted: Vec<String> = [("one_month", &one), ("three_month", &three)]
        .iter()
        .filter_map(|(term, p)| p.as_ref().map(|(_, q)| format!("{term} {q}")))
        .collect();
    let source = format!(
        "USD per 1K tokens-per-minute per month from the feed: {}; terms the feed does not price \
         are left out; one unit = a block of {input_tpm} input + {output_tpm} output TPM, {}",
        quoted.join("; "),
        if base.is_some() {
            "the shipped card's block"
        } else {
            "the minimum reservation (Bedrock user guide, service tiers)"
        }
    );
    let product = CapacityProduct {
        input_tokens_per_minute: input_tpm,
        output_tokens_per_minute: output_tpm,
        mode: CapacityMode::Separate,
        no_commit: None,
        one_month: None,
        three_month: None,
        six_month: None,
        one_year: None,
        per_1k_tpm_month: Some(TpmPrices {
            one_month: one.map(|(p, _)| p),
            three_month: three.map(|(p, _)| p),
        }),
        min_units: base.and_then(|b| b.min_units),
        unit_increment: base.and_then(|b| b.unit_increment),
        source,
    };
    (
        Some(product),
        format!(
            "reserved tier: per-1K-TPM prices from the feed ({})",
            quoted.join("; ")
        ),
    )
}

/// A model unit priced by the feed: throughput and mode from the shipped card's unit (the feeds
/// publish none), hourly prices only for the terms the feed quotes. Without a shipped unit there
/// is no throughput, so no product; the note says so.
fn unit_from_feed(
    prices: FeedUnitPrices,
    base: Option<&CapacityProduct>,
) -> (Option<CapacityProduct>, String) {
    let terms = [
        ("no_commit", &prices.no_commit),
        ("one_month", &prices.one_month),
        ("three_month", &prices.three_month),
        ("six_month", &prices.six_month),
        ("one_year", &prices.one_year),
    ];
    let quoted: Vec<String> = terms
        .iter()
        .filter_map(|(name, q)| q.as_ref().map(|q| format!("{name} {}", q.origin)))
        .collect();
    let Some(base) = base else {
        return (
            None,
            format!(
                "model unit not written: the feed prices it ({}) but publishes no throughput and \
                 the shipped card has no unit for this model",
                quoted.join(", ")
            ),
        );
    };
    let value = |q: &Option<Quoted>| q.as_ref().map(|q| q.value);
    let product = CapacityProduct {
        input_tokens_per_minute: base.input_tokens_per_minute,
        output_tokens_per_minute: base.output_tokens_per_minute,
        mode: base.mode,
        no_commit: value(&prices.no_commit),
        one_month: value(&prices.one_month),
        three_month: value(&prices.three_month),
        six_month: value(&prices.six_month),
        one_year: value(&prices.one_year),
        per_1k_tpm_month: None,
        min_units: base.min_units,
        unit_increment: base.unit_increment,
        source: format!(
            "hourly prices from the feed: {}; terms the feed does not price are left out; \
             throughput {}/{} tokens per minute ({}) CARRIED OVER from the shipped card, which \
             labels it: {}",
            quoted.join(", "),
            base.input_tokens_per_minute,
            base.output_tokens_per_minute,
            base.mode.as_str(),
            base.source
        ),
    };
    (
        Some(product),
        "model unit: prices from the feed, throughput from the shipped card".into(),
    )
}

/// A price rounded to 10 decimals, so that a per-token or per-1K quote scaled to a million tokens
/// reads as the number the feed meant (3e-06 × 10⁶ is 3.0, not 2.9999999999999996).
pub fn round_price(usd: f64) -> f64 {
    (usd * 1e10).round() / 1e10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(value: f64, origin: &str) -> Quoted {
        Quoted {
            value,
            origin: origin.to_string(),
        }
    }

    fn model(key: &str) -> FeedModel {
        FeedModel {
            key: key.to_string(),
            name: "Widget".to_string(),
            provider: "Acme".to_string(),
            entry: "test feed 'w'".to_string(),
            input: quoted(2.0, "from field a"),
            output: quoted(8.0, "from field b"),
            batch_input: None,
            batch_output: Some(quoted(3.0, "from field c")),
            cache_read: None,
            priority_multiplier: None,
            model_unit: None,
            reserved_tier: None,
        }
    }

    #[test]
    fn defaults_fill_each_missing_price_and_say_so() {
        let rates = model("acme-widget").into_rates(&RateCard::shipped());
        assert_eq!(
            rates.batch_prices(),
            Some((1.0, 3.0)),
            "input defaulted, output kept"
        );
        assert_eq!(rates.cache_read_per_mtok, 2.0);
        assert_eq!(rates.priority_multiplier, DEFAULT_PRIORITY_MULTIPLIER);
        assert_eq!(
            (rates.name.as_str(), rates.provider.as_str()),
            ("Widget", "Acme")
        );
        assert!(rates.model_unit.is_none() && rates.reserved_tier.is_none());
        for said in [
            "test feed 'w': input from field a",
            "batch input: not in the feed, 50% of on-demand (docs/model.md §3 default)",
            "batch output from field c",
            "cache read: not in the feed, at the input price",
            "priority multiplier 1.75: docs/model.md §3 default",
        ] {
            assert!(rates.source.contains(said), "{said}: {}", rates.source);
        }
    }

    #[test]
    fn feed_unit_prices_take_the_shipped_throughput_or_nothing() {
        let shipped = RateCard::shipped();
        let carried = model("nova-pro").into_rates(&shipped);
        let shipped_unit = shipped.models["nova-pro"].model_unit.clone().unwrap();
        assert_eq!(
            carried.model_unit.unwrap().one_month,
            shipped_unit.one_month
        );
        assert_eq!(carried.name, shipped.models["nova-pro"].name);

        let priced = || FeedUnitPrices {
            one_month: Some(quoted(20.0, "from SKU M")),
            ..FeedUnitPrices::default()
        };
        let mut m = model("nova-pro");
        m.model_unit = Some(priced());
        let unit = m.into_rates(&shipped).model_unit.unwrap();
        assert_eq!(
            (unit.one_month, unit.no_commit, unit.six_month),
            (Some(20.0), None, None)
        );
        assert_eq!(
            unit.input_tokens_per_minute,
            shipped_unit.input_tokens_per_minute
        );
        assert!(
            unit.source.contains("one_month from SKU M") && unit.source.contains("CARRIED OVER")
        );

        let mut m = model("acme-widget");
        m.model_unit = Some(priced());
        let rates = m.into_rates(&shipped);
        assert!(rates.model_unit.is_none());
        assert!(
            rates.source.contains("model unit not written"),
            "{}",
            rates.source
        );
    }

    #[test]
    fn round_price_reads_scaled_quotes_as_meant() {
        assert_eq!(round_price(3e-6 * 1e6), 3.0);
        assert_eq!(round_price(0.00072 * 1000.0), 0.72);
    }
}
