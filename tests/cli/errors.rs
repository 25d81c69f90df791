//! Bad input: exit code 2, a message naming what and where, and nothing written.

use std::path::Path;

use super::common::*;

const GOOD: &str = r#"name = "bad"
horizon_hours = 48
trials = 5

[[pools]]
model = "claude-sonnet-4.5"

[[workloads]]
name = "chat"
model = "claude-sonnet-4.5"
batch_share = 0.2
[workloads.parametric]
input_tokens_per_hour = 1e7
output_tokens_per_hour = 2e6
"#;

const TRACE_SCENARIO: &str = r#"name = "bad-trace"
horizon_hours = 48
trials = 1

[[pools]]
model = "claude-sonnet-4.5"

[[workloads]]
name = "chat"
model = "claude-sonnet-4.5"
[workloads.trace]
file = "history.csv"
"#;

fn assert_mentions(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(stderr.contains(part), "expected {part:?} in:\n{stderr}");
    }
}

#[test]
fn unknown_key_is_named_with_line_and_column() {
    let text = GOOD.replace("batch_share = 0.2", "batch_shar = 0.2");
    assert_mentions(
        &run_fails(&text, None),
        &["s.toml:11:1", "batch_shar", "unknown field"],
    );
}

#[test]
fn wrong_type_is_named() {
    let text = GOOD.replace("batch_share = 0.2", "batch_share = \"high\"");
    assert_mentions(
        &run_fails(&text, None),
        &["s.toml:11:15", "batch_share", "invalid type"],
    );
}

#[test]
fn share_outside_zero_one_is_refused() {
    let text = GOOD.replace("batch_share = 0.2", "batch_share = 1.2");
    assert_mentions(
        &run_fails(&text, None),
        &["s.toml:11:15", "batch_share", "between 0 and 1, got 1.2"],
    );
}

#[test]
fn negative_price_is_refused() {
    let text = GOOD.replace(
        "model = \"claude-sonnet-4.5\"\n\n[[workloads]]",
        "model = \"claude-sonnet-4.5\"\n[pools.prices]\ninput_per_mtok = -3.0\n\n[[workloads]]",
    );
    assert_mentions(
        &run_fails(&text, None),
        &[
            "s.toml:8:18",
            "input_per_mtok",
            "between 0 and 1000000 USD per million tokens, got -3",
        ],
    );
}

#[test]
fn unknown_model_lists_the_rate_card() {
    let text = GOOD.replacen("model = \"claude-sonnet-4.5\"", "model = \"gpt-9\"", 1);
    assert_mentions(
        &run_fails(&text, None),
        &[
            "s.toml:6:9",
            "pools[0].model",
            "unknown model 'gpt-9'",
            "nova-micro",
        ],
    );
}

#[test]
fn workload_without_a_pool_is_refused() {
    let text = GOOD.replace(
        "name = \"chat\"\nmodel = \"claude-sonnet-4.5\"",
        "name = \"chat\"\nmodel = \"nova-pro\"",
    );
    assert_mentions(
        &run_fails(&text, None),
        &["workloads[0].model", "no pool buys 'nova-pro'"],
    );
}

#[test]
fn missing_trace_file_is_named() {
    assert_mentions(
        &run_fails(TRACE_SCENARIO, None),
        &["history.csv", "cannot read"],
    );
}

#[test]
fn malformed_trace_row_is_named() {
    let trace = "timestamp,input_tokens,output_tokens\n2024-01-01T00:00:00Z,10,1\n2024-01-01T01:00:00Z,ten,1\n";
    assert_mentions(
        &run_fails(TRACE_SCENARIO, Some(trace)),
        &["history.csv row 3", "input_tokens", "'ten'"],
    );
}

#[test]
fn empty_trace_is_refused() {
    let trace = "timestamp,input_tokens,output_tokens\n";
    assert_mentions(
        &run_fails(TRACE_SCENARIO, Some(trace)),
        &["history.csv", "no data rows"],
    );
}

#[test]
fn replay_refuses_parametric_workloads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "s.toml", GOOD);
    let assert = ptsim()
        .arg("replay")
        .arg(&scenario)
        .args(["--units", "1"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_mentions(&stderr, &["workload 'chat'", "[workloads.trace]"]);
}

#[test]
fn unwritable_output_leaves_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "s.toml", GOOD);
    // The output "folder" is an existing file: the run is refused before simulating (bad input)
    // and the file is untouched.
    let blocker = write(dir.path(), "out", "keep me");
    let assert = ptsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&blocker)
        .args(["--charts", "none"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_mentions(
        &stderr,
        &[
            "cannot write to the output folder",
            "is a file, not a folder",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(Path::new(&blocker)).unwrap(),
        "keep me"
    );
}
