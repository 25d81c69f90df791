//! `ptsim import cur|focus` (issue 7) on the fixtures in tests/fixtures/billing/ (synthetic; see
//! its README). The oracles re-sum the fixture's rows here, with a hand-written table of what each
//! usage type in it means, not with the importer's classifier.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::common::*;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/billing").join(name)
}

/// Runs `ptsim import FORMAT FILE… --out OUT -q` plus `extra`, expecting success.
fn import(format: &str, files: &[PathBuf], out: &Path, extra: &[&str]) {
    ptsim()
        .args(["import", format])
        .args(files)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(extra)
        .assert()
        .success();
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn model<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == key)
        .unwrap_or_else(|| panic!("import.json has {key}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Hand sums of one model: (uncached input, output, cache read, cache write, batch input,
/// batch output).
type Sums = [f64; 6];

/// What each usage type of the fixture is, written by hand: (model, column of [`Sums`], batch).
fn meaning(usage_type: &str) -> Option<(&'static str, usize, bool)> {
    Some(match usage_type {
        "USE1-Claude4.5Sonnet-input-tokens"
        | "USE1-Claude4.5Sonnet-input-tokens-priority"
        | "USE1-Claude4.5Sonnet-input-tokens-cross-region-global" => {
            ("claude-sonnet-4.5", 0, false)
        }
        "USE1-Claude4.5Sonnet-output-tokens" | "USE1-Claude4.5Sonnet-output-tokens-flex" => {
            ("claude-sonnet-4.5", 1, false)
        }
        "USE1-Claude4.5Sonnet-cache-read-input-token-count" => ("claude-sonnet-4.5", 2, false),
        "USE1-Claude4.5Sonnet-cache-write-input-token-count" => ("claude-sonnet-4.5", 3, false),
        "USE1-Claude4.5Sonnet-input-tokens-batch" => ("claude-sonnet-4.5", 0, true),
        "USE1-Claude4.5Sonnet-output-tokens-batch" => ("claude-sonnet-4.5", 1, true),
        "USE1-MP:USE1_InputTokenCount-Units" => ("claude-haiku-4.5", 0, false),
        "USE1-MP:USE1_OutputTokenCount_Global-Units" => ("claude-haiku-4.5", 1, false),
        "USE1-MP:USE1_CacheReadInputTokenCount-Units" => ("claude-haiku-4.5", 2, false),
        "USE1-NovaPro-input-tokens" => ("nova-pro", 0, false),
        "USE1-NovaPro-output-tokens" => ("nova-pro", 1, false),
        "USE1-Qwen3-32B-input-tokens" => ("qwen3-32b", 0, false),
        "USE1-Qwen3-32B-output-tokens" => ("qwen3-32b", 1, false),
        _ => return None,
    })
}

/// Sums cur.csv's usage rows per model by hand.
fn hand_sums() -> HashMap<&'static str, Sums> {
    let scale = |unit: &str| match unit {
        "tokens" | "Units" => 1.0,
        "1K tokens" => 1e3,
        "1M tokens" => 1e6,
        _ => f64::NAN,
    };
    let mut sums: HashMap<&'static str, Sums> = HashMap::new();
    for row in read_csv(&fixture("cur.csv")) {
        if row["line_item_line_item_type"] != "Usage" {
            continue;
        }
        let Some((model, column, batch)) = meaning(&row["line_item_usage_type"]) else {
            continue;
        };
        if row["pricing_unit"] == "GB" {
            continue; // the row with a unit that is not tokens
        }
        let tokens = num(&row, "line_item_usage_amount") * scale(&row["pricing_unit"]);
        let s = sums.entry(model).or_default();
        s[column] += tokens;
        if batch {
            s[if column == 1 { 5 } else { 4 }] += tokens;
        }
    }
    sums
}

#[test]
fn totals_and_shares_equal_hand_sums_of_the_fixture_rows() {
    let dir = tempfile::tempdir().unwrap();
    import("cur", &[fixture("cur.csv")], dir.path(), &[]);
    let report = json(&dir.path().join("import.json"));
    let sums = hand_sums();
    assert_eq!(sums.len(), 4);
    for (key, s) in &sums {
        let m = model(&report, key);
        let t = &m["totals"];
        let got = |field: &str| t[field].as_f64().unwrap();
        let all_input = s[0] + s[2] + s[3];
        for (field, want) in [
            ("input_tokens", all_input),
            ("uncached_input_tokens", s[0]),
            ("output_tokens", s[1]),
            ("cache_read_tokens", s[2]),
            ("cache_write_tokens", s[3]),
            ("batch_input_tokens", s[4]),
            ("batch_output_tokens", s[5]),
        ] {
            assert!(
                close(got(field), want),
                "{key} {field}: {} vs {want}",
                got(field)
            );
        }
        let batch_share = (s[4] + s[5]) / (all_input + s[1]);
        let cache_hit_share = s[2] / all_input;
        assert!(
            close(m["batch_share"].as_f64().unwrap(), batch_share),
            "{key}"
        );
        assert!(
            close(m["cache_hit_share"].as_f64().unwrap(), cache_hit_share),
            "{key}"
        );
        // The trace's columns add up to the same totals.
        let trace = read_csv(&dir.path().join(format!("{key}.csv")));
        assert_eq!(trace.len(), 192, "{key}: every hour of the eight days");
        let column = |c: &str| trace.iter().map(|r| num(r, c)).sum::<f64>();
        assert!(close(column("input_tokens"), all_input), "{key}");
        assert!(close(column("output_tokens"), s[1]), "{key}");
        assert!(close(column("cache_read_tokens"), s[2]), "{key}");
        assert!(close(column("batch_output_tokens"), s[5]), "{key}");
    }
    // Sonnet has a nightly batch job and cache reads: both shares are neither 0 nor 1.
    let sonnet = model(&report, "claude-sonnet-4.5");
    let b = sonnet["batch_share"].as_f64().unwrap();
    assert!(b > 0.01 && b < 0.5, "{b}");
    // Tier and routing breakdown: the flex and cross-region-global rows, hand summed.
    let rows = read_csv(&fixture("cur.csv"));
    let sum_of = |usage_type: &str| {
        rows.iter()
            .filter(|r| r["line_item_usage_type"] == usage_type)
            .map(|r| num(r, "line_item_usage_amount") * 1e3)
            .sum::<f64>()
    };
    let flex = sum_of("USE1-Claude4.5Sonnet-output-tokens-flex");
    let global = sum_of("USE1-Claude4.5Sonnet-input-tokens-cross-region-global");
    let priority = sum_of("USE1-Claude4.5Sonnet-input-tokens-priority");
    assert!(close(sonnet["tiers"]["flex"].as_f64().unwrap(), flex));
    assert!(close(
        sonnet["tiers"]["priority"].as_f64().unwrap(),
        priority
    ));
    assert!(close(
        sonnet["routing"]["cross_region_global"].as_f64().unwrap(),
        global
    ));
}

#[test]
fn thousand_token_units_scale_by_a_thousand_and_daily_lines_spread_evenly() {
    let dir = tempfile::tempdir().unwrap();
    import("cur", &[fixture("cur.csv")], dir.path(), &[]);
    // Qwen3 32B, 2025-03-04 06:00: 1500.5 and 100 units of "1K tokens".
    let qwen = read_csv(&dir.path().join("qwen3-32b.csv"));
    let row = qwen
        .iter()
        .find(|r| r["timestamp"] == "2025-03-04T06:00:00Z")
        .unwrap();
    assert_eq!(num(row, "input_tokens"), 1_500_500.0);
    assert_eq!(num(row, "output_tokens"), 100_000.0);
    assert_eq!(
        qwen.iter().filter(|r| num(r, "input_tokens") > 0.0).count(),
        1
    );
    // Nova Pro: one line per day for three days, 24,000 input tokens and 2.4K output tokens.
    let nova = read_csv(&dir.path().join("nova-pro.csv"));
    for (h, r) in nova.iter().enumerate() {
        let (input, output) = if h < 72 { (1000.0, 100.0) } else { (0.0, 0.0) };
        assert!(close(num(r, "input_tokens"), input), "hour {h}");
        assert!(close(num(r, "output_tokens"), output), "hour {h}");
    }
}

#[test]
fn cur_focus_gzip_and_legacy_headers_give_byte_identical_traces() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    import("cur", &[fixture("cur.csv")], &out("cur"), &[]);
    import("cur", &[fixture("cur.csv.gz")], &out("gz"), &[]);
    import("cur", &[fixture("cur-legacy.csv")], &out("legacy"), &[]);
    import("focus", &[fixture("focus.csv")], &out("focus"), &[]);
    for key in [
        "claude-sonnet-4.5",
        "claude-haiku-4.5",
        "nova-pro",
        "qwen3-32b",
    ] {
        let file = format!("{key}.csv");
        let cur = std::fs::read(out("cur").join(&file)).unwrap();
        for other in ["gz", "legacy", "focus"] {
            assert!(
                cur == std::fs::read(out(other).join(&file)).unwrap(),
                "{other} {file}"
            );
        }
    }
    let cur = json(&out("cur").join("import.json"));
    let focus = json(&out("focus").join("import.json"));
    assert_eq!(cur["models"], focus["models"]);
    assert_eq!(cur["rows"], focus["rows"]);
}

