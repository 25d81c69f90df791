//! `ptsim rates import-aws-price-list` on an excerpt of the AmazonBedrock offer file: every price
//! in the card is recomputed here from the offer's own strings and units.

use predicates::prelude::*;
use serde_json::Value;

use super::common::*;
use ptsim::ratecard::{RateCard, Term};

const FIXTURE: &str = "tests/fixtures/prices/aws-bedrock-offer.json";

/// The usage-type model parts of the excerpt and the rate-card keys they must become.
const MODELS: [(&str, &str); 4] = [
    ("Claude3.5Sonnet", "claude-3.5-sonnet"),
    ("NovaPro", "nova-pro"),
    ("Llama3-3-70B", "llama-3.3-70b"),
    ("Nova2.0Lite", "nova-2.0-lite"),
];

fn offer() -> Value {
    serde_json::from_slice(&std::fs::read(repo().join(FIXTURE)).unwrap()).unwrap()
}

/// The SKU of `usage_type` and its only on-demand price dimension.
fn sku_of<'a>(offer: &'a Value, usage_type: &str) -> (&'a str, &'a Value) {
    let (sku, _) = offer["products"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, p)| p["attributes"]["usagetype"] == usage_type)
        .unwrap_or_else(|| panic!("the excerpt has {usage_type}"));
    let term = offer["terms"]["OnDemand"][sku].as_object().unwrap();
    let dims = term.values().next().unwrap()["priceDimensions"]
        .as_object()
        .unwrap();
    (sku, dims.values().next().unwrap())
}

