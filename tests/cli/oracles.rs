//! Numbers checked against oracles a person can recompute: constant traffic priced by hand, the
//! analytic break-even utilization, the newsvendor optimum, the Bedrock 2026 pricing table article's published ratios, and an
//! independent Monte Carlo of the same parametric model.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::common::*;

#[test]
fn constant_traffic_is_priced_exactly_and_every_percentile_agrees() {
    // 22.5M in + 5.625M out per hour = 1.5 units of load (15M + 3.75M per unit-hour), worth
    // 22.5·3 + 5.625·15 = $151.875 an hour on-demand. 100 hours.
    let dir = tempfile::tempdir().unwrap();
    let text = one_pool_scenario(
        "constant",
        100,
        3,
        "max_units = 3",
        "input_tokens_per_hour = 22.5e6\noutput_tokens_per_hour = 5.625e6\nnoise = \"none\"",
    );
    let scenario = write(dir.path(), "s.toml", &text);
    run_scenario(&scenario, &dir.path().join("out"), &[]);
    let out = dir.path().join("out");
    // k = 0: $15,187.50. k = 1: 100·$39.60 + a third of the traffic on-demand = 3,960 + 5,062.50.
    // k = 2: 100·2·$39.60 = $7,920 with nothing spilled. k = 3: $11,880.
    let expected = [
        (0, 15187.5, 0.0),
        (1, 9022.5, 1.0),
        (2, 7920.0, 0.75),
        (3, 11880.0, 0.5),
    ];
    for (k, total, utilization) in expected {
        let row = curve_row(&out, "claude-3.5-sonnet", k);
        for col in [
            "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "cvar95",
        ] {
            assert!(
                close(num(&row, col), total, 1e-12),
                "k={k} {col}: {}",
                row[col]
            );
        }
        assert!(
            close(num(&row, "utilization_mean"), utilization, 1e-12),
            "k={k}"
        );
        assert!(close(num(&row, "savings_p50"), 15187.5 - total, 1e-9) || k == 0);
    }
    let sizing = read_csv(&out.join("sizing.csv"));
    let units = |rule: &str| sizing.iter().find(|r| r["rule"] == rule).unwrap()["units"].clone();
    assert_eq!(units("p50_floor"), "1"); // ⌊1.5⌋
    assert_eq!(units("peak_fraction"), "2"); // ⌈0.75 · 1.5⌉
    assert_eq!(units("utilization_target"), "2"); // 75% ≥ 65% > 50%
    assert_eq!(units("min_mean"), "2");
}

#[test]
fn sonnet_break_even_utilization_is_36_7_percent() {
    // [Price table] article: one MU serves 16M in + 4M out an hour, worth 16·3 + 4·15 = $108 on-demand;
    // at $39.60 an hour the break-even utilization is 39.60 / 108 = 36.7%.
    let dir = tempfile::tempdir().unwrap();
    let text = r#"name = "sonnet-u"
trials = 5
[[pools]]
model = "claude-3.5-sonnet"
term = "one_month"
max_units = 2
[[workloads]]
name = "mix"
model = "claude-3.5-sonnet"
[workloads.parametric]
input_tokens_per_hour = 16e6
output_tokens_per_hour = 4e6
"#;
    let scenario = write(dir.path(), "s.toml", text);
    let out = dir.path().join("out");
    let assert = run_command(&scenario, &out).assert().success();
    let manifest: serde_json::Value = read_manifest(&out);
    let u = manifest["pools"][0]["break_even_utilization"]
        .as_f64()
        .unwrap();
    // The card's per-minute figures (266,667 / 66,667) round 16M/4M up by 20 tokens an hour.
    assert!(close(u, 39.6 / 108.0, 1e-5), "{u}");
    assert!(String::from_utf8_lossy(&assert.get_output().stdout).contains("u* = 36.7%"));
}

/// E[max(0, L − k)] for L = mean·Z, Z lognormal with mean 1 and CV `cv`, by the trapezoid rule
/// over the standard normal (independent of the crate's closed form).
fn expected_excess(mean: f64, cv: f64, k: f64) -> f64 {
    let sigma = (1.0 + cv * cv).ln().sqrt();
    let (lo, hi, n) = (-12.0, 12.0, 48_000);
    let step = (hi - lo) / n as f64;
    (0..=n)
        .map(|i| {
            let z: f64 = lo + step * i as f64;
            let weight = if i == 0 || i == n { 0.5 } else { 1.0 };
            let load = mean * (sigma * z - 0.5 * sigma * sigma).exp();
            weight * (load - k).max(0.0) * (-0.5 * z * z).exp()
                / (2.0 * std::f64::consts::PI).sqrt()
        })
        .sum::<f64>()
        * step
}

