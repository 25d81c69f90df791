//! LiteLLM's `model_prices_and_context_window.json` → a rate card (docs/model.md §3, issue 7). Only
//! the Bedrock chat entries in their base, in-region form (`anthropic.claude-…-v1:0`) are taken;
//! cross-region (`us.`, `eu.`, `global.` …) and `bedrock/<region>/…` variants, other providers and
//! other modes are skipped and counted. Prices per token become prices per million tokens; every
//! model's `source` names the entry and says which numbers were defaulted. Capacity products, which
//! LiteLLM does not list, are carried over from the shipped card for models it has.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::feed::{FeedModel, Import, Quoted, round_price};
use super::{ModelRates, RateCard};
use crate::history::model_id;

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
        let rates = feed_model(id, &key, &entry, input, output).into_rates(&shipped);
        models.insert(key, rates);
    }
    if models.is_empty() {
        return Err("no Bedrock chat entry with input and output prices found".to_string());
    }
    let note = format!(
        "Imported by `ptsim rates import-litellm` from {} Bedrock entries; capacity products \
         carried over from the shipped card of {}.",
        models.len(),
        shipped.date
    );
    Ok(Import::new(
        date.to_string(),
        "in-region Bedrock prices as LiteLLM lists them (base model ids)".to_string(),
        note,
        models,
        skipped,
        "other providers, modes, regional variants, duplicates".to_string(),
    ))
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

/// The entry as the feed-neutral model that `feed` turns into rate-card prices.
fn feed_model(id: &str, key: &str, entry: &Entry, input: f64, output: f64) -> FeedModel {
    let quoted = |field: &str, per_token: f64| Quoted {
        value: per_mtok(per_token),
        origin: format!("from {field} {per_token:e}"),
    };
    FeedModel {
        key: key.to_string(),
        name: key.to_string(),
        provider: model_id::stem(id).0.unwrap_or("unknown").to_string(),
        entry: format!("LiteLLM entry '{id}'"),
        input: quoted("input_cost_per_token", input),
        output: quoted("output_cost_per_token", output),
        batch_input: entry
            .input_cost_per_token_batches
            .map(|c| quoted("input_cost_per_token_batches", c)),
        batch_output: entry
            .output_cost_per_token_batches
            .map(|c| quoted("output_cost_per_token_batches", c)),
        cache_read: entry
            .cache_read_input_token_cost
            .map(|c| quoted("cache_read_input_token_cost", c)),
        priority_multiplier: None,
        model_unit: None,
        reserved_tier: None,
    }
}

/// USD per token → USD per million tokens, rounded to 10 decimals.
fn per_mtok(usd_per_token: f64) -> f64 {
    round_price(usd_per_token * 1e6)
}
