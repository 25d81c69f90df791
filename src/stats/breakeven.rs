//! The analytic break-even utilization u* = price(term) / v, where v is the on-demand value of one
//! unit-hour of the pool's realtime mix (docs/model.md §6; docs/decisions.md §10).

use crate::scenario::{Pool, Scenario};

/// u* for a pool, or None when the pool has no realtime traffic to value.
pub fn break_even_utilization(scenario: &Scenario, pool: &Pool) -> Option<f64> {
    let prices = &pool.model.prices;
    let (mut input, mut output, mut value) = (0.0, 0.0, 0.0);
    for (w, cost) in pool.workloads.iter().zip(&pool.model.workloads) {
        let (mean_in, mean_out) = w
            .source
            .mean_tokens_per_hour(scenario.start_epoch_hour, scenario.horizon_hours);
        let realtime = 1.0 - cost.batch_share;
        let (i, o) = (realtime * mean_in, realtime * mean_out);
        input += i;
        output += o;
        value += cost.on_demand_usd(prices, i, o);
    }
    let load = pool.model.capacity.load(input, output);
    (load > 0.0 && value > 0.0).then(|| prices.unit_usd_per_hour / (value / load))
}
