//! Empirical hourly noise (issue 13): the multiplier's distribution given by its quantiles (as
//! `ptsim fit` measures them from a history's residuals) instead of a lognormal or gamma. The
//! normal score of the AR(1) process is mapped through the quantile function: linear between
//! the quantiles (taken at the mid-points (i + ½)/n); below the first, extended by half a step
//! and floored at 0; above the last, a Pareto tail of index α (`tail_index`, as fitted to the
//! history's largest residuals), or half a step when none is given; then scaled to mean 1
//! exactly. Real hourly traffic is often bounded above (a service saturates): a fitted
//! lognormal's tail then invents peaks, and with them spill, that never come; news-driven
//! traffic is not, and its next week's peak exceeds this week's about half the time.

use serde::Serialize;

use crate::numerics::normal_cdf;

/// Fewest quantiles a table may hold.
pub const MIN_QUANTILES: usize = 10;
/// Most quantiles a table may hold.
pub const MAX_QUANTILES: usize = 1000;

/// Smallest Pareto tail index accepted: the tail's variance must be finite.
pub const MIN_TAIL_INDEX: f64 = 2.0;
/// Largest Pareto tail index accepted (a thinner tail is all but bounded).
pub const MAX_TAIL_INDEX: f64 = 1000.0;

/// A validated quantile table of a mean-1 multiplier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EmpiricalNoise {
    /// Non-decreasing, non-negative, scaled so the distribution has mean 1.
    pub quantiles: Vec<f64>,
    /// Pareto index of the tail above the last quantile (None: half a step, bounded).
    pub tail_index: Option<f64>,
}

impl EmpiricalNoise {
    /// The table of `values` (any order is refused: they must be non-decreasing) with an upper
    /// tail of Pareto index `tail_index`, or what is wrong with them.
    pub fn new(values: &[f64], tail_index: Option<f64>) -> Result<Self, String> {
        if let Some(a) = tail_index
            && !(MIN_TAIL_INDEX..=MAX_TAIL_INDEX).contains(&a)
        {
            return Err(format!(
                "expected a tail index between {MIN_TAIL_INDEX} and {MAX_TAIL_INDEX}, got {a}"
            ));
        }
        if !(MIN_QUANTILES..=MAX_QUANTILES).contains(&values.len()) {
            return Err(format!(
                "expected {MIN_QUANTILES} to {MAX_QUANTILES} quantiles, got {}",
                values.len()
            ));
        }
        if let Some(v) = values.iter().find(|v| !v.is_finite() || **v < 0.0) {
            return Err(format!("expected non-negative quantiles, got {v}"));
        }
        if let Some(i) = (1..values.len()).find(|&i| values[i] < values[i - 1]) {
            return Err(format!(
                "expected quantiles in non-decreasing order; entry {} ({}) is below entry {} ({})",
                i + 1,
                values[i],
                i,
                values[i - 1]
            ));
        }
        let table = EmpiricalNoise {
            quantiles: values.to_vec(),
            tail_index,
        };
        let mean = table.mean();
        if mean <= 0.0 {
            return Err("expected quantiles that are not all 0".to_string());
        }
        Ok(EmpiricalNoise {
            quantiles: values.iter().map(|v| v / mean).collect(),
            tail_index,
        })
    }

    /// The mean of the interpolated distribution (trapezoids between the mid-points, half a
    /// step of linear extension at each end, floored at 0).
    fn mean(&self) -> f64 {
        let q = &self.quantiles;
        let n = q.len() as f64;
        let inner: f64 = q.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum::<f64>() / n;
        let half = 0.5 / n;
        let raw_low = q[0] - 0.5 * (q[1] - q[0]);
        // The lowest half-bin: a trapezoid, or the triangle left where the floor at 0 bites.
        let low = if raw_low >= 0.0 {
            (raw_low + q[0]) / 2.0 * half
        } else {
            0.5 * q[0] * half * q[0] / (q[0] - raw_low)
        };
        let top = q[q.len() - 1];
        let high = match self.tail_index {
            // ∫ top·((1 − u)/h)^(−1/α) du over the last half-bin h: top·h·α/(α − 1).
            Some(a) => top * half * a / (a - 1.0),
            None => (top + top + 0.5 * (top - q[q.len() - 2])) / 2.0 * half,
        };
        inner + low + high
    }

