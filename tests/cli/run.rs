//! `ptsim run`, `validate` and `rates` as a user runs them.

use super::common::*;

#[test]
fn default_run_writes_curve_sizing_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = ptsim()
        .args(["run", "--trials", "60", "--charts", "none", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("break-even utilization u*"), "{stdout}");
    assert!(stdout.contains("min_mean"), "{stdout}");
    let manifest: serde_json::Value = read_manifest(&out);
    assert_eq!(manifest["trials"], 60);
    assert_eq!(manifest["seed"], 42);
    let pools = manifest["pools"].as_array().unwrap();
    let curve = read_csv(&out.join("curve.csv"));
    let expected_rows: u64 = pools
        .iter()
        .map(|p| p["max_units"].as_u64().unwrap() + 1)
        .sum();
    assert_eq!(curve.len() as u64, expected_rows);
    assert!(
        pools
            .iter()
            .all(|p| p["break_even_utilization"].as_f64().unwrap() > 0.0)
    );
    assert_eq!(read_csv(&out.join("sizing.csv")).len(), 6 * pools.len());
}

#[test]
fn same_seed_gives_identical_bytes_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(threads);
        ptsim()
            .args([
                "run",
                "--trials",
                "80",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (run("1"), run("2"));
    let mut names: Vec<_> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 3);
    for name in names {
        assert_eq!(
            std::fs::read(one.join(&name)).unwrap(),
            std::fs::read(two.join(&name)).unwrap(),
            "{name:?} differs between thread counts"
        );
    }
}

#[test]
fn quiet_run_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    ptsim()
        .args([
            "run", "--trials", "20", "--quiet", "--charts", "none", "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn every_shipped_scenario_validates() {
    for entry in std::fs::read_dir(repo().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            ptsim().arg("validate").arg(&path).assert().success();
        }
    }
}

