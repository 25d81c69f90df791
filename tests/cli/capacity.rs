//! Capacity products beyond Bedrock model units (issue 7): Azure OpenAI global PTUs, sold as 15,
//! 20, 25 … and priced per reservation, and Bedrock Reserved-tier blocks with separate input and
//! output budgets priced per 1K tokens-per-minute. Constant traffic is priced by hand.

use std::path::Path;

use super::common::*;

/// GPT-4.1 on Azure PTUs: 3,000 input TPM per PTU (180,000 tokens an hour), one output token
/// burns four input tokens. 2.16M input (12 PTU-hours) + 450,000 output (10 PTU-hours) an hour
/// is a constant 22 PTUs of load, worth 2.16 × $2 + 0.45 × $8 = $7.92 = 22 × $0.36 an hour.
fn ptu_scenario(term: &str, pool_extra: &str) -> String {
    format!(
        r#"name = "ptu"
horizon_hours = 730
trials = 3
seed = 5

[[pools]]
model = "azure-gpt-4.1"
product = "azure_ptu"
term = "{term}"
fill_idle = false
{pool_extra}

[[workloads]]
name = "w"
model = "azure-gpt-4.1"
[workloads.parametric]
input_tokens_per_hour = 2.16e6
output_tokens_per_hour = 4.5e5
noise = "none"
"#
    )
}

fn sizing_units(out: &Path) -> Vec<(String, String)> {
    read_csv(&out.join("sizing.csv"))
        .into_iter()
        .map(|r| (r["rule"].clone(), r["units"].clone()))
        .collect()
}

#[test]
fn azure_ptus_sweep_only_legal_counts_and_are_priced_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &ptu_scenario("one_month", "max_units = 40"),
    );
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    let curve = read_csv(&out.join("curve.csv"));
    let units: Vec<&str> = curve.iter().map(|r| r["units"].as_str()).collect();
    assert_eq!(units, ["0", "15", "20", "25", "30", "35", "40"]);
    // k PTUs on a monthly reservation: $260 × k for the month; the load above k spills to Global
    // Standard at $0.36 per PTU-hour.
    for (k, total) in [
        (0, 22.0 * 0.36 * 730.0),
        (15, 3900.0 + 7.0 * 0.36 * 730.0),
        (20, 5200.0 + 2.0 * 0.36 * 730.0),
        (25, 6500.0),
        (40, 10400.0),
    ] {
        let row = curve_row(&out, "azure-gpt-4.1", k);
        assert!(
            close(num(&row, "p50"), total, 1e-9),
            "k={k}: {}",
            row["p50"]
        );
    }
    assert!(close(
        num(&curve_row(&out, "azure-gpt-4.1", 30), "utilization_mean"),
        22.0 / 30.0,
        1e-12
    ));
    // ⌊22⌋ rounds down to 20; ⌈0.75 · 22⌉ = 17 rounds up to 20; 30 is the last count used
    // ≥ 65% (22/30 = 73%, 22/35 = 63%); 20 costs least.
    let rules = sizing_units(&out);
    for (rule, units) in [
        ("p50_floor", "20"),
        ("peak_fraction", "20"),
        ("utilization_target", "30"),
        ("min_mean", "20"),
    ] {
        assert!(
            rules.contains(&(rule.to_string(), units.to_string())),
            "{rule}: {rules:?}"
        );
    }
    // u* = ($260 / 730) / $0.36 = 98.9%: a monthly reservation pays only when nearly full.
    let u = read_manifest(&out)["pools"][0]["break_even_utilization"]
        .as_f64()
        .unwrap();
    assert!(close(u, 260.0 / 730.0 / 0.36, 1e-9), "{u}");
    // The report's caveats speak of the product bought.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("Azure PTUs are sized") && !report.contains("model unit serves"));
}

#[test]
fn an_automatic_ptu_sweep_ends_on_a_legal_count_and_every_rule_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "s.toml", &ptu_scenario("one_year", ""));
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    let legal = |k: u32| k == 0 || (k >= 15 && (k - 15) % 5 == 0);
    let curve = read_csv(&out.join("curve.csv"));
    assert!(curve.len() > 2);
    for row in &curve {
        assert!(legal(row["units"].parse().unwrap()), "{}", row["units"]);
    }
    for (rule, units) in sizing_units(&out) {
        assert!(legal(units.parse().unwrap()), "{rule}: {units}");
    }
    // The sweep covers the constant peak of 22: it ends at 25.
    assert_eq!(curve.last().unwrap()["units"], "25");
}

