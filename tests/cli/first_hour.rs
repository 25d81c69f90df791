//! A new user's first hour (issue 16): runs that would hang or lose their results are refused or
//! kept, the summary names its answer's files, mistyped names get a suggestion, shipped
//! scenarios are found by name, traces on the wrong horizon are warned about, and `terms` reports
//! counts that can be bought.

use std::path::Path;

use crate::common::{
    num, one_pool_scenario, ptsim, read_csv, read_manifest, repo, run_command, run_scenario, write,
};

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// Runs `ptsim ARGS…`, expects exit code 2 and nothing on stdout, and returns stderr.
fn refused<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let assert = ptsim().args(args).assert().code(2);
    assert!(stdout_of(&assert).is_empty());
    stderr_of(&assert)
}

/// `words`, then `--out DIR`.
fn with_out(words: &[&str], out: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = words.iter().map(|w| w.into()).collect();
    args.extend(["--out".into(), out.as_os_str().to_owned()]);
    args
}

#[test]
fn ten_million_trials_are_refused_before_any_is_simulated() {
    // Without max_units the sweep end comes from a pilot of the first trials: the refusal needs
    // no pass over ten million (BENCHMARKS.md times it at 0.4 s). Its sweep ends are the run's
    // own, 23 and 8 (the 2,000-trial run's manifest.json; a unit test holds the pilot to the plan).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stderr = refused(with_out(&["run", "--trials", "10000000"], &out));
    for part in [
        "built-in default: this run would need about",
        "pool claude-sonnet-4.5: 10,000,000 trials × 24 unit counts (k = 0..=23)",
        "pool claude-haiku-4.5: 10,000,000 trials × 9 unit counts (k = 0..=8)",
        "estimated from the peak hours of the first 1,000 trials",
        "--max-memory",
    ] {
        assert!(stderr.contains(part), "expected {part:?} in:\n{stderr}");
    }
    assert!(!out.exists());
    // validate warns on the same scenario (it said "ok" without a word before).
    let text = std::fs::read_to_string(repo().join("scenarios/default.toml"))
        .unwrap()
        .replace("trials = 2000", "trials = 10000000");
    let scenario = write(dir.path(), "big.toml", &text);
    let checked = ptsim().arg("validate").arg(&scenario).assert().success();
    let stderr = stderr_of(&checked);
    assert!(
        stderr.contains("`ptsim run` would refuse this scenario") && stderr.contains("k = 0..=23"),
        "{stderr}"
    );
}

#[test]
fn plans_that_cannot_fit_are_refused_before_any_trial_is_priced() {
    // The shipped plan scenario (12 months, two terms, three listed plans) on ten million trials:
    // refused from the first 100 trials' peak hours, by `plan` and by `run` alike.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for command in ["plan", "run"] {
        let stderr = refused(with_out(
            &[command, "plan-growth", "--trials", "10000000"],
            &out,
        ));
        for part in [
            "shipped scenario plan-growth: the plans would need about",
            "pool claude-sonnet-4.5: 10,000,000 trials × ",
            "(12 months × ",
            "--max-memory",
        ] {
            assert!(
                stderr.contains(part),
                "{command}: expected {part:?} in:\n{stderr}"
            );
        }
        assert!(!out.exists());
    }
    // The limit is the estimate: 100 trials are refused under a limit below what they are said
    // to need, and run under one just above it.
    let stderr = refused(with_out(
        &[
            "plan",
            "plan-growth",
            "--trials",
            "100",
            "--max-memory",
            "64KiB",
        ],
        &out,
    ));
    let needed = stderr
        .split("need about ")
        .nth(1)
        .and_then(|rest| rest.split(" of memory").next())
        .unwrap_or_else(|| panic!("{stderr}"));
    let (number, unit) = needed.split_once(' ').unwrap();
    let kib = number.parse::<f64>().unwrap() * if unit == "MiB" { 1024.0 } else { 1.0 };
    assert!(
        unit.ends_with("iB") && (100.0..8192.0).contains(&kib),
        "{stderr}"
    );
    let above = format!("{}KiB", (kib * 1.01).ceil());
    let below = format!("{}KiB", (kib * 0.99).floor());
    let plan = |limit: &str| {
        let mut args = with_out(&["plan", "plan-growth", "--trials", "100", "-q"], &out);
        args.extend([
            "--charts".into(),
            "none".into(),
            "--max-memory".into(),
            limit.into(),
        ]);
        args
    };
    refused(plan(&below));
    ptsim().args(plan(&above)).assert().success();
    assert!(out.join("plans.csv").exists());
}