/// USD per million tokens (or per hour) from the dimension's price string and unit.
fn expected(dim: &Value) -> f64 {
    let usd: f64 = dim["pricePerUnit"]["USD"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    match dim["unit"].as_str().unwrap() {
        "1K tokens" => usd * 1000.0,
        "1M tokens" => usd,
        "Hrs" => usd,
        // A Reserved-tier price per 1K tokens-per-minute per hour: × 730 hours a month.
        "1K TPM Hour" => usd * 730.0,
        other => panic!("the test knows no unit {other}"),
    }
}

/// The offer with `edit` applied to the price dimensions of `sku`.
fn with_dimension(offer: &Value, sku: &str, edit: impl Fn(&mut Value)) -> Value {
    let mut offer = offer.clone();
    let terms = offer["terms"]["OnDemand"][sku].as_object_mut().unwrap();
    for term in terms.values_mut() {
        term["priceDimensions"]
            .as_object_mut()
            .unwrap()
            .values_mut()
            .for_each(&edit);
    }
    offer
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs()
}

fn import(args: &[&str], out: &std::path::Path) -> assert_cmd::assert::Assert {
    ptsim()
        .args(["rates", "import-aws-price-list"])
        .arg(repo().join(FIXTURE))
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
}

fn read_card(path: &std::path::Path) -> RateCard {
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn aws_offer_prices_round_trip_into_a_rate_card() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("card.toml");
    import(&[], &out).success().stderr(
        predicates::str::contains("4 models imported, 6 entries skipped")
            .and(predicates::str::contains("2 products of other regions")),
    );
    let card = read_card(&out);
    assert_eq!(
        (card.date.as_str(), card.region.as_str()),
        ("2026-11-20", "us-east-1")
    );
    assert_eq!(card.models.len(), 4);
    let offer = offer();
    let mut checked = 0;
    for (part, key) in MODELS {
        let model = &card.models[key];
        let fields: [(&str, f64); 5] = [
            ("input-tokens", model.input_per_mtok),
            ("output-tokens", model.output_per_mtok),
            ("input-tokens-batch", model.batch_input_per_mtok.unwrap()),
            ("output-tokens-batch", model.batch_output_per_mtok.unwrap()),
            ("cache-read-input-token-count", model.cache_read_per_mtok),
        ];
        for (suffix, got) in fields {
            let usage_type = format!("USE1-{part}-{suffix}");
            if !offer.to_string().contains(&format!("\"{usage_type}\"")) {
                continue;
            }
            let (sku, dim) = sku_of(&offer, &usage_type);
            assert!(
                close(got, expected(dim)),
                "{usage_type}: {got} vs {}",
                expected(dim)
            );
            assert!(
                model.source.contains(&format!("SKU {sku} ({usage_type}")),
                "{}",
                model.source
            );
            checked += 1;
        }
        assert!(
            model
                .source
                .contains("publicationDate 2026-11-20T21:04:11Z")
        );
    }
    assert_eq!(checked, 13, "every token price of the excerpt was compared");

    // 1K-token quotes scale ×1000, 1M-token quotes are taken as they are.
    assert!(close(card.models["claude-3.5-sonnet"].input_per_mtok, 3.0));
    assert!(close(card.models["nova-pro"].output_per_mtok, 3.2));
    // Batch absent: 50% of on-demand, and the source says so.
    let llama = &card.models["llama-3.3-70b"];
    assert_eq!(llama.batch_input_per_mtok, Some(0.5 * llama.input_per_mtok));
    assert_eq!(
        llama.batch_output_per_mtok,
        Some(0.5 * llama.output_per_mtok)
    );
    assert!(
        llama
            .source
            .contains("batch input: not in the feed, 50% of on-demand")
    );
    let nova = &card.models["nova-pro"];
    assert_eq!(nova.batch_output_per_mtok, Some(0.5 * nova.output_per_mtok));
    assert!(
        nova.source.contains("batch output: not in the feed, 50%"),
        "{}",
        nova.source
    );
    // Cache reads absent: at the input price, said so.
    assert_eq!(llama.cache_read_per_mtok, llama.input_per_mtok);
    assert!(
        llama
            .source
            .contains("cache read: not in the feed, at the input price")
    );
    // Priority: the priority SKU's ratio, else the default of docs/model.md §3, labelled.
    let (_, priority) = sku_of(&offer, "USE1-Llama3-3-70B-input-tokens-priority");
    let (_, base) = sku_of(&offer, "USE1-Llama3-3-70B-input-tokens");
    assert!(close(
        llama.priority_multiplier,
        expected(priority) / expected(base)
    ));
    assert!(
        llama
            .source
            .contains("(USE1-Llama3-3-70B-input-tokens-priority)")
    );
    let claude = &card.models["claude-3.5-sonnet"];
    assert_eq!(claude.priority_multiplier, 1.75);
    assert!(
        claude
            .source
            .contains("priority multiplier 1.75: docs/model.md §3 default")
    );

    // Model units: the offer's hourly prices with the shipped card's throughput; terms it does
    // not price are left out; no throughput known, no product.
    let shipped = RateCard::shipped();
    let unit = llama.model_unit.as_ref().unwrap();
    let shipped_unit = shipped.models["llama-3.3-70b"].model_unit.as_ref().unwrap();
    for (term, got) in [
        ("NoCommit", unit.no_commit),
        ("1month", unit.one_month),
        ("6month", unit.six_month),
    ] {
        let (_, dim) = sku_of(
            &offer,
            &format!("USE1-Llama3-3-70B-ProvisionedThroughput-{term}-ModelUnits"),
        );
        assert!(close(got.unwrap(), expected(dim)), "{term}");
    }
    assert_eq!(unit.one_year, None);
    assert_eq!(
        unit.input_tokens_per_minute,
        shipped_unit.input_tokens_per_minute
    );
    assert!(unit.source.contains("CARRIED OVER from the shipped card"));
    let lite = &card.models["nova-2.0-lite"];
    assert!(lite.model_unit.is_none());
    assert!(
        lite.source.contains("publishes no throughput"),
        "{}",
        lite.source
    );
    // The Reserved tier: the offer's per-1K-TPM-hour prices × 730 a month; the shipped card has
    // no Reserved tier for 3.5 Sonnet, so one unit is the minimum reservation, 100K + 10K TPM.
    let reserved = claude.reserved_tier.as_ref().unwrap();
    let per_1k = reserved
        .per_1k_tpm_month
        .as_ref()
        .unwrap()
        .one_month
        .unwrap();
    for (kind, got) in [("input", per_1k.input), ("output", per_1k.output)] {
        let (sku, dim) = sku_of(
            &offer,
            &format!("USE1-Claude3.5Sonnet-reserved-1-month-{kind}-tokens-per-minute"),
        );
        assert!(close(got, expected(dim)), "{kind}: {got}");
        assert!(reserved.source.contains(sku), "{}", reserved.source);
    }
    assert_eq!(
        (
            reserved.input_tokens_per_minute,
            reserved.output_tokens_per_minute
        ),
        (100_000.0, 10_000.0)
    );
    // (100 × 0.09 + 10 × 0.45) × 730 / 730 = $13.50 a block-hour.
    assert!(close(reserved.hourly_price(Term::OneMonth).unwrap(), 13.5));
    assert_eq!(reserved.hourly_price(Term::ThreeMonth), None);
    // Models the offer prints no unit for keep the shipped card's.
    assert_eq!(
        claude.model_unit.as_ref().unwrap().one_month,
        shipped.models["claude-3.5-sonnet"]
            .model_unit
            .as_ref()
            .unwrap()
            .one_month
    );
}

#[test]
fn aws_offer_region_and_date_flags() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("eu.toml");
    import(&["--region", "eu-west-1", "--date", "2026-12-01"], &out).success();
    let card = read_card(&out);
    assert_eq!(
        (card.date.as_str(), card.region.as_str()),
        ("2026-12-01", "eu-west-1")
    );
    assert_eq!(card.models.keys().collect::<Vec<_>>(), ["nova-pro"]);
    let offer = offer();
    let (sku, dim) = sku_of(&offer, "EU-NovaPro-input-tokens");
    assert!(close(card.models["nova-pro"].input_per_mtok, expected(dim)));
    assert!(card.models["nova-pro"].source.contains(sku));
    let (_, dim) = sku_of(&offer, "EU-NovaPro-output-tokens");
    assert!(close(
        card.models["nova-pro"].output_per_mtok,
        expected(dim)
    ));

    // Printed to stdout without --out, the same card.
    let assert = ptsim()
        .args([
            "rates",
            "import-aws-price-list",
            "--region",
            "eu-west-1",
            "--date",
            "2026-12-01",
        ])
        .arg(repo().join(FIXTURE))
        .assert()
        .success();
    let printed: RateCard =
        toml::from_str(&String::from_utf8_lossy(&assert.get_output().stdout)).unwrap();
    assert_eq!(
        printed.models["nova-pro"].input_per_mtok,
        card.models["nova-pro"].input_per_mtok
    );

    let missing = dir.path().join("none.toml");
    import(&["--region", "ap-south-1"], &missing)
        .code(2)
        .stderr(predicates::str::contains(
            "no product of region 'ap-south-1' in the offer; it has: eu-west-1, us-east-1",
        ));
    assert!(!missing.exists());
}

