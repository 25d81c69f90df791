//! The output/input mix of a history, hour by hour (issue 13): the mean ratio Σ output / Σ input,
//! its daily cycle (`output_ratio_hour_of_day`: Σ output / Σ input at each hour of the day over
//! the mean), and the spread and autocorrelation of the hourly log-ratio around that cycle,
//! which the parametric source draws as a mean-1 multiplier of the output tokens
//! (`output_ratio_cv`, `output_ratio_ar1`). In `separate`
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
    /// The ratio at each hour of the day (UTC) over the mean ratio; its input-weighted mean is 1.
    pub hour_of_day: [f64; 24],
    /// Standard deviation of ln(output / input) over those hours.
    pub log_sd: f64,
    /// CV of the mean-1 lognormal multiplier with that log-sd: √(e^{σ²} − 1).
    pub cv: f64,
    /// Lag-1 autocorrelation of the hourly log-ratio, with its SE.
    pub ar1: Estimate,
    /// CV of the ratio of daily totals (a day's Σ output / Σ input).
    pub daily_cv: f64,
}

/// Fits the mix of `input` and `output` (hourly from `start_epoch_hour`) over the hours where
/// `observed` is true.
pub fn fit_ratio(
    input: &[f64],
    output: &[f64],
    observed: &[bool],
    start_epoch_hour: i64,
) -> RatioFit {
    let seen = |h: usize| observed[h];
    let hour = |h: usize| crate::traffic::time::hour_of_day(start_epoch_hour + h as i64);
    let total_in: f64 = (0..input.len())
        .filter(|h| seen(*h))
        .map(|h| input[h])
        .sum();
    let total_out: f64 = (0..input.len())
        .filter(|h| seen(*h))
        .map(|h| output[h])
        .sum();
    let mean_ratio = if total_in > 0.0 {
        total_out / total_in
    } else {
        0.0
    };
    let mut sums = [(0.0, 0.0); 24];
    for h in (0..input.len()).filter(|h| seen(*h)) {
        sums[hour(h)].0 += input[h];
        sums[hour(h)].1 += output[h];
    }
    let hour_of_day: [f64; 24] = std::array::from_fn(|k| {
        let (i, o) = sums[k];
        if i > 0.0 && mean_ratio > 0.0 {
            o / i / mean_ratio
        } else {
            1.0
        }
    });
    // ln(output / input) around the daily cycle.
    let logs: Vec<f64> = (0..input.len())
        .map(|h| {
            if seen(h) && input[h] > 0.0 && output[h] > 0.0 && hour_of_day[hour(h)] > 0.0 {
                (output[h] / input[h] / hour_of_day[hour(h)]).ln()
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
        mean: mean_ratio,
        hours: finite.len(),
        hour_of_day,
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
        let at = |i: &[f64], o: &[f64], s: &[bool]| fit_ratio(i, o, s, 0);
        let flat = at(&input, &vec![10.0; 48], &all);
        assert_eq!(flat.mean, 0.1);
        assert!(flat.log_sd < 1e-12 && flat.cv < 1e-12);
        let mixed = at(&input, &output, &all);
        assert!((mixed.mean - 0.125).abs() < 1e-12);
        // Even hours 0.2 and odd hours 0.05: the daily cycle is all of it (1.6 and 0.4 of the
        // mean), nothing is left around it.
        assert!((mixed.hour_of_day[0] - 1.6).abs() < 1e-12);
        assert!((mixed.hour_of_day[1] - 0.4).abs() < 1e-12);
        assert!(mixed.log_sd < 1e-12);
        // Shuffled against the clock (hour 5 of day 1 swaps with hour 6), the cycle no longer
        // explains it all.
        let mut shuffled = output.clone();
        shuffled.swap(29, 30);
        assert!(at(&input, &shuffled, &all).log_sd > 0.1);
    }

    #[test]
    fn missing_hours_are_left_out() {
        let input = vec![100.0; 48];
        let mut output = vec![10.0; 48];
        output[7] = 1000.0;
        let mut observed = vec![true; 48];
        observed[7] = false;
        let r = fit_ratio(&input, &output, &observed, 0);
        assert_eq!((r.mean, r.hours), (0.1, 47));
        assert!(r.log_sd < 1e-12);
    }
}
