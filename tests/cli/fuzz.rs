//! Property-based fuzzing (issue 8): valid scenarios and traces, mutated at random, must either
//! fail cleanly — an input error (exit code 2) whose message names the file and the line or row —
//! or run to outputs without a NaN or ∞ in any curve row, sizing row or manifest value. Nothing
//! may panic.
//!
//! The library is called directly rather than the binary (1,500 processes would take minutes):
//! `Scenario::parse_bytes` as `ptsim run` reads a file, then `plan` and `analyse` with a few
//! trials over a short horizon and a short sweep, which keeps the whole test to seconds.

use std::path::Path;

#[path = "../../src/proptest_seed.rs"]
mod proptest_seed;

use proptest::prelude::*;
use ptsim::analysis::{RunReport, analyse, plan};
use ptsim::ratecard::RateCard;
use ptsim::report::{csv::to_csv, manifest::manifest_json};
use ptsim::scenario::Scenario;
use ptsim::traffic::HourlyTrace;

/// Valid scenarios to mutate: every shipped one and two small ones (one replaying a trace).
const SCENARIOS: &[&str] = &[
    include_str!("../../scenarios/default.toml"),
    include_str!("../../scenarios/rag-sonnet.toml"),
    include_str!("../../scenarios/rag-cascade.toml"),
    include_str!("../../scenarios/enterprise-platform.toml"),
    include_str!("../../scenarios/nightly-batch.toml"),
    include_str!("../../scenarios/spiky-consumer.toml"),
    SMALL,
    TRACE_SCENARIO,
];

const SMALL: &str = r#"name = "small"
horizon_hours = 48
trials = 5
edp_discount = 0.1

[[pools]]
model = "claude-3.5-sonnet"
max_units = 4
intra_hour_cv = 0.3
on_demand_quota_tokens_per_minute = 200000
[pools.prices]
input_per_mtok = 3.0
output_per_mtok = 15.0
unit_per_hour = 39.6
[pools.capacity]
input_tokens_per_minute = 250000
output_tokens_per_minute = 62500
mode = "shared"

[[workloads]]
name = "chat"
model = "claude-3.5-sonnet"
batch_share = 0.3
batch_window_hours = 6
cache_hit_share = 0.4
priority = true
[workloads.parametric]
requests_per_hour = 2000
input_tokens_per_request = 4000
output_tokens_per_request = 600
noise = "gamma"
noise_cv = 0.5
ar1 = 0.5
growth_per_month_mean = 0.1
growth_per_month_sd = 0.1
level_sigma = 0.3
bursts_per_day = 2
burst_multiplier = 3
burst_hours = 2
"#;

const TRACE_SCENARIO: &str = r#"name = "replayed"
horizon_hours = 24
trials = 2

[[pools]]
model = "claude-sonnet-4.5"

[[workloads]]
name = "recorded"
model = "claude-sonnet-4.5"
batch_share = 0.5
[workloads.trace]
file = "history.csv"
"#;

const TRACE: &str = "timestamp,input_tokens,output_tokens,requests\n\
2024-01-01T00:00:00Z,20000000,4000000,100\n\
2024-01-01T01:00:00Z,35000000,5000000,150\n\
2024-01-01T02:00:00+00:00,0,0,0\n\
2024-01-01 04:00,1e7,2e6,50\n\
2024-01-01T06:00:00Z,90000000,9000000,400\n";

