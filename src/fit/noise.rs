//! The random part of a history (docs/model.md §5.1 noise and bursts): residuals `r_h = y_h / baseline_h`
//! split into bursts (runs of hours far above the rest) and hourly noise; lognormal and gamma
//! fitted to the noise by maximum likelihood, the better likelihood chosen, its CV with a
//! standard error; the AR(1) coefficient of the normal scores (the log residuals for lognormal);
//! and the KS test of the chosen fit.

use serde::Serialize;

use super::dist::{digamma, ks_p_value, normal_quantile, trigamma};
use super::shape::{Estimate, lag1};
use crate::numerics::{GammaQuantile, gamma_p};
use crate::stats::quantile::{percentile_sorted, sort_floats};
use crate::traffic::empirical::{MAX_TAIL_INDEX, MIN_TAIL_INDEX};
use crate::traffic::{Bursts, Noise};

/// A log residual more than this many robust SDs above the median marks a burst hour.
pub const BURST_Z: f64 = 4.0;
/// Fewest burst episodes from which bursts are simulated apart from the noise.
pub const MIN_BURST_EPISODES: usize = 1;
/// Fewest usable hours for a noise fit.
pub const MIN_NOISE_HOURS: usize = 48;

/// One candidate distribution.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Candidate {
    pub log_likelihood: f64,
    pub cv: f64,
}

/// Bursts found in the residuals.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct BurstFit {
    pub episodes: usize,
    pub per_day: f64,
    /// Mean residual in burst hours over the mean elsewhere.
    pub multiplier: f64,
    /// Mean episode length, rounded, at least 1.
    pub hours: u32,
}

/// The noise model of a history.
#[derive(Clone, Debug, Serialize)]
pub struct NoiseFit {
    pub chosen: Noise,
    pub cv: Estimate,
    pub ar1: Estimate,
    pub lognormal: Candidate,
    pub gamma: Candidate,
    /// Lognormal parameters of ln r: mean and sd.
    pub log_mu: f64,
    pub log_sigma: f64,
    /// Gamma shape and scale.
    pub gamma_shape: f64,
    pub gamma_scale: f64,
    pub ks_statistic: f64,
    pub ks_p_value: f64,
    /// Hours in the fit, and the effective count behind the KS p-value and the SEs.
    pub hours: usize,
    pub effective_hours: f64,
    pub zero_hours: usize,
    /// Bursts found in the history (before the prior).
    pub bursts: Option<BurstFit>,
    /// Days of history behind the burst rate.
    pub days: f64,
    /// The residuals' own distribution: quantiles at (i + ½)/n of the hours with data outside
    /// bursts (hours without traffic included), for `noise = "empirical"`.
    pub quantiles: Vec<f64>,
    /// Lag-1 autocorrelation of the residuals' rank-based normal scores: the AR(1) of
    /// empirical noise.
    pub empirical_ar1: Estimate,
    /// Pareto index of the residuals' upper tail (Hill's estimator on the largest tenth),
    /// clamped to [2, 1000]: empirical noise continues above its last quantile with it.
    pub tail_index: f64,
    /// The noise the scenario is written with: empirical, or the `chosen` family.
    pub written: Noise,
    /// The noise residuals, ascending (for the QQ plot).
    #[serde(skip)]
    pub sorted: Vec<f64>,
}

impl NoiseFit {
    /// The bursts the parametric source simulates: those found, combined with the prior of
    /// public traces (`with_prior`); None for a noiseless history.
    pub fn parametric_bursts(&self) -> Option<Bursts> {
        (self.chosen != Noise::None).then(|| with_prior(self.bursts, self.days))
    }

    /// Quantile `p` of the fitted lognormal and gamma.
    pub fn candidate_quantiles(&self, p: f64) -> (f64, f64) {
        if self.chosen == Noise::None {
            return (1.0, 1.0);
        }
        let ln = (self.log_mu + self.log_sigma * normal_quantile(p)).exp();
        let g = GammaQuantile::new(self.gamma_shape).quantile(p) * self.gamma_scale;
        (ln, g)
    }
}

