//! Forecast uncertainty of a fitted level (issue 13): how far the mean level of the forecast
//! window may lie from the level the fit reports, as the per-trial `level_sigma`, and how
//! uncertain the growth is, as `growth_per_month_sd`.
//!
//! The level is measured, not assumed: at every day t of the history with a week behind it and
//! a window ahead, the fit's own level estimator is applied to days ..t and its log error on the
//! next window's mean level is recorded (rolling origins). Their mean square is combined with a
//! prior from public production traces, weighted as `PRIOR_WEIGHT` forecast errors, so that a
//! short history — where week-to-week wander cannot be measured — reports the prior instead of
//! zero, and a long one reports its own errors. The band is widened by the Student-t factor of
//! the degrees of freedom behind the estimate. Errors are measured a week ahead (or over the
//! horizon when shorter) and scaled to the horizon by a random-walk rule.

use serde::Serialize;

use super::dist::{normal_quantile, student_t_quantile};
use super::shape::{DAYS_PER_MONTH, Estimate, LEVEL_DAYS};

/// The prior log-sd of the week-ahead level error: the median week-to-week change of public
/// production traces (README "Fitting traffic", "Priors").
pub const PRIOR_LEVEL_SIGMA: f64 = 0.25;
/// How many week-ahead errors the prior counts as.
pub const PRIOR_WEIGHT: f64 = 2.0;
/// The prior sd of monthly growth: 4× a year is about +12% a month (README "Priors").
pub const PRIOR_GROWTH_SD: f64 = 0.10;
/// Days ahead the level errors are measured over (at most; less when the horizon is shorter).
pub const ERROR_WINDOW_DAYS: usize = 7;
/// The P10–P90 band's quantile, at which the Student-t widening is matched.
const BAND_QUANTILE: f64 = 0.9;

/// The level's week-ahead errors measured on a history.
#[derive(Clone, Debug, Serialize)]
pub struct ForecastErrors {
    /// Origins (days) with a week behind and a full window ahead.
    pub origins: usize,
    /// Days ahead each error covers.
    pub window_days: usize,
    /// Root mean square of the log errors, less the hourly noise of the window ahead.
    pub rms_log_error: f64,
    /// Their mean: a bias of the level estimator on this history.
    pub mean_log_error: f64,
    /// Independent windows the errors amount to: 1 + (origins − 1) / window days.
    pub effective: f64,
}

/// The per-trial level uncertainty of a fit and how it was reached.
#[derive(Clone, Debug, Serialize)]
pub struct LevelUncertainty {
    /// The `level_sigma` written: log-sd of the forecast window's mean level.
    pub sigma: f64,
    /// "prior", "history", "prior and history", or "--level-sigma".
    pub source: &'static str,
    pub prior_sigma: f64,
    pub prior_weight: f64,
    pub errors: Option<ForecastErrors>,
    /// The combined week-ahead (or window) log-sd before widening and scaling.
    pub combined_sigma: f64,
    /// Degrees of freedom: prior weight + effective errors.
    pub dof: f64,
    /// t quantile / normal quantile at P90: the widening for an estimated sd.
    pub t_factor: f64,
    /// sd multiplier from the measured window to the horizon (random-walk rule).
    pub horizon_factor: f64,
}

/// The growth of a fit after shrinkage toward zero.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct GrowthShrinkage {
    /// The trend's own estimate (monthly rate and SE), NaN when no trend was fitted.
    pub trend: Estimate,
    /// The prior sd of the monthly rate.
    pub prior_sd: f64,
    /// The monthly rate and sd written.
    pub growth: Estimate,
    /// "prior", "shrunk trend", or "--growth-sd".
    pub source: &'static str,
}

