//! The rate card (docs/model.md §3): on-demand, batch and cache-read token prices and capacity
//! products per model, each number with its source. The shipped card is `rates.toml`, embedded;
//! `litellm` and `aws_price_list` build cards from price feeds, through `feed`.

pub mod aws_price_list;
pub mod feed;
pub mod litellm;
pub mod steps;

pub use steps::UnitSteps;

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
    /// Azure OpenAI provisioned throughput units (global deployment).
    #[serde(default)]
    pub azure_ptu: Option<CapacityProduct>,
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
            Product::AzurePtu => self.azure_ptu.as_ref(),
        }
    }

    /// The capacity products the card has for this model, in `Product::ALL` order.
    pub fn products(&self) -> impl Iterator<Item = (Product, &CapacityProduct)> {
        Product::ALL
            .into_iter()
            .filter_map(|p| self.product(p).map(|c| (p, c)))
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
    /// Reserved tier: USD per month per 1,000 tokens-per-minute of input and of output, by term.
    /// A unit's price then follows its size: (input TPM / 1000 × input + output TPM / 1000 ×
    /// output) / 730 per hour, so a scenario that resizes the block reprices it.
    #[serde(default)]
    pub per_1k_tpm_month: Option<TpmPrices>,
    /// Smallest purchase above zero [default 1] (Azure global PTUs: 15).
    #[serde(default)]
    pub min_units: Option<u32>,
    /// Step above the minimum [default 1] (Azure global PTUs: 5).
    #[serde(default)]
    pub unit_increment: Option<u32>,
    pub source: String,
}

/// Reserved-tier prices per 1,000 tokens-per-minute per month, for the terms it is sold on.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TpmPrices {
    pub one_month: Option<TpmPrice>,
    pub three_month: Option<TpmPrice>,
}

/// USD per month for 1,000 input and 1,000 output tokens-per-minute.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TpmPrice {
    pub input: f64,
    pub output: f64,
}

impl TpmPrices {
    fn get(&self, term: Term) -> Option<TpmPrice> {
        match term {
            Term::OneMonth => self.one_month,
            Term::ThreeMonth => self.three_month,
            _ => None,
        }
    }
}

/// Hours in a month (docs/model.md §3: monthly prices become hourly by / 730).
pub const HOURS_PER_MONTH: f64 = 730.0;

impl CapacityProduct {
    /// USD per unit-hour on `term` for a unit of the card's size, if offered.
    pub fn hourly_price(&self, term: Term) -> Option<f64> {
        self.hourly_price_at(
            term,
            self.input_tokens_per_minute,
            self.output_tokens_per_minute,
        )
    }

    /// USD per unit-hour on `term` for a unit of `input_tpm` + `output_tpm` tokens per minute:
    /// from the per-1K-TPM prices where the product has them, else the card's unit price.
    pub fn hourly_price_at(&self, term: Term, input_tpm: f64, output_tpm: f64) -> Option<f64> {
        if let Some(p) = self.per_1k_tpm_month.as_ref().and_then(|t| t.get(term)) {
            return Some(
                (input_tpm / 1000.0 * p.input + output_tpm / 1000.0 * p.output) / HOURS_PER_MONTH,
            );
        }
        match term {
            Term::NoCommit => self.no_commit,
            Term::OneMonth => self.one_month,
            Term::ThreeMonth => self.three_month,
            Term::SixMonth => self.six_month,
            Term::OneYear => self.one_year,
        }
    }

    /// The unit counts the product is sold in.
    pub fn steps(&self) -> UnitSteps {
        UnitSteps::new(self.min_units, self.unit_increment)
    }
}

/// Which capacity product a pool buys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    ModelUnit,
    ReservedTier,
    /// Azure OpenAI provisioned throughput units, global deployment.
    AzurePtu,
}

impl Product {
    pub const ALL: [Product; 3] = [Product::ModelUnit, Product::ReservedTier, Product::AzurePtu];

    pub fn as_str(self) -> &'static str {
        match self {
            Product::ModelUnit => "model_unit",
            Product::ReservedTier => "reserved_tier",
            Product::AzurePtu => "azure_ptu",
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
    /// six-month and one-year terms; the Reserved tier on one and three months; Azure PTUs by
    /// the hour or on one-month and one-year reservations.
    pub fn offered_by(product: Product) -> &'static [Term] {
        match product {
            Product::ModelUnit => &[
                Term::NoCommit,
                Term::OneMonth,
                Term::SixMonth,
                Term::OneYear,
            ],
            Product::ReservedTier => &[Term::OneMonth, Term::ThreeMonth],
            Product::AzurePtu => &[Term::NoCommit, Term::OneMonth, Term::OneYear],
        }
    }
}

/// The public articles the shipped card's `source` notes cite, by tag: (tag, what it is).
pub const CITED_SOURCES: [(&str, &str); 5] = [
    (
        "[Surprises]",
        "\"Why AWS Bedrock Pricing Surprises Enterprise Buyers\" (Redress Compliance)",
    ),
    (
        "[What it costs]",
        "\"Amazon Bedrock pricing. What it really costs in 2026.\" (Redress Compliance)",
    ),
    (
        "[Negotiate]",
        "\"Bedrock AI Pricing Strategy: How to Negotiate Foundation Model Costs\" (Redress \
         Compliance, May 2026)",
    ),
    (
        "[Pricing guide]",
        "Redress Compliance's AWS Bedrock pricing guide (GenAI Licensing Knowledge Hub, 2026)",
    ),
    (
        "[Price table]",
        "\"Bedrock 2026 model pricing table\" (Bedrock list prices as of Q1 2026, us-east-1)",
    ),
];

