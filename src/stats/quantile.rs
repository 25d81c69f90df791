//! Percentiles and tail statistics over Monte Carlo samples.
//!
//! Everything here is serial and order-deterministic: the same samples in the
//! same order always give bit-identical results, whatever the thread count.

/// Sorts in place by [`f64::total_cmp`]: −NaN < −∞ < … < −0.0 < +0.0 < … < +∞ < +NaN.
///
/// Elements that compare equal under the total order are bit-identical, so the
/// (faster) unstable sort gives the same result as a stable one.
pub fn sort_floats(values: &mut [f64]) {
    values.sort_unstable_by(f64::total_cmp);
}

/// Percentile of an ascending slice by Hyndman–Fan type 7 (numpy's default
/// `method='linear'`): with h = (n − 1)·q, interpolates between the order
/// statistics at ⌊h⌋ and ⌊h⌋ + 1. `q` is a fraction in [0, 1] (0.95 for P95).
///
/// Callers never pass an empty slice or q outside [0, 1] (checked by
/// `debug_assert!`); in release builds an empty slice or a NaN `q` gives NaN and
/// q outside [0, 1] is clamped. The interpolation reproduces numpy's
/// `_lerp` bit for bit: a + d·t for t < ½ and b − d·(1 − t) otherwise, with
/// d = b − a and t = h − ⌊h⌋ (so t = 1 returns b exactly). The result is
/// monotone in q and lies in [a, b].
pub fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    debug_assert!(!sorted.is_empty(), "percentile of an empty sample");
    debug_assert!(
        (0.0..=1.0).contains(&q),
        "percentile fraction {q} outside [0, 1]"
    );
    let n = sorted.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let q = q.clamp(0.0, 1.0);
    let h = (n - 1) as f64 * q;
    let lo = h.floor();
    let i = lo as usize;
    if i + 1 >= n {
        return sorted[n - 1];
    }
    lerp(sorted[i], sorted[i + 1], h - lo)
}

/// numpy's `_lerp`: a + d·t for t < ½ and b − d·(1 − t) otherwise, d = b − a.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t < 0.5 {
        a + d * t
    } else {
        b - d * (1.0 - t)
    }
}

/// `percentile_sorted` of `values` without sorting them: the two order statistics it needs are
/// found by selection (O(n)), leaving `values` reordered. Bit-identical to sorting first.
pub fn percentile_select(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor();
    let i = lo as usize;
    let (_, &mut a, above) = values.select_nth_unstable_by(i.min(n - 1), f64::total_cmp);
    match above.iter().copied().min_by(f64::total_cmp) {
        Some(b) if i + 1 < n => lerp(a, b, h - lo),
        _ => a,
    }
}

/// Upper conditional value at risk: the mean of the ⌈tail·n⌉ largest values of
/// an ascending slice, and at least one value. CVaR95 is `cvar_upper(sorted, 0.05)`.
///
/// A product tail·n within 1e-9 (relative) of an integer counts as that integer,
/// so that 0.07 of 100 samples is 7 values although `0.07 * 100.0` is
/// 7.000000000000001 in f64. `tail` ≥ 1 averages everything. Callers never pass
/// an empty slice or a NaN `tail` (checked by `debug_assert!`); release builds
/// return NaN for either.
pub fn cvar_upper(sorted: &[f64], tail: f64) -> f64 {
    debug_assert!(!sorted.is_empty(), "CVaR of an empty sample");
    debug_assert!(!tail.is_nan(), "CVaR tail is NaN");
    let n = sorted.len();
    if n == 0 || tail.is_nan() {
        return f64::NAN;
    }
    let exact = tail * n as f64;
    let nearest = exact.round();
    let count = if (exact - nearest).abs() <= 1e-9 * nearest.max(1.0) {
        nearest
    } else {
        exact.ceil()
    };
    // The float-to-int cast saturates, so huge or negative counts are safe here.
    let k = (count as usize).clamp(1, n);
    mean(&sorted[n - k..])
}

