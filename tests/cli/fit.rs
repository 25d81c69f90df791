//! `ptsim fit`, `ptsim backtest` and `[workloads.bootstrap]` (issue 4) on the fixtures in
//! tests/fixtures/history/ (synthetic; see its README).

use std::path::PathBuf;

use super::common::*;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/history").join(name)
}

#[test]
fn csv_and_both_cloudwatch_shapes_give_the_same_hourly_series() {
    let read = |files: &[PathBuf]| ptsim::history::read(files, &Default::default()).unwrap();
    let csv = read(&[fixture("hourly.csv")]);
    let data = read(&[fixture("get-metric-data.json")]);
    let stats = read(&[
        fixture("get-metric-statistics-output.json"),
        fixture("get-metric-statistics-input.json"),
    ]);
    assert_eq!(csv.len(), 336);
    for other in [&data, &stats] {
        assert_eq!(other.start_epoch_hour, csv.start_epoch_hour);
        assert_eq!(other.input, csv.input);
        assert_eq!(other.output, csv.output);
        assert_eq!(other.observed, csv.observed);
    }
    assert_eq!(data.requests, csv.requests);
    // Hours the exports leave out are missing, not traffic: hour 5 is one of the fixture's gaps.
    assert_eq!((csv.input[5], csv.observed[5]), (0.0, false));
    assert!(csv.input[4] > 0.0 && csv.observed[4]);
}

#[test]
fn bad_histories_are_refused_naming_the_row() {
    for (file, expected) in [
        (
            "bad-non-numeric.csv",
            "row 11: input_tokens: expected a non-negative number, got '12k'",
        ),
        (
            "bad-negative.csv",
            "row 21: output_tokens: expected a non-negative number, got '-40'",
        ),
        (
            "bad-duplicate-hour.csv",
            "row 32: timestamp: duplicate hour",
        ),
        ("bad-too-short.csv", "covers 148 hours"),
    ] {
        let out = ptsim()
            .args(["fit", "--model", "claude-sonnet-4.5", "--out"])
            .arg(tempfile::tempdir().unwrap().path().join("s.toml"))
            .arg(fixture(file))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert!(stderr.contains(file), "{file}: {stderr}");
    }
}

#[test]
fn fit_writes_a_scenario_that_runs_and_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fitted.toml");
    let assert = ptsim()
        .args(["fit", "--model"])
        .arg("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .arg("--out")
        .arg(&out)
        // Two weeks of a strong working-week shape: the weekday profile is asked for (by
        // default it needs three weeks).
        .args(["--weekly", "on"])
        .arg(fixture("hourly.csv"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("Fitted claude-sonnet-4.5"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("model = \"claude-sonnet-4.5\""), "{text}");
    assert!(text.contains("noise_cv = "), "{text}");
    // The fixture is 2 M tokens an hour with output 25% of input, CV 0.25 lognormal noise.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("fitted.fit.json")).unwrap())
            .unwrap();
    let fit = &report["fit"];
    assert!((fit["output_ratio"].as_f64().unwrap() - 0.25).abs() < 1e-4);
    let cv = fit["noise"]["cv"]["value"].as_f64().unwrap();
    assert!((cv - 0.25).abs() < 0.04, "{cv}");
    let level = fit["input_tokens_per_hour"]["value"].as_f64().unwrap();
    assert!((level / 2.0e6 - 1.0).abs() < 0.1, "{level}");
    let rows = read_csv(&dir.path().join("fitted.quantiles.csv"));
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0]["quantile"], "0.05");
    for row in &rows {
        let (o, s) = (num(row, "observed_load"), num(row, "simulated_load"));
        assert!((s / o - 1.0).abs() < 0.25, "{row:?}");
    }
    let png = std::fs::read(dir.path().join("fitted.qq.png")).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (1600, 900));
    // The scenario runs as written.
    run_scenario(&out, &dir.path().join("run"), &["--trials", "20"]);
    assert!(dir.path().join("run/curve.csv").exists());
}

