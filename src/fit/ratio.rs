//! The output/input mix of a history, hour by hour (issue 13): the mean ratio Σ output / Σ input,
//! and the hourly log-ratio's spread and autocorrelation, which the parametric source draws as a
//! mean-1 multiplier of the output tokens (`output_ratio_cv`, `output_ratio_ar1`). In `separate`
//! capacity mode the budget that binds changes with the mix, so a constant ratio would never be
//! output-bound in hours when the real traffic was.

use serde::Serialize;

use super::noise::lag1_with_gaps;
use super::shape::Estimate;

/// The mix of a history.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RatioFit {
    /// Σ output / Σ input over the hours with data.
    pub mean: f64,
    /// Hours with both input and output tokens behind the hourly figures.
    pub hours: usize,
    /// Standard deviation of ln(output / input) over those hours.
    pub log_sd: f64,
    /// CV of the mean-1 lognormal multiplier with that log-sd: √(e^{σ²} − 1).
    pub cv: f64,
    /// Lag-1 autocorrelation of the hourly log-ratio, with its SE.
    pub ar1: Estimate,
    /// CV of the ratio of daily totals (a day's Σ output / Σ input).
    pub daily_cv: f64,
}

/// Fits the mix of `input` and `output` over the hours where `observed` is true.
pub fn fit_ratio(input: &[f64], output: &[f64], observed: &[bool]) -> RatioFit {
    let seen = |h: usize| observed[h];
    let total_in: f64 = (0..input.len())
        .filter(|h| seen(*h))
        .map(|h| input[h])
        .sum();
    let total_out: f64 = (0..input.len())
        .filter(|h| seen(*h))
        .map(|h| output[h])
        .sum();
    let logs: Vec<f64> = (0..input.len())
        .map(|h| {
            if seen(h) && input[h] > 0.0 && output[h] > 0.0 {
                (output[h] / input[h]).ln()
            } else {
                f64::NAN
            }
        })
        .collect();
    let finite: Vec<f64> = logs.iter().copied().filter(|l| l.is_finite()).collect();
    let n = finite.len() as f64;
    let (log_sd, ar1) = if finite.len() >= 3 {
        let mean = finite.iter().sum::<f64>() / n;
        let sd = (finite.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let (rho, pairs) = lag1_with_gaps(&logs);
        (
            sd,
            Estimate {
                value: rho,
                se: ((1.0 - rho * rho) / pairs.max(1) as f64).sqrt(),
            },
        )
    } else {
        (
            0.0,
            Estimate {
                value: 0.0,
                se: 0.0,
            },
        )
    };
    let daily: Vec<f64> = input
        .chunks(24)
        .zip(output.chunks(24))
        .zip(observed.chunks(24))
        .filter_map(|((i, o), s)| {
            let pick = |v: &[f64]| {
                v.iter()
                    .zip(s)
                    .filter(|(_, s)| **s)
                    .map(|(v, _)| v)
                    .sum::<f64>()
            };
            let i = pick(i);
            (i > 0.0).then(|| pick(o) / i)
        })
        .collect();
    let daily_mean = daily.iter().sum::<f64>() / daily.len().max(1) as f64;
    let daily_sd = (daily.iter().map(|r| (r - daily_mean).powi(2)).sum::<f64>()
        / (daily.len() as f64 - 1.0).max(1.0))
    .sqrt();
    RatioFit {
        mean: if total_in > 0.0 {
            total_out / total_in
        } else {
            0.0
        },
        hours: finite.len(),
        log_sd,
        cv: log_sd.powi(2).exp_m1().sqrt(),
        ar1,
        daily_cv: if daily_mean > 0.0 {
            daily_sd / daily_mean
        } else {
            0.0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_mix_has_no_spread_and_an_alternating_one_has_its_own() {
        let input = vec![100.0; 48];
        let output: Vec<f64> = (0..48)
            .map(|h| if h % 2 == 0 { 20.0 } else { 5.0 })
            .collect();
        let all = vec![true; 48];
        let flat = fit_ratio(&input, &vec![10.0; 48], &all);
        assert_eq!(flat.mean, 0.1);
        assert!(flat.log_sd < 1e-12 && flat.cv < 1e-12);
        let mixed = fit_ratio(&input, &output, &all);
        assert!((mixed.mean - 0.125).abs() < 1e-12);
        // ln 0.2 and ln 0.05 alternate: sd ln(4)/2 (with the n − 1 divisor), lag-1 −1 (clamped).
        let sd = 4f64.ln() / 2.0 * (48.0f64 / 47.0).sqrt();
        assert!((mixed.log_sd - sd).abs() < 1e-12);
        assert!((mixed.ar1.value + 0.99).abs() < 1e-12);
    }

    #[test]
    fn missing_hours_are_left_out() {
        let input = vec![100.0; 48];
        let mut output = vec![10.0; 48];
        output[7] = 1000.0;
        let mut observed = vec![true; 48];
        observed[7] = false;
        let r = fit_ratio(&input, &output, &observed);
        assert_eq!((r.mean, r.hours), (0.1, 47));
        assert!(r.log_sd < 1e-12);
    }
}
