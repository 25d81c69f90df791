//! `ptsim terms`, `ptsim sensitivity` and `run --precision` (issue 5) against hand-checkable
//! oracles: price ratios, exact stranding, regret never negative, the tornado reproduced by
//! hand-edited runs, and a precision interval that matches the spread of independent seeds.

use std::collections::HashMap;
use std::path::Path;

use super::common::*;

/// Exactly two units of constant load on a 15M + 3.75M per unit-hour pool, priced on one and
/// six months ($39.60 and $27.72 per unit-hour).
fn constant_scenario(risk: &str) -> String {
    one_pool_scenario(
        "constant",
        730,
        4,
        "max_units = 3\n[pools.term_prices]\none_month = 39.6\nsix_month = 27.72",
        &format!(
            "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise = \"none\"\n\
             [risk]\nterms = [\"one_month\", \"six_month\"]\n{risk}"
        ),
    )
}

fn terms(dir: &Path, scenario: &str, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let path = write(dir, "s.toml", scenario);
    let out = dir.join("out");
    ptsim()
        .arg("terms")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--quiet", "--trials", "3"])
        .args(extra)
        .assert()
        .success();
    let header = std::fs::read_to_string(out.join("terms.csv")).unwrap();
    assert_eq!(
        header.lines().next().unwrap(),
        "pool,term,policy,units,mean,p5,p50,p95,cvar95,regret_mean,regret_p95,\
         prob_beats_on_demand,stranded_usd_mean,units_mean"
    );
    read_csv(&out.join("terms.csv"))
}

fn find<'a>(
    rows: &'a [HashMap<String, String>],
    term: &str,
    policy: &str,
    units: f64,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["term"] == term && r["policy"] == policy && num(r, "units") == units)
        .unwrap_or_else(|| panic!("no {term} {policy} {units} row"))
}

#[test]
fn terms_constant_traffic_costs_in_the_ratio_of_the_prices() {
    let dir = tempfile::tempdir().unwrap();
    let rows = terms(dir.path(), &constant_scenario(""), &[]);
    let one = find(&rows, "one_month", "fixed", 2.0);
    let six = find(&rows, "six_month", "fixed", 2.0);
    // Both priced over six months (4,380 hours): 2 × price × 4,380, nothing spills.
    assert!((num(one, "mean") - 2.0 * 39.6 * 4380.0).abs() < 1e-6);
    let ratio = num(six, "mean") / num(one, "mean");
    assert!((ratio - 27.72 / 39.6).abs() < 1e-12, "{ratio}");
    assert_eq!(num(six, "stranded_usd_mean"), 0.0);
}

#[test]
fn terms_switch_at_month_zero_strands_k_price_and_term_hours() {
    let dir = tempfile::tempdir().unwrap();
    let rows = terms(
        dir.path(),
        &constant_scenario("switch_probability_per_month = 1.0"),
        &["--units", "2"],
    );
    for (term, price, hours) in [("one_month", 39.6, 730.0), ("six_month", 27.72, 4380.0)] {
        let fixed = find(&rows, term, "fixed", 2.0);
        assert_eq!(
            num(fixed, "stranded_usd_mean"),
            2.0 * price * hours,
            "{term}"
        );
        assert_eq!(num(fixed, "mean"), 2.0 * price * hours, "{term}");
    }
    // Knowing the traffic leaves at once, the best choice is no units at all.
    let best = find(&rows, "any", "hindsight", 0.0);
    assert_eq!(num(best, "mean"), 0.0);
}

#[test]
fn terms_regret_is_never_negative_and_zero_in_hindsight() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = one_pool_scenario(
        "noisy",
        730,
        4,
        "max_units = 4\n[pools.term_prices]\nno_commit = 49.5\none_month = 39.6\nsix_month = 27.72",
        "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise_cv = 0.5\n\
         level_sigma = 0.4\ngrowth_per_month_mean = 0.05\ngrowth_per_month_sd = 0.05\n\
         [risk]\nswitch_probability_per_month = 0.2\nshare_after_switch = 0.25\n\
         rolling_wait_months = 1",
    );
    let rows = terms(dir.path(), &scenario, &[]);
    assert!(rows.iter().any(|r| r["policy"] == "rolling_p50"));
    for r in &rows {
        assert!(
            num(r, "regret_mean") >= 0.0 && num(r, "regret_p95") >= 0.0,
            "{r:?}"
        );
    }
    let best = find(
        &rows,
        "any",
        "hindsight",
        num(&rows[rows.len() - 1], "units"),
    );
    assert_eq!(
        (num(best, "regret_mean"), num(best, "regret_p95")),
        (0.0, 0.0)
    );
}

/// The min_mean row of `pool` in a run's sizing.csv: (units, savings_p50).
fn min_mean(out: &Path, pool: &str) -> (u32, f64) {
    let row = read_csv(&out.join("sizing.csv"))
        .into_iter()
        .find(|r| r["pool"] == pool && r["rule"] == "min_mean")
        .expect("min_mean row");
    (num(&row, "units") as u32, num(&row, "savings_p50"))
}