#[test]
fn terms_price_ptu_fleets_on_every_azure_term_and_refuse_illegal_units() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &ptu_scenario("one_month", "max_units = 30"),
    );
    let out = dir.path().join("out");
    ptsim()
        .arg("terms")
        .arg(&scenario)
        .args([
            "--trials", "2", "--charts", "none", "-q", "--units", "25", "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out.join("terms.csv"));
    let terms: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["term"].as_str()).collect();
    for term in ["no_commit", "one_month", "one_year"] {
        assert!(terms.contains(term), "{terms:?}");
    }
    // A year of hours; 20 PTUs on a yearly reservation: 20 × $221 × 12 + 2 × $0.36 × 8,760.
    let fixed = |term: &str, units: f64| {
        rows.iter()
            .find(|r| r["term"] == term && r["policy"] == "fixed" && num(r, "units") == units)
            .unwrap_or_else(|| panic!("{term} {units}: {rows:?}"))
    };
    let year = fixed("one_year", 20.0);
    assert!(close(
        num(year, "mean"),
        20.0 * 221.0 * 12.0 + 2.0 * 0.36 * 8760.0,
        1e-9
    ));
    fixed("one_month", 25.0);
    for row in rows.iter().filter(|r| r["policy"] == "fixed") {
        let k: f64 = num(row, "units");
        assert!(k == 0.0 || (k >= 15.0 && (k - 15.0) % 5.0 == 0.0), "{k}");
    }

    let refused = ptsim()
        .arg("terms")
        .arg(&scenario)
        .args([
            "--trials", "2", "--charts", "none", "-q", "--units", "17", "--out",
        ])
        .arg(dir.path().join("never"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(
        stderr.contains("--units 17") && stderr.contains("try 15 or 20"),
        "{stderr}"
    );
    assert!(!dir.path().join("never").exists());
}

#[test]
fn a_ptu_pool_refuses_a_max_units_it_cannot_buy() {
    let stderr = run_fails(&ptu_scenario("one_month", "max_units = 17"), None);
    assert!(
        stderr.contains("s.toml:11:13: pools[0].max_units")
            && stderr.contains("at least 15, then steps of 5")
            && stderr.contains("15 or 20, got 17"),
        "{stderr}"
    );
}

/// Sonnet 4.5 on Reserved-tier blocks of 100K input + 10K output TPM ($13.50 an hour on one
/// month by the card's assumption), with `capacity` overriding the block.
fn reserved_scenario(term: &str, capacity: &str, input: f64, output: f64) -> String {
    format!(
        r#"name = "reserved"
horizon_hours = 730
trials = 3
seed = 5

[[pools]]
model = "claude-sonnet-4.5"
product = "reserved_tier"
term = "{term}"
max_units = 2
fill_idle = false
[pools.capacity]
{capacity}

[[workloads]]
name = "w"
model = "claude-sonnet-4.5"
[workloads.parametric]
input_tokens_per_hour = {input:e}
output_tokens_per_hour = {output:e}
noise = "none"
"#
    )
}

#[test]
fn reserved_tier_blocks_break_even_at_half_use_and_overflow_to_standard() {
    // 7.2M in + 0.72M out an hour = 1.2 blocks on both budgets, worth 1.2 × $27 on demand.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &reserved_scenario("one_month", "", 7.2e6, 7.2e5),
    );
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    for (k, per_hour) in [(0, 1.2 * 27.0), (1, 13.5 + 0.2 * 27.0), (2, 27.0)] {
        let row = curve_row(&out, "claude-sonnet-4.5", k);
        assert!(
            close(num(&row, "p50"), per_hour * 730.0, 1e-9),
            "k={k}: {}",
            row["p50"]
        );
    }
    let u = read_manifest(&out)["pools"][0]["break_even_utilization"]
        .as_f64()
        .unwrap();
    assert!(close(u, 0.5, 1e-12), "{u}");

    // Three months: 10% less per 1K TPM, so the block costs $12.15 an hour.
    let scenario = write(
        dir.path(),
        "s3.toml",
        &reserved_scenario("three_month", "", 7.2e6, 7.2e5),
    );
    let out = dir.path().join("out3");
    run_scenario(&scenario, &out, &[]);
    let row = curve_row(&out, "claude-sonnet-4.5", 2);
    assert!(close(num(&row, "p50"), 2.0 * 12.15 * 730.0, 1e-9));
}

#[test]
fn a_resized_reserved_block_is_repriced_from_its_tpm_and_binds_on_either_budget() {
    // 6M in + 1.5M out an hour. The card's block (10K output TPM) is output-bound at 2.5 blocks;
    // a block resized to 100K + 25K TPM carries it in one, priced (100 × $65.70 + 25 × $328.50)
    // / 730 = $20.25 an hour.
    let dir = tempfile::tempdir().unwrap();
    let card_block = write(
        dir.path(),
        "card.toml",
        &reserved_scenario("one_month", "", 6e6, 1.5e6),
    );
    let out = dir.path().join("card");
    run_scenario(&card_block, &out, &[]);
    let on_demand = (6.0 * 3.0 + 1.5 * 15.0) * 730.0;
    let k1 = curve_row(&out, "claude-sonnet-4.5", 1);
    // One block serves 1/2.5 of every token (input and output spill the same fraction).
    assert!(close(num(&k1, "p50"), 13.5 * 730.0 + 0.6 * on_demand, 1e-9));

    let resized = write(
        dir.path(),
        "resized.toml",
        &reserved_scenario("one_month", "output_tokens_per_minute = 25000", 6e6, 1.5e6),
    );
    let out = dir.path().join("resized");
    run_scenario(&resized, &out, &[]);
    let k0 = curve_row(&out, "claude-sonnet-4.5", 0);
    let k1 = curve_row(&out, "claude-sonnet-4.5", 1);
    assert!(close(num(&k0, "p50"), on_demand, 1e-12));
    assert!(close(num(&k1, "p50"), 20.25 * 730.0, 1e-9), "{}", k1["p50"]);
}

#[test]
fn capacity_steps_and_output_weight_can_be_set_per_pool() {
    // Model units bought in pairs: the sweep is 0, 2, 4.
    let dir = tempfile::tempdir().unwrap();
    let text = one_pool_scenario(
        "pairs",
        24,
        2,
        "max_units = 4",
        "input_tokens_per_hour = 1e7\noutput_tokens_per_hour = 2e6\nnoise = \"none\"",
    )
    .replace(
        "mode = \"separate\"",
        "mode = \"separate\"\nmin_units = 2\nunit_increment = 2",
    );
    let scenario = write(dir.path(), "s.toml", &text);
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    let units: Vec<String> = read_csv(&out.join("curve.csv"))
        .into_iter()
        .map(|r| r["units"].clone())
        .collect();
    assert_eq!(units, ["0", "2", "4"]);

    // output_weight = 8: an output token burns 8 input tokens of a PTU (the card says 4).
    let text = ptu_scenario(
        "one_month",
        "max_units = 40\n[pools.capacity]\noutput_weight = 8",
    );
    let scenario = write(dir.path(), "w.toml", &text);
    let out = dir.path().join("w");
    run_scenario(&scenario, &out, &[]);
    // 12 + 450,000 × 8 / 180,000 = 32 PTUs of load: 30 PTUs leave 2 to Global Standard.
    let k30 = curve_row(&out, "azure-gpt-4.1", 30);
    assert!(close(num(&k30, "utilization_mean"), 1.0, 1e-12));
    assert!(close(
        num(&curve_row(&out, "azure-gpt-4.1", 40), "utilization_mean"),
        32.0 / 40.0,
        1e-12
    ));
}

#[test]
fn bad_capacity_settings_name_their_field() {
    for (capacity, field, says) in [
        (
            "output_weight = 4\noutput_tokens_per_minute = 750",
            "pools[0].capacity.output_weight",
            "not both",
        ),
        ("min_units = 0", "pools[0].capacity.min_units", "between 1"),
        (
            "unit_increment = 0",
            "pools[0].capacity.unit_increment",
            "between 1",
        ),
        (
            "output_weight = 0",
            "pools[0].capacity.output_weight",
            "0.01",
        ),
    ] {
        let text = ptu_scenario("one_month", "").replace(
            "fill_idle = false",
            &format!("fill_idle = false\n[pools.capacity]\n{capacity}"),
        );
        let stderr = run_fails(&text, None);
        assert!(
            stderr.contains(field) && stderr.contains(says),
            "{capacity}: {stderr}"
        );
    }
}
