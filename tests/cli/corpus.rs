//! The corpus of bad inputs in tests/corpus/ (issue 8), one test per class of error. Every case
//! must exit with code 2 and one message that names the file, the line and column (for a trace,
//! the scenario line that names it and the trace's row) and the field or column, and must write
//! nothing. tests/corpus/accepted/ holds inputs that look odd but are valid (byte-order marks,
//! CRLF line ends, offsets, extra columns): they must run, and give the same bytes as their plain
//! forms.
//!
//! A file added to a class folder without an entry here fails the class's test, so the corpus and
//! its expectations cannot drift apart.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::common::*;

/// (case file stem, fragments the message must contain).
type Case = (&'static str, &'static [&'static str]);

/// Where every trace case's message starts: the scenario line that names the trace.
const TRACE_PREFIX: &str = "s.toml:13:8: workloads[0].trace.file: trace ";

fn corpus() -> PathBuf {
    repo().join("tests").join("corpus")
}

/// Every `.ext` file in `dir` has a case and every case a file.
fn check_listing(dir: &Path, ext: &str, cases: &[Case]) {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut named: Vec<String> = cases.iter().map(|(n, _)| n.to_string()).collect();
    named.sort();
    assert_eq!(files, named, "files in {} and cases differ", dir.display());
}

/// Runs `ptsim run FILE --out out` in `dir`; Err describes every way the refusal fell short.
fn refused(dir: &Path, file: &str, expected: &[String]) -> Result<(), String> {
    let out = dir.join("out");
    let output = Command::new(assert_cmd::cargo::cargo_bin("ptsim"))
        .current_dir(dir)
        .args(["run", file, "--out", "out", "--charts", "none"])
        .output()
        .expect("ptsim runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut problems = Vec::new();
    if output.status.code() != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", output.status.code()));
    }
    if out.exists() {
        problems.push("an output folder was written".to_string());
    }
    if !stderr.starts_with("error: ") || stderr.matches("error: ").count() != 1 {
        problems.push("expected exactly one `error: ` message".to_string());
    }
    if stderr.contains("panicked") {
        problems.push("it panicked".to_string());
    }
    for e in expected {
        if !stderr.contains(e.as_str()) {
            problems.push(format!("no {e:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{file}: {}\n{stderr}", problems.join("; ")))
    }
}

fn assert_all(failures: Vec<String>) {
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Runs every scenario in tests/corpus/scenario/CLASS/.
fn scenario_class(class: &str, cases: &[Case]) {
    let dir = corpus().join("scenario").join(class);
    check_listing(&dir, "toml", cases);
    let failures = cases
        .iter()
        .filter_map(|(name, expected)| {
            let tmp = tempfile::tempdir().unwrap();
            let file = format!("{name}.toml");
            std::fs::copy(dir.join(&file), tmp.path().join(&file)).unwrap();
            let expected: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
            refused(tmp.path(), &file, &expected).err()
        })
        .collect();
    assert_all(failures);
}

/// Runs tests/corpus/trace/scenario.toml with every trace in tests/corpus/trace/CLASS/ as its
/// history.csv. The first fragment of each case is where the message must start after the
/// scenario's location: the trace and its row.
fn trace_class(class: &str, cases: &[Case]) {
    let dir = corpus().join("trace").join(class);
    check_listing(&dir, "csv", cases);
    let failures = cases
        .iter()
        .filter_map(|(name, expected)| {
            let tmp = tempfile::tempdir().unwrap();
            std::fs::copy(
                dir.join(format!("{name}.csv")),
                tmp.path().join("history.csv"),
            )
            .unwrap();
            std::fs::copy(
                corpus().join("trace").join("scenario.toml"),
                tmp.path().join("s.toml"),
            )
            .unwrap();
            let mut expected: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
            expected[0] = format!("{TRACE_PREFIX}{}", expected[0]);
            refused(tmp.path(), "s.toml", &expected)
                .map_err(|e| format!("{name}.csv as history.csv: {e}"))
                .err()
        })
        .collect();
    assert_all(failures);
}

#[test]
fn scenario_capacities() {
    scenario_class(
        "capacities",
        &[
            (
                "inf-capacity",
                &[
                    "inf-capacity.toml:8:28: pools[0].capacity.output_tokens_per_minute: ",
                    "got inf",
                ],
            ),
            (
                "nan-capacity",
                &[
                    "nan-capacity.toml:8:27: pools[0].capacity.input_tokens_per_minute: ",
                    "got NaN",
                ],
            ),
            (
                "negative-output-capacity",
                &[
                    "negative-output-capacity.toml:8:28: pools[0].capacity.output_tokens_per_minute: ",
                    "got -10",
                ],
            ),
            (
                "no-throughput-for-product",
                &[
                    "no-throughput-for-product.toml:6:9: pools[0].model: ",
                    "the rate card has",
                ],
            ),
            (
                "tiny-capacity",
                &[
                    "tiny-capacity.toml:8:27: pools[0].capacity.input_tokens_per_minute: ",
                    "got 1e-300",
                ],
            ),
            (
                "unknown-mode",
                &[
                    "unknown-mode.toml:8:8: pools[0].capacity.mode: ",
                    "unknown variant `both`, expected",
                ],
            ),
            (
                "zero-input-capacity",
                &[
                    "zero-input-capacity.toml:8:27: pools[0].capacity.input_tokens_per_minute: ",
                    "got 0",
                ],
            ),
            (
                "zero-quota",
                &[
                    "zero-quota.toml:7:37: pools[0].on_demand_quota_tokens_per_minute: ",
                    "got 0",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_cvs() {
    scenario_class(
        "cvs",
        &[
            (
                "ar1-nan",
                &[
                    "ar1-nan.toml:15:7: workloads[0].parametric.ar1: ",
                    "got NaN",
                ],
            ),
            (
                "ar1-one",
                &["ar1-one.toml:15:7: workloads[0].parametric.ar1: ", "got 1"],
            ),
            (
                "intra-hour-cv-above-ten",
                &[
                    "intra-hour-cv-above-ten.toml:7:17: pools[0].intra_hour_cv: ",
                    "got 11",
                ],
            ),
            (
                "intra-hour-cv-inf",
                &[
                    "intra-hour-cv-inf.toml:7:17: pools[0].intra_hour_cv: ",
                    "got inf",
                ],
            ),
            (
                "intra-hour-cv-negative",
                &[
                    "intra-hour-cv-negative.toml:7:17: pools[0].intra_hour_cv: ",
                    "got -0.5",
                ],
            ),
            (
                "noise-cv-above-four",
                &[
                    "noise-cv-above-four.toml:15:12: workloads[0].parametric.noise_cv: ",
                    "got 5",
                ],
            ),
            (
                "noise-cv-nan",
                &[
                    "noise-cv-nan.toml:15:12: workloads[0].parametric.noise_cv: ",
                    "got NaN",
                ],
            ),
            (
                "noise-cv-too-small-for-gamma",
                &[
                    "noise-cv-too-small-for-gamma.toml:16:12: workloads[0].parametric.noise_cv: ",
                    "got 0.0001",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_empty_files() {
    scenario_class(
        "empty-files",
        &[
            ("empty", &["empty.toml:1:1: name: ", "missing field `name`"]),
            (
                "only-a-comment",
                &["only-a-comment.toml:1:1: name: ", "missing field `name`"],
            ),
            (
                "only-whitespace",
                &["only-whitespace.toml:1:1: name: ", "missing field `name`"],
            ),
        ],
    );
}

#[test]
fn scenario_encoding() {
    scenario_class(
        "encoding",
        &[(
            "latin-1-description",
            &[
                "latin-1-description.toml:2:19: (encoding): ",
                "byte 0xE9 is not",
            ],
        )],
    );
}

#[test]
fn scenario_horizons() {
    scenario_class(
        "horizons",
        &[
            (
                "absurd-hours",
                &[
                    "absurd-hours.toml:2:17: horizon_hours: ",
                    "invalid value: integer `1000000000000`",
                ],
            ),
            (
                "beyond-ten-years",
                &["beyond-ten-years.toml:2:17: horizon_hours: ", "got 87601"],
            ),
            (
                "nan-hours",
                &[
                    "nan-hours.toml:2:17: horizon_hours: ",
                    "invalid type: floating point",
                ],
            ),
            (
                "negative-hours",
                &[
                    "negative-hours.toml:2:17: horizon_hours: ",
                    "invalid value: integer `-5`",
                ],
            ),
            (
                "too-many-trials",
                &["too-many-trials.toml:3:10: trials: ", "got 10000001"],
            ),
            (
                "zero-batch-window",
                &[
                    "zero-batch-window.toml:12:22: workloads[0].batch_window_hours: ",
                    "expected at least 1",
                ],
            ),
            (
                "zero-hours",
                &["zero-hours.toml:2:17: horizon_hours: ", "got 0"],
            ),
            ("zero-trials", &["zero-trials.toml:3:10: trials: ", "got 0"]),
        ],
    );
}

#[test]
fn scenario_memory() {
    scenario_class(
        "memory",
        &[
            (
                "sweep-beyond-the-maximum",
                &[
                    "sweep-beyond-the-maximum.toml:7:13: pools[0].max_units: ",
                    "got 100001",
                ],
            ),
            (
                "sweep-of-100000-units",
                &[
                    "sweep-of-100000-units.toml: this run would need about",
                    "max_units",
                    "--max-memory",
                ],
            ),
            (
                "ten-million-trials",
                &[
                    "ten-million-trials.toml: this run would need about",
                    "max_units",
                    "--max-memory",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_missing_fields() {
    scenario_class(
        "missing-fields",
        &[
            (
                "no-name",
                &["no-name.toml:1:1: name: ", "missing field `name`"],
            ),
            (
                "no-pools",
                &["no-pools.toml:1:1: pools: ", "expected at least one"],
            ),
            (
                "no-traffic-source",
                &[
                    "no-traffic-source.toml:9:8: workloads[0].name: ",
                    "workload 'chat' needs exactly",
                ],
            ),
            (
                "no-workloads",
                &[
                    "no-workloads.toml:1:1: workloads: ",
                    "expected at least one",
                ],
            ),
            (
                "parametric-without-output",
                &[
                    "parametric-without-output.toml:12:1: workloads[0].parametric.output_tokens_per_hour: ",
                    "missing: input_tokens_per_hour needs output_tokens_per_hour",
                ],
            ),
            (
                "pool-without-model",
                &[
                    "pool-without-model.toml:5:1: pools[0].model: ",
                    "missing field `model`",
                ],
            ),
            (
                "requests-without-tokens-per-request",
                &[
                    "requests-without-tokens-per-request.toml:12:1: workloads[0].parametric.input_tokens_per_request: ",
                    "missing: requests_per_hour needs input_tokens_per_request",
                ],
            ),
            (
                "workload-without-model",
                &[
                    "workload-without-model.toml:8:1: workloads[0].model: ",
                    "missing field `model`",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_names_and_references() {
    scenario_class(
        "names-and-references",
        &[
            (
                "blank-workload-name",
                &[
                    "blank-workload-name.toml:9:8: workloads[0].name: ",
                    "expected a non-empty name",
                ],
            ),
            (
                "both-traffic-sources",
                &[
                    "both-traffic-sources.toml:9:8: workloads[0].name: ",
                    "workload 'chat' needs exactly",
                ],
            ),
            (
                "duplicate-workload-name",
                &[
                    "duplicate-workload-name.toml:17:8: workloads[1].name: ",
                    "workload name 'chat' is",
                ],
            ),
            (
                "empty-scenario-name",
                &[
                    "empty-scenario-name.toml:1:8: name: ",
                    "expected a folder-safe name",
                ],
            ),
            (
                "path-in-scenario-name",
                &[
                    "path-in-scenario-name.toml:1:8: name: ",
                    "expected a folder-safe name",
                ],
            ),
            (
                "plan-unknown-pool",
                &[
                    "plan-unknown-pool.toml:7:8: plans[0].pool: ",
                    "no pool is named 'claude-haiku-4.5'; pools are: claude-sonnet-4.5",
                ],
            ),
            (
                "pool-without-workload",
                &[
                    "pool-without-workload.toml:9:9: pools[1].model: ",
                    "no workload uses model",
                ],
            ),
            (
                "scenario-name-too-long",
                &[
                    "scenario-name-too-long.toml:1:8: name: ",
                    "expected at most 100",
                ],
            ),
            (
                "two-pools-one-model",
                &[
                    "two-pools-one-model.toml:9:9: pools[1].model: ",
                    "a pool for 'claude-sonnet-4.5'",
                ],
            ),
            (
                "unknown-model",
                &[
                    "unknown-model.toml:6:9: pools[0].model: ",
                    "unknown model 'gpt-9'; the",
                ],
            ),
            (
                "unknown-term",
                &[
                    "unknown-term.toml:7:8: pools[0].term: ",
                    "unknown variant `two_year`, expected",
                ],
            ),
            (
                "workload-model-without-pool",
                &[
                    "workload-model-without-pool.toml:10:9: workloads[0].model: ",
                    "no pool buys 'nova-pro'",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_prices() {
    scenario_class(
        "prices",
        &[
            (
                "huge-token-price",
                &[
                    "huge-token-price.toml:8:18: pools[0].prices.input_per_mtok: ",
                    "got 1e300",
                ],
            ),
            (
                "huge-unit-price",
                &[
                    "huge-unit-price.toml:8:17: pools[0].prices.unit_per_hour: ",
                    "got 1e307",
                ],
            ),
            (
                "inf-unit-price",
                &[
                    "inf-unit-price.toml:8:17: pools[0].prices.unit_per_hour: ",
                    "got inf",
                ],
            ),
            (
                "nan-batch-price",
                &[
                    "nan-batch-price.toml:8:25: pools[0].prices.batch_output_per_mtok: ",
                    "got NaN",
                ],
            ),
            (
                "nan-output-price",
                &[
                    "nan-output-price.toml:8:19: pools[0].prices.output_per_mtok: ",
                    "got NaN",
                ],
            ),
            (
                "nan-priority-multiplier",
                &[
                    "nan-priority-multiplier.toml:8:23: pools[0].prices.priority_multiplier: ",
                    "got NaN",
                ],
            ),
            (
                "negative-inf-unit-price",
                &[
                    "negative-inf-unit-price.toml:8:17: pools[0].prices.unit_per_hour: ",
                    "got -inf",
                ],
            ),
            (
                "negative-input-price",
                &[
                    "negative-input-price.toml:8:18: pools[0].prices.input_per_mtok: ",
                    "got -3",
                ],
            ),
            (
                "negative-monthly-unit-price",
                &[
                    "negative-monthly-unit-price.toml:8:18: pools[0].prices.unit_per_month: ",
                    "got -1",
                ],
            ),
            (
                "zero-price-multiplier",
                &[
                    "zero-price-multiplier.toml:8:26: pools[0].prices.token_price_multiplier: ",
                    "got 0",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_shares() {
    scenario_class(
        "shares",
        &[
            (
                "batch-share-above-one",
                &[
                    "batch-share-above-one.toml:11:15: workloads[0].batch_share: ",
                    "got 1.2",
                ],
            ),
            (
                "batch-share-negative",
                &[
                    "batch-share-negative.toml:11:15: workloads[0].batch_share: ",
                    "got -0.1",
                ],
            ),
            (
                "cache-hit-share-inf",
                &[
                    "cache-hit-share-inf.toml:12:19: workloads[0].cache_hit_share: ",
                    "got inf",
                ],
            ),
            (
                "cache-hit-share-nan",
                &[
                    "cache-hit-share-nan.toml:12:19: workloads[0].cache_hit_share: ",
                    "got NaN",
                ],
            ),
            (
                "edp-discount-negative",
                &[
                    "edp-discount-negative.toml:4:16: edp_discount: ",
                    "got -0.2",
                ],
            ),
            (
                "edp-discount-one",
                &["edp-discount-one.toml:4:16: edp_discount: ", "got 1"],
            ),
        ],
    );
}

#[test]
fn scenario_start() {
    scenario_class(
        "start",
        &[
            ("array", &["array.toml:4:9: start: ", "got an array"]),
            (
                "fraction-of-a-second",
                &[
                    "fraction-of-a-second.toml:4:9: start: ",
                    "got '2024-01-01T00:00:00.5Z'",
                ],
            ),
            (
                "month-thirteen",
                &[
                    "month-thirteen.toml:4:9: start: ",
                    "got '2024-13-01T00:00:00Z'",
                ],
            ),
            (
                "not-a-date",
                &["not-a-date.toml:4:9: start: ", "got 'yesterday'"],
            ),
            (
                "off-the-hour",
                &[
                    "off-the-hour.toml:4:9: start: ",
                    "got '2024-01-01T00:30:00Z' (00:30:00 UTC)",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_toml_syntax() {
    scenario_class(
        "toml-syntax",
        &[
            (
                "bare-word-value",
                &[
                    "bare-word-value.toml:11:15: workloads[0].batch_share: ",
                    "string values must be",
                ],
            ),
            (
                "double-equals",
                &[
                    "double-equals.toml:3:10: trials: ",
                    "extra `=`, expected nothing",
                ],
            ),
            (
                "duplicate-key",
                &["duplicate-key.toml:4:1: trials: ", "duplicate key"],
            ),
            (
                "duplicate-table",
                &[
                    "duplicate-table.toml:15:12: workloads[0].parametric: ",
                    "duplicate key",
                ],
            ),
            (
                "unclosed-array",
                &[
                    "unclosed-array.toml:15:23: workloads[0].parametric.hour_of_day: ",
                    "unclosed array, expected `]`",
                ],
            ),
            (
                "unclosed-string",
                &[
                    "unclosed-string.toml:1:15: name: ",
                    "invalid basic string, expected",
                ],
            ),
            (
                "unclosed-table-header",
                &[
                    "unclosed-table-header.toml:12:22: workloads[0].parametric: ",
                    "unclosed table, expected `]`",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_traffic_shape() {
    scenario_class(
        "traffic-shape",
        &[
            (
                "all-zero-weights",
                &[
                    "all-zero-weights.toml:15:15: workloads[0].parametric.day_of_week: ",
                    "expected at least one",
                ],
            ),
            (
                "billion-bursts-a-day",
                &[
                    "billion-bursts-a-day.toml:15:18: workloads[0].parametric.bursts_per_day: ",
                    "got 1e9",
                ],
            ),
            (
                "both-rates-and-requests",
                &[
                    "both-rates-and-requests.toml:12:1: workloads[0].parametric.requests_per_hour: ",
                    "give either input_tokens_per_hour and",
                ],
            ),
            (
                "growth-of-minus-one",
                &[
                    "growth-of-minus-one.toml:15:25: workloads[0].parametric.growth_per_month_mean: ",
                    "got -1",
                ],
            ),
            (
                "huge-growth-sd",
                &[
                    "huge-growth-sd.toml:15:23: workloads[0].parametric.growth_per_month_sd: ",
                    "got 1e300",
                ],
            ),
            (
                "huge-level-sigma",
                &[
                    "huge-level-sigma.toml:15:15: workloads[0].parametric.level_sigma: ",
                    "got 1000",
                ],
            ),
            (
                "huge-tokens-per-hour",
                &[
                    "huge-tokens-per-hour.toml:13:25: workloads[0].parametric.input_tokens_per_hour: ",
                    "got 1e300",
                ],
            ),
            (
                "huge-weights",
                &[
                    "huge-weights.toml:15:15: workloads[0].parametric.day_of_week: ",
                    "got 1e308",
                ],
            ),
            (
                "inf-burst-multiplier",
                &[
                    "inf-burst-multiplier.toml:16:20: workloads[0].parametric.burst_multiplier: ",
                    "got inf",
                ],
            ),
            (
                "nan-day-weight",
                &[
                    "nan-day-weight.toml:15:15: workloads[0].parametric.day_of_week: ",
                    "got NaN",
                ],
            ),
            (
                "negative-day-weight",
                &[
                    "negative-day-weight.toml:15:15: workloads[0].parametric.day_of_week: ",
                    "got -1",
                ],
            ),
            (
                "negative-tokens-per-hour",
                &[
                    "negative-tokens-per-hour.toml:14:26: workloads[0].parametric.output_tokens_per_hour: ",
                    "got -2000000",
                ],
            ),
            (
                "requests-times-tokens-overflow",
                &[
                    "requests-times-tokens-overflow.toml:12:1: workloads[0].parametric.requests_per_hour: ",
                    "requests_per_hour × tokens per",
                ],
            ),
            (
                "too-few-hour-weights",
                &[
                    "too-few-hour-weights.toml:15:15: workloads[0].parametric.hour_of_day: ",
                    "got 3",
                ],
            ),
            (
                "unknown-noise",
                &[
                    "unknown-noise.toml:15:9: workloads[0].parametric.noise: ",
                    "unknown variant `pink`, expected",
                ],
            ),
            (
                "unknown-profile",
                &[
                    "unknown-profile.toml:15:11: workloads[0].parametric.profile: ",
                    "unknown profile 'weekend'; expected",
                ],
            ),
            (
                "year-long-burst",
                &[
                    "year-long-burst.toml:16:15: workloads[0].parametric.burst_hours: ",
                    "got 8760",
                ],
            ),
            (
                "zero-burst-hours",
                &[
                    "zero-burst-hours.toml:16:15: workloads[0].parametric.burst_hours: ",
                    "got 0",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_unknown_keys() {
    scenario_class(
        "unknown-keys",
        &[
            (
                "capacity-typo",
                &[
                    "capacity-typo.toml:8:1: pools[0].capacity.input_tokens_per_min: ",
                    "unknown field `input_tokens_per_min`, expected",
                ],
            ),
            (
                "parametric-typo",
                &[
                    "parametric-typo.toml:15:1: workloads[0].parametric.noise_cv_: ",
                    "unknown field `noise_cv_`, expected",
                ],
            ),
            (
                "plan-layer-typo",
                &[
                    "plan-layer-typo.toml:8:1: plans[0].layers[0].unit: ",
                    "unknown field `unit`, expected one of `units`",
                ],
            ),
            (
                "pool-typo",
                &[
                    "pool-typo.toml:7:1: pools[0].fill_idel: ",
                    "unknown field `fill_idel`, expected",
                ],
            ),
            (
                "prices-typo",
                &[
                    "prices-typo.toml:8:1: pools[0].prices.input_per_token: ",
                    "unknown field `input_per_token`, expected",
                ],
            ),
            (
                "top-level-typo",
                &[
                    "top-level-typo.toml:4:1: trails: ",
                    "unknown field `trails`, expected",
                ],
            ),
            (
                "unknown-table",
                &[
                    "unknown-table.toml:16:2: extras: ",
                    "unknown field `extras`, expected",
                ],
            ),
            (
                "workload-typo",
                &[
                    "workload-typo.toml:11:1: workloads[0].batch_shar: ",
                    "unknown field `batch_shar`, expected",
                ],
            ),
        ],
    );
}

#[test]
fn scenario_wrong_types() {
    scenario_class(
        "wrong-types",
        &[
            (
                "float-for-integer",
                &[
                    "float-for-integer.toml:2:17: horizon_hours: ",
                    "invalid type: floating point",
                ],
            ),
            (
                "integer-too-large-for-u32",
                &[
                    "integer-too-large-for-u32.toml:3:10: trials: ",
                    "invalid value: integer `99999999999`",
                ],
            ),
            (
                "negative-seed",
                &[
                    "negative-seed.toml:4:8: seed: ",
                    "invalid value: integer `-1`",
                ],
            ),
            (
                "number-for-start",
                &["number-for-start.toml:4:9: start: ", "got an integer"],
            ),
            (
                "number-for-string",
                &[
                    "number-for-string.toml:9:8: workloads[0].name: ",
                    "invalid type: integer `7`",
                ],
            ),
            (
                "string-for-array",
                &[
                    "string-for-array.toml:15:15: workloads[0].parametric.hour_of_day: ",
                    "invalid type: string \"flat\"",
                ],
            ),
            (
                "string-for-bool",
                &[
                    "string-for-bool.toml:7:13: pools[0].fill_idle: ",
                    "invalid type: string \"yes\"",
                ],
            ),
            (
                "string-for-number",
                &[
                    "string-for-number.toml:11:15: workloads[0].batch_share: ",
                    "invalid type: string \"0.2\"",
                ],
            ),
            (
                "string-in-array",
                &[
                    "string-in-array.toml:15:25: workloads[0].parametric.day_of_week: ",
                    "invalid type: string \"a\"",
                ],
            ),
            (
                "table-for-array",
                &[
                    "table-for-array.toml:5:1: pools: ",
                    "invalid type: map, expected",
                ],
            ),
        ],
    );
}

#[test]
fn trace_duplicates() {
    trace_class(
        "duplicates",
        &[
            (
                "same-hour-through-an-offset",
                &[
                    "history.csv row 4: timestamp: ",
                    "duplicate hour 2024-01-01T02:00:00+01:00 (2024-01-01T01:00:00Z is",
                ],
            ),
            (
                "same-hour-twice",
                &[
                    "history.csv row 4: timestamp: ",
                    "duplicate hour 2024-01-01T01:00:00Z (2024-01-01T01:00:00Z is",
                ],
            ),
        ],
    );
}

#[test]
fn trace_empty_files() {
    trace_class(
        "empty-files",
        &[
            (
                "blank-lines-only",
                &["history.csv: ", "the file is empty; expected"],
            ),
            ("empty", &["history.csv: ", "the file is empty; expected"]),
            (
                "header-and-blank-lines",
                &["history.csv: ", "no data rows after the"],
            ),
            ("header-only", &["history.csv: ", "no data rows after the"]),
        ],
    );
}

#[test]
fn trace_encoding() {
    trace_class(
        "encoding",
        &[
            (
                "latin-1-byte",
                &["history.csv row 2: ", "byte 0xE9 is not UTF-8"],
            ),
            ("utf-16", &["history.csv: ", "the file is UTF-16 text"]),
        ],
    );
}

#[test]
fn trace_structure() {
    trace_class(
        "structure",
        &[
            (
                "duplicate-column",
                &[
                    "history.csv row 1: header: ",
                    "column 'input_tokens' appears more than",
                ],
            ),
            (
                "long-row",
                &["history.csv row 2: ", "expected 3 fields as in"],
            ),
            (
                "missing-column",
                &[
                    "history.csv row 1: header: ",
                    "expected columns timestamp,input_tokens,output_tokens; 'output_tokens' is",
                ],
            ),
            (
                "no-header",
                &[
                    "history.csv row 1: header: ",
                    "expected columns timestamp,input_tokens,output_tokens; 'timestamp' is",
                ],
            ),
            (
                "semicolons",
                &[
                    "history.csv row 1: header: ",
                    "expected columns timestamp,input_tokens,output_tokens; 'timestamp' is",
                ],
            ),
            (
                "short-row",
                &["history.csv row 3: ", "expected 3 fields as in"],
            ),
            (
                "unclosed-quote",
                &["history.csv row 2: ", "expected 3 fields as in"],
            ),
        ],
    );
}

#[test]
fn trace_timestamps() {
    trace_class(
        "timestamps",
        &[
            (
                "date-only",
                &["history.csv row 2: timestamp: ", "got '2024-01-01'"],
            ),
            (
                "empty-timestamp",
                &["history.csv row 3: timestamp: ", "got ''"],
            ),
            (
                "february-30",
                &[
                    "history.csv row 3: timestamp: ",
                    "got '2024-02-30T00:00:00Z'",
                ],
            ),
            (
                "fraction-of-a-second",
                &[
                    "history.csv row 2: timestamp: ",
                    "got '2024-01-01T00:00:00.5Z'",
                ],
            ),
            (
                "not-a-date",
                &["history.csv row 3: timestamp: ", "got 'noon'"],
            ),
            (
                "off-the-hour",
                &[
                    "history.csv row 2: timestamp: ",
                    "got '2024-01-01T00:15:00Z' (00:15:00 UTC)",
                ],
            ),
            (
                "offset-off-the-utc-hour",
                &[
                    "history.csv row 2: timestamp: ",
                    "got '2024-01-01T05:00:00+05:30' (23:30:00 UTC)",
                ],
            ),
            (
                "unix-seconds",
                &["history.csv row 2: timestamp: ", "got '1704067200'"],
            ),
        ],
    );
}

#[test]
fn trace_tokens() {
    trace_class(
        "tokens",
        &[
            (
                "empty-field",
                &["history.csv row 2: input_tokens: ", "got ''"],
            ),
            ("hex", &["history.csv row 2: input_tokens: ", "got '0x10'"]),
            (
                "huge",
                &["history.csv row 2: input_tokens: ", "got '1e308'"],
            ),
            ("inf", &["history.csv row 2: output_tokens: ", "got 'inf'"]),
            ("nan", &["history.csv row 2: input_tokens: ", "got 'NaN'"]),
            (
                "negative-output",
                &["history.csv row 2: output_tokens: ", "got '-1e6'"],
            ),
            (
                "negative",
                &["history.csv row 3: input_tokens: ", "got '-5'"],
            ),
            (
                "thousands-separator",
                &["history.csv row 2: input_tokens: ", "got '1,000'"],
            ),
            ("word", &["history.csv row 3: input_tokens: ", "got 'ten'"]),
        ],
    );
}

#[test]
fn trace_unsorted() {
    trace_class(
        "unsorted",
        &[
            (
                "one-row-back-in-time",
                &[
                    "history.csv row 4: timestamp: ",
                    "rows must be in increasing",
                ],
            ),
            (
                "previous-day",
                &[
                    "history.csv row 3: timestamp: ",
                    "rows must be in increasing",
                ],
            ),
        ],
    );
}

/// Runs `ptsim run s.toml` in `dir` (scenario at s.toml, trace, if any, at history.csv) and
/// returns every output file as (name, bytes).
fn run_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let output = Command::new(assert_cmd::cargo::cargo_bin("ptsim"))
        .current_dir(dir)
        .args([
            "run", "s.toml", "--out", "out", "--charts", "none", "--quiet",
        ])
        .output()
        .expect("ptsim runs");
    assert!(
        output.status.success(),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The plain form of an accepted file: no byte-order mark, LF line ends.
fn plain(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    text.trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .into_bytes()
}

#[test]
fn accepted_scenarios_with_a_bom_or_crlf_run_as_their_plain_form() {
    let dir = corpus().join("accepted").join("scenario");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let odd = tempfile::tempdir().unwrap();
        std::fs::write(odd.path().join("s.toml"), &bytes).unwrap();
        let normal = tempfile::tempdir().unwrap();
        std::fs::write(normal.path().join("s.toml"), plain(&bytes)).unwrap();
        assert_eq!(
            run_files(odd.path()),
            run_files(normal.path()),
            "{}",
            path.display()
        );
    }
}

#[test]
fn accepted_traces_with_a_bom_crlf_offsets_or_extra_columns_run_as_their_plain_form() {
    let dir = corpus().join("accepted").join("trace");
    let scenario = std::fs::read(corpus().join("trace").join("scenario.toml")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let odd = tempfile::tempdir().unwrap();
        std::fs::write(odd.path().join("s.toml"), &scenario).unwrap();
        std::fs::write(odd.path().join("history.csv"), &bytes).unwrap();
        let normal = tempfile::tempdir().unwrap();
        std::fs::write(normal.path().join("s.toml"), &scenario).unwrap();
        std::fs::write(normal.path().join("history.csv"), plain(&bytes)).unwrap();
        let files = run_files(odd.path());
        assert!(files.iter().any(|(n, _)| n == "curve.csv"));
        assert_eq!(files, run_files(normal.path()), "{}", path.display());
    }
}

/// Runs tests/corpus/history/scenario.toml with every file in tests/corpus/history/CLASS/ as its
/// `[workloads.bootstrap]` history.json. Messages start at the scenario line naming the file.
fn history_class(class: &str, cases: &[Case]) {
    let dir = corpus().join("history").join(class);
    check_listing(&dir, "json", cases);
    let failures = cases
        .iter()
        .filter_map(|(name, expected)| {
            let tmp = tempfile::tempdir().unwrap();
            std::fs::copy(
                dir.join(format!("{name}.json")),
                tmp.path().join("history.json"),
            )
            .unwrap();
            std::fs::copy(
                corpus().join("history").join("scenario.toml"),
                tmp.path().join("s.toml"),
            )
            .unwrap();
            let mut expected: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
            expected[0] = format!(
                "s.toml:13:8: workloads[0].bootstrap.file: history history.json: {}",
                expected[0]
            );
            refused(tmp.path(), "s.toml", &expected)
                .map_err(|e| format!("{name}.json as history.json: {e}"))
                .err()
        })
        .collect();
    assert_all(failures);
}

#[test]
fn history_cloudwatch() {
    history_class(
        "cloudwatch",
        &[
            (
                "duplicate-hour-via-offset",
                &[
                    "MetricDataResults[0] 'InputTokenCount' entry 1 (2024-01-01T01:00:00+01:00): duplicate timestamp",
                ],
            ),
            (
                "mismatched-lengths",
                &["MetricDataResults[0] 'InputTokenCount': 2 Timestamps but 1 Values"],
            ),
            (
                "negative-sum",
                &["Datapoints[1] ('InputTokenCount'): Sum: expected a non-negative number"],
            ),
            (
                "no-sum",
                &["Datapoints[0] ('InputTokenCount'): no Sum; export with --statistics Sum"],
            ),
            (
                "non-numeric-value",
                &[
                    "MetricDataResults[0] 'InputTokenCount' entry 0: Values: expected a non-negative number",
                    "got \"lots\"",
                ],
            ),
            ("one-hour", &["covers 1 hours", "expected at least 7 days"]),
            ("truncated", &["line 2 column 0: not valid JSON"]),
        ],
    );
}
