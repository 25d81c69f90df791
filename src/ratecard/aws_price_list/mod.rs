//! The AWS Price List offer file of Amazon Bedrock
//! (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonBedrock/current/[<region>/]index.json`)
//! → a rate card for one region (docs/model.md §3, issue 7).
//!
//! Verified (December 2026) against public code and notes that read the live Price List for
//! `AmazonBedrock` (get-products records, which carry the same per-SKU product and terms as the
//! offer file): `product.attributes`, `terms.OnDemand.<term>.priceDimensions.<rate>` with `unit`
//! and `pricePerUnit.USD` as a decimal string; the attributes `usagetype`, `regionCode`, `model`,
//! `provider`, `inferenceType`, `feature`; usage types `<REGION>-<Model>-input-tokens`,
//! `-output-tokens`, `-input-tokens-batch`, `-output-tokens-batch`, `-input-tokens-priority`,
//! `-input-tokens-flex`, `-cache-read-input-token-count`, `-cache-write-input-token-count`,
//! `…-cross-region-global`, `…-custom-model`, `…-long-context…`, `…-reserved-1-month-…` (feature
//! `Reserved - 1 Month`) and `<REGION>-<Model>-ProvisionedThroughput-NoCommit-ModelUnits` /
//! `-1month-ModelUnits`, priced per hour; token prices in `1K tokens` (the Marketplace-sold models
//! of the separate `AmazonBedrockFoundationModels` offer quote per million tokens in opaque
//! `Units`: not read here).
//!
//! Assumed, not seen in a Bedrock file: the offer file's top level (`offerCode`, `version`,
//! `publicationDate`, `products.<SKU>`, `terms.OnDemand.<SKU>.<term>`) as AWS's bulk offer format
//! has it for every service; the six-month and one-year model-unit usage types (`-6month-`, `-1year-`),
//! the spelling of the hourly unit (any unit saying `hour` or `Hrs`), `1M tokens` units in this
//! offer (read if present), and that model-unit SKUs are priced under `terms.OnDemand` like the
//! rest (SKUs priced only under other term types are skipped and counted). The usage type, not
//! `inferenceType`, decides what a product prices; `productFamily` is not read.
//!
//! Per model: on-demand input and output, batch, cache reads and the priority multiplier (priority
//! input ÷ on-demand input) where the offer prices them, else the defaults of docs/model.md §3 (see
//! `feed`); model-unit hourly prices where it has them, with the shipped card's throughput; and
//! Reserved-tier prices per 1K TPM (`-reserved-1-month-input-tokens-per-minute`, unit `1K TPM Hour`
//! as one public Price-List reader's tests quote it; assumed, with `… Month` read too) scaled to a
//! month.

#[cfg(test)]
mod tests;
mod usage_type;

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::feed::{FeedModel, FeedReservedPrices, FeedUnitPrices, Import, Quoted, round_price};
use super::{RateCard, Term};
use usage_type::Dimension;

/// The offer file (the fields ptsim reads).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Offer {
    version: Option<String>,
    publication_date: Option<String>,
    #[serde(default)]
    products: BTreeMap<String, Product>,
    /// Term type (`OnDemand`, `Reserved`) → SKU → offer term code → term.
    #[serde(default)]
    terms: BTreeMap<String, BTreeMap<String, BTreeMap<String, OfferTerm>>>,
}