/// The tags of `CITED_SOURCES` that `text` uses, each with what it stands for.
pub fn sources_cited_in(text: &str) -> Vec<String> {
    CITED_SOURCES
        .iter()
        .filter(|(tag, _)| text.contains(tag))
        .map(|(tag, title)| format!("{tag} = {title}"))
        .collect()
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
    fn every_cited_tag_is_explained_where_the_card_is_read() {
        // The card's note and header name each article by its public title; a tag used in a
        // `source` is one of these.
        let card = RateCard::shipped();
        for (tag, _) in CITED_SOURCES {
            assert!(card.note.contains(tag), "{tag} not in the note");
            assert!(
                SHIPPED_TOML.lines().take(20).any(|l| l.contains(tag)),
                "{tag}"
            );
        }
        let text = SHIPPED_TOML.replace("[models.", "");
        for piece in text.split('[').skip(1) {
            if let Some(tag) = piece.split(']').next().filter(|t| {
                t.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
                    && t.contains(char::is_uppercase)
            }) {
                assert!(
                    CITED_SOURCES.iter().any(|(t, _)| *t == format!("[{tag}]")),
                    "unknown tag [{tag}]"
                );
            }
        }
        assert_eq!(
            sources_cited_in("seen in [Price table] and [Negotiate]").len(),
            2
        );
    }

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
            assert!(
                m.products().next().is_some(),
                "{key} has no capacity product"
            );
            for (product, unit) in m.products() {
                assert!(unit.input_tokens_per_minute > 0.0 && unit.output_tokens_per_minute > 0.0);
                let prices: Vec<f64> = Term::offered_by(product)
                    .iter()
                    .filter_map(|t| unit.hourly_price(*t))
                    .collect();
                assert!(!prices.is_empty(), "{key} {product:?} offers no term");
                assert!(
                    prices.windows(2).all(|w| w[0] >= w[1]),
                    "{key}: longer terms cost more"
                );
                assert!(unit.steps().min >= 1 && unit.steps().increment >= 1);
            }
        }
    }

    #[test]
    fn reserved_tier_block_breaks_even_at_half_use_on_one_month() {
        // The assumption on the card: 1K TPM-month costs the on-demand value of that capacity
        // at 50% use. A block of 100K input + 10K output TPM serves 6M + 0.6M tokens an hour,
        // worth 6 × $3 + 0.6 × $15 = $27 on demand, so it costs $13.50 an hour.
        let card = RateCard::shipped();
        let rt = card.models["claude-sonnet-4.5"]
            .reserved_tier
            .clone()
            .unwrap();
        let hourly = rt.hourly_price(Term::OneMonth).unwrap();
        assert!((hourly - 13.5).abs() < 1e-12, "{hourly}");
        assert!((rt.hourly_price(Term::ThreeMonth).unwrap() - 0.9 * 13.5).abs() < 1e-12);
        assert_eq!(rt.hourly_price(Term::SixMonth), None);
        // Twice the block, twice the price.
        let double = rt
            .hourly_price_at(Term::OneMonth, 200_000.0, 20_000.0)
            .unwrap();
        assert!((double - 27.0).abs() < 1e-12);
    }

    #[test]
    fn azure_ptus_are_priced_per_reservation_and_sold_from_15_in_fives() {
        let card = RateCard::shipped();
        let ptu = card.models["azure-gpt-4.1"].azure_ptu.clone().unwrap();
        assert_eq!((ptu.steps().min, ptu.steps().increment), (15, 5));
        assert_eq!(ptu.mode, CapacityMode::Shared);
        // 1 output token burns 4 input tokens of a PTU's 3,000 input TPM.
        assert_eq!(
            ptu.input_tokens_per_minute / ptu.output_tokens_per_minute,
            4.0
        );
        // $260 per PTU-month reserved, $221 per PTU-month on a year, $1 an hour without.
        assert!((ptu.hourly_price(Term::OneMonth).unwrap() * 730.0 - 260.0).abs() < 1e-9);
        assert!((ptu.hourly_price(Term::OneYear).unwrap() * 730.0 - 221.0).abs() < 1e-9);
        assert_eq!(ptu.hourly_price(Term::NoCommit), Some(1.0));
        assert!(card.models["azure-gpt-4.1"].model_unit.is_none());
    }

    #[test]
    fn seed_004_sonnet_line_is_on_the_card() {
        // [Price table]: Claude 3.5 Sonnet MU $39.60/h on 1 month, $27.72 on 6 months; 16M + 4M tokens/h.
        let card = RateCard::shipped();
        let mu = card.models["claude-3.5-sonnet"].model_unit.clone().unwrap();
        assert_eq!(mu.one_month, Some(39.6));
        assert_eq!(mu.six_month, Some(27.72));
        assert_eq!((mu.input_tokens_per_minute * 60.0).round(), 16_000_020.0);
        assert_eq!(mu.mode, CapacityMode::Separate);
    }
}