/// The week-ahead errors of the level estimator over `daily` (time in days, ln level), the
/// estimator being the mean of the last `LEVEL_DAYS` days, or, when `trend` is set, the log-linear
/// trend through every day so far; windows of `window_days`. None without a single origin.
/// `noise_daily_log_variance` is the variance hourly noise gives a day's log-level.
pub fn forecast_errors(
    daily: &[(f64, f64)],
    window_days: usize,
    trend: bool,
    noise_daily_log_variance: f64,
) -> Option<ForecastErrors> {
    let by_day: std::collections::BTreeMap<i64, (f64, f64)> = daily
        .iter()
        .map(|&(t, l)| (t.floor() as i64, (t, l)))
        .collect();
    let (&first, &last) = (by_day.keys().next()?, by_day.keys().next_back()?);
    let h = window_days.max(1) as i64;
    let mean_level = |from: i64, to: i64| {
        let values: Vec<f64> = by_day.range(from..=to).map(|(_, (_, l))| l.exp()).collect();
        (
            values.len(),
            values.iter().sum::<f64>() / values.len().max(1) as f64,
        )
    };
    let mut errors = Vec::new();
    let lookback = LEVEL_DAYS as i64;
    for origin in (first + lookback - 1)..=(last - h) {
        let (ahead, actual) = mean_level(origin + 1, origin + h);
        if 2 * ahead < h as usize || actual <= 0.0 {
            continue;
        }
        let predicted = if trend {
            let past: Vec<(f64, f64)> = by_day.range(..=origin).map(|(_, v)| *v).collect();
            match line(&past) {
                Some((a, b)) => {
                    let days = (origin + 1..=origin + h).map(|d| (a + b * (d as f64 + 0.5)).exp());
                    days.sum::<f64>() / h as f64
                }
                None => continue,
            }
        } else {
            let (behind, level) = mean_level(origin - lookback + 1, origin);
            if 2 * behind < LEVEL_DAYS {
                continue;
            }
            level
        };
        if predicted > 0.0 {
            errors.push((actual / predicted).ln());
        }
    }
    if errors.is_empty() {
        return None;
    }
    let n = errors.len() as f64;
    let mean_square = errors.iter().map(|e| e * e).sum::<f64>() / n;
    Some(ForecastErrors {
        origins: errors.len(),
        window_days: h as usize,
        rms_log_error: (mean_square - noise_daily_log_variance / h as f64)
            .max(0.0)
            .sqrt(),
        mean_log_error: errors.iter().sum::<f64>() / n,
        effective: 1.0 + (n - 1.0) / h as f64,
    })
}

/// OLS intercept and slope of ln level on time, with at least two distinct times.
fn line(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    let (mt, ml) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (t, l)| (a + t / n, b + l / n));
    let sxx: f64 = points.iter().map(|(t, _)| (t - mt).powi(2)).sum();
    if points.len() < super::shape::MIN_TREND_DAYS || sxx <= 0.0 {
        return None;
    }
    let b = points.iter().map(|(t, l)| (t - mt) * (l - ml)).sum::<f64>() / sxx;
    Some((ml - b * mt, b))
}

/// Variance multiplier of a level error from a window of `from_days` to one of `to_days`: the
/// distance from the middle of the week that set the level to the middle of the window,
/// (7 + days) / 2, as a random walk's variance grows.
fn horizon_variance_factor(from_days: f64, to_days: f64) -> f64 {
    let week = LEVEL_DAYS as f64;
    (week + to_days) / (week + from_days)
}

