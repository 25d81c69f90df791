//! The property tests' configuration, shared by the unit tests and `tests/cli/fuzz.rs`: `cases`
//! cases from a fixed seed, so that CI explores the same inputs every run and a red run is a
//! regression, never the luck of the draw. `PROPTEST_CASES` and `PROPTEST_RNG_SEED` explore
//! further (see the README's "Tests").

use proptest::test_runner::{Config, RngSeed};

pub fn seeded(cases: u32) -> Config {
    let base = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            base.cases
        } else {
            cases
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            base.rng_seed
        } else {
            RngSeed::Fixed(8)
        },
        ..base
    }
}