#[test]
fn aws_offer_errors_exit_2_name_the_place_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let offer = offer();
    let (price_sku, _) = sku_of(&offer, "USE1-Claude3.5Sonnet-output-tokens");
    let (unit_sku, _) = sku_of(&offer, "USE1-NovaPro-input-tokens");
    let bad_price = with_dimension(&offer, price_sku, |d| {
        d["pricePerUnit"]["USD"] = "0.015O".into()
    });
    let bad_unit = with_dimension(&offer, unit_sku, |d| d["unit"] = "1M characters".into());
    let (reserved_sku, _) = sku_of(
        &offer,
        "USE1-Claude3.5Sonnet-reserved-1-month-input-tokens-per-minute",
    );
    let bad_reserved = with_dimension(&offer, reserved_sku, |d| d["unit"] = "1K tokens".into());
    let mut ec2 = offer.clone();
    ec2["offerCode"] = "AmazonEC2".into();
    let cases = [
        (
            "bad-price.json",
            bad_price.to_string(),
            vec![
                format!("product {price_sku} (USE1-Claude3.5Sonnet-output-tokens)"),
                "pricePerUnit.USD is '0.015O', not a price".to_string(),
            ],
        ),
        (
            "bad-unit.json",
            bad_unit.to_string(),
            vec![
                format!("product {unit_sku} (USE1-NovaPro-input-tokens)"),
                "unit '1M characters' of a token price".to_string(),
            ],
        ),
        (
            "bad-reserved-unit.json",
            bad_reserved.to_string(),
            vec![
                format!(
                    "product {reserved_sku} \
                     (USE1-Claude3.5Sonnet-reserved-1-month-input-tokens-per-minute)"
                ),
                "unit '1K tokens' of a Reserved-tier price".to_string(),
            ],
        ),
        (
            "ec2.json",
            ec2.to_string(),
            vec!["an AWS Price List offer of 'AmazonEC2', not of AmazonBedrock".to_string()],
        ),
        (
            "list.json",
            "[1, 2]".to_string(),
            vec!["not an AWS Price List offer file".to_string()],
        ),
        (
            "broken.json",
            "{\"offerCode\": ".to_string(),
            vec!["not JSON".to_string()],
        ),
    ];
    for (name, text, messages) in cases {
        let file = write(dir.path(), name, &text);
        let out = dir.path().join(format!("{name}.toml"));
        let assert = ptsim()
            .args(["rates", "import-aws-price-list"])
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(stderr.contains(name), "{name}: {stderr}");
        for m in messages {
            assert!(stderr.contains(&m), "{name}: expected '{m}' in {stderr}");
        }
        assert!(!out.exists(), "{name}: nothing written");
    }
}