/// Fits the noise of residuals `r` (NaN where the baseline is zero), `days` long.
pub fn fit_noise(r: &[f64], days: f64) -> Result<NoiseFit, String> {
    let zero_hours = r.iter().filter(|v| **v == 0.0).count();
    let logs: Vec<f64> = r
        .iter()
        .map(|&v| if v > 0.0 { v.ln() } else { f64::NAN })
        .collect();
    let mut finite: Vec<f64> = logs.iter().copied().filter(|l| l.is_finite()).collect();
    if finite.len() < MIN_NOISE_HOURS {
        return Err(format!(
            "only {} hours with traffic; the noise fit needs at least {MIN_NOISE_HOURS}",
            finite.len()
        ));
    }
    sort_floats(&mut finite);
    let median = percentile_sorted(&finite, 0.5);
    let mut deviations: Vec<f64> = finite.iter().map(|l| (l - median).abs()).collect();
    sort_floats(&mut deviations);
    let robust_sd = 1.4826 * percentile_sorted(&deviations, 0.5);
    // Identical residuals (a noiseless history) have no spread to call a burst against.
    let threshold = if robust_sd > 1e-6 {
        median + BURST_Z * robust_sd
    } else {
        f64::INFINITY
    };
    let mut burst: Vec<bool> = logs
        .iter()
        .map(|l| l.is_finite() && *l > threshold)
        .collect();
    let mut bursts = burst_fit(r, &burst, days);
    // One or two episodes say nothing of a rate: they stay in the noise, as its tail.
    if bursts.is_some_and(|b| b.episodes < MIN_BURST_EPISODES) {
        burst.fill(false);
        bursts = None;
    }

    // The noise: hours with traffic that are not bursts; `keep` marks them in time order.
    let keep: Vec<bool> = (0..r.len())
        .map(|h| logs[h].is_finite() && !burst[h])
        .collect();
    let x: Vec<f64> = (0..r.len()).filter(|&h| keep[h]).map(|h| r[h]).collect();
    let n = x.len() as f64;
    let logs_kept: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let mu = logs_kept.iter().sum::<f64>() / n;
    let sigma = (logs_kept.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n).sqrt();
    let mean = x.iter().sum::<f64>() / n;
    if sigma < 1e-6 {
        return Ok(noiseless(x.len(), zero_hours, bursts, days));
    }
    let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let ll_lognormal: f64 = logs_kept
        .iter()
        .map(|l| -l - sigma.ln() - half_ln_2pi - (l - mu).powi(2) / (2.0 * sigma * sigma))
        .sum();
    let shape = gamma_shape(mean.ln() - mu);
    let scale = mean / shape;
    let ll_gamma: f64 = x
        .iter()
        .zip(&logs_kept)
        .map(|(v, l)| (shape - 1.0) * l - v / scale - shape * scale.ln() - libm::lgamma(shape))
        .sum();
    let chosen = if ll_lognormal >= ll_gamma {
        Noise::Lognormal
    } else {
        Noise::Gamma
    };

    // Normal scores of the chosen marginal, in time order with gaps where hours were dropped.
    let cdf = |v: f64| match chosen {
        Noise::Gamma => gamma_p(shape, v / scale),
        _ => crate::numerics::normal_cdf((v.ln() - mu) / sigma),
    };
    let scores: Vec<f64> = (0..r.len())
        .map(|h| {
            if keep[h] {
                normal_quantile(cdf(r[h]).clamp(1e-12, 1.0 - 1e-12))
            } else {
                f64::NAN
            }
        })
        .collect();
    let ar1 = lag1_estimate(&scores);
    let rho = ar1.value;
    let (quantiles, empirical_ar1, tail_index) = empirical(r, &burst);
    // Autocorrelation leaves fewer independent hours: n(1 − ρ²)/(1 + ρ²) for a variance,
    // n(1 − ρ)/(1 + ρ) for the distribution function (the KS test).
    let n_var = n * (1.0 - rho * rho) / (1.0 + rho * rho);
    let n_ks = n * (1.0 - rho.max(0.0)) / (1.0 + rho.max(0.0));
    // The profiles were estimated from the same hours and absorbed part of the noise: each
    // hour-of-day weight 1/days of its variance, each day-of-week weight the variance of a mean
    // over its hours (AR(1)-inflated)… Undo that share f of the log variance (a degrees-of-freedom
    // correction, like n − 1 for a mean).
    let rho_plus = rho.max(0.0);
    let persistence = (1.0 + rho_plus) / (1.0 - rho_plus);
    // … and the level of each hour's week (`Shape::local_level`), a mean over its 7 days.
    let absorbed = ((1.0 + 7.0 / 24.0 * persistence) / days.max(1.0)
        + persistence / (24.0 * super::shape::SMOOTH_DAYS as f64))
        .min(0.5);
    let (sigma_c, shape_c) = (sigma / (1.0 - absorbed).sqrt(), shape * (1.0 - absorbed));
    let (cv_ln, cv_gamma) = (sigma_c.powi(2).exp_m1().sqrt(), 1.0 / shape_c.sqrt());
    let cv = match chosen {
        Noise::Gamma => Estimate {
            value: cv_gamma,
            se: 0.5
                * shape_c.powf(-1.5)
                * (shape_c / (n_var * (shape_c * trigamma(shape_c) - 1.0))).sqrt(),
        },
        _ => Estimate {
            value: cv_ln,
            se: sigma_c * sigma_c.powi(2).exp() / cv_ln * sigma_c / (2.0 * n_var).sqrt(),
        },
    };
    let mut sorted = x.clone();
    sort_floats(&mut sorted);
    let ks_statistic = sorted
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = cdf(v);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max);
    Ok(NoiseFit {
        chosen,
        cv,
        ar1,
        lognormal: Candidate {
            log_likelihood: ll_lognormal,
            cv: cv_ln,
        },
        gamma: Candidate {
            log_likelihood: ll_gamma,
            cv: cv_gamma,
        },
        log_mu: mu,
        log_sigma: sigma,
        gamma_shape: shape,
        gamma_scale: scale,
        ks_statistic,
        ks_p_value: ks_p_value(ks_statistic, n_ks),
        hours: x.len(),
        effective_hours: n_ks,
        zero_hours,
        bursts,
        days,
        quantiles,
        empirical_ar1,
        tail_index,
        written: Noise::Empirical,
        sorted,
    })
}

