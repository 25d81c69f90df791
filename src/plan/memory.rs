//! What a plan analysis holds, estimated before its passes over the trials, so that a plan run
//! that cannot fit (`ptsim plan --trials 10000000`) is refused with the estimate instead of being
//! killed by the operating system an hour in.
//!
//! Every trial keeps, per pool: its month costs at every legal count (the search's price list),
//! its monthly load, its own hindsight plan, and the replay of every candidate plan (the unit
//! bill and the units in service of each layer each month), whose costs and regrets the summary
//! copies once more. The figures are the sizes of those structures plus one allocation header
//! per vector; allocator rounding comes on top (BENCHMARKS.md compares the estimate with the
//! measured peak).

use std::fmt::Write;

use super::PlanSettings;
use super::layer::{Layer, Plan};
use super::table::TrialCosts;
use super::trials::{Draw, MonthLoad, Priced, TrialPrices, Watch, peaks, sweep_end};
use crate::guard::memory::{LimitSource, bytes, limit_words, suggested_flag};
use crate::report::format::grouped;
use crate::scenario::{Pool, Scenario};

/// Trials whose peak hours estimate the sweep end of a pool without `max_units`.
const PILOT_TRIALS: u32 = 100;
/// Bytes of bookkeeping the allocator keeps beside each vector's buffer.
const ALLOCATION_OVERHEAD: u64 = 16;
/// Bytes a summary keeps per trial and plan: its cost, the sorted copy and its regret.
const SUMMARY_BYTES: u64 = 3 * 8;

/// One pool's share of a plan analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolMemory {
    pub pool: String,
    /// Legal unit counts the month costs are priced at.
    pub counts: u64,
    /// Plans replayed on every trial, the hindsight plan included.
    pub plans: u64,
    pub bytes_per_trial: u64,
}

/// What a plan analysis of `trials` trials holds at its peak.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanMemory {
    pub trials: u64,
    pub months: usize,
    pub pools: Vec<PoolMemory>,
    /// True when a sweep end was estimated from the first trials' peak hours.
    pub piloted: bool,
}

impl PlanMemory {
    pub fn total(&self) -> u64 {
        let per_trial: u64 = self.pools.iter().map(|p| p.bytes_per_trial).sum();
        self.trials.saturating_mul(per_trial)
    }
}

/// Bytes one trial of a pool holds: `counts` month costs a month, the monthly load, a hindsight
/// plan of at most `slots` layers, and `plans` replayed plans of `layers` layers each.
pub fn bytes_per_trial(months: usize, counts: u64, slots: u64, plans: u64, layers: u64) -> u64 {
    let vec = |items: u64, size: usize| ALLOCATION_OVERHEAD + items * size as u64;
    let months = months as u64;
    let table = std::mem::size_of::<TrialCosts>() as u64 + vec(months * counts, 8);
    let load = vec(months, std::mem::size_of::<MonthLoad>()) + 24;
    let hindsight = std::mem::size_of::<Plan>() as u64 + vec(slots, std::mem::size_of::<Layer>());
    let priced_plan = std::mem::size_of::<Priced>() as u64
        + vec(layers, 24)
        + layers * vec(months, 4)
        + SUMMARY_BYTES;
    let replay = std::mem::size_of::<TrialPrices>() as u64 + vec(plans, 0);
    table + load + hindsight + replay + plans * priced_plan
}

/// The estimate for `scenario` with `settings`: sweep ends from `max_units`, else from the peak
/// hours of the first trials (drawn in the current rayon pool).
pub fn estimate(scenario: &Scenario, settings: &PlanSettings) -> PlanMemory {
    let mut piloted = false;
    let pools = scenario
        .pools
        .iter()
        .map(|pool| {
            let end = pool.max_units.unwrap_or_else(|| {
                piloted = true;
                pilot_sweep_end(scenario, settings, pool)
            });
            pool_memory(settings, pool, end)
        })
        .collect();
    PlanMemory {
        trials: u64::from(settings.trials),
        months: settings.months,
        pools,
        piloted,
    }
}

