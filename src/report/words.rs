//! Business words for what the CSV files call by identifiers: sizing rules, terms, capacity
//! products, pools and their units. Charts and report.md say these; the CSV columns and JSON keys
//! keep their identifiers (docs/model.md §7).

use std::sync::OnceLock;

use crate::ratecard::{Product, RateCard, Term};
use crate::scenario::Pool;
use crate::stats::sizing::{PEAK_FRACTION, Rule, UTILIZATION_TARGET};

/// A sizing rule as a reader says it: "Cover the median load (P50 floor)".
pub fn rule_name(rule: Rule) -> String {
    match rule {
        Rule::P50Floor => "Cover the median load (P50 floor)".to_string(),
        Rule::PeakFraction => format!("{:.0}% of observed peak", 100.0 * PEAK_FRACTION),
        Rule::UtilizationTarget => format!(
            "Keep units {:.0}% busy (utilization target)",
            100.0 * UTILIZATION_TARGET
        ),
        Rule::MinMean => "Lowest expected cost".to_string(),
        Rule::MinP90 => "Lowest bad-case cost (P90)".to_string(),
        Rule::MinCvar95 => "Lowest worst-5% cost (CVaR95)".to_string(),
    }
}

/// "one_month" as a reader says it.
pub fn term_words(term: Term) -> &'static str {
    match term {
        Term::NoCommit => "no-commitment",
        Term::OneMonth => "1-month",
        Term::ThreeMonth => "3-month",
        Term::SixMonth => "6-month",
        Term::OneYear => "1-year",
    }
}

/// The capacity product, plural: "model units".
pub fn product_words(product: Product) -> &'static str {
    match product {
        Product::ModelUnit => "model units",
        Product::ReservedTier => "reserved-tier blocks",
        Product::AzurePtu => "Azure PTUs",
    }
}

/// "model units, 1-month term".
pub fn capacity_words(pool: &Pool) -> String {
    format!(
        "{}, {} term",
        product_words(pool.product),
        term_words(pool.term)
    )
}

/// What one unit of the product is called: ("unit", "units"), ("PTU", "PTUs"), ("block",
/// "blocks").
pub fn unit_noun(product: Product) -> (&'static str, &'static str) {
    match product {
        Product::ModelUnit => ("unit", "units"),
        Product::ReservedTier => ("block", "blocks"),
        Product::AzurePtu => ("PTU", "PTUs"),
    }
}

/// "Units", "PTUs": a word with its first letter in capitals.
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or(String::new(), |f| f.to_uppercase().chain(chars).collect())
}

/// "5 units", "1 unit", "15 PTUs".
pub fn count(units: u32, product: Product) -> String {
    let (one, many) = unit_noun(product);
    format!("{units} {}", if units == 1 { one } else { many })
}

/// The pool as a reader says it: the rate card's model name ("Claude Sonnet 4.5") when the pool
/// is named after its model key, else the name the scenario gave it.
pub fn pool_title(pool: &Pool) -> String {
    if pool.name != pool.model_key {
        return pool.name.clone();
    }
    static CARD: OnceLock<RateCard> = OnceLock::new();
    CARD.get_or_init(RateCard::shipped)
        .models
        .get(&pool.model_key)
        .map_or_else(|| pool.name.clone(), |m| m.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_have_plain_names_with_their_parameters() {
        assert_eq!(rule_name(Rule::PeakFraction), "75% of observed peak");
        assert_eq!(
            rule_name(Rule::UtilizationTarget),
            "Keep units 65% busy (utilization target)"
        );
        assert_eq!(count(1, Product::ModelUnit), "1 unit");
        assert_eq!(count(15, Product::AzurePtu), "15 PTUs");
    }
}