/// Values a mutation may give a key: boundaries, non-finite literals, wrong types.
const VALUES: &[&str] = &[
    "0",
    "-0.0",
    "-1",
    "1",
    "0.5",
    "0.999999",
    "1.000001",
    "2",
    "4",
    "10",
    "11",
    "24",
    "168",
    "169",
    "730",
    "87600",
    "87601",
    "100000",
    "100001",
    "1e9",
    "1e13",
    "1e300",
    "-1e300",
    "1e-300",
    "5e-324",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "0.0001",
    "\"\"",
    "\"x\"",
    "\"gamma\"",
    "\"none\"",
    "\"shared\"",
    "\"six_month\"",
    "\"no_commit\"",
    "\"reserved_tier\"",
    "\"nova-micro\"",
    "\"claude-haiku-4.5\"",
    "\"business-hours\"",
    "\"history.csv\"",
    "\"..\"",
    "true",
    "false",
    "[]",
    "[1, 2]",
    "{}",
    "2024-01-01T00:00:00Z",
    "\"2024-01-01T00:30:00Z\"",
    "\"2024-02-30T00:00:00Z\"",
    "[0, 0, 0, 0, 0, 0, 0]",
    "[1e9, 0, 0, 0, 0, 0, 0]",
    "[1, 1, 1, 1, 1, 1, 1]",
    "[1e-300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
    "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, nan]",
];

/// Keys a mutation may insert (anywhere: a key in the wrong table is an error too).
const KEYS: &[&str] = &[
    "name",
    "horizon_hours",
    "trials",
    "seed",
    "edp_discount",
    "start",
    "model",
    "product",
    "term",
    "max_units",
    "fill_idle",
    "intra_hour_cv",
    "on_demand_quota_tokens_per_minute",
    "input_per_mtok",
    "output_per_mtok",
    "batch",
    "batch_input_per_mtok",
    "cache_read_per_mtok",
    "priority_multiplier",
    "token_price_multiplier",
    "unit_per_hour",
    "unit_per_month",
    "input_tokens_per_minute",
    "output_tokens_per_minute",
    "mode",
    "batch_share",
    "batch_window_hours",
    "cache_hit_share",
    "priority",
    "input_tokens_per_hour",
    "output_tokens_per_hour",
    "requests_per_hour",
    "input_tokens_per_request",
    "profile",
    "hour_of_day",
    "day_of_week",
    "noise",
    "noise_cv",
    "ar1",
    "growth_per_month_mean",
    "growth_per_month_sd",
    "level_sigma",
    "bursts_per_day",
    "burst_multiplier",
    "burst_hours",
    "file",
];

/// Whole lines a mutation may insert.
const SNIPPETS: &[&str] = &[
    "[[pools]]\nmodel = \"claude-haiku-4.5\"",
    "[[pools]]\nmodel = \"nova-micro\"\nmax_units = 3",
    "[pools.prices]",
    "[pools.capacity]",
    "[[workloads]]\nname = \"extra\"\nmodel = \"claude-sonnet-4.5\"\n[workloads.parametric]\ninput_tokens_per_hour = 1e7\noutput_tokens_per_hour = 1e6",
    "[workloads.parametric]",
    "[workloads.trace]\nfile = \"history.csv\"",
    "\u{feff}",
    "# a comment",
    "[",
    "\"",
    "a = 1\na = 2",
];

/// Trace cells a mutation may write.
const CELLS: &[&str] = &[
    "",
    "0",
    "-0",
    "-1",
    "1e13",
    "1e14",
    "1e308",
    "NaN",
    "inf",
    "-inf",
    "1,000",
    "0x10",
    "ten",
    "2024-01-01T00:00:00Z",
    "2024-01-01T01:00:00Z",
    "2023-12-31T23:00:00Z",
    "2024-01-01T00:30:00Z",
    "2024-01-01T00:00:00.5Z",
    "2024-01-01T05:00:00+05:30",
    "2024-02-30T00:00:00Z",
    "9999-12-31T23:00:00Z",
    "0001-01-01T00:00:00Z",
    "1704067200",
    "\"",
    "timestamp",
];

/// Numbers a mutation may put where a number was: the edges of f64 and of the valid ranges.
const EXTREMES: &[&str] = &[
    "1.7976931348623157e308",
    "1e300",
    "1e13",
    "1e9",
    "1e6",
    "1000",
    "100",
    "24",
    "4",
    "0.999999999",
    "1e-9",
    "1e-300",
    "5e-324",
    "0",
    "-0.0",
    "-1e-9",
];

