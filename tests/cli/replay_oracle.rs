//! An independent reference implementation of docs/model.md §4 (one trial, one pool, k units),
//! written only from docs/model.md and docs/decisions.md, used as an oracle for `ptsim replay
//! --json`: a plain loop per hour and per workload with a naive earliest-deadline-first backlog
//! (re-sorted every hour).

use std::f64::consts::{PI, SQRT_2};
use std::fmt::Write as _;

use assert_cmd::Command;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Separate,
    Shared,
}

/// One workload: hourly tokens, shares, window W in hours (deadline = arrival + W − 1).
struct Workload {
    input: Vec<f64>,
    output: Vec<f64>,
    batch_share: f64,
    window: usize,
    cache_hit: f64,
    priority: bool,
}

/// One pool. Capacity in tokens per unit-hour; prices in USD per million tokens (before the token
/// price multiplier) as in `[pools.prices]`; `batch: None` = the model has no batch mode.
struct Pool {
    c_in: f64,
    c_out: f64,
    mode: Mode,
    p_in: f64,
    p_out: f64,
    batch: Option<(f64, f64)>,
    p_cr: f64,
    priority_mult: f64,
    token_mult: f64,
    unit_per_hour: f64,
    fill_idle: bool,
    intra_hour_cv: f64,
    quota_tpm: Option<f64>,
    discount: f64,
    horizon: usize,
}

/// The replay fields, in the order the oracle returns them.
#[rustfmt::skip]
const FIELDS: [&str; 9] = [
    "total_usd", "units_usd", "on_demand_usd", "batch_usd", "utilization",
    "spilled_tokens", "absorbed_tokens", "batch_tokens", "throttled_tokens",
];

/// erfc to ~1e-16 absolute (and relative for x ≥ 1): for 0 ≤ x < 1 the all-positive series
/// erf x = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); for x ≥ 1 Laplace's continued
/// fraction erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), 1000 levels.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 1.0 {
        let (mut term, mut sum, mut n) = (x, x, 0.0);
        while term > 1e-18 * sum {
            n += 1.0;
            term *= 2.0 * x * x / (2.0 * n + 1.0);
            sum += term;
        }
        1.0 - 2.0 / PI.sqrt() * (-x * x).exp() * sum
    } else {
        let mut t = x;
        for n in (1..=1000).rev() {
            t = x + (f64::from(n) / 2.0) / t;
        }
        (-x * x).exp() / PI.sqrt() / t
    }
}