/// Quantiles kept for empirical noise, at most.
pub const EMPIRICAL_QUANTILES: usize = 100;

/// The lag-1 correlation of consecutive finite `scores`, with its SE √((1 − ρ²)/pairs).
fn lag1_estimate(scores: &[f64]) -> Estimate {
    let (rho, pairs) = lag1_with_gaps(scores);
    Estimate {
        value: rho,
        se: ((1.0 - rho * rho) / pairs.max(1) as f64).sqrt(),
    }
}

/// The quantile table, rank-based AR(1) and upper tail index of the residuals `r` outside
/// `burst` hours (NaN: no data; 0: an hour without traffic, kept).
fn empirical(r: &[f64], burst: &[bool]) -> (Vec<f64>, Estimate, f64) {
    let keep = |h: usize| r[h].is_finite() && r[h] >= 0.0 && !burst[h];
    let mut values: Vec<f64> = (0..r.len()).filter(|h| keep(*h)).map(|h| r[h]).collect();
    sort_floats(&mut values);
    let n = values.len();
    let m = n.clamp(1, EMPIRICAL_QUANTILES);
    let quantiles = (0..m)
        .map(|i| percentile_sorted(&values, (i as f64 + 0.5) / m as f64))
        .collect();
    // Mid-ranks, so tied values (hours without traffic) share one score.
    let score = |v: f64| {
        let below = values.partition_point(|x| *x < v);
        let not_above = values.partition_point(|x| *x <= v);
        normal_quantile((below + not_above) as f64 / 2.0 / n as f64)
    };
    let scores: Vec<f64> = (0..r.len())
        .map(|h| if keep(h) { score(r[h]) } else { f64::NAN })
        .collect();
    (quantiles, lag1_estimate(&scores), hill_tail_index(&values))
}

