//! Bedrock usage types (the `line_item_usage_type` of CUR, `x_UsageType` of FOCUS) read as a token
//! kind, a service tier and a routing, plus the model where the usage type names it.
//!
//! Shapes verified against public sources (December 2026):
//! - AWS's "Understanding your Amazon Bedrock Cost and Usage Report data" page lists the four token
//!   patterns `*-input-tokens` (or `*-mantle-input-tokens-*`), `*-output-tokens`,
//!   `*-cache-read-input-token-count`, `*-cache-write-input-token-count`, and says the service
//!   tier and cross-region routing are part of the usage type; AWS's granular cost attribution
//!   post shows CUR 2.0 rows `USE1-Claude4.6Sonnet-input-tokens`.
//! - grafana/cloudcost-exporter's Bedrock tests (`pkg/aws/bedrock/bedrock_test.go`) hold price
//!   list usage types such as `USE1-Llama4-Maverick-17B-input-tokens-batch`,
//!   `USE1-Gemma-3-4B-IT-input-tokens-flex`, `…-input-tokens-priority`,
//!   `USE1-Nova2.0Lite-input-tokens-cross-region-global-batch`,
//!   `USE1-Nova2.0Pro-text-input-tokens-priority-cross-region-global`,
//!   `USE1-Nova2.0Pro-input-image-token-count-cross-region-global`,
//!   `USE1-NovaPro-cache-write-input-token-count-custom-model`,
//!   `USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed`, `…-search-units`; other public price
//!   tables show `USE1-qwen.qwen3-32b-mantle-input-tokens-standard` and
//!   `USE1-qwen.qwen3-coder-next-cache-write-tokens`.
//! - Marketplace-billed models (Anthropic Claude 4.x): `USE1-MP:USE1_InputTokenCount-Units`,
//!   `…_OutputTokenCount_Global-Units`, `…CacheReadInputTokenCount-Units`,
//!   `…CacheWriteInputTokenCount-Units` (grafana/cloudcost-exporter issue #933 and public price
//!   tables), and the snake_case spelling of newer models `…_input_tokens_standard-Units`,
//!   `…_cache_read_tokens_global_standard-Units`. The model is not in these usage types.
//!
//! Assumed, not seen: the suffix words may come in any order (`-batch-cross-region-global` as
//! well as `-cross-region-global-batch`), `-cross-region` alone is geographic cross-region
//! routing, and Marketplace usage types spell tiers as `_Batch`, `_Flex`, `_Priority`. A
//! usage type with any other word after the token kind (`custom-model`, `reserved`, `image` …)
//! is not classified: its tokens are not the base model's on-demand text traffic.

/// Which tokens a usage type counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Input,
    Output,
    CacheRead,
    CacheWrite,
}

/// The service tier a token was billed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Standard,
    Batch,
    Flex,
    Priority,
}

/// Where the request was routed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// No cross-region suffix: the source region (or, for Marketplace rows, a geographic profile).
    Regional,
    /// `-cross-region`: a geographic cross-region inference profile.
    CrossRegion,
    /// `-cross-region-global` (Marketplace `_Global`): a global inference profile.
    CrossRegionGlobal,
}

/// A token usage type, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenUsageType {
    /// The model as the usage type spells it (`Claude4.5Sonnet`, `NovaPro`); None for
    /// Marketplace usage types, which leave the model to the product columns.
    pub model: Option<String>,
    pub kind: TokenKind,
    pub tier: Tier,
    pub routing: Routing,
    /// A Marketplace (`MP:`) usage type.
    pub marketplace: bool,
}

/// Reads a usage type; `Err` says why it is not a text-token usage type of a base model.
pub fn classify(usage_type: &str) -> Result<TokenUsageType, String> {
    let text = usage_type.trim();
    if text.is_empty() {
        return Err("empty usage type".to_string());
    }
    if let Some(at) = text.find("MP:") {
        return classify_marketplace(&text[at + 3..]);
    }
    let rest = strip_region(text, '-');
    let words: Vec<&str> = rest.split('-').collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    if let Some(media) = lower
        .iter()
        .find(|w| matches!(w.as_str(), "image" | "video" | "audio"))
    {
        return Err(format!("{media} tokens, not text traffic"));
    }
    let Some((at, kind, used)) =
        (1..lower.len()).find_map(|i| kind_at(&lower[i..]).map(|(k, n)| (i, k, n)))
    else {
        return Err(
            "no token kind (input-tokens, output-tokens, cache-read…, cache-write…)".to_string(),
        );
    };
    let mut model_words = &words[..at];
    // `qwen.qwen3-32b-mantle-input-tokens-standard`: the bedrock-mantle endpoint's usage types.
    if model_words.len() > 1
        && model_words
            .last()
            .is_some_and(|w| w.eq_ignore_ascii_case("mantle"))
    {
        model_words = &model_words[..model_words.len() - 1];
    }
    let (tier, routing) = suffixes(&lower[at + used..])?;
    Ok(TokenUsageType {
        model: Some(model_words.join("-")),
        kind,
        tier,
        routing,
        marketplace: false,
    })
}