#[test]
fn min_mean_lands_on_the_newsvendor_optimum_for_iid_traffic() {
    // iid hourly load L = 5·Z (lognormal, CV 0.5); a unit costs c = $39.60/h and saves
    // v = 15·3 + 3.75·15 = $101.25 per unit-hour of load it serves. Expected hourly cost
    // k·c + v·E[(L − k)+] is minimised where P(L > k) ≈ c/v (critical fractile 0.609): k* = 5.
    let (c, v) = (39.6, 101.25);
    let hourly = |k: u32| f64::from(k) * c + v * expected_excess(5.0, 0.5, f64::from(k));
    let k_star = (0..=10)
        .min_by(|&a, &b| hourly(a).total_cmp(&hourly(b)))
        .unwrap();
    assert_eq!(k_star, 5, "the analytic optimum");

    let dir = tempfile::tempdir().unwrap();
    let text = one_pool_scenario(
        "newsvendor",
        730,
        200,
        "max_units = 10",
        "input_tokens_per_hour = 75e6\noutput_tokens_per_hour = 18.75e6\nnoise = \"lognormal\"\nnoise_cv = 0.5\nar1 = 0.0",
    );
    let scenario = write(dir.path(), "s.toml", &text);
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);
    let sizing = read_csv(&out.join("sizing.csv"));
    let min_mean = sizing.iter().find(|r| r["rule"] == "min_mean").unwrap();
    assert_eq!(min_mean["units"], k_star.to_string());
    for k in [0, 3, 5, 8] {
        let mean = num(&curve_row(&out, "claude-3.5-sonnet", k), "mean");
        assert!(
            close(mean, 730.0 * hourly(k), 0.01),
            "k={k}: {mean} vs {}",
            730.0 * hourly(k)
        );
    }
}

#[test]
fn seed_004_ratios_reproduce() {
    // Per query: Sonnet 4000·$3 + 600·$15 = $0.021; Haiku 4000·$0.80 + 600·$4 = $0.0056 (26.7%);
    // 80/20 cascade 0.8·0.0056 + 0.2·0.021 = $0.00868 (41.3%).
    let dir = tempfile::tempdir().unwrap();
    let mean_at_zero = |name: &str, pool: &str| {
        let out = dir.path().join(name);
        run_scenario(
            &repo().join(format!("scenarios/{name}.toml")),
            &out,
            &["--trials", "400"],
        );
        num(&curve_row(&out, pool, 0), "mean")
    };
    let sonnet = mean_at_zero("rag-sonnet", "claude-3.5-sonnet");
    let haiku = mean_at_zero("rag-haiku", "claude-3.5-haiku");
    // Same workload name → same random draws: the ratio is exact.
    assert!(
        close(haiku / sonnet, 0.0056 / 0.021, 1e-9),
        "{}",
        haiku / sonnet
    );
    let cascade = mean_at_zero("rag-cascade", "claude-3.5-haiku")
        + mean_at_zero("rag-cascade", "claude-3.5-sonnet");
    // The Sonnet share draws its own level and noise: within Monte Carlo error (~0.3 points).
    assert!(
        (cascade / sonnet - 0.00868 / 0.021).abs() < 0.01,
        "{}",
        cascade / sonnet
    );
}

/// Type-7 percentile of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[test]
fn percentiles_agree_with_an_independent_monte_carlo() {
    // Mean load 2 units, iid lognormal hourly noise CV 0.3, per-trial level lognormal log-sd 0.25.
    let (hours, trials, price, value) = (48usize, 20_000usize, 39.6, 101.25);
    let dir = tempfile::tempdir().unwrap();
    let text = one_pool_scenario(
        "mc",
        hours as u32,
        trials as u32,
        "max_units = 3",
        "input_tokens_per_hour = 30e6\noutput_tokens_per_hour = 7.5e6\nnoise = \"lognormal\"\nnoise_cv = 0.3\nlevel_sigma = 0.25",
    );
    let scenario = write(dir.path(), "s.toml", &text);
    let out = dir.path().join("out");
    run_scenario(&scenario, &out, &[]);

    let mut rng = ChaCha8Rng::seed_from_u64(999);
    let noise_sigma = (1.0f64 + 0.09).ln().sqrt();
    for k in [0u32, 2] {
        let mut totals: Vec<f64> = (0..trials)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                let level = (0.25 * z - 0.5 * 0.25 * 0.25).exp();
                (0..hours)
                    .map(|_| {
                        let e: f64 = StandardNormal.sample(&mut rng);
                        let load =
                            2.0 * level * (noise_sigma * e - 0.5 * noise_sigma * noise_sigma).exp();
                        f64::from(k) * price + value * (load - f64::from(k)).max(0.0)
                    })
                    .sum::<f64>()
            })
            .collect();
        totals.sort_by(f64::total_cmp);
        let row = curve_row(&out, "claude-3.5-sonnet", k);
        for (col, q) in [("p10", 0.1), ("p50", 0.5), ("p90", 0.9)] {
            let (ours, theirs) = (num(&row, col), percentile(&totals, q));
            assert!(
                close(ours, theirs, 0.015),
                "k={k} {col}: ptsim {ours} vs independent {theirs}"
            );
        }
    }
}