/// Hill's estimator of the Pareto index of the upper tail of ascending `values`: 1 / the mean
/// log excess of the largest tenth (at least 5) over the next value; clamped to
/// [`MIN_TAIL_INDEX`, `MAX_TAIL_INDEX`] (a bounded tail gives the maximum).
pub fn hill_tail_index(values: &[f64]) -> f64 {
    let n = values.len();
    let k = (n / 10).max(5);
    if n <= k || values[n - k - 1] <= 0.0 {
        return MAX_TAIL_INDEX;
    }
    let threshold = values[n - k - 1];
    let mean_log = values[n - k..]
        .iter()
        .map(|v| (v / threshold).ln())
        .sum::<f64>()
        / k as f64;
    if mean_log <= 0.0 {
        MAX_TAIL_INDEX
    } else {
        (1.0 / mean_log).clamp(MIN_TAIL_INDEX, MAX_TAIL_INDEX)
    }
}

/// The fit of residuals without spread: no noise.
fn noiseless(hours: usize, zero_hours: usize, bursts: Option<BurstFit>, days: f64) -> NoiseFit {
    let zero = Estimate {
        value: 0.0,
        se: 0.0,
    };
    let none = Candidate {
        log_likelihood: f64::NAN,
        cv: 0.0,
    };
    NoiseFit {
        chosen: Noise::None,
        cv: zero,
        ar1: zero,
        lognormal: none,
        gamma: none,
        log_mu: 0.0,
        log_sigma: 0.0,
        gamma_shape: f64::INFINITY,
        gamma_scale: 0.0,
        ks_statistic: 0.0,
        ks_p_value: 1.0,
        hours,
        effective_hours: hours as f64,
        zero_hours,
        bursts,
        days,
        quantiles: vec![1.0; EMPIRICAL_QUANTILES.min(hours.max(1))],
        empirical_ar1: zero,
        tail_index: MAX_TAIL_INDEX,
        written: Noise::None,
        sorted: vec![1.0; hours],
    }
}

/// The gamma shape k solving ln k − ψ(k) = s (s = ln mean − mean ln > 0): Minka's start and
/// Newton steps.
fn gamma_shape(s: f64) -> f64 {
    let s = s.max(1e-12);
    let mut k = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
    for _ in 0..50 {
        let f = k.ln() - digamma(k) - s;
        let df = 1.0 / k - trigamma(k);
        let next = (k - f / df).max(k / 10.0);
        if (next - k).abs() < 1e-12 * k {
            return next;
        }
        k = next;
    }
    k
}

/// Lag-1 correlation of the pairs of consecutive finite values, and how many pairs there were.
pub(super) fn lag1_with_gaps(z: &[f64]) -> (f64, usize) {
    let pairs: Vec<(f64, f64)> = z
        .windows(2)
        .filter(|w| w[0].is_finite() && w[1].is_finite())
        .map(|w| (w[0], w[1]))
        .collect();
    if pairs.len() < 3 {
        return (0.0, pairs.len());
    }
    let n = pairs.len() as f64;
    let (ma, mb) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov: f64 = pairs.iter().map(|(a, b)| (a - ma) * (b - mb)).sum();
    let va: f64 = pairs.iter().map(|(a, _)| (a - ma).powi(2)).sum();
    let vb: f64 = pairs.iter().map(|(_, b)| (b - mb).powi(2)).sum();
    let rho = if va > 0.0 && vb > 0.0 {
        cov / (va * vb).sqrt()
    } else {
        lag1(z)
    };
    (rho.clamp(-0.99, 0.99), pairs.len())
}

/// Bursts a day in the prior: spikes of the kind public production traces show even in weeks
/// that had none (README "Priors").
pub const PRIOR_BURSTS_PER_DAY: f64 = 0.10;
/// The prior burst's size (multiplier of the hour's traffic) and length in hours.
pub const PRIOR_BURST_MULTIPLIER: f64 = 3.0;
pub const PRIOR_BURST_HOURS: f64 = 2.0;
/// Days of history the prior counts as.
pub const PRIOR_BURST_DAYS: f64 = 7.0;

