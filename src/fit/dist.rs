//! Special functions the fit needs beyond `numerics`: the normal and Student-t quantiles,
//! digamma and trigamma (gamma maximum likelihood), and the Kolmogorov distribution (the KS
//! p-value).

use crate::numerics::normal_cdf;

/// Φ⁻¹(p): Acklam's rational approximation (relative error 1.2e-9) polished by one Halley step
/// on `numerics::normal_cdf`. ±∞ at 0 and 1; NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || p.is_nan() {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

/// ψ(x), the digamma function, for x > 0 (recurrence up to 10, then the asymptotic series).
pub fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    let series = x2
        * (1.0 / 12.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 252.0 - x2 * (1.0 / 240.0 - x2 / 132.0))));
    shift + x.ln() - 0.5 / x - series
}

/// ψ′(x), the trigamma function, for x > 0.
pub fn trigamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift += 1.0 / (x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    let series = x2 / x * (1.0 / 6.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 42.0 - x2 / 30.0)));
    shift + 1.0 / x + x2 / 2.0 + series
}

/// The Student-t quantile at `p` with `dof` ≥ 2 degrees of freedom (fewer are taken as 2), by
/// the Cornish–Fisher expansion in 1/ν (Abramowitz & Stegun 26.7.5); within 0.2% of the tables
/// at ν = 2 and closer beyond.
pub fn student_t_quantile(p: f64, dof: f64) -> f64 {
    let z = normal_quantile(p);
    let nu = dof.max(2.0);
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + g1 / nu + g2 / nu.powi(2) + g3 / nu.powi(3) + g4 / nu.powi(4)
}

/// P(D > d) for the one-sample Kolmogorov–Smirnov statistic `d` on `n` observations, by the
/// asymptotic Kolmogorov distribution with Stephens' small-sample correction.
pub fn ks_p_value(d: f64, n: f64) -> f64 {
    let sqrt_n = n.max(1.0).sqrt();
    let lambda = (sqrt_n + 0.12 + 0.11 / sqrt_n) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let sum: f64 = (1..=100)
        .map(|k| {
            let k = f64::from(k);
            let sign = if k as u32 % 2 == 1 { 1.0 } else { -1.0 };
            sign * (-2.0 * k * k * lambda * lambda).exp()
        })
        .sum();
    (2.0 * sum).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for p in [1e-10, 0.001, 0.02, 0.1, 0.5, 0.8, 0.975, 0.999_999] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) / p - 1.0).abs() < 1e-12, "{p}");
        }
        // Published value: Φ⁻¹(0.975) = 1.959963984540054.
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-13);
    }

    #[test]
    fn student_t_quantiles_match_the_tables() {
        // Published t tables, one-sided 0.90 and 0.95.
        for (dof, t90, t95) in [
            (2.0, 1.886, 2.920),
            (3.0, 1.638, 2.353),
            (5.0, 1.476, 2.015),
            (10.0, 1.372, 1.812),
            (30.0, 1.310, 1.697),
        ] {
            assert!(
                (student_t_quantile(0.9, dof) / t90 - 1.0).abs() < 2e-3,
                "{dof}"
            );
            assert!(
                (student_t_quantile(0.95, dof) / t95 - 1.0).abs() < 5e-3,
                "{dof}"
            );
        }
        assert!((student_t_quantile(0.9, 1e9) - normal_quantile(0.9)).abs() < 1e-9);
    }

    #[test]
    fn digamma_and_trigamma_match_known_values() {
        // ψ(1) = −γ, ψ′(1) = π²/6, ψ(0.5) = −γ − 2 ln 2.
        let gamma = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + gamma).abs() < 1e-12);
        assert!((digamma(0.5) + gamma + 2.0 * 2f64.ln()).abs() < 1e-12);
        assert!((trigamma(1.0) - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-12);
    }

    #[test]
    fn ks_p_value_matches_the_tabulated_critical_values() {
        // λ = 1.358 is the 5% critical value of the Kolmogorov distribution; 1.628 the 1%.
        let n: f64 = 10_000.0;
        let d = |lambda: f64| lambda / (n.sqrt() + 0.12 + 0.11 / n.sqrt());
        assert!((ks_p_value(d(1.358), n) - 0.05).abs() < 5e-4);
        assert!((ks_p_value(d(1.628), n) - 0.01).abs() < 2e-4);
        assert_eq!(ks_p_value(0.0, n), 1.0);
    }
}
