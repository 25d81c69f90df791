//! Hardening (issue 8) beyond the corpus: Ctrl-C and unwritable folders leave earlier results
//! byte-identical, the memory guard refuses what would not fit, the most extreme scenario the
//! range checks accept still computes finite numbers, and every shipped scenario gives the same
//! bytes at 1, 2 and 7 threads.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ptsim::analysis::{analyse, plan};
use ptsim::ratecard::RateCard;
use ptsim::scenario::Scenario;

use super::common::*;

/// Every file of an output folder as (name, bytes), sorted: any change, any stray temporary
/// file, shows.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.path().is_dir() {
                b"<folder>".to_vec()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// A year of hourly traffic and a 41-unit sweep: thousands of trials take minutes, so the run is
/// still simulating when it is interrupted.
const LONG: &str = r#"name = "long"
horizon_hours = 8760
trials = 5000
seed = 3

[[pools]]
model = "claude-sonnet-4.5"
max_units = 40

[[workloads]]
name = "assistant"
model = "claude-sonnet-4.5"
batch_share = 0.3
[workloads.parametric]
input_tokens_per_hour = 1.2e8
output_tokens_per_hour = 2.0e7
profile = "business-hours"
noise_cv = 0.25
ar1 = 0.7
"#;

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_earlier_results_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "long.toml", LONG);
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &["--trials", "2"]);
    let before = snapshot(&out);

    let mut child = Command::new(assert_cmd::cargo::cargo_bin("ptsim"))
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the long run ended before it could be interrupted"
    );
    let sent = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("the run did not stop within 20 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: nothing was written"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before, "the earlier results changed");
}

#[test]
fn a_write_that_fails_part_way_leaves_every_earlier_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &one_pool_scenario(
            "partial",
            24,
            5,
            "max_units = 3",
            "input_tokens_per_hour = 1e7\noutput_tokens_per_hour = 2e6",
        ),
    );
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    // manifest.json, written last, cannot be replaced: curve.csv and sizing.csv, which could,
    // must not be either (a run's files are a set).
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    std::fs::create_dir(out.join("manifest.json")).unwrap();
    let before = snapshot(&out);
    let assert = ptsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--seed", "99"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("cannot write the results to"), "{stderr}");
    assert!(stderr.contains("nothing there was changed"), "{stderr}");
    assert!(stderr.contains("manifest.json is a folder"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_is_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &one_pool_scenario(
            "readonly",
            24,
            5,
            "max_units = 2",
            "input_tokens_per_hour = 1e7\noutput_tokens_per_hour = 2e6",
        ),
    );
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    let before = snapshot(&out);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions; there the other tests of failed writes stand in for this one.
    if std::fs::write(out.join("probe"), b"").is_ok() {
        std::fs::remove_file(out.join("probe")).unwrap();
        return;
    }
    // Refused before anything is simulated (exit code 2, bad input), naming the folder.
    let assert = ptsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--seed", "99"])
        .assert()
        .code(2);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "cannot write to the output folder {}",
            out.display()
        )),
        "{stderr}"
    );
    assert!(assert.get_output().stdout.is_empty());
    assert_eq!(snapshot(&out), before);
}

#[test]
fn the_memory_limit_can_be_lowered_and_a_bad_size_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &one_pool_scenario(
            "memory",
            24,
            50,
            "max_units = 9",
            "input_tokens_per_hour = 1e7\noutput_tokens_per_hour = 2e6",
        ),
    );
    let out = dir.path().join("out");
    let refused = ptsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--max-memory", "16KiB"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    for part in [
        "s.toml: this run would need about",
        "more than the --max-memory limit of 16.0 KiB",
        "pool claude-3.5-sonnet: 50 trials × 10 unit counts (k = 0..=9) × 80 B",
        "fewer trials",
        "max_units",
        "horizon_hours",
    ] {
        assert!(stderr.contains(part), "expected {part:?} in:\n{stderr}");
    }
    assert!(!out.exists());
    ptsim()
        .args(["run", "--max-memory", "lots"])
        .assert()
        .code(2);
    run_scenario(&scenario, &out, &["--max-memory", "1GiB"]);
    assert!(out.join("curve.csv").exists());
}

/// Every bound of `scenario::values` at its most extreme, over the longest horizon.
const EXTREME: &str = r#"name = "extreme"
horizon_hours = 87600
trials = 2