/// The bursts simulated: the rate (episodes + prior episodes) / (days + prior days), size and
/// length averaged over the episodes and the prior's, so a week without spikes keeps the risk
/// of one and a year of them speaks for itself.
pub fn with_prior(found: Option<BurstFit>, days: f64) -> Bursts {
    let n = found.map_or(0.0, |b| b.episodes as f64);
    let n0 = PRIOR_BURSTS_PER_DAY * PRIOR_BURST_DAYS;
    let mean = |observed: f64, prior: f64| (n * observed + n0 * prior) / (n + n0);
    Bursts {
        per_day: ((n + n0) / (days.max(0.0) + PRIOR_BURST_DAYS)).min(24.0),
        multiplier: mean(found.map_or(0.0, |b| b.multiplier), PRIOR_BURST_MULTIPLIER),
        hours: (mean(found.map_or(0.0, |b| f64::from(b.hours)), PRIOR_BURST_HOURS).round() as u32)
            .clamp(1, 168),
    }
}

/// Episodes of consecutive burst hours: rate, size and mean length.
fn burst_fit(r: &[f64], burst: &[bool], days: f64) -> Option<BurstFit> {
    let mut episodes = Vec::new();
    let mut run = 0usize;
    for &b in burst.iter().chain([false].iter()) {
        if b {
            run += 1;
        } else if run > 0 {
            episodes.push(run);
            run = 0;
        }
    }
    if episodes.is_empty() {
        return None;
    }
    let mean_of = |pick: bool| {
        let v: Vec<f64> = (0..r.len())
            .filter(|&h| burst[h] == pick && r[h].is_finite())
            .map(|h| r[h])
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let hours = episodes.iter().sum::<usize>() as f64 / episodes.len() as f64;
    Some(BurstFit {
        episodes: episodes.len(),
        per_day: (episodes.len() as f64 / days.max(1.0)).min(24.0),
        multiplier: (mean_of(true) / mean_of(false).max(1e-12)).clamp(1.0, 1000.0),
        hours: (hours.round() as u32).clamp(1, 168),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hill_finds_the_index_of_a_pareto_sample_and_none_in_a_bounded_one() {
        // Exact Pareto quantiles of index 3 above 1: x = (1 − p)^(−1/3).
        let values: Vec<f64> = (0..10_000)
            .map(|i| (1.0 - (i as f64 + 0.5) / 10_000.0).powf(-1.0 / 3.0))
            .collect();
        assert!((hill_tail_index(&values) / 3.0 - 1.0).abs() < 0.02);
        assert_eq!(hill_tail_index(&[1.0; 100]), MAX_TAIL_INDEX);
    }

    #[test]
    fn gamma_shape_solves_the_likelihood_equation() {
        for k in [0.3, 1.0, 4.0, 16.0, 400.0] {
            let s = f64::ln(k) - digamma(k);
            assert!((gamma_shape(s) / k - 1.0).abs() < 1e-9, "{k}");
        }
    }

    #[test]
    fn the_burst_prior_fades_as_episodes_accrue() {
        // A week without bursts: 0.7 prior episodes over 14 days.
        let none = with_prior(None, 7.0);
        assert!((none.per_day - 0.05).abs() < 1e-12);
        assert_eq!((none.multiplier, none.hours), (3.0, 2));
        // A year with 73 episodes of ×6 for 4 hours: (73 + 0.7) / 372 a day, size ≈ 5.97.
        let found = BurstFit {
            episodes: 73,
            per_day: 0.2,
            multiplier: 6.0,
            hours: 4,
        };
        let year = with_prior(Some(found), 365.0);
        assert!((year.per_day - 73.7 / 372.0).abs() < 1e-12);
        assert!((year.multiplier - (73.0 * 6.0 + 2.1) / 73.7).abs() < 1e-12);
        assert_eq!(year.hours, 4);
    }

    #[test]
    fn a_burst_run_is_one_episode_with_its_size() {
        let mut r = vec![1.0; 240];
        for h in [100, 101, 102] {
            r[h] = 5.0;
        }
        let burst: Vec<bool> = r.iter().map(|v| *v > 2.0).collect();
        let b = burst_fit(&r, &burst, 10.0).unwrap();
        assert_eq!((b.episodes, b.hours), (1, 3));
        assert!((b.per_day - 0.1).abs() < 1e-12);
        assert!((b.multiplier - 5.0).abs() < 1e-12);
    }
}