#[derive(Debug, Deserialize)]
struct Product {
    #[serde(default)]
    attributes: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OfferTerm {
    #[serde(default)]
    price_dimensions: BTreeMap<String, PriceDimension>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriceDimension {
    unit: Option<String>,
    #[serde(default)]
    price_per_unit: BTreeMap<String, Value>,
}

/// One price taken from the offer.
#[derive(Debug)]
struct Found {
    /// USD per million tokens, or per unit-hour.
    value: f64,
    sku: String,
    usage_type: String,
    /// `0.0030000000 USD per 1K tokens`.
    quote: String,
}

impl Found {
    fn quoted(&self) -> Quoted {
        Quoted {
            value: self.value,
            origin: format!(
                "{} from SKU {} ({}: {})",
                self.value, self.sku, self.usage_type, self.quote
            ),
        }
    }
}

/// The products of one model (one usage-type model part) in the chosen region.
#[derive(Debug, Default)]
struct Group {
    model: Option<String>,
    provider: Option<String>,
    prices: BTreeMap<Dimension, Found>,
}

/// Reads the offer's JSON text into a rate card of `region` (None: the file's only region, else
/// us-east-1), dated `date` (None: the offer's publicationDate).
pub fn import(json: &str, region: Option<&str>, date: Option<&str>) -> Result<Import, String> {
    let offer = read_offer(json)?;
    let region = pick_region(&offer, region)?;
    let publication = offer.publication_date.as_deref().unwrap_or("unknown");
    let date = match date {
        Some(d) => d.to_string(),
        None => publication_day(offer.publication_date.as_deref())?,
    };
    let mut skipped = Vec::new();
    let mut other_regions = 0usize;
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (sku, product) in &offer.products {
        let attr = |name: &str| product.attributes.get(name).and_then(Value::as_str);
        let usage_type = attr("usagetype").unwrap_or_default();
        match attr("regionCode") {
            None => {
                skipped.push(format!("{sku} ({usage_type}): no regionCode"));
                continue;
            }
            Some(r) if r != region => {
                other_regions += 1;
                continue;
            }
            Some(_) => {}
        }
        let (slug, dimension) =
            match usage_type::classify(usage_type, attr("feature").unwrap_or_default()) {
                Ok(c) => c,
                Err(why) => {
                    skipped.push(format!("{sku} ({usage_type}): {why}"));
                    continue;
                }
            };
        let found = match price(&offer, sku, usage_type, dimension)? {
            Ok(found) => found,
            Err(why) => {
                skipped.push(format!("{sku} ({usage_type}): {why}"));
                continue;
            }
        };
        let group = groups.entry(slug).or_default();
        group.model = group.model.take().or(attr("model")
            .or_else(|| attr("titanModel"))
            .map(str::to_string));
        group.provider = group.provider.take().or(attr("provider")
            .filter(|p| !p.is_empty())
            .map(str::to_string));
        if let Some(first) = group.prices.get(&dimension) {
            skipped.push(format!(
                "{sku} ({usage_type}): a second price for what SKU {} ({}) prices, taken first",
                first.sku, first.usage_type
            ));
            continue;
        }
        group.prices.insert(dimension, found);
    }
    let shipped = RateCard::shipped();
    let entry = format!(
        "AWS Price List offer AmazonBedrock {} (publicationDate {publication}), {region}",
        offer.version.as_deref().unwrap_or("(no version)")
    );
    let mut models = BTreeMap::new();
    for (slug, group) in groups {
        let key = usage_type::rate_card_key(group.model.as_deref(), &slug, &shipped);
        let Some(feed) = feed_model(&entry, &slug, &key, group) else {
            skipped.push(format!("{slug}: no on-demand input and output price"));
            continue;
        };
        if models.contains_key(&key) {
            skipped.push(format!(
                "{slug}: another model read as {key} was taken first"
            ));
            continue;
        }
        models.insert(key, feed.into_rates(&shipped));
    }
    if models.is_empty() {
        return Err(format!(
            "no model with on-demand input and output token prices in {region}"
        ));
    }
    let note = format!(
        "Imported by `ptsim rates import-aws-price-list` from the {entry}: {} models. Prices the \
         offer lacks are docs/model.md §3 defaults, said so in each model's source; model-unit throughput \
         (and any product the offer does not price) is carried over from the shipped card of {}.",
        models.len(),
        shipped.date
    );
    let kinds = format!(
        "token variants, other products, duplicates; besides, {other_regions} products of other \
         regions"
    );
    Ok(Import::new(
        date,
        region.to_string(),
        note,
        models,
        skipped,
        kinds,
    ))
}

/// The offer, or why the text is not an AmazonBedrock offer file.
fn read_offer(json: &str) -> Result<Offer, String> {
    /// The offer code alone: read first, cheaply (the rest is skipped, not kept), so that
    /// another service's offer is named as such rather than failing on some field.
    #[derive(Deserialize)]
    struct Head {
        #[serde(rename = "offerCode")]
        offer_code: Option<Value>,
    }
    let located = |e: serde_json::Error| match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not JSON: {e}")
        }
        _ => format!("not an AWS Price List offer file: {e}"),
    };
    if !json.trim_start().starts_with('{') {
        serde_json::from_str::<serde::de::IgnoredAny>(json).map_err(located)?;
        return Err("not an AWS Price List offer file (not a JSON object)".into());
    }
    let head: Head = serde_json::from_str(json).map_err(located)?;
    match head.offer_code.as_ref().and_then(Value::as_str) {
        None => return Err("not an AWS Price List offer file (no \"offerCode\")".into()),
        Some("AmazonBedrock") => {}
        Some(other) => {
            return Err(format!(
                "an AWS Price List offer of '{other}', not of AmazonBedrock"
            ));
        }
    }
    serde_json::from_str(json).map_err(located)
}

