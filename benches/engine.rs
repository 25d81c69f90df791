//! Criterion benches of the engine on `scenarios/bench_year.toml` (issue 6: one Sonnet-class pool,
//! one workload, 8,760 hours, k = 0..=40, 30% deferrable soaked up by idle units): one trial's
//! traffic, one trial's sweep over every unit count (the fast sweep and, for comparison, the
//! reference hour-by-hour replay of each k), and a whole run of 100 trials.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

use ptsim::analysis::analyse;
use ptsim::ratecard::RateCard;
use ptsim::scenario::Scenario;
use ptsim::simulate::pool_hours;

fn bench_year() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench_year.toml");
    Scenario::read(&path, &RateCard::shipped()).expect("bench_year is valid")
}

fn engine(c: &mut Criterion) {
    let scenario = bench_year();
    let pool = &scenario.pools[0];
    let levels: Vec<u32> = (0..=40).collect();
    c.bench_function("traffic: one trial of bench_year (8,760 h)", |b| {
        let mut trial = 0;
        b.iter(|| {
            trial += 1;
            black_box(pool_hours(&scenario, pool, trial))
        })
    });
    let hours = pool_hours(&scenario, pool, 0);
    c.bench_function("sweep: one trial priced for k = 0..=40", |b| {
        b.iter(|| black_box(hours.sweep(&pool.model, &levels)))
    });
    c.bench_function(
        "reference: one trial replayed hour by hour for each k = 0..=40",
        |b| {
            b.iter(|| {
                levels
                    .iter()
                    .map(|&k| black_box(hours.evaluate(&pool.model, k)).total_usd)
                    .sum::<f64>()
            })
        },
    );
    let mut small = scenario.clone();
    small.trials = 100;
    c.bench_function("run: bench_year, 100 trials", |b| {
        b.iter(|| black_box(analyse(&small, &[40], &|| ())))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = engine
}
criterion_main!(benches);