fn pilot_sweep_end(scenario: &Scenario, settings: &PlanSettings, pool: &Pool) -> u32 {
    let draw = Draw::new(scenario, pool, settings.months, Watch::NONE);
    sweep_end(&draw, &peaks(&draw, settings.trials.min(PILOT_TRIALS)))
}

fn pool_memory(settings: &PlanSettings, pool: &Pool, sweep_end: u32) -> PoolMemory {
    let terms = settings.search_terms(pool).len() as u64;
    let listed: Vec<u64> = settings
        .plans
        .iter()
        .filter(|p| p.pool == pool.name)
        .map(|p| p.plan.layers.len() as u64)
        .collect();
    let slots = terms * settings.months as u64;
    // All on-demand, one optimum per term, the listed plans, the searched best and hindsight.
    let plans = 1 + terms + listed.len() as u64 + 2;
    let layers = listed.iter().copied().max().unwrap_or(0).max(terms).max(1);
    let counts = pool.steps.counts_to(sweep_end).len() as u64;
    PoolMemory {
        pool: pool.name.clone(),
        counts,
        plans,
        bytes_per_trial: bytes_per_trial(settings.months, counts, slots, plans, layers),
    }
}

/// Checks `estimate` against `limit`; the error says what the analysis needs, where it goes,
/// and how to lower it.
pub fn check(estimate: &PlanMemory, limit: (u64, LimitSource)) -> Result<(), String> {
    let total = estimate.total();
    if total <= limit.0 {
        return Ok(());
    }
    let mut message = format!(
        "the plans would need about {} of memory, more than {}:",
        bytes(total),
        limit_words(limit)
    );
    for pool in &estimate.pools {
        let _ = write!(
            message,
            "\n  pool {}: {} trials × {} per trial ({} months × {} unit counts priced, {} plans \
             replayed) = {}",
            pool.pool,
            grouped(estimate.trials),
            bytes(pool.bytes_per_trial),
            estimate.months,
            grouped(pool.counts),
            pool.plans,
            bytes(estimate.trials.saturating_mul(pool.bytes_per_trial))
        );
    }
    if estimate.piloted {
        let _ = write!(
            message,
            "\n  (sweep ends without `max_units` estimated from the peak hours of the first {} \
             trials)",
            grouped(estimate.trials.min(u64::from(PILOT_TRIALS)))
        );
    }
    let _ = write!(
        message,
        "\nLower it with fewer trials (--trials or [plan] trials), fewer months ([plan] months) \
         or a smaller sweep (`max_units` in [[pools]]); or, if the machine has the memory, raise \
         the limit with --max-memory (e.g. --max-memory {}).",
        suggested_flag(total)
    );
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_count_costs_eight_bytes_a_month_and_each_trial_the_same() {
        // One more legal count: one more f64 per month in the cost table; one more layer in every
        // replayed plan: a vector of months u32 (plus its header and slot).
        let base = bytes_per_trial(12, 10, 24, 8, 3);
        assert_eq!(bytes_per_trial(12, 11, 24, 8, 3) - base, 12 * 8);
        assert_eq!(
            bytes_per_trial(12, 10, 24, 8, 4) - base,
            8 * (24 + ALLOCATION_OVERHEAD + 12 * 4)
        );
        // The payload of the 12 × 10 table and the 8 × 3 × 12 units in service is a floor.
        assert!(base > 12 * 10 * 8 + 8 * 3 * 12 * 4);
        let memory = PlanMemory {
            trials: 1000,
            months: 12,
            pools: vec![PoolMemory {
                pool: "p".into(),
                counts: 10,
                plans: 8,
                bytes_per_trial: base,
            }],
            piloted: false,
        };
        assert_eq!(memory.total(), 1000 * base);
        assert!(check(&memory, (1000 * base, LimitSource::Flag)).is_ok());
        let refused = check(&memory, (1000 * base - 1, LimitSource::Flag)).unwrap_err();
        assert!(refused.contains("pool p: 1,000 trials × "), "{refused}");
        assert!(
            refused.contains("12 months × 10 unit counts priced, 8 plans"),
            "{refused}"
        );
    }
}