#[test]
fn rates_lists_the_spec_models_as_table_and_json() {
    let table = ptsim()
        .arg("rates")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    for key in [
        "claude-sonnet-4.5",
        "nova-micro",
        "llama-3.1-405b",
        "mistral-large-2",
    ] {
        assert!(table.contains(key), "{key}");
    }
    let json = ptsim()
        .args(["rates", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let card: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(card["models"]["claude-sonnet-4.5"]["input_per_mtok"], 3.0);
    let toml = ptsim()
        .args(["rates", "--toml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(toml).unwrap().contains("source ="));
}

#[test]
fn default_run_writes_every_chart_where_units_pay_and_one_where_they_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ptsim()
        .args(["run", "--trials", "20", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let every = [
        "fan",
        "savings",
        "distribution",
        "breakdown",
        "utilization",
        "traffic",
        "duration",
        "rules",
    ];
    // Sonnet's units pay: every chart. Haiku's never do: only the fan, which says so.
    assert!(!out.join("savings_claude-haiku-4.5.png").exists());
    let charts = every
        .iter()
        .map(|c| format!("{c}_claude-sonnet-4.5.png"))
        .chain([
            "fan_claude-haiku-4.5.png".to_string(),
            "portfolio.png".to_string(),
        ]);
    {
        for name in charts {
            let path = out.join(name);
            let decoder =
                png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
            let reader = decoder
                .read_info()
                .unwrap_or_else(|e| panic!("{path:?} decodes: {e}"));
            let info = reader.info();
            assert_eq!((info.width, info.height), (1600, 900), "{path:?}");
        }
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("fan_claude-sonnet-4.5.png"));
}

#[test]
fn run_json_prints_what_sizing_and_curve_csv_hold() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = ptsim()
        .args([
            "run", "--trials", "40", "--charts", "none", "--json", "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    // serde_json's default float parser may land one ulp off the printed value.
    let same = |json: &serde_json::Value, csv: f64| {
        let v = json.as_f64().unwrap();
        assert!((v - csv).abs() <= 1e-15 * csv.abs(), "{v} vs {csv}");
    };
    assert_eq!(summary["trials"], 40);
    assert_eq!(summary["out"], out.display().to_string());
    let sizing = read_csv(&out.join("sizing.csv"));
    let pools = summary["pools"].as_array().unwrap();
    assert_eq!(pools.len() * 6, sizing.len());
    for pool in pools {
        let name = pool["pool"].as_str().unwrap();
        let baseline = curve_row(&out, name, 0);
        same(&pool["on_demand"]["mean"], num(&baseline, "mean"));
        same(&pool["on_demand"]["p10"], num(&baseline, "p10"));
        for rule in pool["rules"].as_array().unwrap() {
            let row = sizing
                .iter()
                .find(|r| r["pool"] == name && r["rule"] == rule["rule"].as_str().unwrap())
                .unwrap();
            assert_eq!(rule["units"].as_f64().unwrap(), num(row, "units"));
            for column in [
                "mean",
                "p50",
                "p90",
                "cvar95",
                "savings_p50",
                "utilization_mean",
            ] {
                same(&rule[column], num(row, column));
            }
            let units = rule["units"].as_u64().unwrap() as u32;
            same(&rule["p10"], num(&curve_row(&out, name, units), "p10"));
        }
    }
}

#[test]
fn run_json_and_quiet_do_not_mix() {
    ptsim()
        .args(["run", "--json", "--quiet"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
}

#[test]
fn completions_cover_every_subcommand() {
    let assert = ptsim().args(["completions", "bash"]).assert().success();
    let script = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(script.contains("_ptsim()"), "{script}");
    for command in [
        "run",
        "replay",
        "validate",
        "rates",
        "fit",
        "backtest",
        "completions",
    ] {
        assert!(
            script.contains(&format!("ptsim__subcmd__{command}")),
            "{command}"
        );
    }
    let zsh = ptsim().args(["completions", "zsh"]).assert().success();
    assert!(String::from_utf8_lossy(&zsh.get_output().stdout).starts_with("#compdef ptsim"));
    ptsim().args(["completions", "tcsh"]).assert().code(2);
}

/// Image links of a markdown text: the targets of `![caption](target)`.
fn image_links(markdown: &str) -> Vec<String> {
    markdown
        .split("![")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find("](")? + 2;
            let end = start + rest[start..].find(')')?;
            Some(rest[start..end].to_string())
        })
        .collect()
}

#[test]
fn report_md_states_the_rules_and_shows_charts_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ptsim()
        .arg("run")
        .arg(repo().join("scenarios/rag-sonnet.toml"))
        .args(["--trials", "40", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let links = image_links(&report);
    // No unit count pays for the RAG chatbot on Sonnet: one chart, the fan, says so.
    assert_eq!(links, ["fan_claude-3.5-sonnet.png"], "{report}");
    for link in &links {
        assert!(out.join(link).is_file(), "{link} is not in the output");
    }
    // Every rule's row, in plain words, carries the P50 that sizing.csv holds, formatted as the
    // table prints it.
    for row in read_csv(&out.join("sizing.csv")) {
        let rule = ptsim::stats::sizing::Rule::ALL
            .into_iter()
            .find(|r| r.as_str() == row["rule"])
            .unwrap();
        let name = ptsim::report::words::rule_name(rule);
        let line = report
            .lines()
            .find(|l| l.starts_with(&format!("| {name}")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let p50 = ptsim::report::format::usd(num(&row, "p50"));
        assert!(line.contains(&format!("| {p50} |")), "{line} lacks {p50}");
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"report.md\""));
    // Without charts the report links none.
    let bare = dir.path().join("bare");
    run_scenario(
        &repo().join("scenarios/rag-sonnet.toml"),
        &bare,
        &["--trials", "40"],
    );
    let report = std::fs::read_to_string(bare.join("report.md")).unwrap();
    assert!(image_links(&report).is_empty(), "{report}");
    assert!(report.contains("## Caveats"));
}

/// The recommendation — the min-mean count of sizing.csv and its P50 saving from curve.csv, to
/// three significant figures — is report.md's first section and the summary's `Recommended:`
/// line; a pool where nothing pays says so in both.
#[test]
fn the_recommended_count_and_its_saving_lead_the_report_and_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = ptsim()
        .args(["run", "--trials", "200", "--charts", "none", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let first = report.split("\n## ").nth(1).expect("a first section");
    assert!(first.starts_with("Summary"), "{first}");
    let sizing = read_csv(&out.join("sizing.csv"));
    let units = |pool: &str| {
        sizing
            .iter()
            .find(|r| r["pool"] == pool && r["rule"] == "min_mean")
            .map(|r| r["units"].parse::<u32>().unwrap())
            .unwrap()
    };
    let k = units("claude-sonnet-4.5");
    let saving = num(&curve_row(&out, "claude-sonnet-4.5", k), "savings_p50");
    let sentence = format!(
        "Buy {k} units: saves {} a month",
        ptsim::report::format::usd3(saving)
    );
    assert!(
        k > 0 && first.contains(&sentence),
        "{sentence} not in {first}"
    );
    assert!(
        stdout.contains(&format!("  Recommended: {sentence}")),
        "{stdout}"
    );
    assert_eq!(units("claude-haiku-4.5"), 0);
    let no_pay = "No unit count pays: stay on demand";
    assert!(
        first.contains(&format!("**Claude Haiku 4.5**: {no_pay}")),
        "{first}"
    );
    assert!(
        stdout.contains(&format!("  Recommended: {no_pay}")),
        "{stdout}"
    );
}

#[test]
fn litellm_prices_round_trip_into_a_rate_card() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo().join("tests/fixtures/prices/litellm-excerpt.json");
    let out = dir.path().join("card.toml");
    ptsim()
        .args(["rates", "import-litellm"])
        .arg(&source)
        .args(["--date", "2026-11-23", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "4 models imported, 5 entries skipped",
        ));
    let card: ptsim::ratecard::RateCard =
        toml::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(card.date, "2026-11-23");
    let feed: serde_json::Value = serde_json::from_slice(&std::fs::read(&source).unwrap()).unwrap();
    for (key, id) in [
        (
            "claude-sonnet-4.5",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
        ),
        (
            "claude-haiku-4.5",
            "anthropic.claude-haiku-4-5-20251001-v1:0",
        ),
        ("nova-pro", "amazon.nova-pro-v1:0"),
        ("llama-3.3-70b", "meta.llama3-3-70b-instruct-v1:0"),
    ] {
        let model = &card.models[key];
        let per_token = |field: &str| feed[id][field].as_f64().unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
        assert!(
            close(
                model.input_per_mtok / 1e6,
                per_token("input_cost_per_token")
            ),
            "{key}"
        );
        assert!(
            close(
                model.output_per_mtok / 1e6,
                per_token("output_cost_per_token")
            ),
            "{key}"
        );
        assert!(model.source.contains(id), "{}", model.source);
        // Batch from the entry where it has *_batches, else half of on-demand, said in the source.
        let (batch_in, batch_out) = model.batch_prices().unwrap();
        match feed[id].get("input_cost_per_token_batches") {
            Some(b) => assert!(close(batch_in / 1e6, b.as_f64().unwrap())),
            None => {
                assert_eq!(batch_in, 0.5 * model.input_per_mtok);
                assert_eq!(batch_out, 0.5 * model.output_per_mtok);
                assert!(model.source.contains("50%"), "{}", model.source);
            }
        }
    }
    // The cross-region profile (10% dearer) did not overwrite the in-region price, and the
    // capacity product came from the shipped card.
    assert_eq!(card.models["claude-sonnet-4.5"].input_per_mtok, 3.0);
    assert!(card.models["claude-sonnet-4.5"].model_unit.is_some());
    assert_eq!(card.models.len(), 4);

    let bad = write(dir.path(), "bad.json", "[1, 2]");
    ptsim()
        .args(["rates", "import-litellm"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad.json: not a LiteLLM price file",
        ));
}

#[test]
fn report_html_is_the_report_on_one_page_with_every_chart_inline() {
    // With --charts none the run writes no chart files, yet the page still carries the ten
    // charts report.md links in a PNG run, as SVG, captioned with report.md's words.
    let dir = tempfile::tempdir().unwrap();
    let (png, html) = (dir.path().join("png"), dir.path().join("html"));
    for (out, extra) in [(&png, ["--charts", "png"]), (&html, ["--charts", "none"])] {
        ptsim()
            .args([
                "run", "--trials", "20", "--quiet", "--report", "html", "--out",
            ])
            .arg(out)
            .args(extra)
            .assert()
            .success();
    }
    let markdown = std::fs::read_to_string(png.join("report.md")).unwrap();
    let images: Vec<&str> = markdown.lines().filter(|l| l.starts_with("![")).collect();
    assert_eq!(images.len(), 10, "{markdown}");
    let page = std::fs::read_to_string(html.join("report.html")).unwrap();
    assert!(!html.join("fan_claude-sonnet-4.5.png").exists());
    assert_eq!(page.matches("<svg ").count(), images.len());
    for image in &images {
        let caption = &image[2..image.find("](").unwrap()];
        assert!(
            page.contains(&format!("<figcaption>{caption}</figcaption>")),
            "{caption}"
        );
    }
    // The report's sentences, on the page: the recommendation first.
    let recommended = markdown
        .lines()
        .find(|l| l.starts_with("- **Claude Sonnet 4.5**: Buy "))
        .expect("the recommendation in report.md");
    let sentence = recommended.trim_start_matches("- **Claude Sonnet 4.5**: ");
    assert!(page.contains(sentence), "{sentence}");
    assert!(page.contains("<table>") && page.contains("<h2>Caveats</h2>"));
    for link in ["<img", "src=", "href=", "<script", "<link"] {
        assert!(!page.contains(link), "{link}");
    }
    let manifest = std::fs::read_to_string(html.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"report.html\""), "{manifest}");
    // The default write-up is report.md alone.
    let plain = dir.path().join("plain");
    ptsim()
        .args([
            "run", "--trials", "20", "--quiet", "--charts", "none", "--out",
        ])
        .arg(&plain)
        .assert()
        .success();
    assert!(plain.join("report.md").exists() && !plain.join("report.html").exists());
}
