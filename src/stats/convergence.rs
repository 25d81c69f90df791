//! Monte Carlo error of a run (issue 5, convergence): the standard error of the mean total cost
//! (sample standard deviation / √N) and a distribution-free 95% interval for its P50 from order
//! statistics (the normal approximation to the binomial count of trials below the median), with
//! the standard error read off that interval. No I/O.

use serde::Serialize;

use super::quantile::{mean, percentile_sorted, sort_floats};
use crate::simulate::PoolRun;

/// z of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Monte Carlo error of one statistic set: the mean and the P50 of a sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MonteCarloError {
    /// Standard error of the mean: sample standard deviation (n − 1) / √n; 0 below 2 trials.
    pub mean_se: f64,
    /// Standard error of the P50: the 95% interval's width / (2 × 1.96).
    pub p50_se: f64,
    /// 95% interval of the P50 (order statistics).
    pub p50_ci95_low: f64,
    pub p50_ci95_high: f64,
}

impl MonteCarloError {
    /// Half the P50 interval's width as a share of |P50|: 0 for a degenerate interval, ∞ when
    /// P50 is 0 but the interval is not.
    pub fn p50_relative_half_width(&self, p50: f64) -> f64 {
        let half = (self.p50_ci95_high - self.p50_ci95_low) / 2.0;
        if half <= 0.0 {
            0.0
        } else if p50 == 0.0 {
            f64::INFINITY
        } else {
            half / p50.abs()
        }
    }
}

/// Standard error of the mean of `values`: s / √n with the n − 1 sample standard deviation
/// (serial sums, so bit-reproducible); 0 for fewer than two values.
pub fn mean_standard_error(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let m = mean(values);
    let mut squares = 0.0;
    for v in values {
        squares += (v - m) * (v - m);
    }
    (squares / (n - 1) as f64).sqrt() / (n as f64).sqrt()
}

/// The 1-based ranks (l, u) of the order statistics bounding a 95% interval for the median of
/// n values: l = ⌊n/2 − z√n/2⌋, u = ⌈1 + n/2 + z√n/2⌉, clamped to 1..=n. The number of values
/// below the median is Binomial(n, ½); this is its normal approximation (for n = 100: ranks 40
/// and 61, the exact binomial interval).
pub fn median_interval_ranks(n: usize) -> (usize, usize) {
    let half = n as f64 / 2.0;
    let spread = Z95 * (n as f64).sqrt() / 2.0;
    let low = (half - spread).floor().max(1.0) as usize;
    let high = ((1.0 + half + spread).ceil() as usize).min(n);
    (low.min(n), high.max(1))
}

/// The Monte Carlo error of an ascending sample.
pub fn monte_carlo_error(sorted: &[f64]) -> MonteCarloError {
    if sorted.is_empty() {
        return MonteCarloError {
            mean_se: 0.0,
            p50_se: 0.0,
            p50_ci95_low: 0.0,
            p50_ci95_high: 0.0,
        };
    }
    let (l, u) = median_interval_ranks(sorted.len());
    let (low, high) = (sorted[l - 1], sorted[u - 1]);
    MonteCarloError {
        // The sum's order differs from the trial order, but only by a sort of the same values:
        // still deterministic for a given run.
        mean_se: mean_standard_error(sorted),
        p50_se: (high - low) / (2.0 * Z95),
        p50_ci95_low: low,
        p50_ci95_high: high,
    }
}

/// The Monte Carlo error of the total cost at `units` over a run's trials, and its P50.
pub fn error_at(run: &PoolRun, units: u32) -> (MonteCarloError, f64) {
    let at = run.index_of(units);
    let mut totals: Vec<f64> = run
        .trials
        .iter()
        .map(|t| t.by_units[at].total_usd)
        .collect();
    sort_floats(&mut totals);
    let p50 = if totals.is_empty() {
        0.0
    } else {
        percentile_sorted(&totals, 0.5)
    };
    (monte_carlo_error(&totals), p50)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_match_the_binomial_interval_by_hand() {
        // n = 100: 50 ∓ 1.96·10/2 = 40.2 and 1 + 59.8 = 60.8 → ranks 40 and 61.
        assert_eq!(median_interval_ranks(100), (40, 61));
        // n = 9: 4.5 ∓ 2.94 → ⌊1.56⌋ = 1, ⌈8.44⌉ = 9.
        assert_eq!(median_interval_ranks(9), (1, 9));
        assert_eq!(median_interval_ranks(1), (1, 1));
        assert_eq!(median_interval_ranks(2), (1, 2));
    }

    #[test]
    fn errors_of_one_to_a_hundred() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let e = monte_carlo_error(&v);
        assert_eq!((e.p50_ci95_low, e.p50_ci95_high), (40.0, 61.0));
        assert!((e.p50_se - 21.0 / (2.0 * Z95)).abs() < 1e-12);
        // sd of 1..=100 (n − 1) = √(100·101/12) = 29.0115; / 10.
        let sd = (100.0f64 * 101.0 / 12.0).sqrt();
        assert!((e.mean_se - sd / 10.0).abs() < 1e-12, "{}", e.mean_se);
        assert!((e.p50_relative_half_width(50.5) - 10.5 / 50.5).abs() < 1e-15);
    }

    #[test]
    fn constant_samples_have_no_error() {
        let e = monte_carlo_error(&[3.0; 50]);
        assert_eq!((e.mean_se, e.p50_se), (0.0, 0.0));
        assert_eq!(e.p50_relative_half_width(3.0), 0.0);
        assert_eq!(mean_standard_error(&[5.0]), 0.0);
    }
}
