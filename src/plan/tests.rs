//! Hand-checkable oracles of the plan engine (issue 15): constant traffic buys its load on the
//! cheapest term, a plan's cost is its layers' prices × hours plus the replayed spill, growth
//! known in advance is met by layers that beat every single term, regret is never negative, the
//! search never loses to a plan listed by hand, renewals see only the past, and the heuristic's
//! distance from the exhaustive optimum on small cases.

use super::layer::{MonthlyLoad, PlanContext, bill, fits};
use super::summary::{HINDSIGHT, LISTED, PlanSample, SEARCH, SINGLE_TERM};
use super::trials::{Draw, Watch, price};
use super::*;
use crate::ratecard::{RateCard, Term, UnitSteps};
use crate::risk::terms::HOURS_PER_MONTH;
use crate::scenario::RiskSettings;

const SIX: f64 = 27.72;
const ONE: f64 = 39.6;
const HOURLY: f64 = 49.5;

/// One Sonnet-like pool (15M in + 3.75M out per unit-hour, $3/$15, no batch mode) priced by the
/// hour, on one and on six months (and on the card's year, $21.78), with one parametric workload (`parametric`, its table body)
/// and the rest of the scenario (`extra`: `[risk]`, `[plan]`, `[[plans]]`).
fn scenario(pool_extra: &str, workload_extra: &str, parametric: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"name = "plans"
seed = 5
{extra}

[[pools]]
model = "claude-3.5-sonnet"
fill_idle = true
{pool_extra}
[pools.prices]
input_per_mtok = 3.0
output_per_mtok = 15.0
batch = false
[pools.term_prices]
no_commit = {HOURLY}
one_month = {ONE}
six_month = {SIX}
[pools.capacity]
input_tokens_per_minute = 250000
output_tokens_per_minute = 62500
mode = "separate"

[[workloads]]
name = "w"
model = "claude-3.5-sonnet"
{workload_extra}
[workloads.parametric]
{parametric}
"#
    );
    Scenario::parse(
        &text,
        "plans.toml",
        std::path::Path::new("."),
        &RateCard::shipped(),
    )
    .unwrap_or_else(|e| panic!("valid scenario: {e}"))
}

fn analyse(scenario: &Scenario) -> PoolPlans {
    let settings = scenario.plan.clone().unwrap_or_default();
    analyse_plans(scenario, &settings, Watch::NONE)
        .expect("search runs")
        .pools
        .remove(0)
}

fn rows<'a>(pool: &'a PoolPlans, source: &str) -> Vec<&'a PlanSample> {
    pool.samples
        .iter()
        .filter(|s| s.row.source == source)
        .collect()
}

/// Trials of the scenario's first pool over `months`, under `risk`, unwatched.
fn draw<'a>(scenario: &'a Scenario, risk: &'a RiskSettings, months: usize) -> Draw<'a> {
    Draw {
        scenario,
        pool: &scenario.pools[0],
        risk,
        months,
        watch: Watch::NONE,
    }
}

fn context(scenario: &Scenario, months: usize) -> PlanContext {
    let pool = &scenario.pools[0];
    PlanContext {
        months,
        steps: pool.steps,
        prices: pool.term_prices.clone(),
        keep: 1.0 - pool.model.discount,
    }
}

fn layer(units: u32, term: Term, start_month: usize) -> Layer {
    Layer {
        units,
        term,
        start_month,
        resize: None,
    }
}