#[test]
fn an_unwritable_output_folder_is_refused_before_simulating() {
    // Ten million trials with the memory limit lifted: were the folder checked after the run,
    // this test would run for an hour. A path under a file cannot be written even by root.
    let dir = tempfile::tempdir().unwrap();
    let out = write(dir.path(), "taken", "").join("out");
    let big = ["--trials", "10000000"];
    let stderr = refused(with_out(
        &["run", big[0], big[1], "--max-memory", "1TiB"],
        &out,
    ));
    assert!(
        stderr.contains(&format!(
            "cannot write to the output folder {}",
            out.display()
        )) && stderr.contains("is a file, not a folder"),
        "{stderr}"
    );
    let export = repo().join("tests/fixtures/billing/cur.csv");
    let export = export.to_str().unwrap();
    for words in [
        ["terms", big[0], big[1]],
        ["sensitivity", big[0], big[1]],
        ["import", "cur", export],
    ] {
        let stderr = refused(with_out(&words, &out));
        assert!(
            stderr.contains("cannot write to the output folder"),
            "{words:?}: {stderr}"
        );
    }
}

#[test]
fn a_write_that_fails_at_the_end_still_prints_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "s.toml",
        &one_pool_scenario(
            "late",
            24,
            5,
            "max_units = 2",
            "input_tokens_per_hour = 1e7\noutput_tokens_per_hour = 2e6",
        ),
    );
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("sizing.csv")).unwrap();
    let failed = run_command(&scenario, &out).assert().code(1);
    let (stdout, stderr) = (stdout_of(&failed), stderr_of(&failed));
    assert!(
        stdout.contains("min_mean") && stdout.contains("all on-demand"),
        "{stdout}"
    );
    assert!(!stdout.contains("report:"), "{stdout}");
    assert!(
        stderr.contains("its summary is above, but its files were not written")
            && stderr.contains("nothing there was changed"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn results_are_readable_like_any_file_the_user_creates() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_scenario(
        &repo().join("scenarios/rag-sonnet.toml"),
        &out,
        &["--trials", "5"],
    );
    // This process has the umask the binary had: a file it creates shows the mode to expect.
    let plain = write(dir.path(), "plain", "");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for name in ["curve.csv", "sizing.csv", "report.md", "manifest.json"] {
        assert_eq!(mode(&out.join(name)), mode(&plain), "{name}");
    }
}

#[test]
fn the_summary_ends_with_the_report_and_shipped_scenarios_are_found_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("named");
    let ran = ptsim()
        .args([
            "run", "default", "--trials", "20", "--charts", "none", "--out",
        ])
        .arg(&named)
        .assert()
        .success();
    let stdout = stdout_of(&ran);
    assert_eq!(
        stdout.lines().last().unwrap(),
        format!("report: {}", named.join("report.md").display())
    );
    assert!(
        stdout.contains(&format!(
            "wrote curve.csv, sizing.csv, manifest.json to {}",
            named.display()
        )),
        "{stdout}"
    );
    // `run default` is the built-in default, byte for byte.
    let plain = dir.path().join("plain");
    run_scenario_default(&plain);
    for file in ["curve.csv", "sizing.csv", "manifest.json"] {
        assert_eq!(
            std::fs::read(named.join(file)).unwrap(),
            std::fs::read(plain.join(file)).unwrap(),
            "{file}"
        );
    }
    // Any shipped scenario by name, from a folder that has no scenarios/ in it.
    let shipped = dir.path().join("shipped");
    ptsim()
        .current_dir(dir.path())
        .args([
            "run",
            "rag-haiku",
            "--trials",
            "5",
            "--charts",
            "none",
            "-q",
            "--out",
        ])
        .arg(&shipped)
        .assert()
        .success();
    let manifest = std::fs::read_to_string(shipped.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"source\": \"shipped scenario rag-haiku\""),
        "{manifest}"
    );
    ptsim()
        .current_dir(dir.path())
        .args(["validate", "azure-ptu.toml"])
        .assert()
        .success();
}

