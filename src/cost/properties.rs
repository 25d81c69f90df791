//! Property tests of the cost model's invariants on random pools and traffic (STYLE.md):
//! token flows add up, spill never exceeds realtime, utilization stays in [0, 1], k = 0 is all
//! on-demand, `fill_idle` never costs more, and cost never falls when a price rises.

use proptest::prelude::*;

use super::pool::tests::sonnet_pool;
use super::{CapacityMode, PoolHours, PoolModel, WorkloadCost, WorkloadTraffic};

const HOURS: usize = 36;

/// Each workload's hourly (input, output) tokens.
type Traffic = Vec<(Vec<f64>, Vec<f64>)>;

fn workload() -> impl Strategy<Value = (WorkloadCost, Vec<f64>, Vec<f64>)> {
    (
        0.0..=1.0f64,
        1u32..30,
        0.0..=1.0f64,
        any::<bool>(),
        prop::collection::vec(prop_oneof![Just(0.0), 0.0..5e7f64], HOURS),
        0.0..0.5f64,
    )
        .prop_map(|(batch_share, window, cache, priority, input, out_ratio)| {
            let output = input.iter().map(|i| i * out_ratio).collect();
            let cost = WorkloadCost {
                batch_share,
                batch_window_hours: window,
                cache_hit_share: cache,
                priority,
            };
            (cost, input, output)
        })
}

fn pool() -> impl Strategy<Value = (PoolModel, Traffic)> {
    (
        prop::collection::vec(workload(), 1..4),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(0.0), 0.05..1.5f64],
        prop_oneof![Just(None), (1e6..5e7f64).prop_map(Some)],
        0.0..0.3f64,
    )
        .prop_map(|(workloads, shared, fill_idle, cv, quota, discount)| {
            let mut model = sonnet_pool(workloads.iter().map(|w| w.0).collect());
            if shared {
                model.capacity.mode = CapacityMode::Shared;
            }
            model.fill_idle = fill_idle;
            model.intra_hour_cv = cv;
            model.quota_tokens_per_hour = quota;
            model.discount = discount;
            (model, workloads.into_iter().map(|w| (w.1, w.2)).collect())
        })
}

fn hours_of(model: &PoolModel, traffic: &Traffic) -> PoolHours {
    let t: Vec<WorkloadTraffic> = traffic
        .iter()
        .map(|(i, o)| WorkloadTraffic {
            input: i,
            output: o,
        })
        .collect();
    PoolHours::new(model, &t)
}

fn tokens(model: &PoolModel, traffic: &Traffic) -> (f64, f64) {
    let (mut realtime, mut deferrable) = (0.0, 0.0);
    for (cost, (i, o)) in model.workloads.iter().zip(traffic) {
        let total: f64 = i.iter().chain(o).sum();
        realtime += (1.0 - cost.batch_share) * total;
        deferrable += cost.batch_share * total;
    }
    (realtime, deferrable)
}

fn le(a: f64, b: f64) -> bool {
    a <= b + 1e-9 * b.abs().max(1.0)
}

