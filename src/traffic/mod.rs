//! Hourly token traffic (docs/model.md §5): the parametric generator, trace replay, the block
//! bootstrap of a history, and the random streams that keep every (workload, trial) reproducible.

pub mod bootstrap;
pub mod empirical;
pub mod parametric;
pub mod profiles;
pub mod rng;
pub mod time;
pub mod trace;
pub mod usage_csv;

pub use bootstrap::{Block, Bootstrap};
pub use empirical::EmpiricalNoise;
pub use parametric::{Bursts, Noise, Parametric};
pub use trace::{HourlyTrace, TraceError};

use std::sync::Arc;

/// Where a workload's hourly traffic comes from.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrafficSource {
    /// Drawn afresh each trial (docs/model.md §5.1).
    Parametric(Box<Parametric>),
    /// The same history every trial, aligned to the scenario's hour 0 (docs/model.md §5, replay).
    Trace(Arc<HourlyTrace>),
    /// Whole days or weeks of a history resampled each trial (docs/model.md §5.3).
    Bootstrap(Arc<Bootstrap>),
}

impl TrafficSource {
    /// Writes `input.len()` hours of this workload's traffic for `trial` into the buffers.
    /// `start_epoch_hour` is the scenario's hour 0 counted in hours since 1970-01-01 00:00 UTC.
    pub fn fill(
        &self,
        seed: u64,
        workload_name: &str,
        trial: u64,
        start_epoch_hour: i64,
        input: &mut [f64],
        output: &mut [f64],
    ) {
        match self {
            TrafficSource::Parametric(p) => {
                let mut stream = rng::stream(seed, workload_name, trial);
                p.generate(&mut stream, start_epoch_hour, input, output);
            }
            TrafficSource::Trace(t) => t.fill(start_epoch_hour, input, output),
            TrafficSource::Bootstrap(b) => {
                let mut stream = rng::stream(seed, workload_name, trial);
                b.generate(&mut stream, start_epoch_hour, input, output);
            }
        }
    }

    /// Mean input and output tokens per hour, before growth, level and bursts: the mix used for
    /// the break-even utilization (docs/decisions.md §10).
    pub fn mean_tokens_per_hour(&self, start_epoch_hour: i64, hours: usize) -> (f64, f64) {
        match self {
            TrafficSource::Parametric(p) => (p.input_tokens_per_hour, p.output_tokens_per_hour),
            TrafficSource::Bootstrap(b) => b.mean_tokens_per_hour(),
            TrafficSource::Trace(t) => {
                let (mut input, mut output) = (vec![0.0; hours], vec![0.0; hours]);
                t.fill(start_epoch_hour, &mut input, &mut output);
                let n = hours.max(1) as f64;
                (
                    input.iter().sum::<f64>() / n,
                    output.iter().sum::<f64>() / n,
                )
            }
        }
    }
}