fn run_scenario_default(out: &Path) {
    ptsim()
        .args(["run", "--trials", "20", "--charts", "none", "-q", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// Runs `ptsim validate` on `text` and returns its error, asserting exit code 2.
fn invalid(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "s.toml", text);
    stderr_of(&ptsim().arg("validate").arg(&scenario).assert().code(2))
}

#[test]
fn mistyped_names_get_the_closest_valid_one() {
    let good = std::fs::read_to_string(repo().join("scenarios/rag-sonnet.toml")).unwrap();
    for (from, to, expected) in [
        (
            "horizon_hours",
            "horizon_hourz",
            "did you mean `horizon_hours`?",
        ),
        (
            "model = \"claude-3.5-sonnet\"\nterm",
            "model = \"claude-3.5-sonet\"\nterm",
            "unknown model 'claude-3.5-sonet'",
        ),
        (
            "term = \"one_month\"",
            "term = \"one_mont\"",
            "did you mean `one_month`?",
        ),
        (
            "term = \"one_month\"",
            "term = \"one_month\"\nproduct = \"model_units\"",
            "did you mean `model_unit`?",
        ),
        (
            "profile = \"business-hours\"",
            "profile = \"bussiness-hours\"",
            "did you mean `business-hours`?",
        ),
        (
            "noise = \"lognormal\"",
            "noise = \"lognormall\"",
            "did you mean `lognormal`?",
        ),
        (
            "model = \"claude-3.5-sonnet\"\nterm",
            "model = \"claude-3.5-sonet\"\nterm",
            "did you mean `claude-3.5-sonnet`?",
        ),
        // A Bedrock model id is read as the key it stands for.
        (
            "model = \"claude-3.5-sonnet\"\nterm",
            "model = \"anthropic.claude-3-5-sonnet-20240620-v1:0\"\nterm",
            "did you mean `claude-3.5-sonnet`?",
        ),
    ] {
        assert!(good.contains(from), "{from}");
        let stderr = invalid(&good.replacen(from, to, 1));
        assert!(stderr.contains(expected), "{to}: {stderr}");
    }
    // A workload on a model no pool buys.
    let last = good.rfind("model = \"claude-3.5-sonnet\"").unwrap();
    let mut typo = good.clone();
    typo.replace_range(last..last + 27, "model = \"claude-35-sonnet\"");
    let stderr = invalid(&typo);
    assert!(
        stderr.contains("no pool buys 'claude-35-sonnet'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `claude-3.5-sonnet`?"),
        "{stderr}"
    );
    // [risk] terms.
    let stderr = invalid(&format!("{good}\n[risk]\nterms = [\"six_months\"]\n"));
    assert!(stderr.contains("did you mean `six_month`?"), "{stderr}");
    // A scenario name and a subcommand.
    let missing = ptsim().args(["run", "rag-sonet"]).assert().code(2);
    let stderr = stderr_of(&missing);
    assert!(
        stderr.contains("no shipped scenario of that name")
            && stderr.contains("bench_year")
            && stderr.contains("did you mean `rag-sonnet`?"),
        "{stderr}"
    );
    let typo = ptsim().arg("rnu").assert().code(2);
    assert!(
        stderr_of(&typo).contains("a similar subcommand exists: 'run'"),
        "{}",
        stderr_of(&typo)
    );
}

/// An 8-day trace, 2025-03-01 00:00 to 2025-03-08 23:00, 20M input + 4M output tokens an hour.
fn eight_days(dir: &Path) -> std::path::PathBuf {
    let mut text = "timestamp,input_tokens,output_tokens\n".to_string();
    for h in 0..192 {
        text.push_str(&format!(
            "2025-03-{:02}T{:02}:00:00Z,20000000,4000000\n",
            1 + h / 24,
            h % 24
        ));
    }
    write(dir, "usage.csv", &text)
}

fn trace_scenario(dir: &Path, horizon: u32) -> std::path::PathBuf {
    eight_days(dir);
    write(
        dir,
        "s.toml",
        &format!(
            r#"name = "imported"
horizon_hours = {horizon}
trials = 2000
[[pools]]
model = "claude-sonnet-4.5"
max_units = 3
[[workloads]]
name = "api"
model = "claude-sonnet-4.5"
[workloads.trace]
file = "usage.csv"
"#
        ),
    )
}

#[test]
fn a_trace_shorter_than_the_horizon_is_warned_about_and_trials_are_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = trace_scenario(dir.path(), 730);
    let short = "covers 192 of the 730 hours of the horizon";
    let fix = "set horizon_hours = 192 to price only the recorded hours";
    let checked = ptsim().arg("validate").arg(&scenario).assert().success();
    let stderr = stderr_of(&checked);
    assert!(stderr.contains(short) && stderr.contains(fix), "{stderr}");
    assert!(
        stderr.contains("every workload replays a trace, so all 2000 trials would be the same"),
        "{stderr}"
    );
    let replayed = ptsim()
        .arg("replay")
        .arg(&scenario)
        .args(["--units", "1"])
        .assert()
        .success();
    assert!(stderr_of(&replayed).contains(short));
    let out = dir.path().join("out");
    let ran = run_command(&scenario, &out).assert().success();
    let stderr = stderr_of(&ran);
    assert!(stderr.contains(short), "{stderr}");
    assert!(stderr.contains("`ptsim run` runs 1 trial"), "{stderr}");
    let manifest: serde_json::Value = read_manifest(&out);
    assert_eq!(manifest["trials"], 1);
    // Priced by hand: 192 hours of 20M + 4M tokens at $3 / $15 per million on-demand = $23,040.
    let all_on_demand = read_csv(&out.join("curve.csv"))
        .into_iter()
        .find(|r| r["units"] == "0")
        .unwrap();
    assert!((num(&all_on_demand, "mean") - 192.0 * (20.0 * 3.0 + 4.0 * 15.0)).abs() < 1e-6);
    // On the trace's own 192 hours: no warning at all.
    let fitted = trace_scenario(dir.path(), 192);
    let checked = ptsim().arg("validate").arg(&fitted).assert().success();
    let stderr = stderr_of(&checked);
    assert!(!stderr.contains("covers"), "{stderr}");
}

#[test]
fn terms_reports_unit_counts_that_can_be_bought() {
    // Azure PTUs come in 15, 20, 25 …: every units value of terms.csv is one of them (or 0), and
    // is written as a whole number; the mean in service is its own, labelled column.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ptsim()
        .arg("terms")
        .arg(repo().join("scenarios/azure-ptu.toml"))
        .args(["--trials", "12", "--charts", "none", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("terms.csv")).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",stranded_usd_mean,units_mean"),
        "{text}"
    );
    let rows = read_csv(&out.join("terms.csv"));
    assert!(rows.iter().any(|r| r["policy"] == "hindsight"));
    for row in &rows {
        let units: u32 = row["units"].parse().unwrap_or_else(|_| {
            panic!(
                "units {:?} of {} {} is not a whole number",
                row["units"], row["term"], row["policy"]
            )
        });
        assert!(
            units == 0 || (units >= 15 && units % 5 == 0),
            "{units}: {row:?}"
        );
        if row["policy"] == "fixed" {
            assert_eq!(num(row, "units_mean"), f64::from(units));
        }
    }
}

#[test]
fn nothing_but_the_answer_is_printed_when_stderr_is_not_a_terminal() {
    // The progress display draws only on a terminal: a run into a pipe leaves stderr empty.
    let dir = tempfile::tempdir().unwrap();
    let ran = ptsim()
        .args(["run", "--trials", "50", "--charts", "none", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    assert_eq!(stderr_of(&ran), "");
    let ran = ptsim()
        .args(["sensitivity", "--trials", "3", "--charts", "none", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    assert_eq!(stderr_of(&ran), "");
}
