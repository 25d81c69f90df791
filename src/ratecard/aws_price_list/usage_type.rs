//! Bedrock usage types (`USE1-Claude3.5Sonnet-input-tokens-batch`) → which model and which price
//! they are, price units → tokens per unit, and Price List model names → rate-card keys.

use crate::history::model_id;
use crate::ratecard::{RateCard, Term};

/// The price a product quotes, as the rate card uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    Input,
    Output,
    BatchInput,
    BatchOutput,
    CacheRead,
    PriorityInput,
    PriorityOutput,
    /// One model unit for an hour, on a term.
    ModelUnit(Term),
    /// Reserved tier: 1K input (or output) tokens per minute, on a term.
    Reserved {
        term: Term,
        output: bool,
    },
}

impl Dimension {
    /// Whether the price is per token (else per unit-hour or per reserved TPM).
    pub fn is_token_price(self) -> bool {
        !matches!(self, Dimension::ModelUnit(_) | Dimension::Reserved { .. })
    }
}

/// The model part of the usage type (`Claude3.5Sonnet`) and the price it quotes, or why the
/// product is left out. `feature` is the product's `feature` attribute.
pub fn classify(usage_type: &str, feature: &str) -> Result<(String, Dimension), String> {
    let lower = usage_type.to_ascii_lowercase();
    if let Some(at) = lower.find("-reserved-") {
        return reserved(usage_type, &lower[at + "-reserved-".len()..], at);
    }
    if feature.to_ascii_lowercase().starts_with("reserved") {
        return Err(format!("Reserved-tier usage type '{usage_type}' not read"));
    }
    let Some((prefix, rest)) = usage_type.split_once('-') else {
        return Err("not a token or model-unit price".into());
    };
    if prefix.is_empty()
        || !prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err("usage type without a region prefix (USE1-, EU- …)".into());
    }
    let lower = rest.to_ascii_lowercase();
    const MARKERS: [&str; 5] = [
        "-provisionedthroughput-",
        "-cache-read-input-token-count",
        "-cache-write-input-token-count",
        "-input-tokens",
        "-output-tokens",
    ];
    let Some((marker, at)) = MARKERS
        .iter()
        .find_map(|m| lower.find(m).map(|at| (*m, at)))
    else {
        return Err("not a token or model-unit price".into());
    };
    let slug = rest[..at].to_string();
    if slug.is_empty() {
        return Err("usage type names no model".into());
    }
    let tail = &lower[at + marker.len()..];
    let dimension = match marker {
        "-provisionedthroughput-" => Dimension::ModelUnit(unit_term(tail)?),
        "-cache-read-input-token-count" if tail.is_empty() => Dimension::CacheRead,
        "-cache-write-input-token-count" => {
            return Err("cache write: the rate card prices no cache writes".into());
        }
        "-input-tokens" | "-output-tokens" => {
            let input = marker == "-input-tokens";
            match (tail, input) {
                ("", true) => Dimension::Input,
                ("", false) => Dimension::Output,
                ("-batch", true) => Dimension::BatchInput,
                ("-batch", false) => Dimension::BatchOutput,
                ("-priority", true) => Dimension::PriorityInput,
                ("-priority", false) => Dimension::PriorityOutput,
                _ => return Err(variant(tail)),
            }
        }
        _ => return Err(variant(tail)),
    };
    Ok((slug, dimension))
}

/// `USE1-Claude4.5Sonnet-reserved-1-month-input-tokens-per-minute`: the model part and the
/// Reserved-tier price; cross-region variants are left out like cross-region token prices.
fn reserved(usage_type: &str, tail: &str, at: usize) -> Result<(String, Dimension), String> {
    let slug = usage_type[..at]
        .split_once('-')
        .map(|(_, model)| model.to_string())
        .filter(|m| !m.is_empty())
        .ok_or_else(|| "usage type without a region prefix and model (USE1-Model-…)".to_string())?;
    let (term, rest) = if let Some(r) = tail.strip_prefix("1-month-") {
        (Term::OneMonth, r)
    } else if let Some(r) = tail.strip_prefix("3-month-") {
        (Term::ThreeMonth, r)
    } else {
        return Err(format!("Reserved-tier term in '{tail}' not known"));
    };
    let output = match rest {
        "input-tokens-per-minute" => false,
        "output-tokens-per-minute" => true,
        other => {
            return Err(if other.contains("cross-region") {
                "a cross-region Reserved-tier price (the in-region one is taken)".into()
            } else {
                format!("Reserved-tier variant '{other}' not imported")
            });
        }
    };
    Ok((slug, Dimension::Reserved { term, output }))
}