/// Arithmetic mean by a plain serial sum in slice order (never a parallel or
/// reordered sum, so results are reproducible bit for bit). An empty slice gives NaN.
pub fn mean(values: &[f64]) -> f64 {
    let mut sum = 0.0;
    for &v in values {
        sum += v;
    }
    sum / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hand_oracles() {
        assert_eq!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        // Worst 5 of 1..=100 are 96..=100, mean 98.
        assert_eq!(cvar_upper(&v, 0.05), 98.0);
        // 0.07 * 100.0 == 7.000000000000001 in f64, but the tail is 7 values: 94..=100.
        assert_eq!(cvar_upper(&v, 0.07), 97.0);
        assert_eq!(cvar_upper(&v, 0.055), 97.5); // ⌈5.5⌉ = 6 values: 95..=100
        assert_eq!(cvar_upper(&v, 0.0), 100.0); // at least one value
        assert_eq!(cvar_upper(&v, 1.0), 50.5);
        assert_eq!(cvar_upper(&v, 7.0), 50.5);
        assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0]), 2.5);
        assert!(mean(&[]).is_nan());
        assert_eq!(percentile_sorted(&[7.0], 0.3), 7.0);
        assert_eq!(percentile_sorted(&v, 0.0), 1.0);
        assert_eq!(percentile_sorted(&v, 1.0), 100.0);
    }

    /// Fixtures from `numpy.quantile(np.array(arr), q, method='linear')`
    /// (numpy 2.4.6; identical to `numpy.percentile(arr, 100*q)`). Compared bit for bit.
    #[test]
    fn percentile_matches_numpy_linear() {
        let cases: [(&[f64], [f64; 10]); 4] = [
            (
                &[1.0, 2.0, 3.0, 4.0],
                [
                    1.0,
                    1.15,
                    1.3,
                    1.75,
                    1.99,
                    2.5,
                    3.7,
                    3.8499999999999996,
                    3.9699999999999998,
                    4.0,
                ],
            ),
            (
                &[-1.25, 0.1, 3.5, 7.7, 10.0],
                [
                    -1.25,
                    -0.98,
                    -0.71,
                    0.1,
                    1.1880000000000002,
                    3.5,
                    9.08,
                    9.54,
                    9.908,
                    10.0,
                ],
            ),
            (
                &[
                    0.260744, 0.370965, 0.394369, 0.410413, 0.537689, 0.611276, 0.634657, 0.760227,
                    0.971172, 1.001231, 1.061989, 1.111171, 1.348167, 1.428874, 1.632058, 2.004317,
                    3.819866,
                ],
                [
                    0.260744,
                    0.3489208,
                    0.3850074,
                    0.537689,
                    0.6178226800000001,
                    0.971172,
                    1.7809616000000001,
                    2.3674267999999987,
                    3.52937816,
                    3.819866,
                ],
            ),
            (
                &[0.1, 0.2, 0.7],
                [
                    0.1,
                    0.11000000000000001,
                    0.12000000000000001,
                    0.15000000000000002,
                    0.166,
                    0.2,
                    0.6,
                    0.6499999999999999,
                    0.69,
                    0.7,
                ],
            ),
        ];
        let qs = [0.0, 0.05, 0.1, 0.25, 0.33, 0.5, 0.9, 0.95, 0.99, 1.0];
        for (sorted, expected) in cases {
            for (&q, &want) in qs.iter().zip(expected.iter()) {
                let got = percentile_sorted(sorted, q);
                assert_eq!(got.to_bits(), want.to_bits(), "q={q} got {got} want {want}");
            }
        }
    }

    /// Fixtures: `np.mean(np.sort(arr)[-k:])` with k = max(1, ceil(tail*n)) (numpy 2.4.6).
    #[test]
    fn cvar_matches_numpy_tail_mean() {
        let cases: [(&[f64], [f64; 5]); 3] = [
            (
                &[-1.25, 0.1, 3.5, 7.7, 10.0],
                [10.0, 10.0, 8.85, 7.066666666666666, 4.01],
            ),
            (
                &[
                    0.260744, 0.370965, 0.394369, 0.410413, 0.537689, 0.611276, 0.634657, 0.760227,
                    0.971172, 1.001231, 1.061989, 1.111171, 1.348167, 1.428874, 1.632058, 2.004317,
                    3.819866,
                ],
                [
                    3.819866,
                    2.9120915,
                    2.0466564,
                    1.5976494444444447,
                    1.0799520588235294,
                ],
            ),
            (
                &[0.1, 0.2, 0.7],
                [0.7, 0.7, 0.7, 0.44999999999999996, 0.3333333333333333],
            ),
        ];
        let tails = [0.05, 0.1, 0.25, 0.5, 1.0];
        for (sorted, expected) in cases {
            for (&tail, &want) in tails.iter().zip(expected.iter()) {
                let got = cvar_upper(sorted, tail);
                assert!(
                    (got - want).abs() <= 1e-15 * want.abs(),
                    "tail={tail} got {got} want {want}"
                );
            }
        }
    }

    #[test]
    fn sort_uses_total_order() {
        let mut v = [
            3.0,
            f64::NAN,
            -0.0,
            0.0,
            f64::NEG_INFINITY,
            -f64::NAN,
            1.0,
            -0.0,
        ];
        sort_floats(&mut v);
        assert!(v[0].is_nan() && v[0].is_sign_negative());
        assert_eq!(v[1], f64::NEG_INFINITY);
        assert!(v[2] == 0.0 && v[2].is_sign_negative());
        assert!(v[3] == 0.0 && v[3].is_sign_negative());
        assert!(v[4] == 0.0 && v[4].is_sign_positive());
        assert_eq!(&v[5..7], &[1.0, 3.0]);
        assert!(v[7].is_nan() && v[7].is_sign_positive());
    }

    #[test]
    fn mean_is_a_serial_left_fold() {
        let v = [1e16, 1.0, -1e16, 1.0, 0.1, 0.2, 0.3];
        let folded = v.iter().fold(0.0, |s, &x| s + x);
        assert_eq!(mean(&v).to_bits(), (folded / 7.0).to_bits());
    }

    #[test]
    fn percentile_monotone_across_the_lerp_branch_switch() {
        // b − a is inexact for these pairs, the case where numpy's two branches
        // (t < ½ and t ≥ ½) could in principle disagree; scan ±200 ulps around t = ½.
        let pairs = [
            (-0.1, 1e16 + 2.0),
            (-1.5, 1e16 + 2.0),
            (-3.7e5, 0.0012),
            (1e-7, 12345.678),
        ];
        for (a, b) in pairs {
            let s = [a, b];
            let mut q = 0.5f64;
            for _ in 0..200 {
                q = f64::from_bits(q.to_bits() - 1);
            }
            let mut prev = percentile_sorted(&s, q);
            for _ in 0..400 {
                q = f64::from_bits(q.to_bits() + 1);
                let p = percentile_sorted(&s, q);
                assert!(p >= prev, "{p} < {prev} at q={q} for {a}, {b}");
                prev = p;
            }
        }
    }

    fn sorted_sample() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(-1e6f64..1e6, 1..200).prop_map(|mut v| {
            sort_floats(&mut v);
            v
        })
    }

    proptest! {
        #![proptest_config(crate::proptest_seed::seeded(256))]

        #[test]
        fn percentile_is_monotone_and_bounded(s in sorted_sample(), q1 in 0.0f64..=1.0, q2 in 0.0f64..=1.0) {
            let (lo, hi) = if q1 <= q2 { (q1, q2) } else { (q2, q1) };
            let (p_lo, p_hi) = (percentile_sorted(&s, lo), percentile_sorted(&s, hi));
            prop_assert!(p_lo <= p_hi, "P({lo})={p_lo} > P({hi})={p_hi}");
            prop_assert!(s[0] <= p_lo && p_hi <= s[s.len() - 1]);
        }

        #[test]
        fn cvar_dominates_var(s in sorted_sample(), tail in 0.001f64..=1.0) {
            let cvar = cvar_upper(&s, tail);
            let var = percentile_sorted(&s, 1.0 - tail);
            let max = s[s.len() - 1];
            // Averaging k values may round a few ulps below their smallest member.
            let slack = 1e-12 * max.abs().max(s[0].abs());
            prop_assert!(cvar >= var - slack, "CVaR {cvar} < VaR {var}");
            prop_assert!(cvar <= max + slack);
        }

        #[test]
        fn selection_gives_the_sorted_percentile_bit_for_bit(
            mut v in prop::collection::vec(-1e6f64..1e6, 1..200), q in 0.0f64..=1.0
        ) {
            let mut sorted = v.clone();
            sort_floats(&mut sorted);
            let expected = percentile_sorted(&sorted, q);
            prop_assert_eq!(percentile_select(&mut v, q).to_bits(), expected.to_bits());
        }

        #[test]
        fn cvar_of_whole_sample_is_mean(s in sorted_sample()) {
            prop_assert_eq!(cvar_upper(&s, 1.0).to_bits(), mean(&s).to_bits());
        }
    }
}
