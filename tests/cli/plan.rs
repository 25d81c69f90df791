//! `ptsim plan` (issue 15) against hand-checkable oracles: constant traffic buys its load on the
//! cheapest term, a plan's cost summed by hand, regret never negative, the search never worse
//! than a listed plan, a renewal blind to the month it starts, legal PTU counts, bad plans
//! refused at their line, and the same files at any thread count.

use std::collections::HashMap;
use std::path::Path;

use super::common::*;

const HEADER: &str = "pool,plan,source,layers,units_mean,mean,p5,p10,p25,p50,p75,p90,p95,\
                      cvar95,regret_mean,regret_p95,stranded_usd_mean,prob_beats_on_demand,\
                      prob_loss_vs_on_demand,objective,recommended";

/// A 15M + 3.75M per unit-hour pool ($3/$15; $49.50 by the hour, $39.60 a month, $27.72 on six
/// months, $21.78 on a year) with one parametric workload and the plan sections `plans`.
fn scenario(parametric: &str, plans: &str) -> String {
    one_pool_scenario(
        "plans",
        730,
        4,
        "max_units = 6\n[pools.term_prices]\nno_commit = 49.5\nsix_month = 27.72",
        &format!("{parametric}\n{plans}"),
    )
}

/// Runs `ptsim plan` on `text` with `extra` arguments and returns the rows of plans.csv.
fn plan(dir: &Path, text: &str, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let path = write(dir, "s.toml", text);
    let out = dir.join("out");
    ptsim()
        .arg("plan")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--charts", "none", "--quiet"])
        .args(extra)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("plans.csv")).unwrap();
    assert_eq!(csv.lines().next().unwrap(), HEADER);
    read_csv(&out.join("plans.csv"))
}

fn named<'a>(rows: &'a [HashMap<String, String>], plan: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["plan"] == plan)
        .unwrap_or_else(|| panic!("no plan {plan}"))
}

fn recommended(rows: &[HashMap<String, String>]) -> &HashMap<String, String> {
    let best: Vec<_> = rows.iter().filter(|r| r["recommended"] == "true").collect();
    assert_eq!(best.len(), 1);
    best[0]
}

#[test]
fn plan_constant_traffic_at_three_units_buys_three_units_on_the_cheapest_term() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(
        "input_tokens_per_hour = 4.5e7\noutput_tokens_per_hour = 1.125e7\nnoise = \"none\"",
        "[plan]\nmonths = 6\ntrials = 3",
    );
    let rows = plan(dir.path(), &text, &[]);
    let best = recommended(&rows);
    assert_eq!(best["layers"], "3 six_month @0");
    assert_eq!(named(&rows, "best (search)")["layers"], "3 six_month @0");
    // 3 units × $27.72 × 4,380 hours; nothing spills.
    assert!(close(num(best, "mean"), 3.0 * 27.72 * 4380.0, 1e-12));
    assert_eq!(num(best, "units_mean"), 3.0);
}

#[test]
fn plan_cost_is_the_layers_prices_times_hours_plus_the_spill_summed_by_hand() {
    // 2.5 units of load every hour, worth 15M·$3 + 3.75M·$15 = $101.25 per unit-hour on-demand.
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(
        "input_tokens_per_hour = 3.75e7\noutput_tokens_per_hour = 9.375e6\nnoise = \"none\"",
        "[plan]\nmonths = 6\ntrials = 2\n\n[[plans]]\nname = \"floor and top-up\"\n\
         layers = [{ units = 2, term = \"six_month\" }, \
         { units = 1, term = \"one_month\", start_month = 3 }]",
    );
    let rows = plan(dir.path(), &text, &[]);
    let row = named(&rows, "floor and top-up");
    // Units: 2 × $27.72 × 4,380 h + 1 × $39.60 × 2,190 h. Months 0–2 spill 0.5 unit-hours
    // an hour for 2,190 hours; months 3–5 nothing.
    let units = 2.0 * 27.72 * 4380.0 + 39.6 * 2190.0;
    let spill = 0.5 * 101.25 * 2190.0;
    assert!(close(num(row, "mean"), units + spill, 1e-9), "{row:?}");
    assert_eq!(num(row, "units_mean"), 2.5);
    assert_eq!(row["layers"], "2 six_month @0 + 1 one_month @3");
}