/// The region asked for, or the file's only one, or us-east-1 among several.
fn pick_region<'a>(offer: &'a Offer, asked: Option<&'a str>) -> Result<&'a str, String> {
    let regions: BTreeSet<&str> = offer
        .products
        .values()
        .filter_map(|p| p.attributes.get("regionCode").and_then(Value::as_str))
        .collect();
    let list = || regions.iter().copied().collect::<Vec<_>>().join(", ");
    match asked {
        Some(r) if regions.contains(r) => Ok(r),
        Some(r) => Err(format!(
            "no product of region '{r}' in the offer; it has: {}",
            list()
        )),
        None if regions.len() == 1 => Ok(regions.first().copied().unwrap_or_default()),
        None if regions.contains("us-east-1") => Ok("us-east-1"),
        None if regions.is_empty() => Err("no product with a regionCode in the offer".into()),
        None => Err(format!(
            "the offer holds several regions ({}); pick one with --region",
            list()
        )),
    }
}

/// `2026-11-20T21:04:11Z` → `2026-11-20`.
fn publication_day(publication: Option<&str>) -> Result<String, String> {
    publication
        .and_then(|p| p.get(..10))
        .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        .map(str::to_string)
        .ok_or_else(|| {
            format!("publicationDate {publication:?} is not a date (YYYY-MM-DD…); pass --date")
        })
}

/// The product's on-demand price scaled to the card's unit (Ok(Ok)), a reason to skip it
/// (Ok(Err)), or an error naming the SKU and field when the offer itself is wrong (Err).
fn price(
    offer: &Offer,
    sku: &str,
    usage_type: &str,
    dimension: Dimension,
) -> Result<Result<Found, String>, String> {
    let Some(terms) = offer.terms.get("OnDemand").and_then(|t| t.get(sku)) else {
        let elsewhere: Vec<&str> = offer
            .terms
            .iter()
            .filter(|(_, by_sku)| by_sku.contains_key(sku))
            .map(|(kind, _)| kind.as_str())
            .collect();
        return Ok(Err(if elsewhere.is_empty() {
            "no price in the offer".to_string()
        } else {
            format!("priced only under terms.{}", elsewhere.join(", terms."))
        }));
    };
    let dimensions: Vec<(String, &PriceDimension)> = terms
        .iter()
        .flat_map(|(code, term)| {
            term.price_dimensions.iter().map(move |(rate, d)| {
                (
                    format!("terms.OnDemand.{sku}.{code}.priceDimensions.{rate}"),
                    d,
                )
            })
        })
        .collect();
    let [(place, dim)] = dimensions.as_slice() else {
        return Ok(Err(format!(
            "{} on-demand price dimensions (tiered?), not imported",
            dimensions.len()
        )));
    };
    let at = |what: String| format!("product {sku} ({usage_type}): {place}.{what}");
    let raw = match dim.price_per_unit.get("USD") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => return Err(at(format!("pricePerUnit.USD is {other}, not a number"))),
        None => return Err(at("pricePerUnit has no USD price".into())),
    };
    let usd: f64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|p: &f64| p.is_finite() && *p >= 0.0)
        .ok_or_else(|| at(format!("pricePerUnit.USD is '{raw}', not a price")))?;
    let unit = dim.unit.as_deref().unwrap_or_default();
    let value = if dimension.is_token_price() {
        let tokens = usage_type::tokens_per_unit(unit).ok_or_else(|| {
            at(format!(
                "unit '{unit}' of a token price is not one ptsim reads (e.g. '1K tokens', \
                 '1M tokens')"
            ))
        })?;
        round_price(usd * (1e6 / tokens))
    } else if let Dimension::Reserved { .. } = dimension {
        let months = usage_type::reserved_months_per_unit(unit).ok_or_else(|| {
            at(format!(
                "unit '{unit}' of a Reserved-tier price is not one ptsim reads (e.g. '1K TPM \
                 Hour', '1K TPM Month')"
            ))
        })?;
        round_price(usd / months)
    } else if usage_type::is_hourly(unit) {
        usd
    } else {
        return Err(at(format!(
            "unit '{unit}' of a model-unit price is not an hour"
        )));
    };
    Ok(Ok(Found {
        value,
        sku: sku.to_string(),
        usage_type: usage_type.to_string(),
        quote: format!("{raw} USD per {unit}"),
    }))
}

