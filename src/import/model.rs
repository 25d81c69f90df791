//! The model of a billing row as a rate-card key (docs/model.md §7): from the usage type's model
//! part (`Claude4.5Sonnet`, `NovaPro`, `Llama3-3-70B`), or for Marketplace rows from the product
//! name (`Claude Sonnet 4.5 (Amazon Bedrock Edition)`) or a resource id holding a Bedrock model id.

use crate::history::model_id;
use crate::ratecard::RateCard;

/// The rate-card key `name` denotes, if the card has it: a Bedrock model id or ARN
/// ([`model_id::rate_card_key`]), or a name with the same words as a key in any order and
/// spelling (`Claude4.5Sonnet` and `Claude Sonnet 4.5` are `claude-sonnet-4.5`).
pub fn card_key(name: &str, card: &RateCard) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if let Ok(key) = model_id::rate_card_key(name, card) {
        return Some(key);
    }
    let name = name.split_once(" (").map_or(name, |(head, _)| head).trim();
    let words = sorted_words(name);
    card.models
        .keys()
        .find(|key| sorted_words(key) == words)
        .cloned()
}

/// A file-name-safe spelling of a model the card does not know: lower case, runs of anything
/// but letters, digits and dots made one `-`.
pub fn sanitised(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if out.is_empty() {
        "unknown-model".to_string()
    } else {
        out
    }
}

/// The words of a model name, sorted: split at separators, at lower-to-upper case changes, between
/// letters and digits, and between a number and a word (`5Sonnet`, but `70B` stays a size);
/// consecutive numbers joined with dots (`Llama3-3-70B` → `3.3`, `70b`, `llama`).
fn sorted_words(name: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    for chunk in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut word = String::new();
        let mut last: Option<char> = None;
        for c in chunk.chars() {
            let boundary = last.is_some_and(|p| {
                (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (p.is_ascii_alphabetic() && c.is_ascii_digit())
            });
            if boundary && !word.is_empty() {
                raw.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_lowercase());
            last = Some(c);
        }
        if !word.is_empty() {
            raw.push(word);
        }
    }
    let mut split: Vec<String> = Vec::new();
    for w in raw {
        let digits = w.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && w.len() - digits >= 2 {
            split.push(w[..digits].to_string());
            split.push(w[digits..].to_string());
        } else {
            split.push(w);
        }
    }
    let mut words: Vec<String> = Vec::new();
    let mut previous_number = false;
    for w in split {
        let number = w.chars().all(|c| c.is_ascii_digit());
        match words.last_mut() {
            Some(last) if number && previous_number => {
                last.push('.');
                last.push_str(&w);
            }
            _ => words.push(w),
        }
        previous_number = number;
    }
    words.sort();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_type_and_product_names_map_to_keys() {
        let card = RateCard::shipped();
        for (name, key) in [
            ("Claude4.5Sonnet", "claude-sonnet-4.5"),
            ("Claude4.5Haiku", "claude-haiku-4.5"),
            ("Claude3.5Sonnet", "claude-3.5-sonnet"),
            ("Claude3Opus", "claude-3-opus"),
            ("NovaPro", "nova-pro"),
            ("NovaMicro", "nova-micro"),
            ("Llama3-3-70B", "llama-3.3-70b"),
            ("Llama3-1-405B", "llama-3.1-405b"),
            (
                "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
                "claude-sonnet-4.5",
            ),
            (
                "Claude Opus 4.5 (Amazon Bedrock Edition)",
                "claude-opus-4.5",
            ),
            (
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4.5",
            ),
        ] {
            assert_eq!(card_key(name, &card).as_deref(), Some(key), "{name}");
        }
        assert_eq!(card_key("Qwen3-32B", &card), None);
        assert_eq!(card_key("Nova2.0Lite", &card), None);
    }

    #[test]
    fn unknown_names_are_made_file_safe() {
        assert_eq!(sanitised("qwen.qwen3-32b"), "qwen.qwen3-32b");
        assert_eq!(sanitised("GPT-OSS Safeguard/20B"), "gpt-oss-safeguard-20b");
        assert_eq!(sanitised("../.."), "unknown-model");
    }
}