#[test]
fn sensitivity_ranks_throughput_above_noise_and_hand_runs_reproduce_it() {
    let dir = tempfile::tempdir().unwrap();
    let default = repo().join("scenarios/default.toml");
    let out = dir.path().join("tornado");
    ptsim()
        .arg("sensitivity")
        .arg(&default)
        .arg("--out")
        .arg(&out)
        .args(["--trials", "24", "--charts", "none", "--quiet"])
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(text.starts_with("input,low,high,metric_at_low,metric_at_high,swing,"));
    let pool = "claude-sonnet-4.5";
    let rows: Vec<_> = read_csv(&out.join("sensitivity.csv"))
        .into_iter()
        .filter(|r| r["pool"] == pool)
        .collect();
    assert_eq!(rows.len(), 7);
    let rank = |input: &str| rows.iter().position(|r| r["input"] == input).unwrap();
    assert!(rank("unit_throughput_factor") < rank("noise_cv_factor"));
    let row = |input: &str| &rows[rank(input)];

    // By hand: throughput × 0.7 written into the scenario as a capacity override.
    let original = std::fs::read_to_string(&default).unwrap();
    // The Sonnet pool's last key, the one line with this comment.
    let anchor = "intra_hour_cv = 0.2           # chat-like traffic inside the hour (docs/model.md §2: 0.1–0.4)\n";
    assert_eq!(original.matches(anchor).count(), 1);
    let slow = original.replacen(
        anchor,
        &format!(
            "{anchor}[pools.capacity]\ninput_tokens_per_minute = {}\n\
             output_tokens_per_minute = {}\nmode = \"separate\"\n",
            266667.0 * 0.7,
            66667.0 * 0.7
        ),
        1,
    );
    let by_hand = |name: &str, text: &str| {
        let path = write(dir.path(), name, text);
        let out = dir.path().join(name.replace(".toml", ""));
        run_scenario(&path, &out, &["--trials", "24"]);
        min_mean(&out, pool)
    };
    let (units, savings) = by_hand("slow.toml", &slow);
    let t = row("unit_throughput_factor");
    assert_eq!(units, num(t, "units_at_low") as u32);
    let expected = num(t, "metric_at_low");
    assert!(
        (savings - expected).abs() <= 1e-6 * expected.abs().max(1.0),
        "{savings} vs {expected}"
    );

    // By hand: every noise_cv halved.
    let mut calm = original.clone();
    // 0.2 first: halving 0.4 makes a new 0.2.
    for cv in ["0.2", "0.3", "0.25", "0.4"] {
        let v: f64 = cv.parse().unwrap();
        calm = calm.replace(
            &format!("noise_cv = {cv}\n"),
            &format!("noise_cv = {}\n", v * 0.5),
        );
    }
    let (units, savings) = by_hand("calm.toml", &calm);
    let n = row("noise_cv_factor");
    assert_eq!(units, num(n, "units_at_low") as u32);
    assert_eq!(savings, num(n, "metric_at_low"));
}

#[test]
fn precision_stops_and_its_interval_matches_twenty_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = one_pool_scenario(
        "precise",
        24,
        200,
        "max_units = 2",
        "input_tokens_per_hour = 1.5e7\noutput_tokens_per_hour = 3.75e6\nnoise_cv = 0.6\n\
         level_sigma = 0.5",
    );
    let path = write(dir.path(), "p.toml", &scenario);
    let out = dir.path().join("precise");
    let assert = ptsim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--precision", "2%"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("reached"), "{stdout}");
    let manifest: serde_json::Value = read_manifest(&out);
    let trials = manifest["trials"].as_u64().unwrap();
    assert!(trials > 200 && trials % 200 == 0, "{trials}");
    let row = read_csv(&out.join("sizing.csv"))
        .into_iter()
        .find(|r| r["rule"] == "min_mean")
        .unwrap();
    let (k, p50) = (num(&row, "units") as u32, num(&row, "p50"));
    let half = (num(&row, "p50_ci95_high") - num(&row, "p50_ci95_low")) / 2.0;
    assert!(half / p50 <= 0.02, "{half} / {p50}");
    // Twenty independent seeds at the same trial count: their P50s spread like the interval says.
    let p50s: Vec<f64> = (1..=20)
        .map(|seed| {
            let out = dir.path().join(format!("seed{seed}"));
            run_scenario(
                &path,
                &out,
                &["--trials", &trials.to_string(), "--seed", &seed.to_string()],
            );
            num(&curve_row(&out, "claude-3.5-sonnet", k), "p50")
        })
        .collect();
    let m = p50s.iter().sum::<f64>() / 20.0;
    let sd = (p50s.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 19.0).sqrt();
    let ratio = half / (1.96 * sd);
    assert!(
        (0.6..1.6).contains(&ratio),
        "interval ±{half}, seeds 1.96·sd = {}",
        1.96 * sd
    );
}

#[test]
fn a_bad_risk_section_names_its_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad.toml",
        &constant_scenario("switch_probability_per_month = 1.5"),
    );
    let assert = ptsim().arg("terms").arg(&path).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("switch_probability_per_month"), "{stderr}");
    assert!(stderr.contains("bad.toml:"), "{stderr}");
    ptsim().args(["run", "--precision", "0%"]).assert().code(2);
}

#[test]
fn terms_are_byte_identical_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = one_pool_scenario(
        "threads",
        730,
        4,
        "max_units = 3",
        "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise_cv = 0.5\n\
         level_sigma = 0.4\n[risk]\nswitch_probability_per_month = 0.3\nterms = [\"one_month\"]",
    );
    let path = write(dir.path(), "s.toml", &scenario);
    let csv = |threads: &str| {
        let out = dir.path().join(threads);
        ptsim()
            .arg("terms")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .args([
                "--charts",
                "none",
                "-q",
                "--trials",
                "6",
                "--threads",
                threads,
            ])
            .assert()
            .success();
        std::fs::read(out.join("terms.csv")).unwrap()
    };
    assert_eq!(csv("1"), csv("2"));
}
