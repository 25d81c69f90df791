//! The rate card (SPEC §3): on-demand, batch and cache-read token prices and capacity products
//! per model, each number with its source. The shipped card is `rates.toml`, embedded; `litellm`
//! and `aws_price_list` build cards from price feeds, through `feed`.

pub mod aws_price_list;
pub mod feed;
pub mod litellm;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cost::CapacityMode;

/// The shipped rate card, as text (`ptsim rates --toml` prints it).
pub const SHIPPED_TOML: &str = include_str!("rates.toml");

/// Prices of every model, as of `date`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateCard {
    pub date: String,
    pub currency: String,
    pub region: String,
    pub note: String,
    pub models: BTreeMap<String, ModelRates>,
}

/// One model's token prices (USD per million tokens) and capacity products.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRates {
    pub name: String,
    pub provider: String,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    /// Whether the model has a batch mode.
    pub batch: bool,
    /// Default: 50% of on-demand.
    pub batch_input_per_mtok: Option<f64>,
    pub batch_output_per_mtok: Option<f64>,
    pub cache_read_per_mtok: f64,
    pub priority_multiplier: f64,
    pub source: String,
    pub model_unit: Option<CapacityProduct>,
    pub reserved_tier: Option<CapacityProduct>,
}

impl ModelRates {
    /// Batch input and output prices per million tokens, if the model has a batch mode.
    pub fn batch_prices(&self) -> Option<(f64, f64)> {
        self.batch.then(|| {
            (
                self.batch_input_per_mtok
                    .unwrap_or(0.5 * self.input_per_mtok),
                self.batch_output_per_mtok
                    .unwrap_or(0.5 * self.output_per_mtok),
            )
        })
    }

    /// The capacity product of that kind, if the card has one.
    pub fn product(&self, product: Product) -> Option<&CapacityProduct> {
        match product {
            Product::ModelUnit => self.model_unit.as_ref(),
            Product::ReservedTier => self.reserved_tier.as_ref(),
        }
    }
}

/// A capacity product: throughput of one unit and its hourly price per term.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProduct {
    pub input_tokens_per_minute: f64,
    pub output_tokens_per_minute: f64,
    pub mode: CapacityMode,
    pub no_commit: Option<f64>,
    pub one_month: Option<f64>,
    /// Three-month term (the Reserved tier's longer term).
    #[serde(default)]
    pub three_month: Option<f64>,
    pub six_month: Option<f64>,
    pub one_year: Option<f64>,
    pub source: String,
}

impl CapacityProduct {
    /// USD per unit-hour on `term`, if offered.
    pub fn hourly_price(&self, term: Term) -> Option<f64> {
        match term {
            Term::NoCommit => self.no_commit,
            Term::OneMonth => self.one_month,
            Term::ThreeMonth => self.three_month,
            Term::SixMonth => self.six_month,
            Term::OneYear => self.one_year,
        }
    }
}

/// Which capacity product a pool buys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    ModelUnit,
    ReservedTier,
}

impl Product {
    pub fn as_str(self) -> &'static str {
        match self {
            Product::ModelUnit => "model_unit",
            Product::ReservedTier => "reserved_tier",
        }
    }
}

/// Commitment term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    NoCommit,
    OneMonth,
    SixMonth,
    OneYear,
    /// Three months: offered by the Reserved tier (with one month).
    ThreeMonth,
}

impl Term {
    /// Every term, shortest first.
    pub const ALL: [Term; 5] = [
        Term::NoCommit,
        Term::OneMonth,
        Term::ThreeMonth,
        Term::SixMonth,
        Term::OneYear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Term::NoCommit => "no_commit",
            Term::OneMonth => "one_month",
            Term::ThreeMonth => "three_month",
            Term::SixMonth => "six_month",
            Term::OneYear => "one_year",
        }
    }

    /// Hours one commitment lasts (730 a month); None for no commitment (billed by the hour,
    /// stopped at will).
    pub fn hours(self) -> Option<usize> {
        match self {
            Term::NoCommit => None,
            Term::OneMonth => Some(730),
            Term::ThreeMonth => Some(3 * 730),
            Term::SixMonth => Some(6 * 730),
            Term::OneYear => Some(12 * 730),
        }
    }

    /// The terms a capacity product is sold on (issue 5): model units on no-commit, one-month,
    /// six-month and one-year terms; the Reserved tier on one and three months.
    pub fn offered_by(product: Product) -> &'static [Term] {
        match product {
            Product::ModelUnit => &[
                Term::NoCommit,
                Term::OneMonth,
                Term::SixMonth,
                Term::OneYear,
            ],
            Product::ReservedTier => &[Term::OneMonth, Term::ThreeMonth],
        }
    }
}

impl RateCard {
    /// The rate card shipped with ptsim.
    pub fn shipped() -> Self {
        toml::from_str(SHIPPED_TOML).expect("the shipped rate card parses (tested)")
    }

    /// Rate-card keys, for error messages.
    pub fn keys(&self) -> String {
        self.models.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_card_has_the_spec_keys_with_sane_prices() {
        let card = RateCard::shipped();
        for key in [
            "claude-sonnet-4.5",
            "claude-haiku-4.5",
            "claude-opus-4.5",
            "claude-3.5-sonnet",
            "claude-3.5-haiku",
            "nova-micro",
            "nova-lite",
            "nova-pro",
            "llama-3.3-70b",
            "llama-3.1-405b",
            "mistral-large-2",
        ] {
            assert!(card.models.contains_key(key), "missing {key}");
        }
        for (key, m) in &card.models {
            assert!(m.input_per_mtok > 0.0 && m.output_per_mtok > 0.0, "{key}");
            assert!(
                m.cache_read_per_mtok > 0.0 && m.cache_read_per_mtok <= m.input_per_mtok,
                "{key}"
            );
            assert!(m.priority_multiplier >= 1.0, "{key}");
            assert!(!m.source.is_empty(), "{key}");
            let mu = m
                .model_unit
                .as_ref()
                .unwrap_or_else(|| panic!("{key} has no model unit"));
            assert!(mu.input_tokens_per_minute > 0.0 && mu.output_tokens_per_minute > 0.0);
            let prices: Vec<f64> = Term::ALL
                .iter()
                .filter_map(|t| mu.hourly_price(*t))
                .collect();
            assert!(!prices.is_empty(), "{key} offers no term");
            assert!(
                prices.windows(2).all(|w| w[0] >= w[1]),
                "{key}: longer terms cost more"
            );
        }
    }

    #[test]
    fn seed_004_sonnet_line_is_on_the_card() {
        // Seed 004: Claude 3.5 Sonnet MU $39.60/h on 1 month, $27.72 on 6 months; 16M + 4M tokens/h.
        let card = RateCard::shipped();
        let mu = card.models["claude-3.5-sonnet"].model_unit.clone().unwrap();
        assert_eq!(mu.one_month, Some(39.6));
        assert_eq!(mu.six_month, Some(27.72));
        assert_eq!((mu.input_tokens_per_minute * 60.0).round(), 16_000_020.0);
        assert_eq!(mu.mode, CapacityMode::Separate);
    }
}