#[test]
fn plan_regret_is_never_negative_and_the_search_beats_every_listed_plan() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(
        "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise_cv = 0.5\n\
         level_sigma = 0.4\ngrowth_per_month_mean = 0.08\ngrowth_per_month_sd = 0.05",
        "[risk]\nswitch_probability_per_month = 0.2\nshare_after_switch = 0.25\n\
         [plan]\nmonths = 6\ntrials = 10\nobjective = \"p90\"\n\
         [[plans]]\nname = \"ladder\"\nlayers = [{ units = 1, term = \"six_month\" }, \
         { units = 1, term = \"one_month\", start_month = 2 }]\n\
         [[plans]]\nname = \"rolling\"\nlayers = [{ units = 0, term = \"one_month\", resize = \"p25\" }]",
    );
    let rows = plan(dir.path(), &text, &[]);
    for r in &rows {
        assert!(
            num(r, "regret_mean") >= 0.0 && num(r, "regret_p95") >= 0.0,
            "{r:?}"
        );
    }
    let hindsight = named(&rows, "hindsight");
    assert_eq!(
        (num(hindsight, "regret_mean"), num(hindsight, "regret_p95")),
        (0.0, 0.0)
    );
    let best = num(recommended(&rows), "objective");
    for r in rows.iter().filter(|r| r["source"] != "hindsight") {
        assert!(best <= num(r, "objective"), "{r:?}");
    }
    // The objective column is the P90 asked for.
    assert!(rows.iter().all(|r| r["objective"] == r["p90"]));
}

#[test]
fn plan_renewal_decides_from_the_month_before_it_never_the_month_it_starts() {
    // A trace: 2.4 units of load for two months, then 5.5 in the third. Re-sizing monthly to the
    // trailing P50 buys 0 (as written), then ⌊2.4⌋ = 2 for month 1, and 2 again for month 2: the
    // step in month 2 is not seen before month 2 ends.
    let dir = tempfile::tempdir().unwrap();
    let mut trace = String::from("timestamp,input_tokens,output_tokens\n");
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap();
    for h in 0..3 * 730 {
        let units = if h < 2 * 730 { 2.4 } else { 5.5 };
        let at = start + chrono::Duration::hours(h);
        trace.push_str(&format!(
            "{},{},{}\n",
            at.format("%Y-%m-%dT%H:00:00Z"),
            units * 1.5e7,
            units * 3.75e6
        ));
    }
    write(dir.path(), "trace.csv", &trace);
    let parametric =
        "[workloads.parametric]\ninput_tokens_per_hour = 1\noutput_tokens_per_hour = 1\n";
    let text = format!(
        "{}\n[plan]\nmonths = 3\ntrials = 1\n[[plans]]\nname = \"rolling\"\n\
         layers = [{{ units = 0, term = \"one_month\", resize = \"p50\" }}]\n",
        one_pool_scenario(
            "step",
            2190,
            1,
            "max_units = 6",
            "input_tokens_per_hour = 1\noutput_tokens_per_hour = 1"
        )
        .replace(parametric, "[workloads.trace]\nfile = \"trace.csv\"\n")
    );
    let rows = plan(dir.path(), &text, &[]);
    let rolling = named(&rows, "rolling");
    assert!(
        close(num(rolling, "units_mean"), 4.0 / 3.0, 1e-12),
        "{rolling:?}"
    );
}
#[test]
fn plan_azure_ptus_are_bought_in_fifteen_then_fives_and_illegal_layers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ptu = |layers: &str| {
        format!(
            "name = \"ptu\"\n[plan]\nmonths = 3\ntrials = 3\n{layers}\n[[pools]]\n\
             model = \"azure-gpt-4.1\"\nproduct = \"azure_ptu\"\n[[workloads]]\nname = \"w\"\n\
             model = \"azure-gpt-4.1\"\n[workloads.parametric]\ninput_tokens_per_hour = 3.3e6\n\
             output_tokens_per_hour = 1.1e5\nnoise = \"none\"\n"
        )
    };
    let rows = plan(
        dir.path(),
        &ptu("[[plans]]\nname = \"twenty\"\nlayers = [{ units = 20, term = \"one_month\" }]"),
        &[],
    );
    for r in &rows {
        for layer in r["layers"].split(" + ").filter(|l| l.contains('@')) {
            let units: u32 = layer.split(' ').next().unwrap().parse().unwrap();
            assert!(units == 0 || (units >= 15 && units % 5 == 0), "{layer}");
        }
    }
    let err = run_fails(
        &ptu("[[plans]]\nname = \"odd\"\nlayers = [{ units = 17, term = \"one_month\" }]"),
        None,
    );
    assert!(
        err.contains("s.toml:7:21: plans[0].layers[0].units"),
        "{err}"
    );
    assert!(err.contains("15 or 20, got 17"), "{err}");
}

