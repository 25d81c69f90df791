//! Hand-checkable oracles of the terms engine (issue 5): constant traffic priced by term, exact
//! stranding, and regret never negative.

use super::analyse_terms;
use super::regret::{FIXED, HINDSIGHT, TermsSample};
use super::terms::{TermsPlan, bill_end, rolling_schedule, simulate_trial};
use crate::ratecard::UnitSteps;
use crate::ratecard::{RateCard, Term};
use crate::scenario::Scenario;

/// One Sonnet-like pool (15M in + 3.75M out per unit-hour, $3/$15) with exactly two units of
/// constant load (30M in + 7.5M out per hour), priced on one and six months.
fn constant(risk: &str) -> Scenario {
    let text = format!(
        r#"name = "constant"
trials = 4
seed = 3
[[pools]]
model = "claude-3.5-sonnet"
max_units = 3
fill_idle = false
[pools.prices]
input_per_mtok = 3.0
output_per_mtok = 15.0
[pools.term_prices]
one_month = 39.6
six_month = 27.72
[pools.capacity]
input_tokens_per_minute = 250000
output_tokens_per_minute = 62500
mode = "separate"
[[workloads]]
name = "w"
model = "claude-3.5-sonnet"
[workloads.parametric]
input_tokens_per_hour = 3.0e7
output_tokens_per_hour = 7.5e6
noise = "none"
[risk]
terms = ["one_month", "six_month"]
{risk}
"#
    );
    Scenario::parse(
        &text,
        "constant.toml",
        std::path::Path::new("."),
        &RateCard::shipped(),
    )
    .expect("valid scenario")
}

fn row<'a>(samples: &'a [TermsSample], term: &str, policy: &str) -> &'a TermsSample {
    samples
        .iter()
        .find(|s| s.row.term == term && s.row.policy == policy)
        .unwrap_or_else(|| panic!("no {term}/{policy} row"))
}

#[test]
fn constant_traffic_six_months_over_one_month_is_the_price_ratio() {
    let report = analyse_terms(&constant(""), 4, &[]);
    let pool = &report.pools[0];
    assert_eq!(pool.plan.window_hours, 4380);
    let (one, six) = (
        row(&pool.samples, "one_month", FIXED),
        row(&pool.samples, "six_month", FIXED),
    );
    // Two units serve everything: each term pays only 2 × price × 4,380 hours.
    assert_eq!((one.row.units, six.row.units), (2, 2));
    assert!((one.row.mean - 2.0 * 39.6 * 4380.0).abs() < 1e-6);
    assert!((six.row.mean / one.row.mean - 27.72 / 39.6).abs() < 1e-12);
    assert_eq!(six.row.stranded_usd_mean, 0.0);
}

#[test]
fn a_switch_at_month_zero_strands_k_times_price_times_term_hours() {
    let scenario = constant("switch_probability_per_month = 1.0");
    let pool = &scenario.pools[0];
    let plan = TermsPlan::new(pool, &scenario.risk, 3);
    let trial = simulate_trial(&scenario, pool, &plan, &scenario.risk, 0);
    assert_eq!(trial.switch_month, Some(0));
    for (i, (price, hours)) in [(39.6, 730.0), (27.72, 4380.0)].into_iter().enumerate() {
        for k in 0..=3u32 {
            let cost = trial.fixed[i][k as usize];
            assert_eq!(
                cost.stranded_usd,
                f64::from(k) * price * hours,
                "term {i} k {k}"
            );
            // No traffic after the switch: the bill is the stranded units alone.
            assert_eq!(cost.total_usd, cost.stranded_usd);
        }
    }
    // The rolling policy has bought nothing yet.
    assert_eq!(trial.rolling[0].map(|r| r.stranded_usd), Some(0.0));
    assert_eq!(trial.rolling[1], None);
}

#[test]
fn commitments_end_with_the_term_running_at_the_switch() {
    assert_eq!(bill_end(Term::SixMonth, None, 8760), 8760);
    assert_eq!(bill_end(Term::SixMonth, Some(730), 8760), 4380);
    assert_eq!(bill_end(Term::SixMonth, Some(4380), 8760), 8760);
    assert_eq!(bill_end(Term::OneMonth, Some(2190), 8760), 2920);
    assert_eq!(bill_end(Term::NoCommit, Some(2190), 8760), 2190);
    assert_eq!(bill_end(Term::OneYear, Some(0), 4380), 4380);
}

#[test]
fn rolling_buys_the_trailing_months_p50_floor_after_the_wait() {
    // Month 0: load 1.5; month 1: 2.5; month 2: 4.2.
    let mut load = vec![1.5; 730];
    load.extend(vec![2.5; 730]);
    load.extend(vec![4.2; 730]);
    let schedule = rolling_schedule(&load, 1, UnitSteps::default());
    assert_eq!((schedule[0], schedule[729]), (0, 0));
    assert_eq!((schedule[730], schedule[1459]), (1, 1));
    assert_eq!((schedule[1460], schedule[2189]), (2, 2));
    assert!(
        rolling_schedule(&load, 3, UnitSteps::default())
            .iter()
            .all(|&k| k == 0)
    );
}

#[test]
fn rolling_rounds_down_to_a_count_the_product_sells() {
    // Trailing P50s of 17.9 and 26 PTUs; Azure global PTUs come as 15, 20, 25 …
    let mut load = vec![17.9; 730];
    load.extend(vec![26.0; 730]);
    load.extend(vec![3.0; 730]);
    let steps = UnitSteps {
        min: 15,
        increment: 5,
    };
    let schedule = rolling_schedule(&load, 1, steps);
    assert_eq!((schedule[730], schedule[1460]), (15, 25));
}

#[test]
fn regret_is_never_negative_and_zero_for_the_hindsight_optimum() {
    let mut scenario = Scenario::builtin_default(&RateCard::shipped()).expect("default");
    scenario.risk.switch_probability_per_month = 0.2;
    scenario.risk.share_after_switch = 0.3;
    scenario.risk.terms = Some(vec![
        Term::NoCommit,
        Term::OneMonth,
        Term::ThreeMonth,
        Term::SixMonth,
    ]);
    scenario.pools.truncate(1);
    let report = analyse_terms(&scenario, 6, &[2]);
    let samples = &report.pools[0].samples;
    for s in samples {
        assert!(
            s.regrets.iter().all(|r| *r >= 0.0),
            "{} {}",
            s.row.term,
            s.row.policy
        );
    }
    let any = row(samples, "any", HINDSIGHT);
    assert!(any.regrets.iter().all(|r| *r == 0.0));
    // Every term's hindsight k is at least as cheap as its fixed k, trial by trial.
    let (fixed, best) = (
        row(samples, "six_month", FIXED),
        row(samples, "six_month", HINDSIGHT),
    );
    assert!(fixed.costs.iter().zip(&best.costs).all(|(f, b)| b <= f));
}