/// Factors a mutation may scale a number by: a valid scenario with extreme magnitudes.
const FACTORS: &[f64] = &[
    0.0, 0.5, 2.0, 3.0, 10.0, 1e3, 1e6, 1e12, 1e300, 1e-300, -1.0,
];

#[derive(Clone, Debug)]
enum Edit {
    /// Give the n-th `key = value` line another value.
    SetValue(usize, usize),
    /// Multiply the number on the n-th `key = number` line by `FACTORS[f]`.
    Scale(usize, usize),
    /// Replace the number on the n-th `key = number` line by `EXTREMES[e]`.
    Extreme(usize, usize),
    /// Insert `KEYS[k] = VALUES[v]` before line n.
    InsertKey(usize, usize, usize),
    /// Insert a snippet before line n.
    InsertSnippet(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Overwrite the byte at a position.
    Byte(usize, u8),
    Truncate(usize),
    /// (traces) Replace the n-th cell with `CELLS[c]`.
    Cell(usize, usize),
    /// Turn LF line ends into CRLF.
    Crlf,
}

fn scenario_edit() -> impl Strategy<Value = Edit> {
    let n = 0..400usize;
    prop_oneof![
        4 => (n.clone(), 0..VALUES.len()).prop_map(|(l, v)| Edit::SetValue(l, v)),
        6 => (n.clone(), 0..FACTORS.len()).prop_map(|(l, f)| Edit::Scale(l, f)),
        2 => (n.clone(), 0..KEYS.len(), 0..VALUES.len()).prop_map(|(l, k, v)| Edit::InsertKey(l, k, v)),
        1 => (n.clone(), 0..SNIPPETS.len()).prop_map(|(l, s)| Edit::InsertSnippet(l, s)),
        1 => n.clone().prop_map(Edit::DeleteLine),
        1 => n.clone().prop_map(Edit::DuplicateLine),
        1 => (n.clone(), n.clone()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => (0..4000usize, any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
        1 => (0..4000usize).prop_map(Edit::Truncate),
        1 => Just(Edit::Crlf),
    ]
}

fn number_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..400usize, 0..FACTORS.len()).prop_map(|(l, f)| Edit::Scale(l, f)),
        (0..400usize, 0..EXTREMES.len()).prop_map(|(l, e)| Edit::Extreme(l, e)),
    ]
}

