//! Helpers shared by the CLI tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `ptsim` binary under test.
pub fn ptsim() -> Command {
    Command::cargo_bin("ptsim").expect("binary builds")
}

/// The repository root (for shipped scenarios).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

/// `manifest.json` of the run written to `out`.
pub fn read_manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

/// Rows of a CSV file as column → value maps.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("csv opens");
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The number in `row[column]`.
pub fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} is a number"))
}

/// The curve.csv row of `pool` at `units`.
pub fn curve_row(dir: &Path, pool: &str, units: u32) -> HashMap<String, String> {
    read_csv(&dir.join("curve.csv"))
        .into_iter()
        .find(|r| r["pool"] == pool && r["units"] == units.to_string())
        .unwrap_or_else(|| panic!("curve has {pool} at {units}"))
}

/// `ptsim run SCENARIO --out DIR --charts none`, to add to and run.
pub fn run_command(scenario: &Path, out: &Path) -> Command {
    let mut command = ptsim();
    command
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--charts", "none"]);
    command
}

/// Runs `ptsim run SCENARIO --out DIR --charts none --quiet` plus `extra`, expecting success.
pub fn run_scenario(scenario: &Path, out: &Path, extra: &[&str]) {
    ptsim()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--charts", "none", "--quiet"])
        .args(extra)
        .assert()
        .success();
}

/// A one-pool scenario with exact capacity 15M input + 3.75M output tokens per unit-hour,
/// $3/$15 per Mtok, $39.60 per unit-hour, and one parametric workload whose table body is given.
pub fn one_pool_scenario(
    name: &str,
    horizon: u32,
    trials: u32,
    pool_extra: &str,
    parametric: &str,
) -> String {
    format!(
        r#"name = "{name}"
horizon_hours = {horizon}
trials = {trials}
seed = 11

[[pools]]
model = "claude-3.5-sonnet"
term = "one_month"
fill_idle = false
{pool_extra}
[pools.prices]
input_per_mtok = 3.0
output_per_mtok = 15.0
unit_per_hour = 39.6
[pools.capacity]
input_tokens_per_minute = 250000
output_tokens_per_minute = 62500
mode = "separate"

[[workloads]]
name = "w"
model = "claude-3.5-sonnet"
[workloads.parametric]
{parametric}
"#
    )
}

/// Runs `ptsim run` on `scenario_text` (and an optional trace) and returns stderr, asserting exit
/// code 2 and that no output folder was created.
pub fn run_fails(scenario_text: &str, trace: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "s.toml", scenario_text);
    if let Some(t) = trace {
        write(dir.path(), "history.csv", t);
    }
    let out = dir.path().join("out");
    let assert = ptsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "an output folder was written for bad input");
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// Whether `actual` is within `rel` (relative) of `expected`.
pub fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs().max(1e-12)
}
