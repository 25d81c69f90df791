//! LiteLLM's `model_prices_and_context_window.json` → a rate card (SPEC §3, issue 7). Only the
//! Bedrock chat entries in their base, in-region form (`anthropic.claude-…-v1:0`) are taken;
//! cross-region (`us.`, `eu.`, `global.` …) and `bedrock/<region>/…` variants, other providers and
//! other modes are skipped and counted. Prices per token become prices per million tokens; every
//! model's `source` names the entry and says which numbers were defaulted. Capacity products,
//! which LiteLLM does not list, are carried over from the shipped card for models it has.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ModelRates, RateCard};
use crate::history::model_id;

/// The priority multiplier when a feed gives none (SPEC §3 default).
const DEFAULT_PRIORITY_MULTIPLIER: f64 = 1.75;

/// One entry of the LiteLLM file (the fields ptsim reads; the rest are ignored).
#[derive(Debug, Deserialize)]
struct Entry {
    litellm_provider: Option<String>,
    mode: Option<String>,
    input_cost_per_token: Option<f64>,
    output_cost_per_token: Option<f64>,
    input_cost_per_token_batches: Option<f64>,
    output_cost_per_token_batches: Option<f64>,
    cache_read_input_token_cost: Option<f64>,
}

/// What an import made and what it left out.
#[derive(Debug)]
pub struct Import {
    pub card: RateCard,
    /// Entries left out, with why (`key: reason`).
    pub skipped: Vec<String>,
}

/// Reads LiteLLM JSON text into a rate card dated `date`.
pub fn import(json: &str, date: &str) -> Result<Import, String> {
    let entries: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| format!("not a LiteLLM price file: {e}"))?;
    let shipped = RateCard::shipped();
    let mut models: BTreeMap<String, ModelRates> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (id, value) in &entries {
        let Ok(entry) = serde_json::from_value::<Entry>(value.clone()) else {
            skipped.push(format!("{id}: not a price entry"));
            continue;
        };
        if let Some(reason) = skip_reason(id, &entry) {
            skipped.push(format!("{id}: {reason}"));
            continue;
        }
        let (Some(input), Some(output)) = (entry.input_cost_per_token, entry.output_cost_per_token)
        else {
            skipped.push(format!("{id}: no input/output price"));
            continue;
        };
        let key = model_id::rate_card_key(id, &shipped).unwrap_or_else(|_| model_id::stem(id).1);
        if let Some(first) = models.get(&key) {
            skipped.push(format!(
                "{id}: another version of {key} was taken first ({})",
                first.source.split(':').next().unwrap_or_default()
            ));
            continue;
        }
        let rates = model_rates(id, &key, &entry, input, output, &shipped);
        models.insert(key, rates);
    }
    if models.is_empty() {
        return Err("no Bedrock chat entry with input and output prices found".to_string());
    }
    let card = RateCard {
        date: date.to_string(),
        currency: "USD".to_string(),
        region: "in-region Bedrock prices as LiteLLM lists them (base model ids)".to_string(),
        note: format!(
            "Imported by `ptsim rates import-litellm` from {} Bedrock entries; capacity products \
             carried over from the shipped card of {}.",
            models.len(),
            shipped.date
        ),
        models,
    };
    Ok(Import { card, skipped })
}

/// Why an entry is not imported, if it is not.
fn skip_reason(id: &str, entry: &Entry) -> Option<&'static str> {
    let provider = entry.litellm_provider.as_deref().unwrap_or_default();
    if !provider.starts_with("bedrock") {
        return Some("not a Bedrock entry");
    }
    if entry.mode.as_deref().is_some_and(|m| m != "chat") {
        return Some("not a chat model");
    }
    if id.contains('/') {
        return Some("a regional or routed variant (bedrock/…)");
    }
    if has_geo_prefix(id) {
        return Some("a cross-region inference profile (priced apart)");
    }
    None
}

/// `us.`, `eu.`, `global.` … before the provider.
fn has_geo_prefix(id: &str) -> bool {
    const GEO: [&str; 8] = ["us", "eu", "apac", "global", "us-gov", "ca", "jp", "au"];
    id.split_once('.')
        .is_some_and(|(head, _)| GEO.contains(&head))
}

fn model_rates(
    id: &str,
    key: &str,
    entry: &Entry,
    input: f64,
    output: f64,
    shipped: &RateCard,
) -> ModelRates {
    let mut notes = vec![format!(
        "input_cost_per_token {input:e}, output_cost_per_token {output:e}"
    )];
    let batch = match (
        entry.input_cost_per_token_batches,
        entry.output_cost_per_token_batches,
    ) {
        (Some(i), Some(o)) => {
            notes.push(format!("batch from *_batches ({i:e}, {o:e})"));
            (per_mtok(i), per_mtok(o))
        }
        _ => {
            notes.push(
                "batch: no *_batches in the entry, 50% of on-demand (SPEC §3 default)".into(),
            );
            (per_mtok(input) * 0.5, per_mtok(output) * 0.5)
        }
    };
    let cache_read = match entry.cache_read_input_token_cost {
        Some(c) => {
            notes.push(format!("cache_read_input_token_cost {c:e}"));
            per_mtok(c)
        }
        None => {
            notes.push("no cache_read_input_token_cost: cache reads at the input price".into());
            per_mtok(input)
        }
    };
    notes.push(format!(
        "priority multiplier {DEFAULT_PRIORITY_MULTIPLIER}: SPEC §3 default"
    ));
    let carried = shipped.models.get(key);
    if carried.is_some() {
        notes.push("capacity products: the shipped card's".into());
    }
    ModelRates {
        name: carried.map_or_else(|| key.to_string(), |m| m.name.clone()),
        provider: carried.map_or_else(
            || model_id::stem(id).0.unwrap_or("unknown").to_string(),
            |m| m.provider.clone(),
        ),
        input_per_mtok: per_mtok(input),
        output_per_mtok: per_mtok(output),
        batch: true,
        batch_input_per_mtok: Some(batch.0),
        batch_output_per_mtok: Some(batch.1),
        cache_read_per_mtok: cache_read,
        priority_multiplier: DEFAULT_PRIORITY_MULTIPLIER,
        source: format!("LiteLLM entry '{id}': {}", notes.join("; ")),
        model_unit: carried.and_then(|m| m.model_unit.clone()),
        reserved_tier: carried.and_then(|m| m.reserved_tier.clone()),
        azure_ptu: None,
    }
}

/// USD per token → USD per million tokens, rounded to 10 decimals (3e-06 is 3.0, not
/// 2.9999999999999996).
fn per_mtok(usd_per_token: f64) -> f64 {
    (usd_per_token * 1e6 * 1e10).round() / 1e10
}
