//! Pricing units of billing exports (`pricing_unit`, FOCUS `ConsumedUnit`/`PricingUnit`): how many
//! tokens one unit of the quantity column is. Bedrock's own price list quotes text tokens per
//! `1K tokens` (older models) or `1M tokens`; a quantity in such a unit is scaled to tokens.

/// What one unit of a token row's quantity is worth in tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MarketplaceUnit {
    /// One unit is one token.
    Tokens,
    /// One unit is 1,000 tokens.
    #[value(name = "1k")]
    Thousand,
    /// One unit is 1,000,000 tokens.
    #[value(name = "1m")]
    Million,
}

impl MarketplaceUnit {
    /// Tokens per unit.
    pub fn tokens(self) -> f64 {
        match self {
            MarketplaceUnit::Tokens => 1.0,
            MarketplaceUnit::Thousand => 1e3,
            MarketplaceUnit::Million => 1e6,
        }
    }
}

/// Tokens per unit of `unit`, or None when the unit does not say. `Units` (the generic unit of
/// Marketplace meters) counts as `marketplace_unit` on a Marketplace row and is unknown elsewhere.
pub fn tokens_per_unit(unit: &str, marketplace: Option<MarketplaceUnit>) -> Option<f64> {
    let squeezed: String = unit
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | ','))
        .flat_map(char::to_lowercase)
        .collect();
    if matches!(squeezed.as_str(), "units" | "unit" | "count") {
        return marketplace.map(MarketplaceUnit::tokens);
    }
    // "1K tokens", "1K-tokens", "Thousand Tokens", "1M input tokens", "Million Output Tokens" …
    let (scale, rest) = [
        ("1000000", 1e6),
        ("million", 1e6),
        ("1m", 1e6),
        ("1000", 1e3),
        ("thousand", 1e3),
        ("1k", 1e3),
        ("k", 1e3),
    ]
    .iter()
    .find_map(|(prefix, scale)| squeezed.strip_prefix(prefix).map(|rest| (*scale, rest)))
    .unwrap_or((1.0, squeezed.as_str()));
    let rest = rest
        .strip_prefix("input")
        .or_else(|| rest.strip_prefix("output"))
        .unwrap_or(rest);
    matches!(rest, "tokens" | "token").then_some(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_units_scale_to_tokens() {
        for (unit, tokens) in [
            ("tokens", 1.0),
            ("Tokens", 1.0),
            ("1K tokens", 1e3),
            ("1K-tokens", 1e3),
            ("1k_tokens", 1e3),
            ("Thousand Tokens", 1e3),
            ("1,000 tokens", 1e3),
            ("1M tokens", 1e6),
            ("1M-tokens", 1e6),
            ("Million Input Tokens", 1e6),
            ("1,000,000 tokens", 1e6),
        ] {
            assert_eq!(tokens_per_unit(unit, None), Some(tokens), "{unit}");
        }
    }

    #[test]
    fn units_are_known_only_for_marketplace_rows() {
        assert_eq!(tokens_per_unit("Units", None), None);
        assert_eq!(
            tokens_per_unit("Units", Some(MarketplaceUnit::Tokens)),
            Some(1.0)
        );
        assert_eq!(
            tokens_per_unit("Units", Some(MarketplaceUnit::Million)),
            Some(1e6)
        );
        for unit in ["Hrs", "GB", "ModelUnit-Hours", "", "images", "10K tokens"] {
            assert_eq!(tokens_per_unit(unit, None), None, "{unit}");
        }
    }
}