/// Standard normal CDF Φ.
fn phi(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

/// Spilled realtime load (unit-hours) of load r on k units (docs/model.md §2).
fn spill_load(r: f64, k: f64, cv: f64) -> f64 {
    if r <= 0.0 {
        0.0
    } else if k == 0.0 {
        r
    } else if cv == 0.0 {
        (r - k).max(0.0)
    } else {
        // lognormal partial expectation E[max(0, R·Z − k)]
        let s2 = (1.0 + cv * cv).ln();
        let s = s2.sqrt();
        let d1 = ((r / k).ln() + s2 / 2.0) / s;
        (r * phi(d1) - k * phi(d1 - s)).clamp(0.0, r)
    }
}

/// A backlog item: one workload's deferrable arrivals of one hour, still queued.
struct Item {
    deadline: usize,
    arrival: usize,
    position: usize,
    input: f64,
    output: f64,
}

/// docs/model.md §4 + decisions.md for k units; returns the values of `FIELDS`, in that order.
fn oracle(p: &Pool, wls: &[Workload], k: u32) -> [f64; 9] {
    let kf = f64::from(k);
    let load = |i: f64, o: f64| match p.mode {
        Mode::Separate => (i / p.c_in).max(o / p.c_out),
        Mode::Shared => i / p.c_in + o / p.c_out,
    };
    let per_token = p.token_mult / 1e6; // decision 2: the multiplier is on every token price
    // decision 1: batch prices (plain on-demand without batch mode), no cache, no priority
    let batch_cost = |i: f64, o: f64| {
        let (bi, bo) = p.batch.unwrap_or((p.p_in, p.p_out));
        (i * bi + o * bo) * per_token
    };
    let (mut on_demand, mut batch_usd, mut served) = (0.0, 0.0, 0.0);
    let (mut spilled, mut throttled, mut absorbed, mut batch_tok) = (0.0, 0.0, 0.0, 0.0);
    let mut backlog: Vec<Item> = Vec::new();
    for h in 0..p.horizon {
        // realtime: one spill fraction f for every workload
        let (mut ri, mut ro) = (0.0, 0.0);
        for w in wls {
            ri += (1.0 - w.batch_share) * w.input[h];
            ro += (1.0 - w.batch_share) * w.output[h];
        }
        let r = load(ri, ro);
        let spill = spill_load(r, kf, p.intra_hour_cv);
        let f = if r > 0.0 { spill / r } else { 0.0 };
        let mut cost = 0.0;
        for w in wls {
            let pi = if w.priority { p.priority_mult } else { 1.0 };
            let rin = (1.0 - w.batch_share) * w.input[h];
            let rout = (1.0 - w.batch_share) * w.output[h];
            let price_in = (1.0 - w.cache_hit) * p.p_in + w.cache_hit * p.p_cr;
            cost += f * (rin * price_in + rout * p.p_out) * pi * per_token;
        }
        // decision 3: the quota caps the spilled tokens of the hour and scales its bill
        let spill_tokens = f * (ri + ro);
        let limit = p.quota_tpm.map_or(f64::INFINITY, |q| 60.0 * q);
        let over = (spill_tokens - limit).max(0.0);
        if over > 0.0 {
            cost *= (spill_tokens - over) / spill_tokens;
        }
        on_demand += cost;
        spilled += spill_tokens - over;
        throttled += over;
        let (mut si, mut so) = ((1.0 - f) * ri, (1.0 - f) * ro);

        // deferrable
        for (position, w) in wls.iter().enumerate() {
            let (input, output) = (w.batch_share * w.input[h], w.batch_share * w.output[h]);
            if p.fill_idle {
                let deadline = h + w.window - 1;
                backlog.push(Item {
                    deadline,
                    arrival: h,
                    position,
                    input,
                    output,
                });
            } else {
                batch_usd += batch_cost(input, output);
                batch_tok += input + output;
            }
        }
        if p.fill_idle {
            backlog.sort_by_key(|it| (it.deadline, it.arrival, it.position));
            // decision 6: idle capacity after realtime (shared: k − S; separate: a pair)
            let mut left_units = kf - (r - spill);
            let (mut left_in, mut left_out) = (kf * p.c_in - si, kf * p.c_out - so);
            let fits = |left: f64, tokens: f64| if tokens > 0.0 { left / tokens } else { 1.0 };
            for it in backlog.iter_mut() {
                if it.input <= 0.0 && it.output <= 0.0 {
                    continue;
                }
                // decision 7: each item takes the largest fraction that fits
                let frac = match p.mode {
                    Mode::Shared => left_units / (it.input / p.c_in + it.output / p.c_out),
                    // over the sides where the item has tokens
                    Mode::Separate => fits(left_in, it.input).min(fits(left_out, it.output)),
                }
                .clamp(0.0, 1.0);
                let (ai, ao) = (frac * it.input, frac * it.output);
                left_units -= ai / p.c_in + ao / p.c_out;
                (left_in, left_out) = (left_in - ai, left_out - ao);
                (si, so) = (si + ai, so + ao);
                (it.input, it.output) = (it.input - ai, it.output - ao);
                absorbed += ai + ao;
            }
            // what is still queued at the end of its deadline hour pays batch
            for it in backlog.iter().filter(|it| it.deadline <= h) {
                batch_usd += batch_cost(it.input, it.output);
                batch_tok += it.input + it.output;
            }
            backlog.retain(|it| it.deadline > h);
        }
        served += load(si, so);
    }
    // end of the horizon: everything still queued pays batch
    for it in &backlog {
        batch_usd += batch_cost(it.input, it.output);
        batch_tok += it.input + it.output;
    }
    let keep = 1.0 - p.discount;
    let hours = p.horizon as f64;
    let units_usd = kf * p.unit_per_hour * hours * keep; // decision 8
    let (on_demand, batch_usd) = (on_demand * keep, batch_usd * keep);
    let util = if k > 0 { served / (kf * hours) } else { 0.0 }; // decision 5
    let total = units_usd + on_demand + batch_usd;
    [
        total, units_usd, on_demand, batch_usd, util, spilled, absorbed, batch_tok, throttled,
    ]
}

/// Relative 1e-9, or absolute `abs` near 0.
fn close(actual: f64, expected: f64, abs: f64) -> bool {
    (actual - expected).abs() <= (1e-9 * expected.abs()).max(abs)
}

/// Asserts the oracle's result for k against hand-computed values, in `FIELDS` order.
fn check(p: &Pool, w: &[Workload], k: u32, want: [f64; 9]) {
    let got = oracle(p, w, k);
    for ((name, g), w) in FIELDS.iter().zip(got).zip(want) {
        assert!(close(g, w, 1e-6), "k = {k}, {name}: {g} vs {w} by hand");
    }
}

/// One Sonnet MU ([Price table] article: 16M in + 4M out per hour), $3 / $15 per Mtok, $39.60/h, 730 hours.
fn sonnet(mode: Mode) -> Pool {
    Pool {
        c_in: 16e6,
        c_out: 4e6,
        mode,
        p_in: 3.0,
        p_out: 15.0,
        batch: Some((1.5, 7.5)),
        p_cr: 0.3,
        priority_mult: 1.75,
        token_mult: 1.0,
        unit_per_hour: 39.6,
        fill_idle: true,
        intra_hour_cv: 0.0,
        quota_tpm: None,
        discount: 0.0,
        horizon: 730,
    }
}

fn workload(input: Vec<f64>, output: Vec<f64>, batch_share: f64, window: usize) -> Workload {
    let (cache_hit, priority) = (0.0, false);
    Workload {
        input,
        output,
        batch_share,
        window,
        cache_hit,
        priority,
    }
}

/// All of a workload's tokens, input and output.
fn tokens(w: &Workload) -> f64 {
    w.input.iter().chain(&w.output).sum()
}

fn flat(input: f64, output: f64, batch_share: f64) -> Workload {
    workload(vec![input; 730], vec![output; 730], batch_share, 24)
}

#[test]
#[rustfmt::skip] // one line per k: the hand-computed values in `FIELDS` order
fn oracle_constant_traffic_by_hand() {
    // 8M in + 2M out an hour: load max(8/16, 2/4) = 0.5; on-demand 8·$3 + 2·$15 = $54 an hour.
    let (p, w) = (sonnet(Mode::Separate), [flat(8e6, 2e6, 0.0)]);
    // k = 0: 54·730 = $39,420; all 10M·730 = 7.3e9 tokens spill.
    check(&p, &w, 0, [39_420.0, 0.0, 39_420.0, 0.0, 0.0, 7.3e9, 0.0, 0.0, 0.0]);
    // k = 1: 39.6·730 = $28,908, utilization 0.5.   k = 2: 2·28,908 = $57,816, utilization 0.25.
    check(&p, &w, 1, [28_908.0, 28_908.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0]);
    check(&p, &w, 2, [57_816.0, 57_816.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0]);
}

#[test]
#[rustfmt::skip] // one line per k: the hand-computed values in `FIELDS` order
fn oracle_spill_cache_priority_quota_discount_by_hand() {
    // 24M in + 6M out an hour (load 1.5), 50% cache hits (input 0.5·3 + 0.5·0.3 = $1.65/Mtok),
    // priority ×1.75, tokens ×1.1, quota 100k/min (L = 6M tokens an hour), EDP 5%.
    let mut p = sonnet(Mode::Separate);
    (p.token_mult, p.quota_tpm, p.discount) = (1.1, Some(100_000.0), 0.05);
    let mut w = flat(24e6, 6e6, 0.0);
    (w.cache_hit, w.priority) = (0.5, true);
    let w = [w];
    // k = 1: f = 1/3, 8M in + 2M out = 10M spill: (8·1.65 + 2·15)·1.75·1.1 = $83.16/h; 4M
    // throttled → × 6/10 = $49.896/h; × 730 × 0.95 = $34,602.876. Units 28,908 × 0.95 = 27,462.60.
    let (units, od, six, four) = (27_462.6, 34_602.876, 6e6 * 730.0, 4e6 * 730.0);
    check(&p, &w, 1, [units + od, units, od, 0.0, 1.0, six, 0.0, 0.0, four]);
    // k = 0: 30M spill, (24·1.65 + 6·15)·1.75·1.1 = $249.48/h × 6/30 = $49.896/h again.
    check(&p, &w, 0, [od, 0.0, od, 0.0, 0.0, six, 0.0, 0.0, 24e6 * 730.0]);
    // k = 2: no spill; 2·27,462.60 = $54,925.20, utilization 1.5/2.
    check(&p, &w, 2, [54_925.2, 54_925.2, 0.0, 0.0, 0.75, 0.0, 0.0, 0.0, 0.0]);
}

#[test]
#[rustfmt::skip] // one line per k: the hand-computed values in `FIELDS` order
fn oracle_shared_mode_deferrable_by_hand() {
    // Shared: 8M in + 2M out, half deferrable. Realtime 4M + 1M = 4/16 + 1/4 = 0.5 unit-hours, and
    // deferrable the same. Realtime on-demand 4·3 + 1·15 = $27/h; batch 4·1.5 + 1·7.5 = $13.50/h.
    let (mut p, w) = (sonnet(Mode::Shared), [flat(8e6, 2e6, 0.5)]);
    let half = 5e6 * 730.0;
    // k = 0: 27·730 = 19,710 on-demand + 13.5·730 = 9,855 batch.
    check(&p, &w, 0, [29_565.0, 0.0, 19_710.0, 9_855.0, 0.0, half, 0.0, half, 0.0]);
    // k = 1: the idle half unit soaks up each hour's deferrable work: units only, fully used.
    check(&p, &w, 1, [28_908.0, 28_908.0, 0.0, 0.0, 1.0, 0.0, half, 0.0, 0.0]);
    // fill_idle off: k = 1 pays 28,908 + 9,855 and is half used.
    p.fill_idle = false;
    check(&p, &w, 1, [38_763.0, 28_908.0, 0.0, 9_855.0, 0.5, 0.0, 0.0, half, 0.0]);
    // no batch mode: deferrable pays on-demand $27/h → 28,908 + 19,710.
    p.batch = None;
    check(&p, &w, 1, [48_618.0, 28_908.0, 0.0, 19_710.0, 0.5, 0.0, 0.0, half, 0.0]);
}

#[test]
#[rustfmt::skip] // one line per k: the hand-computed values in `FIELDS` order
fn oracle_backlog_deadlines_and_order_by_hand() {
    // Tiny shared pool: 10 tokens an hour per side; $2 a token on-demand, $1 batch, $3 a unit-hour.
    let mut p = sonnet(Mode::Shared);
    (p.c_in, p.c_out, p.p_in, p.p_out) = (10.0, 10.0, 2e6, 0.0);
    (p.batch, p.unit_per_hour, p.horizon) = (Some((1e6, 0.0)), 3.0, 4);
    let zero = vec![0.0; 4];
    let w = [
        workload(vec![5.0, 0.0, 10.0, 0.0], zero.clone(), 0.0, 24), // realtime 0.5, 0, 1, 0
        workload(vec![15.0, 0.0, 0.0, 0.0], zero.clone(), 1.0, 2),  // 1.5 due by the end of hour 1
        workload(vec![0.0, 10.0, 0.0, 0.0], zero, 1.0, 2),          // 1.0 due by the end of hour 2
    ];
    // k = 1. Hour 0: idle 0.5 takes a third of w1 (5 tokens). Hour 1: idle 1; w1 (deadline 1) goes
    // before w2 (deadline 2) and takes it all. Hour 2: no idle, w2's 10 tokens pay $10 batch.
    // Units 4·$3 = $12. Served load 1 + 1 + 1 + 0 over 4 unit-hours = 0.75.
    check(&p, &w, 1, [22.0, 12.0, 0.0, 10.0, 0.75, 0.0, 15.0, 10.0, 0.0]);
    // k = 2: everything absorbed on arrival; utilization (2 + 1 + 1 + 0) / 8 = 0.5.
    check(&p, &w, 2, [24.0, 24.0, 0.0, 0.0, 0.5, 0.0, 25.0, 0.0, 0.0]);
    // Separate, one hour: realtime (5, 2) leaves (5, 8); item (4, 10) takes min(5/4, 8/10) = 0.8:
    // 11.2 tokens absorbed, 2.8 pay batch 0.2·(4·$1 + 10·$0.5) = $1.80; load max(8.2, 10)/10 = 1.
    (p.mode, p.batch, p.horizon) = (Mode::Separate, Some((1e6, 0.5e6)), 1);
    let w = [workload(vec![5.0], vec![2.0], 0.0, 1), workload(vec![4.0], vec![10.0], 1.0, 1)];
    check(&p, &w, 1, [4.8, 3.0, 0.0, 1.8, 1.0, 0.0, 11.2, 2.8, 0.0]);
}

#[test]
fn oracle_normal_cdf_and_burstiness() {
    let known = [
        (0.5, 0.479_500_122_186_953_5),
        (1.0, 0.157_299_207_050_285_13),
        (2.0, 0.004_677_734_981_047_266),
        (3.0, 2.209_049_699_858_544e-5),
        (5.0, 1.537_459_794_428_035e-12),
        (-1.0, 1.842_700_792_949_715),
    ];
    for (x, want) in known {
        let got = erfc(x);
        assert!((got - want).abs() <= 1e-14 * want, "erfc({x}) = {got}");
    }
    // the series and the continued fraction agree where they meet
    let (x, mut term, mut sum) = (1.0_f64, 1.0, 1.0);
    for n in 1..100 {
        term *= 2.0 * x * x / (2.0 * f64::from(n) + 1.0);
        sum += term;
    }
    assert!((erfc(x) - (1.0 - 2.0 / PI.sqrt() * (-x * x).exp() * sum)).abs() < 1e-15);
    // R = k = 1, c² = e − 1 → σ = 1: spill = Φ(½) − Φ(−½) = 2·0.691462461274013 − 1.
    let c = (std::f64::consts::E - 1.0).sqrt();
    assert!((spill_load(1.0, 1.0, c) - 0.382_924_922_548_026).abs() < 1e-14);
    assert!((spill_load(2.5, 0.0, 0.7) - 2.5).abs() < 1e-15);
    assert!((spill_load(1.5, 1.0, 1e-7) - 0.5).abs() < 1e-12);
    // E[max(0, R·Z − k)] by Simpson's rule over the normal density, from the kink upwards
    let (r, k, cv) = (2.0_f64, 3.0, 0.6);
    let s = (1.0_f64 + cv * cv).ln().sqrt();
    let x0 = ((k / r).ln() + s * s / 2.0) / s;
    let (n, dx) = (20_000, (14.0 - x0) / 20_000.0);
    let g = |i: i32| {
        let (x, weight) = (x0 + dx * f64::from(i), [2.0, 4.0][(i % 2) as usize]);
        let w = if i == 0 || i == n { 1.0 } else { weight };
        w * (r * (s * x - s * s / 2.0).exp() - k) * (-x * x / 2.0).exp() / (2.0 * PI).sqrt()
    };
    let simpson = (0..=n).map(g).sum::<f64>() * dx / 3.0;
    assert!((spill_load(r, k, cv) - simpson).abs() < 1e-12, "{simpson}");
}

/// Hour `hour` after 2024-01-01T00:00:00Z (the cases stay within 2023-12-31 .. 2024-01-31).
fn stamp(hour: i64) -> String {
    let (day, hh) = (hour.div_euclid(24), hour.rem_euclid(24));
    if day < 0 {
        format!("2023-12-31T{hh:02}:00:00Z")
    } else {
        format!("2024-01-{:02}T{hh:02}:00:00Z", day + 1)
    }
}

type Case = (Pool, Vec<Workload>, &'static str, String, Vec<String>);

/// A random replay case: the oracle's inputs, the pool's model, the scenario TOML and the traces.
fn random_case(rng: &mut ChaCha8Rng, idx: usize) -> Case {
    let mode = [Mode::Separate, Mode::Shared][idx % 2];
    let mut p = sonnet(mode);
    let (start, extra_column, outside_rows) = (idx % 6 != 5, idx % 5 == 2, idx % 4 == 3);
    p.horizon = rng.random_range(48..=200);
    let cin_pm: u32 = rng.random_range(1_000..=300_000);
    let cout_pm = cin_pm / rng.random_range(2..=8_u32);
    (p.c_in, p.c_out) = (60.0 * f64::from(cin_pm), 60.0 * f64::from(cout_pm));
    p.p_in = f64::from(rng.random_range(10..=1500_u32)) / 100.0;
    p.p_out = p.p_in * f64::from(rng.random_range(2..=5_u32));
    let batch_out = f64::from(rng.random_range(1..=9_u32)) * p.p_out / 10.0;
    p.batch = (idx % 7 != 3).then_some((p.p_in / 2.0, batch_out));
    p.p_cr = p.p_in / 10.0;
    p.priority_mult = [1.75, 1.5, 2.0][rng.random_range(0..3)];
    p.token_mult = [1.0, 1.1, 1.25][rng.random_range(0..3)];
    p.unit_per_hour = f64::from(rng.random_range(100..=9000_u32)) / 100.0;
    p.fill_idle = idx % 5 != 4;
    let cv_pct = [rng.random_range(5..=150_u32), 0, 0][idx % 3];
    p.intra_hour_cv = f64::from(cv_pct) / 100.0;
    let quota = (idx % 4 == 1).then(|| (cin_pm + cout_pm) * rng.random_range(1..=4_u32));
    p.quota_tpm = quota.map(f64::from);
    p.discount = [0.0, 0.05, 0.15][rng.random_range(0..3)];
    let model = match p.batch {
        Some(_) => ["claude-sonnet-4.5", "claude-haiku-4.5"][rng.random_range(0..2)],
        None => ["llama-3.3-70b", "claude-sonnet-4.5", "nova-micro"][rng.random_range(0..3)],
    };

    let start_line = start.then_some(r#"start = "2024-01-01T00:00:00Z""#);
    let start_line = start_line.unwrap_or_default();
    let quota_line = quota.map(|q| format!("on_demand_quota_tokens_per_minute = {q}"));
    let quota_line = quota_line.unwrap_or_default();
    let batch_lines = match p.batch {
        Some((bi, bo)) => format!("batch_input_per_mtok = {bi:?}\nbatch_output_per_mtok = {bo:?}"),
        None => "batch = false".to_string(),
    };
    let mode_name = ["separate", "shared"][idx % 2];
    let (horizon, discount, fill_idle, cv) = (p.horizon, p.discount, p.fill_idle, p.intra_hour_cv);
    let (p_in, p_out, p_cr, pi, m) = (p.p_in, p.p_out, p.p_cr, p.priority_mult, p.token_mult);
    let unit = p.unit_per_hour;
    let mut t = format!(
        r#"name = "oracle-case-{idx}"
horizon_hours = {horizon}
trials = 1
seed = 1
edp_discount = {discount:?}
{start_line}

[[pools]]
model = "{model}"
product = "model_unit"
term = "one_month"
max_units = 10
fill_idle = {fill_idle}
intra_hour_cv = {cv:?}
{quota_line}
[pools.prices]
input_per_mtok = {p_in:?}
output_per_mtok = {p_out:?}
{batch_lines}
cache_read_per_mtok = {p_cr:?}
priority_multiplier = {pi:?}
token_price_multiplier = {m:?}
unit_per_hour = {unit:?}
[pools.capacity]
input_tokens_per_minute = {cin_pm}
output_tokens_per_minute = {cout_pm}
mode = "{mode_name}"
"#
    );

    let (mut workloads, mut traces) = (Vec::new(), Vec::new());
    for j in 0..rng.random_range(1..=4_usize) {
        let batch_share = match rng.random_range(0..5) {
            0 => 0.0,
            1 => 1.0,
            _ => f64::from(rng.random_range(1..100_u32)) / 100.0,
        };
        let window = rng.random_range(1..=30_usize);
        let level: f64 = rng.random_range(0.2..3.0); // mean realtime+deferrable units of load
        let zeros = vec![0.0; p.horizon];
        let mut w = workload(zeros.clone(), zeros, batch_share, window);
        w.cache_hit = f64::from(rng.random_range(0..=100_u32)) / 100.0;
        w.priority = rng.random_bool(0.3);
        let mut csv = String::from("timestamp,input_tokens,output_tokens");
        csv.push_str(if extra_column { ",requests\n" } else { "\n" });
        let row = |csv: &mut String, hour: i64, i: f64, o: f64| {
            let tail = if extra_column { ",17" } else { "" };
            writeln!(csv, "{},{i},{o}{tail}", stamp(hour)).unwrap();
        };
        if outside_rows && start {
            row(&mut csv, -3, 5e6, 1e6); // before hour 0: ignored
        }
        for h in 0..p.horizon {
            let u: f64 = rng.random();
            let mult = match u {
                ..0.15 => 0.0,                        // a silent hour
                ..0.25 => rng.random_range(2.0..5.0), // a spike
                _ => rng.random_range(0.2..1.5),
            };
            w.input[h] = (level * p.c_in * mult).round();
            w.output[h] = (w.input[h] * p.c_out / p.c_in * rng.random_range(0.3..2.0)).round();
            match rng.random_range(0..20) {
                0 => w.output[h] = 0.0, // input-only hours and output-only ones, now and then
                1 => (w.input[h], w.output[h]) = (0.0, (w.input[h] * p.c_out / p.c_in).round()),
                _ => {}
            }
            // most silent hours have no row; without `start` workload 0's first row fixes hour 0
            let keep_zero = (j == 0 && h == 0 && !start) || rng.random_bool(0.4);
            if w.input[h] + w.output[h] > 0.0 || keep_zero {
                row(&mut csv, h as i64, w.input[h], w.output[h]);
            }
        }
        if outside_rows {
            row(&mut csv, p.horizon as i64, 9e6, 2e6); // at/after hour H: ignored
            row(&mut csv, p.horizon as i64 + 1, 9e6, 2e6);
        }
        traces.push(csv);
        let (cache, priority) = (w.cache_hit, w.priority);
        write!(
            t,
            r#"
[[workloads]]
name = "w{j}"
model = "{model}"
batch_share = {batch_share:?}
batch_window_hours = {window}
cache_hit_share = {cache:?}
priority = {priority}
[workloads.trace]
file = "w{j}.csv"
"#
        )
        .unwrap();
        workloads.push(w);
    }
    (p, workloads, model, t, traces)
}

#[test]
fn oracle_conserves_tokens_on_the_random_cases() {
    let mut rng = ChaCha8Rng::seed_from_u64(20_240_101); // the same cases as the replay test
    for idx in 0..20 {
        let (pool, workloads, _, toml, _) = random_case(&mut rng, idx);
        let _: toml::Table = toml.parse().expect("the scenario is valid TOML");
        let (mut realtime, mut deferrable) = (0.0, 0.0);
        for w in &workloads {
            realtime += (1.0 - w.batch_share) * tokens(w);
            deferrable += w.batch_share * tokens(w);
        }
        let mut previous_spill = f64::INFINITY;
        for k in [0, 1, 3, 7] {
            // total, units, on-demand, batch USD, utilization; spilled, absorbed, batch, throttled
            let [total, units, od, batch, util, sp, ab, bt, th] = oracle(&pool, &workloads, k);
            let at = format!("case {idx}, k = {k}");
            assert!(close(total, units + od + batch, 1e-9), "{at}");
            assert!(close(ab + bt, deferrable, 1e-3), "{at}");
            assert!(sp + th <= realtime * (1.0 + 1e-12), "{at}");
            assert!(sp + th <= previous_spill * (1.0 + 1e-12), "{at}");
            assert!((0.0..=1.0 + 1e-12).contains(&util), "{at}");
            if k == 0 {
                assert!(
                    close(sp + th, realtime, 1e-3) && ab == 0.0 && util == 0.0,
                    "{at}"
                );
            }
            previous_spill = sp + th;
        }
    }
}

#[test]
fn replay_matches_the_reference_cost_model() {
    let mut rng = ChaCha8Rng::seed_from_u64(20_240_101);
    for idx in 0..20 {
        let (pool, workloads, model, toml, traces) = random_case(&mut rng, idx);
        let dir = tempfile::tempdir().expect("temp dir");
        let scenario = dir.path().join("scenario.toml");
        std::fs::write(&scenario, &toml).expect("write scenario");
        for (j, csv) in traces.iter().enumerate() {
            std::fs::write(dir.path().join(format!("w{j}.csv")), csv).expect("write trace");
        }
        let path = scenario.to_str().expect("utf-8 path");
        let out = Command::cargo_bin("ptsim")
            .expect("ptsim binary")
            .args(["replay", path, "--units", "0,1,3,7", "--json"])
            .output()
            .expect("ptsim runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "case {idx} failed: {stderr}\n{toml}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("case {idx}: stdout is not JSON ({e}); stderr: {stderr}"));
        let results = json["pools"]
            .as_array()
            .and_then(|pools| pools.iter().find(|p| p["pool"] == model))
            .and_then(|p| p["results"].as_array())
            .unwrap_or_else(|| panic!("case {idx}: no results for pool {model} in {json}"));
        assert_eq!(results.len(), 4, "case {idx}: one result per k");
        // token counts that are ~0 by cancellation may differ by 1e-12 of the case's traffic
        let tok_abs = 1e-6_f64.max(1e-12 * workloads.iter().map(tokens).sum::<f64>());
        let mut errors = Vec::new();
        for k in [0_u32, 1, 3, 7] {
            let got = results
                .iter()
                .find(|r| r["units"].as_u64() == Some(u64::from(k)))
                .unwrap_or_else(|| panic!("case {idx}: no result for k = {k}"));
            for (name, want) in FIELDS.iter().zip(oracle(&pool, &workloads, k)) {
                let g = got[name].as_f64().unwrap_or(f64::NAN);
                let abs = if name.ends_with("tokens") {
                    tok_abs
                } else {
                    1e-6
                };
                if !close(g, want, abs) {
                    errors.push(format!("k = {k}, {name}: ptsim {g}, oracle {want}"));
                }
            }
        }
        let errors = errors.join("\n");
        assert!(errors.is_empty(), "case {idx}:\n{errors}\n{toml}");
    }
}
