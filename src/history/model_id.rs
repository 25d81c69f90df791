//! Bedrock model ids as CloudWatch's `ModelId` dimension and the console show them — ARNs,
//! cross-region inference profiles (`us.`, `eu.`, `apac.`, `global.` …), provider prefixes and
//! version suffixes — normalised to the rate-card key (docs/model.md §7: `claude-sonnet-4.5`, `nova-pro`,
//! `llama-3.3-70b` …).

use crate::ratecard::RateCard;

/// Geographic prefixes of cross-region inference profiles.
const GEO_PREFIXES: [&str; 8] = ["us-gov", "global", "apac", "us", "eu", "ca", "jp", "au"];
/// Provider prefixes of foundation-model ids.
const PROVIDERS: [&str; 8] = [
    "anthropic",
    "amazon",
    "meta",
    "mistral",
    "cohere",
    "ai21",
    "deepseek",
    "writer",
];
/// Names whose release tag the generic rules cannot map (Bedrock id stem → rate-card key).
const ALIASES: [(&str, &str); 4] = [
    ("mistral-large-2407", "mistral-large-2"),
    ("llama-3.2-90b", "llama-3.2-90b-vision"),
    ("jamba-1.5-large", "ai21-jamba-1.5-large"),
    ("command-r-plus", "cohere-command-r-plus"),
];

/// The rate-card key of `id`, or an error listing the card's keys.
pub fn rate_card_key(id: &str, card: &RateCard) -> Result<String, String> {
    let id = id.trim();
    if card.models.contains_key(id) {
        return Ok(id.to_string());
    }
    let (provider, stem) = stem(id);
    let mut candidates = vec![stem.clone()];
    if let Some(p) = provider {
        candidates.push(format!("{p}-{stem}"));
    }
    candidates.extend(
        ALIASES
            .iter()
            .filter(|(from, _)| *from == stem)
            .map(|(_, to)| to.to_string()),
    );
    candidates
        .into_iter()
        .find(|c| card.models.contains_key(c))
        .ok_or_else(|| {
            format!(
                "model '{id}' (read as '{stem}') is not in the rate card; expected one of: {}{}",
                card.keys(),
                crate::suggest::did_you_mean(&stem, card.models.keys().map(String::as_str))
            )
        })
}

/// The provider and the normalised stem of a model id: lower case, the ARN's resource, geographic
/// and provider prefixes, `:N`, `-vN`, `-instruct` and date suffixes removed, version numbers
/// written with dots (`claude-3-5-sonnet` → `claude-3.5-sonnet`, `llama3-3-70b` → `llama-3.3-70b`).
pub fn stem(id: &str) -> (Option<&'static str>, String) {
    let mut s = id.trim().to_ascii_lowercase();
    if let Some(i) = s.rfind('/') {
        s = s[i + 1..].to_string();
    }
    if let Some((head, rest)) = s.split_once('.')
        && GEO_PREFIXES.contains(&head)
        && rest.contains('.')
    {
        s = rest.to_string();
    }
    let mut provider = None;
    if let Some((head, rest)) = s.split_once('.')
        && let Some(p) = PROVIDERS.iter().find(|p| **p == head)
    {
        provider = Some(*p);
        s = rest.to_string();
    }
    if let Some(i) = s.rfind(':')
        && s[i + 1..].chars().all(|c| c.is_ascii_digit())
    {
        s.truncate(i);
    }
    loop {
        let before = s.len();
        if let Some(i) = s.rfind('-') {
            let tail = &s[i + 1..];
            let version = tail.len() >= 2
                && tail.starts_with('v')
                && tail[1..].chars().all(|c| c.is_ascii_digit());
            let date = tail.len() == 8 && tail.chars().all(|c| c.is_ascii_digit());
            if version || date || tail == "instruct" {
                s.truncate(i);
            }
        }
        if s.len() == before {
            break;
        }
    }
    (provider, dotted(&s))
}

/// `a-3-5-b` → `a-3.5-b`: a dash between a number and a one-digit number that ends the name or
/// a dash-separated part is a version dot; `llama3` becomes `llama-3`.
fn dotted(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let dot = c == '-'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && chars.get(i + 2).is_none_or(|n| *n == '-');
        out.push(if dot { '.' } else { c });
    }
    if let Some(rest) = out.strip_prefix("llama")
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        out = format!("llama-{rest}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_model_gets_the_closest_key() {
        let card = RateCard::shipped();
        let e = rate_card_key("claude-sonet-4.5", &card).unwrap_err();
        assert!(e.ends_with("did you mean `claude-sonnet-4.5`?"), "{e}");
    }

    #[test]
    fn bedrock_ids_map_to_rate_card_keys() {
        let card = RateCard::shipped();
        let key = |id: &str| rate_card_key(id, &card).unwrap();
        assert_eq!(
            key("anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "claude-sonnet-4.5"
        );
        assert_eq!(
            key("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "claude-sonnet-4.5"
        );
        assert_eq!(
            key("global.anthropic.claude-haiku-4-5-20251001-v1:0"),
            "claude-haiku-4.5"
        );
        assert_eq!(
            key(
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0"
            ),
            "claude-3.5-sonnet"
        );
        assert_eq!(
            key(
                "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"
            ),
            "claude-3.5-haiku"
        );
        assert_eq!(key("apac.amazon.nova-pro-v1:0"), "nova-pro");
        assert_eq!(key("meta.llama3-3-70b-instruct-v1:0"), "llama-3.3-70b");
        assert_eq!(key("us.meta.llama3-1-405b-instruct-v1:0"), "llama-3.1-405b");
        assert_eq!(key("mistral.mistral-large-2407-v1:0"), "mistral-large-2");
        assert_eq!(
            key("anthropic.claude-opus-4-1-20250805-v1:0"),
            "claude-opus-4.1"
        );
        assert_eq!(key("claude-sonnet-4.5"), "claude-sonnet-4.5");
    }

    #[test]
    fn unknown_ids_say_how_they_were_read() {
        let e = rate_card_key("us.acme.widget-9-v1:0", &RateCard::shipped()).unwrap_err();
        assert!(e.contains("read as 'acme.widget-9'"), "{e}");
        assert!(e.contains("claude-sonnet-4.5"), "{e}");
    }
}