/// `USE1_InputTokenCount_Global-Units`, `USE1_cache_read_tokens_standard-Units` (after `MP:`).
fn classify_marketplace(rest: &str) -> Result<TokenUsageType, String> {
    let rest = strip_region(rest, '_');
    let lower = rest.to_ascii_lowercase();
    let rest = match lower.rfind("-units") {
        Some(i) if i + 6 == rest.len() => &rest[..i],
        _ => rest,
    };
    let words: Vec<String> = words_of(rest);
    let Some((kind, used)) = kind_at(&words) else {
        return Err(
            "Marketplace usage type without a token count (InputTokenCount, OutputTokenCount…)"
                .to_string(),
        );
    };
    let (tier, routing) = suffixes(&words[used..])?;
    Ok(TokenUsageType {
        model: None,
        kind,
        tier,
        routing,
        marketplace: true,
    })
}

/// `USE1-rest` → `rest`: a leading region code (2–4 capitals and an optional digit) is dropped.
fn strip_region(text: &str, separator: char) -> &str {
    match text.split_once(separator) {
        Some((head, rest))
            if (2..=5).contains(&head.len())
                && head.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && head
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
        {
            rest
        }
        _ => text,
    }
}

/// `CacheReadInputTokenCount_Global` → `cache read input token count global`: lower-case words
/// split at `_`, `-` and lower-to-upper case changes.
fn words_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c == '_' || c == '-' {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The token kind that `words` starts with, and how many words it takes:
/// `[text-]input-token[s][-count]`, `[text-]output-…`, `cache-read[-input]-token[s][-count]`,
/// `cache-write-…`.
fn kind_at(words: &[String]) -> Option<(TokenKind, usize)> {
    let w = |i: usize| words.get(i).map(String::as_str);
    let mut at = 0;
    let kind = match (w(0), w(1)) {
        (Some("cache"), Some("read")) => {
            at = 2;
            TokenKind::CacheRead
        }
        (Some("cache"), Some("write")) => {
            at = 2;
            TokenKind::CacheWrite
        }
        _ => {
            if w(0) == Some("text") {
                at = 1;
            }
            match w(at) {
                Some("input") => {
                    at += 1;
                    TokenKind::Input
                }
                Some("output") => {
                    at += 1;
                    TokenKind::Output
                }
                _ => return None,
            }
        }
    };
    if matches!(kind, TokenKind::CacheRead | TokenKind::CacheWrite) && w(at) == Some("input") {
        at += 1;
    }
    match w(at) {
        Some("tokens") => at += 1,
        Some("token") if w(at + 1) == Some("count") => at += 2,
        Some("token") => at += 1,
        _ => return None,
    }
    if w(at) == Some("count") {
        at += 1;
    }
    Some((kind, at))
}

/// The tier and routing the words after the token kind say.
fn suffixes(words: &[String]) -> Result<(Tier, Routing), String> {
    let mut tier = None;
    let mut routing = Routing::Regional;
    let mut i = 0;
    let set_tier = |tier: &mut Option<Tier>, t: Tier| match tier {
        Some(old) if *old != t => Err(format!("two service tiers ({old:?}, {t:?})")),
        _ => {
            *tier = Some(t);
            Ok(())
        }
    };
    while i < words.len() {
        match words[i].as_str() {
            "standard" => set_tier(&mut tier, Tier::Standard)?,
            "batch" => set_tier(&mut tier, Tier::Batch)?,
            "flex" => set_tier(&mut tier, Tier::Flex)?,
            "priority" => set_tier(&mut tier, Tier::Priority)?,
            "cross" if words.get(i + 1).map(String::as_str) == Some("region") => {
                i += 1;
                routing = if words.get(i + 1).map(String::as_str) == Some("global") {
                    i += 1;
                    Routing::CrossRegionGlobal
                } else {
                    Routing::CrossRegion
                };
            }
            "global" => routing = Routing::CrossRegionGlobal,
            other => {
                return Err(format!(
                    "'{other}' after the token kind (not a tier or routing this import knows: \
                     custom-model, reserved, image, video and audio usage are not base-model \
                     text traffic)"
                ));
            }
        }
        i += 1;
    }
    Ok((tier.unwrap_or(Tier::Standard), routing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Routing::*;
    use Tier::*;
    use TokenKind::*;

    /// Usage types seen in public sources (module doc), and what they say.
    #[test]
    fn real_usage_types_are_read() {
        let table: [(&str, Option<&str>, TokenKind, Tier, Routing); 20] = [
            (
                "USE1-Claude4.6Sonnet-input-tokens",
                Some("Claude4.6Sonnet"),
                Input,
                Standard,
                Regional,
            ),
            (
                "USE1-Claude4.5Sonnet-output-tokens-batch",
                Some("Claude4.5Sonnet"),
                Output,
                Batch,
                Regional,
            ),
            (
                "USE1-Claude3Sonnet-input-tokens",
                Some("Claude3Sonnet"),
                Input,
                Standard,
                Regional,
            ),
            (
                "USE1-Llama4-Maverick-17B-input-tokens-batch",
                Some("Llama4-Maverick-17B"),
                Input,
                Batch,
                Regional,
            ),
            (
                "USE1-GPT-OSS-Safeguard-20B-input-tokens-priority",
                Some("GPT-OSS-Safeguard-20B"),
                Input,
                Priority,
                Regional,
            ),
            (
                "USE1-Gemma-3-4B-IT-input-tokens-flex",
                Some("Gemma-3-4B-IT"),
                Input,
                Flex,
                Regional,
            ),
            (
                "USE1-Nova2.0Lite-input-tokens-cross-region-global-batch",
                Some("Nova2.0Lite"),
                Input,
                Batch,
                CrossRegionGlobal,
            ),
            (
                "USE1-Nova2.0Pro-text-input-tokens-priority-cross-region-global",
                Some("Nova2.0Pro"),
                Input,
                Priority,
                CrossRegionGlobal,
            ),
            (
                "USE1-Llama3-2-1B-output-tokens",
                Some("Llama3-2-1B"),
                Output,
                Standard,
                Regional,
            ),
            (
                "USE1-NovaPro-cache-read-input-token-count",
                Some("NovaPro"),
                CacheRead,
                Standard,
                Regional,
            ),
            (
                "USW2-Claude4.5Haiku-cache-write-input-token-count",
                Some("Claude4.5Haiku"),
                CacheWrite,
                Standard,
                Regional,
            ),
            (
                "USE1-qwen.qwen3-32b-mantle-input-tokens-standard",
                Some("qwen.qwen3-32b"),
                Input,
                Standard,
                Regional,
            ),
            (
                "USE1-qwen.qwen3-coder-next-cache-write-tokens",
                Some("qwen.qwen3-coder-next"),
                CacheWrite,
                Standard,
                Regional,
            ),
            (
                "USE1-Qwen3-32B-output-tokens-flex",
                Some("Qwen3-32B"),
                Output,
                Flex,
                Regional,
            ),
            (
                "USE1-MP:USE1_InputTokenCount-Units",
                None,
                Input,
                Standard,
                Regional,
            ),
            (
                "EUC1-MP:EUC1_OutputTokenCount-Units",
                None,
                Output,
                Standard,
                Regional,
            ),
            (
                "USE1-MP:USE1_InputTokenCount_Global-Units",
                None,
                Input,
                Standard,
                CrossRegionGlobal,
            ),
            (
                "USE1-MP:USE1_CacheReadInputTokenCount-Units",
                None,
                CacheRead,
                Standard,
                Regional,
            ),
            (
                "USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units",
                None,
                CacheWrite,
                Standard,
                CrossRegionGlobal,
            ),
            (
                "USE1-MP:USE1_cache_read_tokens_global_standard-Units",
                None,
                CacheRead,
                Standard,
                CrossRegionGlobal,
            ),
        ];
        for (usage_type, model, kind, tier, routing) in table {
            let got = classify(usage_type).unwrap_or_else(|e| panic!("{usage_type}: {e}"));
            assert_eq!(got.model.as_deref(), model, "{usage_type}");
            assert_eq!(
                (got.kind, got.tier, got.routing),
                (kind, tier, routing),
                "{usage_type}"
            );
            assert_eq!(got.marketplace, model.is_none(), "{usage_type}");
        }
        let snake = classify("USE1-MP:USE1_output_tokens_standard-Units").unwrap();
        assert_eq!((snake.kind, snake.tier), (Output, Standard));
    }

    #[test]
    fn other_bedrock_usage_is_not_token_traffic() {
        for usage_type in [
            "USE1-Nova2.0Pro-input-image-token-count-cross-region-global",
            "USE1-NovaPro-cache-write-input-token-count-custom-model",
            "USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed",
            "USE1-cohere.rerank-english-v3-search-units",
            "USE1-ProvisionedThroughput-ModelUnits",
            "USE1-MP:USE1_Cohere_Embed_V4-Units",
            "USE1-MP:USE1_InputTokenCount_Reserved-Units",
            "",
        ] {
            assert!(classify(usage_type).is_err(), "{usage_type}");
        }
    }
}