/// Months one price unit of a Reserved-tier price covers per 1K tokens per minute: `1K TPM Hour`
/// → 1/730 (so the price × 730 is per month), `1K TPM Month` → 1; None for any other unit.
pub fn reserved_months_per_unit(unit: &str) -> Option<f64> {
    let u = unit.trim().to_ascii_lowercase().replace(['-', '/'], " ");
    let per_1k_tpm = u.contains("1k tpm") || u.contains("1k tokens per minute");
    if !per_1k_tpm {
        None
    } else if u.ends_with("hour") || u.ends_with("hours") || u.ends_with("hr") || u.ends_with("hrs")
    {
        Some(1.0 / crate::ratecard::HOURS_PER_MONTH)
    } else if u.ends_with("month") || u.ends_with("months") {
        Some(1.0)
    } else {
        None
    }
}

/// Why a token price with a suffix is left out.
fn variant(tail: &str) -> String {
    let why = [
        (
            "cross-region",
            "a cross-region inference price (the in-region one is taken)",
        ),
        ("custom-model", "a custom-model price"),
        ("long-context", "a long-context price"),
        ("latency-optimized", "a latency-optimized price"),
        ("flex", "the flex tier (not in the rate card)"),
    ];
    why.iter()
        .find(|(word, _)| tail.contains(word))
        .map_or_else(
            || format!("variant '{tail}' not imported"),
            |(_, w)| w.to_string(),
        )
}

/// `nocommit-modelunits`, `1month-modelunits`, `6month-modelunits` … → the term.
fn unit_term(tail: &str) -> Result<Term, String> {
    let Some((term, "modelunits")) = tail.split_once('-') else {
        return Err(format!(
            "provisioned-throughput variant '{tail}' not imported"
        ));
    };
    match term.trim_end_matches('s') {
        "nocommit" | "nocommitment" => Ok(Term::NoCommit),
        "1month" => Ok(Term::OneMonth),
        "3month" => Ok(Term::ThreeMonth),
        "6month" => Ok(Term::SixMonth),
        "1year" | "12month" => Ok(Term::OneYear),
        _ => Err(format!("provisioned-throughput term '{term}' not known")),
    }
}

/// Tokens one price unit counts: `1K tokens` → 1,000, `1M tokens` → 1,000,000, `tokens` → 1
/// (commas, case and spacing do not matter); None for any other unit.
pub fn tokens_per_unit(unit: &str) -> Option<f64> {
    let u = unit.trim().to_ascii_lowercase().replace(',', "");
    let count = u
        .strip_suffix("tokens")
        .or_else(|| u.strip_suffix("token"))?
        .trim();
    let digits = count
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(count.len());
    let (number, scale) = count.split_at(digits);
    let number: f64 = if number.is_empty() {
        1.0
    } else {
        number.parse().ok()?
    };
    let scale = match scale.trim() {
        "" => 1.0,
        "k" | "thousand" => 1e3,
        "m" | "mm" | "million" => 1e6,
        _ => return None,
    };
    let tokens = number * scale;
    (tokens.is_finite() && tokens > 0.0).then_some(tokens)
}

/// Whether a price unit is one hour (`Hrs`, `Hour`, `per hour` …).
pub fn is_hourly(unit: &str) -> bool {
    let u = unit.trim().to_ascii_lowercase();
    u == "hr" || u == "hrs" || u.contains("hour")
}

/// The rate-card key of a Price List model: its `model` attribute (`Claude 3.5 Sonnet`), else
/// the usage type's model part (`Claude3.5Sonnet`), read as `history::model_id` reads Bedrock
/// ids; a model the shipped card does not know keeps its normalised name.
pub fn rate_card_key(model: Option<&str>, slug: &str, shipped: &RateCard) -> String {
    let names: Vec<String> = model
        .filter(|m| !m.trim().is_empty())
        .map(words_to_kebab)
        .into_iter()
        .chain(std::iter::once(camel_to_kebab(slug)))
        .collect();
    names
        .iter()
        .find_map(|n| model_id::rate_card_key(n, shipped).ok())
        .unwrap_or_else(|| sanitise(&model_id::stem(&names[0]).1))
}

/// `Mistral Large 2 (24.07)` → `mistral-large-2`.
fn words_to_kebab(name: &str) -> String {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_lowercase()
}

