//! Calibration of predicted cost distributions against realized costs (the backtest of issue
//! 13): where each realized value falls in its predicted distribution (the probability integral
//! transform, PIT), how often it falls inside the central P10–P90 and P5–P95, and how wide those
//! bands are. A calibrated forecast has uniform PITs and covers 80% and 90% of cases.

use serde::Serialize;

use super::quantile::percentile_sorted;

/// The central intervals whose coverage is reported against their nominal level.
pub const NOMINAL: [f64; 10] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.98];
/// Bins of the PIT histogram.
pub const PIT_BINS: usize = 10;

/// One realized value against its predicted sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Placed {
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    /// Share of the predicted sample below the realized value, plus a share `tie` of those equal
    /// to it (the randomized PIT): a cost the unit bill fixes in many trials still places
    /// uniformly when the forecast is right.
    pub pit: f64,
}

impl Placed {
    /// Places `realized` in the ascending predicted sample `sorted`; `tie` in [0, 1] splits the
    /// trials equal to it (0.5: half of them).
    pub fn new(sorted: &[f64], realized: f64, tie: f64) -> Self {
        let below = sorted.partition_point(|v| *v < realized);
        let not_above = sorted.partition_point(|v| *v <= realized);
        let n = sorted.len().max(1) as f64;
        Placed {
            p5: percentile_sorted(sorted, 0.05),
            p10: percentile_sorted(sorted, 0.10),
            p50: percentile_sorted(sorted, 0.50),
            p90: percentile_sorted(sorted, 0.90),
            p95: percentile_sorted(sorted, 0.95),
            pit: (below as f64 + tie * (not_above - below) as f64) / n,
        }
    }

    /// The predicted P10 and P90 coincide: every trial costs the same (units carry all traffic).
    pub fn fixed(&self) -> bool {
        self.p90 - self.p10 <= 1e-9 * self.p90.abs().max(1e-300)
    }

    /// (P90 − P10) / P50.
    pub fn width(&self) -> f64 {
        if self.p50 > 0.0 {
            (self.p90 - self.p10) / self.p50
        } else {
            0.0
        }
    }
}

/// The tie share of case `i`: the fractional part of (i + 1)·φ (the golden ratio), a fixed
/// sequence spread evenly over [0, 1): the backtest's randomized PITs are reproducible.
pub fn tie_share(i: u64) -> f64 {
    ((i + 1) as f64 * 0.618_033_988_749_894_9).fract()
}

/// Inside the band `[low, high]` with a relative tolerance for rounding.
pub fn inside(value: f64, low: f64, high: f64) -> bool {
    let slack = 1e-9 * high.abs().max(low.abs()).max(1e-300);
    value >= low - slack && value <= high + slack
}

/// Coverage figures of a set of cases (fixed cases left out).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Calibration {
    /// Cases counted (fixed ones excluded).
    pub cases: usize,
    /// Cases whose P10 = P90 (the cost is the unit bill in every trial).
    pub fixed: usize,
    pub inside_p10_p90: usize,
    pub inside_p5_p95: usize,
    pub below_p10: usize,
    pub above_p90: usize,
    /// Median of (P90 − P10) / P50.
    pub median_width: f64,
    /// Share of cases inside each central interval of `NOMINAL`.
    pub coverage: Vec<(f64, f64)>,
    /// Counts of PITs in `PIT_BINS` equal bins of [0, 1].
    pub pit_histogram: Vec<usize>,
}