/// The level uncertainty for a forecast of `horizon_hours`, from the measured `errors` (if
/// any) and the prior; `given` (`--level-sigma`) replaces it.
pub fn level_uncertainty(
    errors: Option<ForecastErrors>,
    horizon_hours: usize,
    given: Option<f64>,
) -> LevelUncertainty {
    let horizon_days = horizon_hours as f64 / 24.0;
    let window = errors.as_ref().map_or_else(
        || horizon_days.min(ERROR_WINDOW_DAYS as f64),
        |e| e.window_days as f64,
    );
    // The prior is a week-ahead figure: on the window's scale first.
    let prior_var =
        PRIOR_LEVEL_SIGMA.powi(2) * horizon_variance_factor(ERROR_WINDOW_DAYS as f64, window);
    let (n, measured_var) = errors
        .as_ref()
        .map_or((0.0, 0.0), |e| (e.effective, e.rms_log_error.powi(2)));
    let combined_var = (PRIOR_WEIGHT * prior_var + n * measured_var) / (PRIOR_WEIGHT + n);
    let dof = PRIOR_WEIGHT + n;
    let t_factor = student_t_quantile(BAND_QUANTILE, dof) / normal_quantile(BAND_QUANTILE);
    let horizon_factor = horizon_variance_factor(window, horizon_days).sqrt();
    let estimated = combined_var.sqrt() * t_factor * horizon_factor;
    let source = match (given, &errors) {
        (Some(_), _) => "--level-sigma",
        (None, None) => "prior",
        (None, Some(e)) if e.effective >= 4.0 * PRIOR_WEIGHT => "history",
        (None, Some(_)) => "prior and history",
    };
    LevelUncertainty {
        sigma: given
            .unwrap_or(estimated)
            .min(crate::scenario::MAX_LEVEL_SIGMA),
        source,
        prior_sigma: PRIOR_LEVEL_SIGMA,
        prior_weight: PRIOR_WEIGHT,
        errors,
        combined_sigma: combined_var.sqrt(),
        dof,
        t_factor,
        horizon_factor,
    }
}

/// Growth after normal–normal shrinkage of the trend's monthly rate `trend` (value, SE; NaN SE
/// when none was fitted) toward 0 with prior sd `PRIOR_GROWTH_SD`: mean g·τ²/(τ² + se²), sd
/// τ·se/√(τ² + se²) — never above τ, whatever a short history's SE. A dropped trend keeps mean 0.
/// `given` (`--growth-sd`) replaces the sd.
pub fn shrink_growth(trend: Estimate, kept: bool, given: Option<f64>) -> GrowthShrinkage {
    let tau = PRIOR_GROWTH_SD;
    let (mean, sd, source) = if trend.se.is_finite() && trend.se > 0.0 {
        let w = tau * tau / (tau * tau + trend.se * trend.se);
        (
            if kept { trend.value * w } else { 0.0 },
            tau * trend.se / (tau * tau + trend.se * trend.se).sqrt(),
            "shrunk trend",
        )
    } else if trend.se == 0.0 && kept {
        (trend.value, 0.0, "shrunk trend")
    } else {
        (0.0, tau, "prior")
    };
    GrowthShrinkage {
        trend,
        prior_sd: tau,
        growth: Estimate {
            value: mean,
            se: given.unwrap_or(sd).min(crate::scenario::MAX_GROWTH_SD),
        },
        source: if given.is_some() {
            "--growth-sd"
        } else {
            source
        },
    }
}