/// `Claude3.5Sonnet` → `claude-3.5-sonnet`, `NovaPro` → `nova-pro`, `Llama3-3-70B` →
/// `llama-3-3-70b`: a dash where a word starts (a capital after a lower-case letter, or a
/// capitalised word after a number) or a number starts after a letter.
fn camel_to_kebab(slug: &str) -> String {
    let chars: Vec<char> = slug.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(&prev) = i.checked_sub(1).and_then(|j| chars.get(j)) {
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let word = c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || (prev.is_ascii_digit() && next_lower));
            let number = c.is_ascii_digit() && prev.is_ascii_alphabetic();
            if word || number {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Lower-case letters, digits, dots and single dashes only.
fn sanitise(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_ascii_lowercase().chars() {
        let c = if c.is_ascii_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_types_name_the_model_and_the_price() {
        let c = |u: &str| classify(u, "On-demand Inference");
        for (usage_type, slug, dimension) in [
            (
                "USE1-Claude3.5Sonnet-input-tokens",
                "Claude3.5Sonnet",
                Dimension::Input,
            ),
            (
                "USE1-Claude3.5Sonnet-output-tokens-batch",
                "Claude3.5Sonnet",
                Dimension::BatchOutput,
            ),
            (
                "EU-NovaPro-cache-read-input-token-count",
                "NovaPro",
                Dimension::CacheRead,
            ),
            (
                "USE1-Llama3-3-70B-input-tokens-priority",
                "Llama3-3-70B",
                Dimension::PriorityInput,
            ),
            (
                "USE1-Nova2.0Lite-ProvisionedThroughput-NoCommit-ModelUnits",
                "Nova2.0Lite",
                Dimension::ModelUnit(Term::NoCommit),
            ),
            (
                "USE1-Nova2.0Lite-ProvisionedThroughput-1month-ModelUnits",
                "Nova2.0Lite",
                Dimension::ModelUnit(Term::OneMonth),
            ),
        ] {
            assert_eq!(
                c(usage_type),
                Ok((slug.to_string(), dimension)),
                "{usage_type}"
            );
        }
        for (usage_type, why) in [
            (
                "USE1-Nova2.0Lite-input-tokens-cross-region-global",
                "cross-region",
            ),
            ("USE1-Gemma-3-4B-IT-input-tokens-flex", "flex"),
            ("USE1-NovaPro-cache-write-input-token-count", "cache write"),
            (
                "USE1-Nova2.0Lite-output-tokens-custom-model",
                "custom-model",
            ),
            ("USE1-Guardrail-ContentPolicyUnitsConsumed", "not a token"),
            ("USE1-NovaPro-input-tokens-mystery", "'-mystery'"),
        ] {
            let e = c(usage_type).unwrap_err();
            assert!(e.contains(why), "{usage_type}: {e}");
        }
        let e = classify(
            "EU-Claude4.5Sonnet-reserved-1-month-input-tokens-per-minute-cross-region-global",
            "Reserved - 1 Month",
        )
        .unwrap_err();
        assert!(e.contains("cross-region Reserved-tier"), "{e}");
        assert_eq!(
            classify(
                "USE1-Claude4.5Sonnet-reserved-3-month-output-tokens-per-minute",
                "Reserved - 3 Month",
            ),
            Ok((
                "Claude4.5Sonnet".to_string(),
                Dimension::Reserved {
                    term: Term::ThreeMonth,
                    output: true
                }
            ))
        );
    }

    #[test]
    fn reserved_units_are_read_per_month() {
        assert_eq!(reserved_months_per_unit("1K TPM Hour"), Some(1.0 / 730.0));
        assert_eq!(reserved_months_per_unit("1K TPM-Month"), Some(1.0));
        assert_eq!(reserved_months_per_unit("1K tokens"), None);
        assert_eq!(reserved_months_per_unit("Hrs"), None);
    }

    #[test]
    fn units_are_read_never_assumed() {
        assert_eq!(tokens_per_unit("1K tokens"), Some(1e3));
        assert_eq!(tokens_per_unit("1M tokens"), Some(1e6));
        assert_eq!(tokens_per_unit("1,000,000 tokens"), Some(1e6));
        assert_eq!(tokens_per_unit("1000 Tokens"), Some(1e3));
        assert_eq!(tokens_per_unit("1 million tokens"), Some(1e6));
        assert_eq!(tokens_per_unit("token"), Some(1.0));
        for bad in ["Units", "1K characters", "Hrs", "1G tokens", "0 tokens", ""] {
            assert_eq!(tokens_per_unit(bad), None, "{bad}");
        }
        assert!(is_hourly("Hrs") && is_hourly("hour") && is_hourly("Model Unit Hours"));
        assert!(!is_hourly("1K tokens"));
    }

    #[test]
    fn price_list_names_map_to_rate_card_keys() {
        let card = RateCard::shipped();
        let key = |model: Option<&str>, slug: &str| rate_card_key(model, slug, &card);
        assert_eq!(
            key(Some("Claude 3.5 Sonnet"), "Claude3.5Sonnet"),
            "claude-3.5-sonnet"
        );
        assert_eq!(key(None, "Claude3.5Sonnet"), "claude-3.5-sonnet");
        assert_eq!(key(None, "NovaPro"), "nova-pro");
        assert_eq!(key(None, "Llama3-3-70B"), "llama-3.3-70b");
        assert_eq!(
            key(Some("Llama 3.3 70B Instruct"), "Llama3-3-70B"),
            "llama-3.3-70b"
        );
        assert_eq!(
            key(Some("Mistral Large 2 (24.07)"), "MistralLarge2407"),
            "mistral-large-2"
        );
        assert_eq!(key(Some("Nova 2.0 Lite"), "Nova2.0Lite"), "nova-2.0-lite");
        assert_eq!(key(None, "Acme_Widget 9!"), "acme-widget-9");
    }
}