fn trace_edit() -> impl Strategy<Value = Edit> {
    let n = 0..8usize;
    prop_oneof![
        4 => (0..40usize, 0..CELLS.len()).prop_map(|(c, v)| Edit::Cell(c, v)),
        1 => n.clone().prop_map(Edit::DeleteLine),
        1 => n.clone().prop_map(Edit::DuplicateLine),
        1 => (n.clone(), n.clone()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => (0..300usize, any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
        1 => (0..300usize).prop_map(Edit::Truncate),
        1 => Just(Edit::Crlf),
        1 => (n, 0..2usize).prop_map(|(l, s)| Edit::InsertSnippet(l, s + 7)),
    ]
}

/// Applies `edits` to `text` (as lines where it can, as bytes where it must).
fn mutate(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        let s = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines: Vec<String> = s.split('\n').map(String::from).collect();
        let len = lines.len().max(1);
        match *edit {
            Edit::SetValue(n, v) => {
                let assignments: Vec<usize> = (0..lines.len())
                    .filter(|&i| lines[i].contains('=') && !lines[i].trim_start().starts_with('#'))
                    .collect();
                if let Some(&i) = assignments.get(n % assignments.len().max(1)) {
                    let key = lines[i].split('=').next().unwrap_or("").to_string();
                    lines[i] = format!("{key}= {}", VALUES[v]);
                }
            }
            Edit::Scale(n, _) | Edit::Extreme(n, _) => {
                let numbers: Vec<(usize, String, f64)> = lines
                    .iter()
                    .enumerate()
                    .filter_map(|(i, l)| {
                        let (key, value) = l.split_once('=')?;
                        let value = value.split('#').next()?.trim().parse::<f64>().ok()?;
                        Some((i, key.to_string(), value))
                    })
                    .collect();
                if let Some((i, key, value)) = numbers.get(n % numbers.len().max(1)) {
                    let scaled = match *edit {
                        Edit::Scale(_, f) => value * FACTORS[f],
                        Edit::Extreme(_, e) => EXTREMES[e].parse().unwrap(),
                        _ => unreachable!(),
                    };
                    let integer = !lines[*i]
                        .split('=')
                        .nth(1)
                        .unwrap_or("")
                        .contains(['.', 'e']);
                    lines[*i] = if integer && scaled.fract() == 0.0 && scaled.abs() < 9e18 {
                        format!("{key}= {}", scaled as i64)
                    } else {
                        format!("{key}= {scaled:e}")
                    };
                }
            }
            Edit::InsertKey(n, k, v) => {
                lines.insert(n % len, format!("{} = {}", KEYS[k], VALUES[v]));
            }
            Edit::InsertSnippet(n, i) => lines.insert(n % len, SNIPPETS[i].to_string()),
            Edit::DeleteLine(n) => {
                if !lines.is_empty() {
                    lines.remove(n % len);
                }
            }
            Edit::DuplicateLine(n) => {
                let line = lines[n % len].clone();
                lines.insert(n % len, line);
            }
            Edit::SwapLines(a, b) => lines.swap(a % len, b % len),
            Edit::Cell(c, v) => {
                let mut cells: Vec<Vec<String>> = lines
                    .iter()
                    .map(|l| l.split(',').map(String::from).collect())
                    .collect();
                let total: usize = cells.iter().map(Vec::len).sum();
                let mut target = c % total.max(1);
                for row in &mut cells {
                    if target < row.len() {
                        row[target] = CELLS[v].to_string();
                        break;
                    }
                    target -= row.len();
                }
                lines = cells.iter().map(|r| r.join(",")).collect();
            }
            Edit::Crlf => {
                let last = lines.len() - 1;
                for line in &mut lines[..last] {
                    line.push('\r');
                }
            }
            Edit::Byte(..) | Edit::Truncate(_) => {}
        }
        bytes = lines.join("\n").into_bytes();
        match *edit {
            Edit::Byte(at, b) if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] = b;
            }
            Edit::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

/// A bad input must be an input error (exit code 2) that names the file and, where the file has
/// lines, the line or row.
fn assert_clean_error(error: ptsim::scenario::ScenarioError) {
    let message = error.to_string();
    let error = anyhow::Error::from(error);
    assert_eq!(ptsim::exit_code(&error), 2, "{message}");
    let rest = message
        .strip_prefix("fuzz.toml:")
        .unwrap_or_else(|| panic!("the message does not start with the file: {message}"));
    assert!(
        rest.starts_with(|c: char| c.is_ascii_digit()),
        "the message names no line: {message}"
    );
    if let Some(trace) = message.split(": trace ").nth(1) {
        // The trace's path (whatever the mutated scenario calls it), then its row if it has one.
        let named = trace.split(": ").next().unwrap_or("");
        let path = named.split(" row ").next().unwrap_or("");
        assert!(
            path.len() > dir_prefix_len(path),
            "the trace is not named: {message}"
        );
    }
}

/// Length of the folder part of `path` (the file name follows it).
fn dir_prefix_len(path: &str) -> usize {
    path.rfind('/').map_or(0, |i| i + 1)
}

/// Runs a scenario that parsed, small, and checks that nothing it would write is NaN or ∞.
fn assert_runs_finite(mut scenario: Scenario) {
    scenario.trials = scenario.trials.min(2);
    scenario.horizon_hours = scenario.horizon_hours.min(2000);
    let max_units: Vec<u32> = plan(&scenario, &|| {})
        .into_iter()
        .map(|k| k.min(8))
        .collect();
    let report = analyse(&scenario, &max_units, &|| {});
    assert_finite(&report);
}

fn assert_finite(report: &RunReport) {
    for pool in &report.pools {
        assert_eq!(pool.curve.len() as u32, pool.run.max_units() + 1);
        for row in &pool.curve {
            assert_eq!(ptsim::guard::find_non_finite(row), None, "{row:?}");
            assert!((0.0..=1.0).contains(&row.prob_beats_on_demand), "{row:?}");
            assert!(row.p5 <= row.p50 && row.p50 <= row.p99, "{row:?}");
        }
        for row in &pool.sizing {
            assert_eq!(ptsim::guard::find_non_finite(row), None, "{row:?}");
        }
        assert!(pool.break_even_utilization.is_none_or(f64::is_finite));
    }
    assert_eq!(ptsim::guard::find_non_finite(&report.scenario), None);
    ptsim::commands::run::check_finite(report).expect("the run's own check agrees");
    // And the bytes themselves: every number in the CSVs parses as a finite number.
    let curve: Vec<_> = report.pools.iter().flat_map(|p| p.curve.clone()).collect();
    let sizing: Vec<_> = report.pools.iter().flat_map(|p| p.sizing.clone()).collect();
    for bytes in [to_csv(&curve).unwrap(), to_csv(&sizing).unwrap()] {
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        for record in reader.records() {
            for cell in record.unwrap().iter().skip(1) {
                if let Ok(v) = cell.parse::<f64>() {
                    assert!(v.is_finite(), "{cell}");
                }
            }
        }
    }
    let manifest = manifest_json(report, &["curve.csv".to_string()]).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert!(manifest["pools"].as_array().is_some());
}

fn parse_in(dir: &Path, bytes: &[u8]) -> Result<Scenario, ptsim::scenario::ScenarioError> {
    Scenario::parse_bytes(bytes, "fuzz.toml", dir, &RateCard::shipped())
}

/// The shared fixed-seed configuration; failures are not saved (the cases are named by seed).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..proptest_seed::seeded(cases)
    }
}