#[test]
fn what_is_not_token_usage_is_counted_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = ptsim()
        .args(["import", "cur"])
        .arg(fixture("cur.csv"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains("4 Bedrock usage rows not classified"),
        "{stderr}"
    );
    assert!(stderr.contains("1 Credit, 1 Tax"), "{stderr}");
    assert!(
        stderr.contains("'qwen3-32b' (from Qwen3-32B) is not in the rate card"),
        "{stderr}"
    );
    assert!(
        stderr.contains("6 line items span several hours"),
        "{stderr}"
    );
    assert!(stdout.contains("claude-sonnet-4.5"), "{stdout}");
    assert!(
        stdout.contains("734 rows read (96 of other services)"),
        "{stdout}"
    );
    let report = json(&dir.path().join("import.json"));
    let listed: Vec<(u64, String)> = report["unclassified"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["row"].as_u64().unwrap(),
                u["usage_type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Rows of the file (line numbers, header = 1) found by reading it.
    let rows = read_csv(&fixture("cur.csv"));
    let line_of = |usage_type: &str, unit: &str| {
        rows.iter()
            .position(|r| r["line_item_usage_type"] == usage_type && r["pricing_unit"] == unit)
            .unwrap() as u64
            + 2
    };
    let expected: Vec<(u64, String)> = [
        (
            "USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed",
            "Units",
        ),
        ("USE1-ProvisionedThroughput-ModelUnits", "ModelUnit-Hours"),
        (
            "USE1-Nova2.0Pro-input-image-token-count-cross-region-global",
            "tokens",
        ),
        ("USE1-NovaPro-input-tokens", "GB"),
    ]
    .iter()
    .map(|(t, u)| (line_of(t, u), t.to_string()))
    .collect();
    assert_eq!(listed, expected);
    assert_eq!(report["rows"]["other_services"], 96);
    assert_eq!(report["rows"]["bedrock_not_usage"]["Tax"], 1);
    assert_eq!(report["rows"]["bedrock_not_usage"]["Credit"], 1);
    assert!(
        !model(&report, "qwen3-32b")["in_rate_card"]
            .as_bool()
            .unwrap()
    );
}

#[test]
fn marketplace_units_can_be_declared_millions() {
    let dir = tempfile::tempdir().unwrap();
    import("cur", &[fixture("cur.csv")], &dir.path().join("a"), &[]);
    import(
        "cur",
        &[fixture("cur.csv")],
        &dir.path().join("b"),
        &["--marketplace-unit", "1m"],
    );
    let tokens = |d: &str| {
        model(
            &json(&dir.path().join(d).join("import.json")),
            "claude-haiku-4.5",
        )["totals"]["output_tokens"]
            .as_f64()
            .unwrap()
    };
    assert!(close(tokens("b"), tokens("a") * 1e6));
}

#[test]
fn the_snippet_is_a_valid_scenario_and_fit_reads_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    import("cur", &[fixture("cur.csv")], dir.path(), &[]);
    let snippet = std::fs::read_to_string(dir.path().join("workloads.toml")).unwrap();
    assert!(
        snippet.contains("# [[workloads]]\n# name = \"qwen3-32b\""),
        "{snippet}"
    );
    let pools: String = ["claude-sonnet-4.5", "claude-haiku-4.5", "nova-pro"]
        .iter()
        .map(|m| format!("[[pools]]\nmodel = \"{m}\"\nterm = \"one_month\"\n"))
        .collect();
    let scenario = write(
        dir.path(),
        "scenario.toml",
        &format!("name = \"imported\"\nhorizon_hours = 192\ntrials = 10\n{pools}\n{snippet}"),
    );
    ptsim().arg("validate").arg(&scenario).assert().success();
    ptsim()
        .args(["fit", "--model", "claude-sonnet-4.5", "-q", "--out"])
        .arg(dir.path().join("fitted.toml"))
        .arg(dir.path().join("claude-sonnet-4.5.csv"))
        .assert()
        .success();
}

/// Runs an import expected to fail with exit code 2; returns stderr.
fn refused(format: &str, file: &Path, out: &Path) -> String {
    let result = ptsim()
        .args(["import", format])
        .arg(file)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn bad_exports_are_refused_naming_file_row_and_field_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", "");
    for (file, expected) in [
        (
            fixture("bad-missing-column.csv"),
            "row 1: header: expected a column line_item_usage_amount or lineItem/UsageAmount",
        ),
        (
            fixture("bad-number.csv"),
            "row 7: line_item_usage_amount: expected a non-negative number, got '12,5k'",
        ),
        (
            fixture("bad-timestamp.csv"),
            "row 10: line_item_usage_start_date: expected an ISO-8601 time",
        ),
        (fixture("no-bedrock.csv"), "no Bedrock token usage in"),
        (empty, "the file is empty"),
    ] {
        let out = dir.path().join("never");
        let stderr = refused("cur", &file, &out);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains(&name), "{name}: {stderr}");
        assert!(
            !out.exists(),
            "{name}: a failed import created {}",
            out.display()
        );
    }
    // A FOCUS file read as CUR names the CUR column it lacks.
    let stderr = refused("cur", &fixture("focus.csv"), &dir.path().join("never"));
    assert!(stderr.contains("line_item_usage_start_date"), "{stderr}");
    // A failed import over earlier results leaves them byte-identical.
    let out = dir.path().join("kept");
    import("cur", &[fixture("cur.csv")], &out, &[]);
    let before = std::fs::read(out.join("import.json")).unwrap();
    refused("cur", &fixture("bad-number.csv"), &out);
    assert_eq!(std::fs::read(out.join("import.json")).unwrap(), before);
}