/// The group as a feed model, or None without on-demand input and output prices.
fn feed_model(entry: &str, slug: &str, key: &str, mut group: Group) -> Option<FeedModel> {
    let input = group.prices.remove(&Dimension::Input)?;
    let output = group.prices.remove(&Dimension::Output)?;
    let mut take = |d: Dimension| group.prices.remove(&d);
    let priority = [
        (take(Dimension::PriorityInput), &input),
        (take(Dimension::PriorityOutput), &output),
    ];
    let priority_multiplier = priority
        .iter()
        .filter_map(|(p, base)| p.as_ref().map(|p| (p, *base)))
        .find(|(_, base)| base.value > 0.0)
        .map(|(p, base)| Quoted {
            value: round_price(p.value / base.value),
            origin: format!(
                "{} = SKU {} ({}) {} / SKU {} {} per million tokens",
                round_price(p.value / base.value),
                p.sku,
                p.usage_type,
                p.value,
                base.sku,
                base.value
            ),
        });
    let units = FeedUnitPrices {
        no_commit: take(Dimension::ModelUnit(Term::NoCommit)).map(|f| f.quoted()),
        one_month: take(Dimension::ModelUnit(Term::OneMonth)).map(|f| f.quoted()),
        three_month: take(Dimension::ModelUnit(Term::ThreeMonth)).map(|f| f.quoted()),
        six_month: take(Dimension::ModelUnit(Term::SixMonth)).map(|f| f.quoted()),
        one_year: take(Dimension::ModelUnit(Term::OneYear)).map(|f| f.quoted()),
    };
    let mut reserved =
        |term: Term, output: bool| take(Dimension::Reserved { term, output }).map(|f| f.quoted());
    let reserved = FeedReservedPrices {
        one_month_input: reserved(Term::OneMonth, false),
        one_month_output: reserved(Term::OneMonth, true),
        three_month_input: reserved(Term::ThreeMonth, false),
        three_month_output: reserved(Term::ThreeMonth, true),
    };
    let has_reserved = [
        &reserved.one_month_input,
        &reserved.one_month_output,
        &reserved.three_month_input,
        &reserved.three_month_output,
    ]
    .iter()
    .any(|q| q.is_some());
    let has_units = [
        &units.no_commit,
        &units.one_month,
        &units.three_month,
        &units.six_month,
        &units.one_year,
    ]
    .iter()
    .any(|q| q.is_some());
    Some(FeedModel {
        key: key.to_string(),
        name: group.model.clone().unwrap_or_else(|| slug.to_string()),
        provider: group
            .provider
            .clone()
            .unwrap_or_else(|| provider_of(group.model.as_deref(), slug)),
        entry: format!(
            "{entry}, model '{}' (usage types {slug}-…)",
            group.model.as_deref().unwrap_or(slug)
        ),
        input: input.quoted(),
        output: output.quoted(),
        batch_input: take(Dimension::BatchInput).map(|f| f.quoted()),
        batch_output: take(Dimension::BatchOutput).map(|f| f.quoted()),
        cache_read: take(Dimension::CacheRead).map(|f| f.quoted()),
        priority_multiplier,
        model_unit: has_units.then_some(units),
        reserved_tier: has_reserved.then_some(reserved),
    })
}

/// The provider of a model whose products name none: Amazon's own rows (Nova, Titan) carry no
/// `provider` attribute.
fn provider_of(model: Option<&str>, slug: &str) -> String {
    let name = model.unwrap_or(slug);
    if name.starts_with("Nova") || name.starts_with("Titan") {
        "Amazon".into()
    } else {
        "unknown".into()
    }
}