proptest! {
    #![proptest_config(crate::proptest_seed::seeded(300))]

    #[test]
    fn flows_add_up_and_stay_in_range((model, traffic) in pool(), k in 0u32..6) {
        let hours = hours_of(&model, &traffic);
        let out = hours.evaluate(&model, k);
        let (realtime, deferrable) = tokens(&model, &traffic);
        prop_assert!(le(out.spilled_tokens + out.throttled_tokens, realtime));
        prop_assert!((out.absorbed_tokens + out.batch_tokens - deferrable).abs() <= 1e-6 * deferrable.max(1.0));
        prop_assert!((0.0..=1.0).contains(&out.utilization), "{}", out.utilization);
        prop_assert!((out.total_usd - out.units_usd - out.on_demand_usd - out.batch_usd).abs() <= 1e-9 * out.total_usd.max(1.0));
        for v in [out.total_usd, out.on_demand_usd, out.batch_usd, out.spilled_tokens] {
            prop_assert!(v.is_finite() && v >= 0.0);
        }
    }

    #[test]
    fn zero_units_is_all_on_demand((model, traffic) in pool()) {
        let out = hours_of(&model, &traffic).evaluate(&model, 0);
        let (realtime, _) = tokens(&model, &traffic);
        prop_assert_eq!(out.units_usd, 0.0);
        prop_assert_eq!(out.absorbed_tokens, 0.0);
        prop_assert_eq!(out.utilization, 0.0);
        prop_assert!((out.spilled_tokens + out.throttled_tokens - realtime).abs() <= 1e-6 * realtime.max(1.0));
    }

    #[test]
    fn fill_idle_never_costs_more((model, traffic) in pool(), k in 0u32..6) {
        let on = PoolModel { fill_idle: true, ..model.clone() };
        let off = PoolModel { fill_idle: false, ..model };
        let with = hours_of(&on, &traffic).evaluate(&on, k);
        let without = hours_of(&off, &traffic).evaluate(&off, k);
        prop_assert!(le(with.total_usd, without.total_usd));
    }

    #[test]
    fn cost_never_falls_when_a_price_rises((model, traffic) in pool(), k in 0u32..6, bump in 1.0..3.0f64) {
        let base = hours_of(&model, &traffic).evaluate(&model, k).total_usd;
        let mut dearer = model.clone();
        dearer.prices.unit_usd_per_hour *= bump;
        dearer.prices.output_usd_per_token *= bump;
        dearer.prices.batch_input_usd_per_token *= bump;
        let raised = hours_of(&dearer, &traffic).evaluate(&dearer, k).total_usd;
        prop_assert!(le(base, raised));
    }

    #[test]
    fn more_units_never_spill_more((model, traffic) in pool(), k in 0u32..6) {
        let hours = hours_of(&model, &traffic);
        let (a, b) = (hours.evaluate(&model, k), hours.evaluate(&model, k + 1));
        prop_assert!(le(b.spilled_tokens + b.throttled_tokens, a.spilled_tokens + a.throttled_tokens));
    }
}

/// Pools the fast sweep handles (no quota; every workload with one window and one token mix, so
/// the backlog is one budget), with loads around a few units so that every closed form and the
/// hour-by-hour queue all occur.
fn scalar_pool() -> impl Strategy<Value = (PoolModel, Traffic)> {
    (
        pool(),
        1u32..30,
        0.0..0.5f64,
        prop::collection::vec(0.0..=1.0f64, 3),
    )
        .prop_map(|((mut model, traffic), window, out_ratio, shares)| {
            model.quota_tokens_per_hour = None;
            for (w, share) in model.workloads.iter_mut().zip(shares) {
                w.batch_window_hours = window;
                w.batch_share = share;
            }
            let traffic = traffic
                .into_iter()
                .map(|(input, _)| {
                    let output = input.iter().map(|i| i * out_ratio).collect();
                    (input, output)
                })
                .collect();
            (model, traffic)
        })
}

/// `a` and `b` agree to 1e-9 of `scale`.
fn near(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.max(1.0)
}

fn sweep_matches_evaluate(model: &PoolModel, traffic: &Traffic) -> Result<(), TestCaseError> {
    let hours = hours_of(model, traffic);
    let levels: Vec<u32> = (0..12).collect();
    let (realtime, deferrable) = tokens(model, traffic);
    for (fast, &k) in hours.sweep(model, &levels).iter().zip(&levels) {
        let slow = hours.evaluate(model, k);
        let usd = slow.total_usd;
        prop_assert_eq!(fast.units, k);
        for (a, b, scale) in [
            (fast.total_usd, slow.total_usd, usd),
            (fast.units_usd, slow.units_usd, usd),
            (fast.on_demand_usd, slow.on_demand_usd, usd),
            (fast.batch_usd, slow.batch_usd, usd),
            (fast.utilization, slow.utilization, 1.0),
            (fast.spilled_tokens, slow.spilled_tokens, realtime),
            (fast.throttled_tokens, slow.throttled_tokens, realtime),
            (fast.absorbed_tokens, slow.absorbed_tokens, deferrable),
            (fast.batch_tokens, slow.batch_tokens, deferrable),
        ] {
            prop_assert!(
                near(a, b, scale),
                "k = {k}: sweep {fast:?}\nevaluate {slow:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::proptest_seed::seeded(400))]

    #[test]
    fn the_sweep_prices_every_k_as_evaluate_does((model, traffic) in pool()) {
        sweep_matches_evaluate(&model, &traffic)?;
    }

    #[test]
    fn the_fast_sweep_prices_every_k_as_evaluate_does((model, traffic) in scalar_pool()) {
        sweep_matches_evaluate(&model, &traffic)?;
    }
}
