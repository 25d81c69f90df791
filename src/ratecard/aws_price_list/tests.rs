//! The offer reader on small hand-written offers: regions, dates, duplicates and the errors that
//! name the SKU and field.

use super::*;

/// An offer of `(sku, regionCode, usagetype, unit, USD)` products, all on-demand.
fn offer(products: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut p = serde_json::Map::new();
    let mut t = serde_json::Map::new();
    for (sku, region, usage_type, unit, usd) in products {
        p.insert(
            sku.to_string(),
            serde_json::json!({"sku": sku, "attributes": {"regionCode": region, "usagetype": usage_type}}),
        );
        t.insert(
            sku.to_string(),
            serde_json::json!({format!("{sku}.T"): {"priceDimensions": {format!("{sku}.T.R"):
                {"unit": unit, "pricePerUnit": {"USD": usd}}}}}),
        );
    }
    serde_json::json!({"offerCode": "AmazonBedrock", "version": "1",
        "publicationDate": "2026-11-20T21:04:11Z", "products": p, "terms": {"OnDemand": t}})
    .to_string()
}

const BASE: [(&str, &str, &str, &str, &str); 2] = [
    (
        "A",
        "us-east-1",
        "USE1-NovaMicro-input-tokens",
        "1K tokens",
        "0.000035",
    ),
    (
        "B",
        "us-east-1",
        "USE1-NovaMicro-output-tokens",
        "1K tokens",
        "0.00014",
    ),
];

#[test]
fn one_region_files_need_no_flag_and_several_default_to_us_east_1() {
    let only_eu = offer(&[
        (
            "A",
            "eu-west-1",
            "EU-NovaMicro-input-tokens",
            "1K tokens",
            "0.000046",
        ),
        (
            "B",
            "eu-west-1",
            "EU-NovaMicro-output-tokens",
            "1K tokens",
            "0.000184",
        ),
    ]);
    let card = import(&only_eu, None, None).unwrap().card;
    assert_eq!(card.region, "eu-west-1");
    assert_eq!(card.date, "2026-11-20");
    assert!((card.models["nova-micro"].input_per_mtok - 0.046).abs() < 1e-15);

    let mut both = BASE.to_vec();
    both.push((
        "C",
        "ap-south-1",
        "APS3-NovaMicro-input-tokens",
        "1K tokens",
        "1",
    ));
    let card = import(&offer(&both), None, Some("2027-01-01"))
        .unwrap()
        .card;
    assert_eq!(
        (card.region.as_str(), card.date.as_str()),
        ("us-east-1", "2027-01-01")
    );
    let e = import(&offer(&both), Some("sa-east-1"), None).unwrap_err();
    assert!(
        e.contains("'sa-east-1'") && e.contains("ap-south-1, us-east-1"),
        "{e}"
    );
}

#[test]
fn priority_from_output_when_input_has_none_and_duplicates_keep_the_first() {
    let mut products = BASE.to_vec();
    products.push((
        "C",
        "us-east-1",
        "USE1-NovaMicro-output-tokens-priority",
        "1K tokens",
        "0.00028",
    ));
    products.push((
        "D",
        "us-east-1",
        "USE1-NovaMicro-output-tokens",
        "1K tokens",
        "0.5",
    ));
    let import = import(&offer(&products), None, None).unwrap();
    let m = &import.card.models["nova-micro"];
    assert_eq!(m.priority_multiplier, 2.0);
    assert!(
        m.source
            .contains("SKU C (USE1-NovaMicro-output-tokens-priority)"),
        "{}",
        m.source
    );
    assert!((m.output_per_mtok - 0.14).abs() < 1e-15, "SKU B, not D");
    assert!(
        import
            .skipped
            .iter()
            .any(|s| s.starts_with("D (") && s.contains("SKU B"))
    );
}

#[test]
fn bad_prices_and_units_name_the_sku_and_the_field() {
    let mut bad = BASE.to_vec();
    bad[1].4 = "0.0O014";
    let e = import(&offer(&bad), None, None).unwrap_err();
    assert!(
        e.contains("product B (USE1-NovaMicro-output-tokens)"),
        "{e}"
    );
    assert!(
        e.contains("terms.OnDemand.B.B.T.priceDimensions.B.T.R.pricePerUnit.USD is '0.0O014'"),
        "{e}"
    );
    let mut bad = BASE.to_vec();
    bad[0].3 = "Units";
    let e = import(&offer(&bad), None, None).unwrap_err();
    assert!(
        e.contains("product A") && e.contains("unit 'Units' of a token price"),
        "{e}"
    );
    let mut bad = BASE.to_vec();
    bad[0].4 = "-1";
    assert!(
        import(&offer(&bad), None, None)
            .unwrap_err()
            .contains("'-1', not a price")
    );
    let mut hours = BASE.to_vec();
    hours.push((
        "C",
        "us-east-1",
        "USE1-NovaMicro-ProvisionedThroughput-1month-ModelUnits",
        "1K tokens",
        "5",
    ));
    let e = import(&offer(&hours), None, None).unwrap_err();
    assert!(e.contains("product C") && e.contains("not an hour"), "{e}");
}

#[test]
fn what_is_not_an_offer_says_so() {
    assert!(import("{", None, None).unwrap_err().starts_with("not JSON"));
    assert!(
        import("[1]", None, None)
            .unwrap_err()
            .contains("(not a JSON object)")
    );
    assert!(
        import("{\"version\": 1}", None, None)
            .unwrap_err()
            .contains("no \"offerCode\"")
    );
    let bad_product = "{\"offerCode\": \"AmazonBedrock\", \"products\": {\"A\": 3}}";
    let e = import(bad_product, None, None).unwrap_err();
    assert!(
        e.starts_with("not an AWS Price List offer file") && e.contains("line 1 column"),
        "{e}"
    );
    let ec2 = offer(&BASE).replace("AmazonBedrock", "AmazonEC2");
    assert!(
        import(&ec2, None, None)
            .unwrap_err()
            .contains("offer of 'AmazonEC2'")
    );
    let no_date = offer(&BASE).replace("2026-11-20T21:04:11Z", "soon");
    assert!(
        import(&no_date, None, None)
            .unwrap_err()
            .contains("pass --date")
    );
    let none = offer(&[("A", "us-east-1", "USE1-Guardrail-Units", "Units", "1")]);
    assert!(
        import(&none, None, None)
            .unwrap_err()
            .contains("no model with on-demand")
    );
}
