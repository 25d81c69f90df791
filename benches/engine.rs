//! Criterion benches of the engine on the built-in default scenario: one trial's traffic, one
//! trial's sweep over every unit count, and a whole (small) run.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use ptsim::analysis::{analyse, plan};
use ptsim::ratecard::RateCard;
use ptsim::scenario::Scenario;
use ptsim::simulate::pool_hours;

fn default_scenario() -> Scenario {
    Scenario::builtin_default(&RateCard::shipped()).expect("default scenario is valid")
}

fn engine(c: &mut Criterion) {
    let scenario = default_scenario();
    let pool = &scenario.pools[0];
    c.bench_function(
        "traffic: one trial of the Sonnet pool (3 workloads x 730 h)",
        |b| {
            let mut trial = 0;
            b.iter(|| {
                trial += 1;
                black_box(pool_hours(&scenario, pool, trial))
            })
        },
    );
    let hours = pool_hours(&scenario, pool, 0);
    c.bench_function("sweep: one trial priced for k = 0..=20", |b| {
        b.iter(|| {
            (0..=20)
                .map(|k| black_box(hours.evaluate(&pool.model, k)).total_usd)
                .sum::<f64>()
        })
    });
    let mut small = scenario.clone();
    small.trials = 100;
    c.bench_function("run: default scenario, 100 trials", |b| {
        let max_units = plan(&small);
        b.iter(|| black_box(analyse(&small, &max_units, &|| ())))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = engine
}
criterion_main!(benches);