/// Parses mutated scenario bytes as `ptsim run` would and checks the outcome.
fn check_scenario(seed: usize, edits: &[Edit]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("history.csv"), TRACE).unwrap();
    let bytes = mutate(SCENARIOS[seed], edits);
    match parse_in(dir.path(), &bytes) {
        Ok(scenario) => assert_runs_finite(scenario),
        Err(error) => assert_clean_error(error),
    }
}

proptest! {
    #![proptest_config(config(700))]

    /// Any edit: values of the wrong type or range, lines inserted, lost or swapped, bytes
    /// overwritten, files cut short. Most end in an error, which must be clean.
    #[test]
    fn mutated_scenarios_fail_cleanly_or_run_without_nan(
        seed in 0..SCENARIOS.len(),
        edits in prop::collection::vec(scenario_edit(), 1..4),
    ) {
        check_scenario(seed, &edits);
    }
}

proptest! {
    #![proptest_config(config(500))]

    /// Numbers scaled or set to zero, negative or extreme magnitudes: many stay valid, and those
    /// runs must stay finite.
    #[test]
    fn scaled_scenarios_fail_cleanly_or_run_without_nan(
        seed in 0..SCENARIOS.len(),
        edits in prop::collection::vec(number_edit(), 1..6),
    ) {
        check_scenario(seed, &edits);
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn mutated_traces_fail_cleanly_or_run_without_nan(
        edits in prop::collection::vec(trace_edit(), 1..4),
    ) {
        let bytes = mutate(TRACE, &edits);
        match HourlyTrace::parse(Path::new("t.csv"), &bytes) {
            Ok(trace) => {
                let ok = |v: f64| v.is_finite() && v >= 0.0;
                let rows_ok = trace.hours.iter().all(|h| ok(h.input_tokens) && ok(h.output_tokens));
                prop_assert!(rows_ok, "{:?}", trace.hours);
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("trace t.csv"), "{}", message);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("history.csv"), &bytes).unwrap();
        match parse_in(dir.path(), TRACE_SCENARIO.as_bytes()) {
            Ok(scenario) => assert_runs_finite(scenario),
            Err(error) => assert_clean_error(error),
        }
    }
}