#[test]
fn plan_errors_name_the_line_and_what_was_expected() {
    let text = |plans: &str| {
        scenario(
            "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6",
            plans,
        )
    };
    for (plans, want) in [
        (
            "[[plans]]\nname = \"late\"\nlayers = [{ units = 1, term = \"six_month\", start_month = 8 }]",
            "plans[0].layers[0].term: a six_month layer starting in month 8 would end after the \
             plan's 12 months; start it by month 6",
        ),
        (
            "[[plans]]\nname = \"x\"\nlayers = [{ units = 1, term = \"three_month\" }]",
            "pool 'claude-3.5-sonnet' has no price for three_month",
        ),
        (
            "[[plans]]\nname = \"x\"",
            "plans[0].layers: expected at least one layer",
        ),
        (
            "[[plans]]\nname = \"x\"\nlayers = [{ units = 1, term = \"one_month\" }]\n\
             [[plans]]\nname = \"x\"\nlayers = [{ units = 2, term = \"one_month\" }]",
            "plan name 'x' is used twice",
        ),
        (
            "[plan]\nmonths = 121",
            "plan.months: expected 1 to 120 months, got 121",
        ),
        ("[plan]\nsearch = \"greedy\"", "unknown variant `greedy`"),
        (
            "[plan]\nmax_loss_probability = 1.5",
            "expected a share between 0 and 1",
        ),
    ] {
        let err = run_fails(&text(plans), None);
        assert!(err.contains(want), "{plans}: {err}");
        assert!(err.contains("s.toml:"), "{err}");
    }
}

#[test]
fn plan_refuses_an_exhaustive_search_too_large_to_enumerate_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "s.toml",
        &scenario(
            "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6",
            "[plan]\ntrials = 2",
        ),
    );
    let out = dir.path().join("out");
    let assert = ptsim()
        .arg("plan")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--search", "exhaustive", "--quiet"])
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("use --search heuristic"), "{err}");
    assert!(!out.exists());
}

#[test]
fn plan_files_are_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "s.toml",
        &scenario(
            "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise_cv = 0.4\n\
             level_sigma = 0.3",
            "[risk]\nswitch_probability_per_month = 0.1\n[plan]\nmonths = 4\ntrials = 70\n\
             [[plans]]\nname = \"rolling\"\nlayers = [{ units = 1, term = \"one_month\", resize = \"p50\" }]",
        ),
    );
    let outputs: Vec<Vec<u8>> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("out{threads}"));
            ptsim()
                .arg("plan")
                .arg(&path)
                .arg("--out")
                .arg(&out)
                .args(["--charts", "none", "--quiet", "--threads", threads])
                .assert()
                .success();
            let mut bytes = std::fs::read(out.join("plans.csv")).unwrap();
            bytes.extend(std::fs::read(out.join("plans.md")).unwrap());
            bytes
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn run_of_a_scenario_with_plans_writes_them_and_their_report_section() {
    // The constant three units of the first test, through `ptsim run`: plans.csv beside
    // curve.csv, and report.md's "Commitment plans" section names the plan `ptsim plan` picks.
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(
        "input_tokens_per_hour = 4.5e7\noutput_tokens_per_hour = 1.125e7\nnoise = \"none\"",
        "[plan]\nmonths = 6\ntrials = 3",
    );
    let path = write(dir.path(), "s.toml", &text);
    let out = dir.path().join("run");
    run_scenario(&path, &out, &[]);
    let rows = read_csv(&out.join("plans.csv"));
    assert_eq!(recommended(&rows)["layers"], "3 six_month @0");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let plans = report.find("## Commitment plans").expect("a plans section");
    assert!(plans < report.find("## Caveats").unwrap(), "{report}");
    assert!(report[plans..].contains("(3 six_month @0)"), "{report}");
}

#[test]
fn run_trials_apply_to_the_plans_as_plan_trials_do() {
    // `run --trials 20` on the shipped plan scenario (its [plan] asks for 2,000) prices the plans
    // on the same 20 trials `ptsim plan --trials 20` does: plans.csv is byte-identical.
    let dir = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/plan-growth.toml");
    let run = dir.path().join("run");
    run_scenario(&scenario, &run, &["--trials", "20"]);
    let plan = dir.path().join("plan");
    ptsim()
        .arg("plan")
        .arg(&scenario)
        .arg("--out")
        .arg(&plan)
        .args(["--trials", "20", "--charts", "none", "--quiet"])
        .assert()
        .success();
    let read = |d: &Path| std::fs::read(d.join("plans.csv")).unwrap();
    assert_eq!(read(&run), read(&plan));
}

#[test]
fn validate_describes_the_plans_and_warns_of_plans_that_cannot_fit() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = repo().join("scenarios/plan-growth.toml");
    let checked = ptsim().arg("validate").arg(&shipped).assert().success();
    let stdout = String::from_utf8_lossy(&checked.get_output().stdout).into_owned();
    assert!(
        stdout
            .contains("plans: 12 months, 2000 trials, minimising the mean cost; 3 listed plan(s)"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&shipped).unwrap();
    let big = text.replace(
        "objective = \"mean\"\ntrials = 2000",
        "objective = \"mean\"\ntrials = 10000000",
    );
    assert_ne!(big, text);
    let path = write(dir.path(), "big.toml", &big);
    let checked = ptsim().arg("validate").arg(&path).assert().success();
    let stderr = String::from_utf8_lossy(&checked.get_output().stderr).into_owned();
    assert!(
        stderr.contains("`ptsim plan` would refuse this scenario: the plans would need about")
            && stderr.contains("10,000,000 trials × "),
        "{stderr}"
    );
}