#[test]
fn a_history_naming_another_model_is_refused() {
    let out = ptsim()
        .args(["fit", "--model", "claude-haiku-4.5", "--out"])
        .arg(tempfile::tempdir().unwrap().path().join("s.toml"))
        .arg(fixture("hourly.csv"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("(claude-sonnet-4.5), but --model is claude-haiku-4.5"),
        "{stderr}"
    );
}

#[test]
fn backtest_prints_coverage_per_unit_level() {
    let dir = tempfile::tempdir().unwrap();
    let assert = ptsim()
        .args([
            "backtest",
            "--model",
            "claude-sonnet-4.5",
            "--train-days",
            "14",
            "--step-days",
            "7",
        ])
        .args(["--trials", "50", "--json", "--out"])
        .arg(dir.path())
        .arg(fixture("wandering-90d.csv"))
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    // 90 days: windows start on days 14, 21, …, 77 and the last ends on day 84.
    assert_eq!(report["windows"].as_array().unwrap().len(), 10);
    let cases = report["cases"].as_u64().unwrap();
    let inside = report["inside"].as_u64().unwrap();
    assert!(cases > 0 && inside <= cases);
    let first = &report["windows"][0]["cases"][0];
    assert_eq!(first["units"], 0);
    assert!(first["p10_usd"].as_f64().unwrap() <= first["p90_usd"].as_f64().unwrap());
    // All on-demand, the realized cost is the tokens priced exactly: $3 and $15 per Mtok.
    let history =
        ptsim::history::read(&[fixture("wandering-90d.csv")], &Default::default()).unwrap();
    let week = history.slice(14 * 24, 21 * 24);
    let tokens_usd =
        (week.input.iter().sum::<f64>() * 3.0 + week.output.iter().sum::<f64>() * 15.0) / 1e6;
    let realized = first["realized_usd"].as_f64().unwrap();
    assert!(
        (realized / tokens_usd - 1.0).abs() < 1e-9,
        "{realized} vs {tokens_usd}"
    );
}

#[test]
fn a_bootstrap_of_a_constant_history_costs_exactly_its_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp,input_tokens,output_tokens\n");
    for h in 0..14 * 24 {
        let t = chrono::DateTime::from_timestamp(1_704_067_200 + 3600 * h, 0).unwrap();
        csv.push_str(&format!(
            "{},1000000,100000\n",
            t.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    write(dir.path(), "history.csv", &csv);
    let text = one_pool_scenario("boot", 48, 5, "max_units = 1", "").replace(
        "[workloads.parametric]\n",
        "[workloads.bootstrap]\nfile = \"history.csv\"\nblock = \"week\"\n\
         level_sigma = 0\ngrowth_per_month_sd = 0\n",
    );
    let scenario = write(dir.path(), "s.toml", &text);
    run_scenario(&scenario, &dir.path().join("out"), &[]);
    // 48 hours × (1 M input × $3 + 0.1 M output × $15) per Mtok = 48 × $4.50.
    let row = curve_row(&dir.path().join("out"), "claude-3.5-sonnet", 0);
    assert!((num(&row, "mean") - 216.0).abs() < 1e-9, "{row:?}");
    assert!((num(&row, "p99") - 216.0).abs() < 1e-9, "{row:?}");
}

#[test]
fn a_bootstrap_that_lacks_a_weekday_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("bad-too-short.csv"), dir.path().join("h.csv")).unwrap();
    let text = one_pool_scenario("boot", 48, 5, "", "").replace(
        "[workloads.parametric]\n",
        "[workloads.bootstrap]\nfile = \"h.csv\"\n",
    );
    let scenario = write(dir.path(), "s.toml", &text);
    let out = ptsim()
        .arg("run")
        .arg(&scenario)
        .args(["--out", "out", "--charts", "none"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("s.toml:24:8: workloads[0].bootstrap.file: history"),
        "{stderr}"
    );
    assert!(stderr.contains("covers 148 hours"), "{stderr}");
}