[[pools]]
model = "claude-sonnet-4.5"
max_units = 2
intra_hour_cv = 10
on_demand_quota_tokens_per_minute = 1e-300
[pools.prices]
input_per_mtok = 1e6
output_per_mtok = 1e6
cache_read_per_mtok = 1e6
batch_input_per_mtok = 1e6
batch_output_per_mtok = 1e6
priority_multiplier = 100
token_price_multiplier = 100
unit_per_hour = 1e6
[pools.capacity]
input_tokens_per_minute = 1
output_tokens_per_minute = 1
mode = "shared"

[[workloads]]
name = "w"
model = "claude-sonnet-4.5"
batch_share = 0.5
batch_window_hours = 4294967295
cache_hit_share = 1
priority = true
[workloads.parametric]
input_tokens_per_hour = 1e13
output_tokens_per_hour = 1e13
hour_of_day = [1e9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
day_of_week = [1e9, 0, 0, 0, 0, 0, 0]
noise = "gamma"
noise_cv = 4
ar1 = 0.999999
growth_per_month_mean = 10
growth_per_month_sd = 2
level_sigma = 3
bursts_per_day = 24
burst_multiplier = 1000
burst_hours = 168
"#;

#[test]
fn the_most_extreme_accepted_scenario_computes_finite_numbers() {
    let card = RateCard::shipped();
    for mode in ["shared", "separate"] {
        let text = EXTREME.replace("mode = \"shared\"", &format!("mode = \"{mode}\""));
        let scenario = Scenario::parse(&text, "extreme.toml", Path::new("."), &card).unwrap();
        let report = analyse(&scenario, &plan(&scenario, &|| {}), &|| {});
        ptsim::commands::run::check_finite(&report).unwrap();
        for pool in &report.pools {
            for row in &pool.curve {
                assert_eq!(ptsim::guard::find_non_finite(row), None, "{row:?}");
            }
        }
    }
}

#[test]
fn every_shipped_scenario_gives_identical_bytes_at_1_2_and_7_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut scenarios: Vec<_> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 7, "{scenarios:?}");
    for scenario in &scenarios {
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let runs: Vec<_> = ["1", "2", "7"]
            .iter()
            .map(|threads| {
                let out = dir.path().join(format!("{name}-{threads}"));
                run_scenario(scenario, &out, &["--trials", "30", "--threads", threads]);
                snapshot(&out)
            })
            .collect();
        let names: Vec<&str> = runs[0].iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            ["curve.csv", "manifest.json", "sizing.csv"]
                .iter()
                .all(|f| names.contains(f)),
            "{name}: {names:?}"
        );
        assert!(runs[0] == runs[1], "{name}: 1 and 2 threads differ");
        assert!(runs[0] == runs[2], "{name}: 1 and 7 threads differ");
    }
}

/// Found by the fuzz test before subnormal numbers were refused at input: a queued item whose
/// input side rounds to exactly zero under partial service is later counted off a zero-input
/// counter it was never counted on, and `Backlog::serve` underflows (a panic in debug builds, a
/// wrapped counter in release). Fixed: each item records its zero sides when queued.
#[test]
fn the_backlog_survives_an_item_whose_input_rounds_to_zero() {
    use ptsim::cost::{
        Capacity, CapacityMode, PoolHours, PoolModel, PoolPrices, WorkloadCost, WorkloadTraffic,
    };
    let model = PoolModel {
        capacity: Capacity {
            input_tokens_per_hour: 1e6,
            output_tokens_per_hour: 1e6,
            mode: CapacityMode::Separate,
        },
        prices: PoolPrices {
            input_usd_per_token: 1e-6,
            output_usd_per_token: 1e-6,
            cache_read_usd_per_token: 1e-7,
            batch_input_usd_per_token: 5e-7,
            batch_output_usd_per_token: 5e-7,
            priority_multiplier: 1.0,
            unit_usd_per_hour: 1.0,
        },
        workloads: vec![WorkloadCost {
            batch_share: 1.0,
            batch_window_hours: 24,
            cache_hit_share: 0.0,
            priority: false,
        }],
        fill_idle: true,
        intra_hour_cv: 0.0,
        quota_tokens_per_hour: None,
        discount: 0.0,
    };
    // One unit serves two thirds of the output in hour 0; two thirds of the smallest subnormal
    // rounds to all of it, so the input side reaches zero while output is still queued.
    let (input, output) = (vec![5e-324, 0.0, 0.0], vec![1.5e6, 0.0, 0.0]);
    let hours = PoolHours::new(
        &model,
        &[WorkloadTraffic {
            input: &input,
            output: &output,
        }],
    );
    let one = hours.evaluate(&model, 1);
    assert_eq!(one.absorbed_tokens, 1.5e6);
}