fn plan(layers: Vec<Layer>) -> Plan {
    Plan {
        name: "p".to_string(),
        layers,
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// Exactly three units of load every hour: 45M input (3 × 15M) and 11.25M output (3 × 3.75M).
const THREE_UNITS: &str =
    "input_tokens_per_hour = 4.5e7\noutput_tokens_per_hour = 1.125e7\nnoise = \"none\"";

#[test]
fn constant_traffic_at_three_units_buys_three_units_on_the_cheapest_term() {
    for (months, search) in [(6, "auto"), (12, "heuristic"), (12, "auto")] {
        let s = scenario(
            "max_units = 5",
            "",
            THREE_UNITS,
            &format!("[plan]\nmonths = {months}\ntrials = 3\nsearch = \"{search}\""),
        );
        // The cheapest term whose first term fits: six months in 6, the card's one year
        // ($21.78) in 12.
        let cheapest = s.pools[0]
            .term_prices
            .iter()
            .filter(|t| fits(t.term, 0, months))
            .min_by(|a, b| a.usd_per_unit_hour.total_cmp(&b.usd_per_unit_hour))
            .unwrap();
        let pool = analyse(&s);
        let best = pool.best();
        let want = vec![layer(3, cheapest.term, 0)];
        assert_eq!(
            best.plan.as_ref().unwrap().layers,
            want,
            "{months} {search}"
        );
        assert_eq!(rows(&pool, SEARCH)[0].plan.as_ref().unwrap().layers, want);
        // Nothing spills: the bill is 3 × the price × every hour of the window.
        let hours = (months * HOURS_PER_MONTH) as f64;
        let price = cheapest.usd_per_unit_hour;
        assert!(close(best.row.mean, 3.0 * price * hours, 1e-12));
        assert_eq!((best.row.p5, best.row.p95), (best.row.mean, best.row.mean));
    }
}

#[test]
fn a_plans_cost_is_its_layers_prices_times_hours_plus_the_replayed_spill() {
    let s = scenario(
        "",
        "batch_share = 0.3\nbatch_window_hours = 6",
        "input_tokens_per_hour = 6.0e7\noutput_tokens_per_hour = 1.5e7\nnoise_cv = 0.4\n\
         ar1 = 0.5\nprofile = \"business-hours\"",
        "edp_discount = 0.1",
    );
    let pool = &s.pools[0];
    let (risk, ctx) = (RiskSettings::default(), context(&s, 12));
    let draw = draw(&s, &risk, 12);
    let (_, hours) = draw.trial(3);
    let p = plan(vec![
        layer(4, Term::SixMonth, 0),
        layer(2, Term::OneMonth, 3),
        layer(1, Term::NoCommit, 5),
    ]);
    let month = HOURS_PER_MONTH as f64;
    let by_month = |units: &[(u32, usize)]| -> Vec<u32> {
        units
            .iter()
            .flat_map(|&(k, months)| std::iter::repeat_n(k, months * HOURS_PER_MONTH))
            .collect()
    };
    let keep = 0.9;
    for (switch, schedule, unit_usd, stranded) in [
        (
            None,
            by_month(&[(4, 3), (6, 2), (7, 7)]),
            (4.0 * SIX * 12.0 + 2.0 * ONE * 9.0 + HOURLY * 7.0) * month * keep,
            0.0,
        ),
        // The switch at month 4's start: the six-month term running then bills to month 6 and
        // is not renewed; the one-month layer is signed for months 3 and 4 only; the hourly
        // layer never starts.
        (
            Some(4),
            by_month(&[(4, 3), (6, 2), (4, 1), (0, 6)]),
            (4.0 * SIX * 6.0 + 2.0 * ONE * 2.0) * month * keep,
            (4.0 * SIX * 2.0 + 2.0 * ONE) * month * keep,
        ),
    ] {
        let got = &price(&[&p], &ctx, &hours, &draw, switch, None)[0];
        let replayed = hours.evaluate_schedule(&pool.model, &schedule);
        let want = unit_usd + replayed.on_demand_usd + replayed.batch_usd;
        assert!(
            close(got.total_usd, want, 1e-9),
            "{} vs {want}",
            got.total_usd
        );
        assert!(close(got.unit_usd, unit_usd, 1e-12));
        assert!(close(got.stranded_usd, stranded, 1e-12));
    }
}

#[test]
fn growth_known_in_advance_is_met_by_layers_that_beat_every_single_term() {
    // One unit of load growing 15% a month, the same in every trial: 4.65 units by month 11.
    let s = scenario(
        "max_units = 8",
        "",
        "input_tokens_per_hour = 1.5e7\noutput_tokens_per_hour = 3.75e6\nnoise = \"none\"\n\
         growth_per_month_mean = 0.15\ngrowth_per_month_sd = 0.0",
        "[plan]\nterms = [\"one_month\", \"six_month\"]\ntrials = 2",
    );
    let pool = analyse(&s);
    let best = pool.best();
    let units: Vec<f64> = (0..12)
        .map(|m| best.layer_units_mean.iter().map(|l| l[m]).sum())
        .collect();
    assert!(units.windows(2).all(|w| w[0] <= w[1]), "{units:?}");
    assert!(units[0] < units[11] && best.plan.as_ref().unwrap().layers.len() >= 2);
    // Every fleet of one term bought for the whole year, priced exactly on the same trial.
    let (risk, ctx) = (RiskSettings::default(), context(&s, 12));
    let draw = draw(&s, &risk, 12);
    let (_, hours) = draw.trial(0);
    for term in [Term::OneMonth, Term::SixMonth] {
        for k in 0..=8 {
            let single = &price(
                &[&plan(vec![layer(k, term, 0)])],
                &ctx,
                &hours,
                &draw,
                None,
                None,
            )[0];
            assert!(
                best.row.mean < single.total_usd,
                "{k} {}: {} vs {}",
                term.as_str(),
                single.total_usd,
                best.row.mean
            );
        }
    }
}

/// A noisy, growing workload that may move to another model, with plans listed by hand.
fn risky(objective: &str) -> Scenario {
    scenario(
        "max_units = 6",
        "",
        "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise_cv = 0.5\n\
         level_sigma = 0.4\ngrowth_per_month_mean = 0.05\ngrowth_per_month_sd = 0.05",
        &format!(
            r#"[risk]
switch_probability_per_month = 0.15
share_after_switch = 0.3

[plan]
months = 6
trials = 12
objective = "{objective}"

[[plans]]
name = "floor"
layers = [{{ units = 1, term = "six_month" }}]

[[plans]]
name = "monthly"
layers = [{{ units = 3, term = "one_month" }}, {{ units = 1, term = "one_month", start_month = 4 }}]

[[plans]]
name = "over-bought"
layers = [{{ units = 5, term = "six_month" }}]

[[plans]]
name = "rolling"
layers = [{{ units = 2, term = "six_month" }}, {{ units = 0, term = "one_month", resize = "p50" }}]
"#
        ),
    )
}

#[test]
fn regret_is_never_negative_against_the_trials_hindsight_plan() {
    let pool = analyse(&risky("mean"));
    let hindsight = rows(&pool, HINDSIGHT)[0];
    assert!(hindsight.regrets.iter().all(|r| *r == 0.0));
    for s in &pool.samples {
        assert!(s.regrets.iter().all(|r| *r >= 0.0), "{}", s.row.plan);
        assert!(s.costs.iter().zip(&hindsight.costs).all(|(c, h)| h <= c));
    }
    assert!(pool.switch_share > 0.0);
}

#[test]
fn the_search_is_never_worse_than_a_plan_listed_by_hand() {
    for objective in ["mean", "p90", "cvar95"] {
        let pool = analyse(&risky(objective));
        let best = pool.best();
        let search = rows(&pool, SEARCH)[0];
        for listed in rows(&pool, LISTED) {
            assert!(best.row.objective <= listed.row.objective, "{objective}");
            // Without deferrable work the search's price list is exact, so the searched plan
            // itself beats every fixed plan listed (they are among its starts).
            if !listed.plan.as_ref().unwrap().resizes() {
                let tolerance = 1e-9 * listed.row.objective;
                assert!(
                    search.row.objective <= listed.row.objective + tolerance,
                    "{objective}: {} {} vs {}",
                    listed.row.plan,
                    search.row.objective,
                    listed.row.objective
                );
            }
        }
        assert!(
            rows(&pool, SINGLE_TERM)
                .iter()
                .all(|s| best.row.objective <= s.row.objective)
        );
    }
}

#[test]
fn the_loss_ceiling_is_met_by_the_recommended_plan() {
    let mut s = risky("mean");
    let settings = s.plan.as_mut().unwrap();
    settings.goal.max_loss_probability = Some(0.0);
    let pool = analyse(&s);
    assert_eq!(pool.best().row.prob_loss_vs_on_demand, 0.0);
}

/// The heuristic's distance from the exhaustive optimum on one small case: 9 months of one- and
/// six-month layers (13 slots, staggered six-month starts), at most 5 units, 24 trials.
fn heuristic_gap(seed: u64, growth: f64, noise: f64, objective: &str, switch: f64) -> f64 {
    let level = 1.0 + (seed % 7) as f64 * 0.6;
    let mut s = scenario(
        "max_units = 5",
        "",
        &format!(
            "input_tokens_per_hour = {}\noutput_tokens_per_hour = {}\nnoise_cv = {noise}\n\
             growth_per_month_mean = {growth}\nlevel_sigma = 0.3",
            1.5e7 * level,
            3.75e6 * level
        ),
        &format!(
            "[risk]\nswitch_probability_per_month = {switch}\n[plan]\nmonths = 9\n\
             terms = [\"one_month\", \"six_month\"]\ntrials = 24\nsearch = \"exhaustive\"\n\
             objective = \"{objective}\""
        ),
    );
    s.seed = seed;
    let pool = analyse(&s);
    assert_eq!(pool.search.method, SearchMethod::Exhaustive);
    pool.search.heuristic_gap.expect("both searches ran")
}

/// The survey behind README "Commitment plans" (30 small cases: growth, noise, objective and
/// switch risk crossed); `cargo test --release --lib heuristic_gap_survey -- --ignored
/// --nocapture` prints each gap.
#[test]
#[ignore]
fn heuristic_gap_survey() {
    let mut gaps = Vec::new();
    for seed in 0..30u64 {
        let growth = [-0.08, 0.0, 0.05, 0.12, 0.2][(seed % 5) as usize];
        let noise = [0.1, 0.3, 0.6][(seed % 3) as usize];
        let objective = ["mean", "p90", "cvar95"][(seed / 3 % 3) as usize];
        let switch = [0.0, 0.1, 0.3][(seed / 9 % 3) as usize];
        let gap = heuristic_gap(seed, growth, noise, objective, switch);
        eprintln!(
            "case {seed}: growth {growth}, noise {noise}, {objective}, switch {switch}: {:.4}%",
            100.0 * gap
        );
        gaps.push(gap);
    }
    let at_optimum = gaps.iter().filter(|g| **g == 0.0).count();
    let worst = gaps.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "{at_optimum} of 30 at the optimum; worst {:.4}%",
        100.0 * worst
    );
    assert!(worst <= 0.01);
}

#[test]
fn coordinate_descent_lands_on_or_near_the_exhaustive_optimum_on_small_cases() {
    // Cases of the survey where pair moves alone stopped 1.4% to 6.3% above the optimum.
    for (seed, growth, noise, objective, switch) in [
        (3, 0.12, 0.1, "p90", 0.0),
        (9, 0.2, 0.1, "mean", 0.1),
        (15, -0.08, 0.1, "cvar95", 0.1),
        (25, -0.08, 0.3, "cvar95", 0.3),
    ] {
        let gap = heuristic_gap(seed, growth, noise, objective, switch);
        assert!(gap <= 1e-3, "case {seed}: {gap}");
    }
}

#[test]
fn layers_renew_back_to_back_while_a_whole_term_fits() {
    let periods = |term, start, months| layer(1, term, start).periods(months);
    assert_eq!(periods(Term::SixMonth, 0, 12), [(0, 6), (6, 12)]);
    assert_eq!(periods(Term::SixMonth, 3, 12), [(3, 9)]);
    assert_eq!(periods(Term::OneMonth, 10, 12), [(10, 11), (11, 12)]);
    assert_eq!(periods(Term::NoCommit, 2, 4), [(2, 3), (3, 4)]);
    assert_eq!(periods(Term::OneYear, 0, 12), [(0, 12)]);
    assert!(fits(Term::SixMonth, 6, 12) && !fits(Term::SixMonth, 7, 12));
    assert!(
        !fits(Term::OneYear, 0, 6) && fits(Term::NoCommit, 5, 6) && !fits(Term::NoCommit, 6, 6)
    );
}

/// Monthly loads: `levels[m]` every hour of month m.
fn load(levels: &[f64]) -> MonthlyLoad {
    let hours: Vec<f64> = levels
        .iter()
        .flat_map(|&l| std::iter::repeat_n(l, HOURS_PER_MONTH))
        .collect();
    MonthlyLoad::new(&hours)
}

#[test]
fn a_renewal_decides_from_the_month_before_it_only() {
    let s = scenario("", "", THREE_UNITS, "");
    let ctx = context(&s, 12);
    let rolling = Layer {
        resize: Some(Resize::P50),
        ..layer(1, Term::OneMonth, 0)
    };
    let six = Layer {
        resize: Some(Resize::P50),
        ..layer(2, Term::SixMonth, 0)
    };
    // The load steps from 2.4 to 5.5 units at month 3's start and to 7.2 at month 6's.
    let mut levels = vec![2.4, 2.4, 2.4, 5.5, 5.5, 5.5];
    levels.extend([7.2; 6]);
    let step = load(&levels);
    let units = bill(&plan(vec![rolling]), &ctx, None, Some(&step)).units_by_month;
    // Month 3 is bought from month 2's 2.4 units: the step is seen one month later.
    assert_eq!(units, [1, 2, 2, 2, 5, 5, 5, 7, 7, 7, 7, 7]);
    // The six-month layer renews at month 6 from month 5's load, not month 6's.
    let units = bill(&plan(vec![six]), &ctx, None, Some(&step)).units_by_month;
    assert_eq!(units, [2, 2, 2, 2, 2, 2, 5, 5, 5, 5, 5, 5]);
    // Changing the load from month m on changes no decision made before month m + 1.
    for m in 0..12 {
        let mut changed = levels.clone();
        changed[m..].fill(0.3);
        for p in [plan(vec![rolling]), plan(vec![six])] {
            let (a, b) = (
                bill(&p, &ctx, None, Some(&step)).units_by_month,
                bill(&p, &ctx, None, Some(&load(&changed))).units_by_month,
            );
            assert_eq!(a[..=m], b[..=m], "month {m}");
        }
    }
}

#[test]
fn resizing_tops_up_the_layers_below_in_counts_the_product_sells() {
    let s = scenario("", "", THREE_UNITS, "");
    let ctx = PlanContext {
        steps: UnitSteps {
            min: 15,
            increment: 5,
        },
        ..context(&s, 3)
    };
    let top = Layer {
        resize: Some(Resize::P50),
        ..layer(0, Term::OneMonth, 0)
    };
    let floor = plan(vec![layer(20, Term::OneMonth, 0), top]);
    // Trailing P50s of 47.9 and 30.2 PTUs: 20 below, so 25 (45 in all), then 10 → none.
    let bill = bill(&floor, &ctx, None, Some(&load(&[47.9, 30.2, 1.0])));
    assert_eq!(bill.layer_units[1], [0, 25, 0]);
    assert!(bill.units_by_month.iter().all(|&u| ctx.steps.is_legal(u)));
}

#[test]
fn searched_plans_use_only_counts_the_product_sells() {
    // Azure global PTUs: 0, 15, 20, 25 … (20.8 PTUs of load growing 3% a month).
    let text = r#"name = "ptu"
seed = 2
[plan]
months = 6
trials = 4
[[pools]]
model = "azure-gpt-4.1"
product = "azure_ptu"
[[workloads]]
name = "w"
model = "azure-gpt-4.1"
[workloads.parametric]
input_tokens_per_hour = 3.3e6
output_tokens_per_hour = 1.1e5
noise = "none"
growth_per_month_mean = 0.03
"#;
    let s = Scenario::parse(
        text,
        "ptu.toml",
        std::path::Path::new("."),
        &RateCard::shipped(),
    )
    .expect("valid");
    let steps = s.pools[0].steps;
    let pool = analyse(&s);
    for sample in pool.samples.iter().filter(|s| s.plan.is_some()) {
        let p = sample.plan.as_ref().unwrap();
        assert!(
            p.layers.iter().all(|l| steps.is_legal(l.units)),
            "{}",
            p.describe()
        );
        for m in 0..6 {
            let total: f64 = sample.layer_units_mean.iter().map(|l| l[m]).sum();
            assert!(steps.is_legal(total as u32) && total.fract() == 0.0);
        }
    }
    assert!(pool.best().row.units_mean >= 15.0, "{:?}", pool.best().row);
}

#[test]
fn a_table_priced_to_each_trials_peak_and_extended_equals_one_priced_to_the_sweep_end() {
    // Noisy, growing, partly deferrable traffic without minute bursts: every trial priced up to
    // its own peak, then cut or extended, matches every trial priced up to the common end.
    let s = scenario(
        "",
        "batch_share = 0.4\nbatch_window_hours = 8",
        "input_tokens_per_hour = 3.0e7\noutput_tokens_per_hour = 7.5e6\nnoise_cv = 0.5\n\
         level_sigma = 0.5\ngrowth_per_month_mean = 0.1",
        "",
    );
    let risk = RiskSettings {
        switch_probability_per_month: 0.3,
        ..RiskSettings::default()
    };
    let draw = draw(&s, &risk, 3);
    let (own, _) = trials::price_months(&draw, None, 12);
    let (common, _) = trials::price_months(&draw, Some(own.max_units()), 12);
    assert_eq!(own, common);
    // Some trials were extended and some cut.
    let end = f64::from(own.max_units());
    let peaks = trials::peaks(&draw, 12);
    assert!(peaks.iter().any(|p| p.ceil() < end) && peaks.iter().any(|p| p.ceil() > end));
}

#[test]
fn the_watch_hears_each_pass_and_each_trial_of_it() {
    // With intra-hour bursts and no max_units the sweep end takes a pass of its own: four passes
    // (sweep end, month prices, hindsight, replay), each over all 5 trials.
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    for (pool_extra, passes) in [("intra_hour_cv = 0.2", 4), ("max_units = 5", 3)] {
        let s = scenario(
            pool_extra,
            "",
            THREE_UNITS,
            "[plan]\nmonths = 3\ntrials = 5",
        );
        let heard = Mutex::new(Vec::new());
        let steps = AtomicU64::new(0);
        let pass = |what: &str| heard.lock().unwrap().push(what.to_string());
        let step = || {
            steps.fetch_add(1, Ordering::Relaxed);
        };
        let settings = s.plan.clone().unwrap();
        let watched = analyse_plans(
            &s,
            &settings,
            Watch {
                pass: &pass,
                step: &step,
            },
        )
        .unwrap();
        let heard = heard.into_inner().unwrap();
        assert_eq!(heard.len(), passes, "{heard:?}");
        assert!(
            heard
                .iter()
                .all(|h| h.starts_with("pool claude-3.5-sonnet: ")),
            "{heard:?}"
        );
        assert_eq!(steps.load(Ordering::Relaxed), passes as u64 * 5);
        // Watching changes nothing.
        let unwatched = analyse_plans(&s, &settings, Watch::NONE).unwrap();
        assert_eq!(watched.pools[0].samples, unwatched.pools[0].samples);
    }
}