impl Calibration {
    /// The figures of `cases`.
    pub fn of<'a>(cases: impl IntoIterator<Item = (&'a Placed, f64)>) -> Self {
        let mut c = Calibration {
            pit_histogram: vec![0; PIT_BINS],
            ..Calibration::default()
        };
        let mut widths = Vec::new();
        let mut pits = Vec::new();
        for (p, realized) in cases {
            if p.fixed() {
                c.fixed += 1;
                continue;
            }
            c.cases += 1;
            if inside(realized, p.p10, p.p90) {
                c.inside_p10_p90 += 1;
            } else if realized < p.p10 {
                c.below_p10 += 1;
            } else {
                c.above_p90 += 1;
            }
            c.inside_p5_p95 += usize::from(inside(realized, p.p5, p.p95));
            widths.push(p.width());
            pits.push(p.pit);
            let bin = ((p.pit * PIT_BINS as f64) as usize).min(PIT_BINS - 1);
            c.pit_histogram[bin] += 1;
        }
        super::quantile::sort_floats(&mut widths);
        c.median_width = if widths.is_empty() {
            0.0
        } else {
            percentile_sorted(&widths, 0.5)
        };
        let n = pits.len().max(1) as f64;
        c.coverage = NOMINAL
            .iter()
            .map(|&level| {
                let (low, high) = ((1.0 - level) / 2.0, (1.0 + level) / 2.0);
                let hit = pits.iter().filter(|p| (low..=high).contains(*p)).count();
                (level, hit as f64 / n)
            })
            .collect();
        c
    }

    /// Share of cases inside P10–P90.
    pub fn share_p10_p90(&self) -> f64 {
        self.inside_p10_p90 as f64 / self.cases.max(1) as f64
    }

    /// Share of cases inside P5–P95.
    pub fn share_p5_p95(&self) -> f64 {
        self.inside_p5_p95 as f64 / self.cases.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pit_and_bands_of_a_uniform_sample() {
        // 0, 1, …, 100: P10 = 10, P90 = 90; 25 has 25 values below and itself counted half.
        let sorted: Vec<f64> = (0..=100).map(f64::from).collect();
        let p = Placed::new(&sorted, 25.0, 0.5);
        assert_eq!(
            (p.p10, p.p50, p.p90, p.p5, p.p95),
            (10.0, 50.0, 90.0, 5.0, 95.0)
        );
        assert!((p.pit - 25.5 / 101.0).abs() < 1e-12);
        assert!((p.width() - 1.6).abs() < 1e-12);
        assert!(!p.fixed());
    }

    #[test]
    fn ties_are_split_by_the_given_share() {
        // Six trials at the unit bill 100, four above: a realized 100 places anywhere in the
        // bottom 60%.
        let sorted = [
            100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 120.0, 130.0, 140.0, 150.0,
        ];
        assert_eq!(Placed::new(&sorted, 100.0, 0.0).pit, 0.0);
        assert!((Placed::new(&sorted, 100.0, 0.5).pit - 0.3).abs() < 1e-12);
        assert!((Placed::new(&sorted, 100.0, 1.0).pit - 0.6).abs() < 1e-12);
    }

    /// The tie share of case `i`: the fractional parts of i·φ, a fixed sequence spread evenly
    /// over [0, 1).
    #[test]
    fn the_tie_sequence_is_even() {
        let mut bins = [0; 10];
        for i in 0..1000 {
            bins[(tie_share(i) * 10.0) as usize] += 1;
        }
        assert!(bins.iter().all(|b| (90..=110).contains(b)), "{bins:?}");
    }

    #[test]
    fn coverage_counts_inside_below_above_and_leaves_fixed_cases_out() {
        let sorted: Vec<f64> = (0..=100).map(f64::from).collect();
        let places: Vec<(Placed, f64)> = [50.0, 95.0, 3.0, 89.0]
            .iter()
            .map(|r| (Placed::new(&sorted, *r, 0.5), *r))
            .chain([(Placed::new(&[7.0; 10], 7.0, 0.5), 7.0)])
            .collect();
        let c = Calibration::of(places.iter().map(|(p, r)| (p, *r)));
        assert_eq!((c.cases, c.fixed), (4, 1));
        assert_eq!((c.inside_p10_p90, c.below_p10, c.above_p90), (2, 1, 1));
        // 95 is on the P5–P95 edge, 3 below it.
        assert_eq!(c.inside_p5_p95, 3);
        assert_eq!(c.pit_histogram.iter().sum::<usize>(), 4);
        assert_eq!(c.pit_histogram[0], 1);
        assert_eq!(c.pit_histogram[9], 1);
        let at_80 = c.coverage.iter().find(|(l, _)| *l == 0.8).unwrap().1;
        assert_eq!(at_80, 0.5);
    }
}