    /// The multiplier at normal score `z`.
    pub fn from_normal_score(&self, z: f64) -> f64 {
        let q = &self.quantiles;
        let n = q.len();
        let position = normal_cdf(z) * n as f64 - 0.5;
        if let Some(a) = self.tail_index
            && position > (n - 1) as f64
        {
            // 1 − u over the last half-bin's width, from 1 down to 0: Pareto above the table.
            let beyond = ((n as f64 - 0.5 - position) / 0.5).max(1e-300);
            return q[n - 1] * beyond.powf(-1.0 / a);
        }
        let i = (position.floor().max(0.0) as usize).min(n - 2);
        let frac = position - i as f64;
        (q[i] + frac * (q[i + 1] - q[i])).max(0.0)
    }

    /// The same distribution with its deviations from 1 scaled by `factor` (a spread swing),
    /// floored at 0 and scaled back to mean 1.
    pub fn scaled(&self, factor: f64) -> Self {
        let values: Vec<f64> = self
            .quantiles
            .iter()
            .map(|v| (1.0 + factor * (v - 1.0)).max(0.0))
            .collect();
        EmpiricalNoise::new(&values, self.tail_index).unwrap_or_else(|_| self.clone())
    }

    /// The coefficient of variation of the table's values.
    pub fn cv(&self) -> f64 {
        let n = self.quantiles.len() as f64;
        let mean = self.quantiles.iter().sum::<f64>() / n;
        let var = self
            .quantiles
            .iter()
            .map(|v| (v - mean).powi(2))
            .sum::<f64>()
            / n;
        var.sqrt() / mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::dist::normal_quantile;

    #[test]
    fn a_uniform_table_maps_scores_linearly_and_has_mean_one() {
        // Quantiles 0.1, 0.3, …, 1.9 at the mid-points of ten bins: the uniform on [0, 2].
        let values: Vec<f64> = (0..10).map(|i| 0.2 * i as f64 + 0.1).collect();
        let e = EmpiricalNoise::new(&values, None).unwrap();
        assert!((e.mean() - 1.0).abs() < 1e-12);
        for p in [0.05, 0.25, 0.5, 0.9, 0.95] {
            let v = e.from_normal_score(normal_quantile(p));
            assert!((v - 2.0 * p).abs() < 1e-9, "{p}: {v}");
        }
        // Beyond the table: at most half a step past the last quantile.
        assert!(e.from_normal_score(8.0) <= 2.0 + 1e-9);
        assert!(e.from_normal_score(-8.0) >= 0.0);
    }

    #[test]
    fn a_pareto_tail_continues_above_the_last_quantile_and_keeps_the_mean() {
        let values: Vec<f64> = (0..10).map(|i| 0.2 * i as f64 + 0.1).collect();
        let e = EmpiricalNoise::new(&values, Some(3.0)).unwrap();
        let top = e.quantiles[9];
        // Ten quantiles: the last half-bin is u in (0.95, 1); 0.975 is half way up it, where the
        // Pareto tail stands at top × 0.5^(−1/3).
        let v = e.from_normal_score(normal_quantile(0.975));
        assert!(
            (v / (top * 0.5f64.powf(-1.0 / 3.0)) - 1.0).abs() < 1e-6,
            "{v}"
        );
        // The mean over a fine grid of u is 1.
        let m = 2_000_000;
        let mean = (0..m)
            .map(|i| e.from_normal_score(normal_quantile((i as f64 + 0.5) / m as f64)))
            .sum::<f64>()
            / m as f64;
        assert!((mean - 1.0).abs() < 2e-3, "{mean}");
    }

    #[test]
    fn bad_tables_are_refused() {
        assert!(
            EmpiricalNoise::new(&[1.0; 5], None)
                .unwrap_err()
                .contains("10 to 1000")
        );
        let mut v = vec![1.0; 12];
        v[4] = 0.5;
        assert!(
            EmpiricalNoise::new(&v, None)
                .unwrap_err()
                .contains("entry 5 (0.5)")
        );
        assert!(
            EmpiricalNoise::new(&[0.0; 10], None)
                .unwrap_err()
                .contains("not all 0")
        );
        let mut neg = vec![1.0; 10];
        neg[0] = -1.0;
        assert!(EmpiricalNoise::new(&neg, None).is_err());
        assert!(
            EmpiricalNoise::new(&[1.0; 10], Some(1.5))
                .unwrap_err()
                .contains("tail index")
        );
    }

    #[test]
    fn scaling_the_spread_scales_the_cv() {
        let values: Vec<f64> = (0..20).map(|i| 0.5 + 0.05 * i as f64).collect();
        let e = EmpiricalNoise::new(&values, None).unwrap();
        let wide = e.scaled(1.5);
        assert!(
            (wide.cv() / e.cv() - 1.5).abs() < 0.02,
            "{} {}",
            wide.cv(),
            e.cv()
        );
    }
}