/// The monthly growth rate and its SE of a daily log slope `b` (value, SE): e^{b·days} − 1.
pub fn monthly_rate(b: Estimate) -> Estimate {
    let g = (b.value * DAYS_PER_MONTH).exp();
    Estimate {
        value: g - 1.0,
        se: g * DAYS_PER_MONTH * b.se,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(levels: &[f64]) -> Vec<(f64, f64)> {
        levels
            .iter()
            .enumerate()
            .map(|(d, l)| (d as f64 + 0.5, l.ln()))
            .collect()
    }

    #[test]
    fn a_step_is_measured_as_the_error_of_the_weeks_after_it() {
        // Seven days at 100, seven at 150: one origin (day 6) sees the whole step, ln 1.5.
        let mut levels = vec![100.0; 7];
        levels.extend([150.0; 7]);
        let e = forecast_errors(&days(&levels), 7, false, 0.0).unwrap();
        assert_eq!(e.origins, 1);
        assert!((e.rms_log_error - 1.5f64.ln()).abs() < 1e-12);
        assert_eq!(e.effective, 1.0);
        // Fifteen days: origins 6 and 7; the second's past week holds one day at 150, its
        // window ahead seven.
        levels.push(150.0);
        let e = forecast_errors(&days(&levels), 7, false, 0.0).unwrap();
        assert_eq!(e.origins, 2);
        let second = (150.0f64 / ((6.0 * 100.0 + 150.0) / 7.0)).ln();
        let rms = ((1.5f64.ln().powi(2) + second * second) / 2.0).sqrt();
        assert!((e.rms_log_error - rms).abs() < 1e-12);
        assert!((e.effective - (1.0 + 1.0 / 7.0)).abs() < 1e-12);
    }

    #[test]
    fn a_steady_trend_has_no_error_when_the_trend_is_the_estimator() {
        let levels: Vec<f64> = (0..40).map(|d| 100.0 * (0.01 * d as f64).exp()).collect();
        let e = forecast_errors(&days(&levels), 7, true, 0.0).unwrap();
        assert!(e.rms_log_error < 1e-9, "{e:?}");
        // The last-week mean lags a 1%-a-day trend by about 7 days: ln error ≈ 0.07.
        let flat = forecast_errors(&days(&levels), 7, false, 0.0).unwrap();
        assert!((flat.mean_log_error - 0.07).abs() < 0.002, "{flat:?}");
    }

    #[test]
    fn without_errors_the_prior_is_reported_widened_and_scaled() {
        let u = level_uncertainty(None, 168, None);
        assert_eq!(u.source, "prior");
        assert_eq!(u.combined_sigma, PRIOR_LEVEL_SIGMA);
        // ν = 2: t(0.9, 2) / z(0.9) = 1.886 / 1.2816.
        assert!((u.t_factor - 1.886 / 1.2816).abs() < 0.005);
        assert!((u.sigma - PRIOR_LEVEL_SIGMA * u.t_factor).abs() < 1e-12);
        // A month ahead: the variance grows by (7 + 30.42) / 14.
        let month = level_uncertainty(None, 730, None);
        let factor = ((7.0 + 730.0 / 24.0) / 14.0f64).sqrt();
        assert!((month.horizon_factor - factor).abs() < 1e-12);
        // A given sigma is used as it is.
        assert_eq!(level_uncertainty(None, 168, Some(0.1)).sigma, 0.1);
    }

    #[test]
    fn many_errors_outweigh_the_prior() {
        let errors = ForecastErrors {
            origins: 400,
            window_days: 7,
            rms_log_error: 0.05,
            mean_log_error: 0.0,
            effective: 58.0,
        };
        let u = level_uncertainty(Some(errors), 168, None);
        assert_eq!(u.source, "history");
        // (2 × 0.25² + 58 × 0.05²) / 60, widened by t(0.9, 60) / z(0.9).
        let combined = ((2.0 * 0.0625 + 58.0 * 0.0025) / 60.0f64).sqrt();
        assert!((u.combined_sigma - combined).abs() < 1e-12);
        assert!(u.t_factor > 1.0 && u.t_factor < 1.02);
    }

    #[test]
    fn growth_is_shrunk_and_capped_by_the_prior() {
        // Two weeks: a +60% a month trend with SE 0.7 is mostly noise.
        let g = shrink_growth(
            Estimate {
                value: 0.6,
                se: 0.7,
            },
            false,
            None,
        );
        assert_eq!(g.growth.value, 0.0);
        let sd = 0.1 * 0.7 / (0.01f64 + 0.49).sqrt();
        assert!((g.growth.se - sd).abs() < 1e-12 && g.growth.se < PRIOR_GROWTH_SD);
        // A year: +5% with SE 0.01 is kept almost as it is.
        let year = shrink_growth(
            Estimate {
                value: 0.05,
                se: 0.01,
            },
            true,
            None,
        );
        assert!((year.growth.value - 0.05 * 0.01 / 0.0101).abs() < 1e-12);
        // No trend fitted: the prior.
        let none = shrink_growth(
            Estimate {
                value: f64::NAN,
                se: f64::NAN,
            },
            false,
            None,
        );
        assert_eq!((none.growth.value, none.growth.se), (0.0, PRIOR_GROWTH_SD));
        assert_eq!(none.source, "prior");
    }
}
