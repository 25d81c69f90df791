//! Forecast uncertainty of a fitted level (issue 13): how far the mean level of the forecast
//! window may lie from the level the fit reports, as the per-trial `level_sigma`, and how
//! uncertain the growth is, as `growth_per_month_sd`.
//!
//! The level is measured, not assumed: at every day t of the history with a week behind it and
//! a window ahead, the fit's own level estimator (the last week's mean, carried forward by the
//! shrunk trend of days ..t) is applied and its log error on the next window's mean level is
//! recorded (rolling origins). Their mean square is combined with a prior weighted as
//! `PRIOR_WEIGHT` forecast errors, so that a short history — where week-to-week wander cannot be
//! measured — reports the prior instead of zero, and a long one reports its own errors. The
//! prior scales with the history's own day-to-day spread (`prior`), as the week-ahead error of
//! public production traces does. The band is widened by the Student-t factor of the degrees of
//! freedom behind the estimate. Errors are measured a week ahead (or over the horizon when
//! shorter) and scaled to the horizon by a random-walk rule. Every constant here was set by the
//! backtests in the README ("Priors"), on public traces, not on histories ptsim drew itself.

use serde::Serialize;

use super::dist::{normal_quantile, student_t_quantile};
use super::shape::{DAYS_PER_MONTH, Estimate, LEVEL_DAYS};

/// The prior week-ahead level error is this multiple of the history's day-to-day spread of log
/// daily totals ([`prior`]). On seven public traces the week-ahead error ran at 0.5–0.9 of
/// that spread; 1.2 (with the Student-t widening of `T_DOF_PRIOR`) is what kept the realized
/// cost inside P10–P90 in ≥ 80% of cases at every unit level, spikes included (README "Priors").
pub const PRIOR_SCALE: f64 = 1.2;
/// Least prior log-sd, whatever the days' spread: no week is perfectly known in advance.
pub const PRIOR_FLOOR: f64 = 0.05;
/// The prior where fewer than `PRIOR_MIN_DAYS` of the last seven days are complete.
pub const PRIOR_LEVEL_SIGMA: f64 = 0.25;
/// Complete days (every hour with data) the day-to-day prior needs.
pub const PRIOR_MIN_DAYS: usize = 4;
/// How many week-ahead errors the prior counts as.
pub const PRIOR_WEIGHT: f64 = 1.0;
/// The prior sd of monthly growth: 4× a year is about +12% a month (README "Priors").
pub const PRIOR_GROWTH_SD: f64 = 0.10;
/// Days ahead the level errors are measured over (at most; less when the horizon is shorter).
pub const ERROR_WINDOW_DAYS: usize = 7;
/// Degrees of freedom the prior lends the Student-t widening (×1.20 at P90 with no measured
/// error, ×1.06 with ten independent weeks of them).
pub const T_DOF_PRIOR: f64 = 4.0;
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
    pub prior: Prior,
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

/// The week-ahead errors of the fit's level estimator over `daily` (time in days, ln level):
/// at each origin, the mean of the last `LEVEL_DAYS` days carried forward by the shrunk trend
/// of every day so far ([`shrunk_slope`]) to the middle of the next `window_days`. None without
/// a single origin. `noise_daily_log_variance` is the variance hourly noise gives a day's
/// log-level.
pub fn forecast_errors(
    daily: &[(f64, f64)],
    window_days: usize,
    noise_daily_log_variance: f64,
) -> Option<ForecastErrors> {
    let by_day: std::collections::BTreeMap<i64, (f64, f64)> = daily
        .iter()
        .map(|&(t, l)| (t.floor() as i64, (t, l)))
        .collect();
    let (&first, &last) = (by_day.keys().next()?, by_day.keys().next_back()?);
    let h = window_days.max(1) as i64;
    let lookback = LEVEL_DAYS as i64;
    let mut errors = Vec::new();
    for origin in (first + lookback - 1)..=(last - h) {
        let behind: Vec<(f64, f64)> = by_day
            .range(origin - lookback + 1..=origin)
            .map(|(_, v)| *v)
            .collect();
        let ahead: Vec<(f64, f64)> = by_day
            .range(origin + 1..=origin + h)
            .map(|(_, v)| *v)
            .collect();
        if 2 * behind.len() < LEVEL_DAYS || 2 * ahead.len() < h as usize {
            continue;
        }
        let mean = |days: &[(f64, f64)]| {
            days.iter().map(|(_, l)| l.exp()).sum::<f64>() / days.len() as f64
        };
        let centre =
            |days: &[(f64, f64)]| days.iter().map(|(t, _)| t).sum::<f64>() / days.len() as f64;
        let past: Vec<(f64, f64)> = by_day.range(..=origin).map(|(_, v)| *v).collect();
        let slope = shrunk_slope(&past, None);
        let predicted = mean(&behind) * (slope * (centre(&ahead) - centre(&behind))).exp();
        let actual = mean(&ahead);
        if predicted > 0.0 && actual > 0.0 {
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

/// The daily log slope the fit forecasts with from `daily` (time in days, ln level): the trend's
/// monthly rate shrunk toward 0 ([`shrink_growth`]), back to a rate a day; 0 with fewer than
/// `MIN_TREND_DAYS` days.
pub fn shrunk_slope(daily: &[(f64, f64)], given_sd: Option<f64>) -> f64 {
    let trend = super::shape::fit_trend(daily);
    if !trend.slope_per_day.se.is_finite() {
        return 0.0;
    }
    let g = shrink_growth(monthly_rate(trend.slope_per_day), true, given_sd)
        .growth
        .value;
    (1.0 + g).max(1e-9).ln() / DAYS_PER_MONTH
}

/// Variance multiplier of a level error from a window of `from_days` to one of `to_days`: the
/// distance from the middle of the week that set the level to the middle of the window,
/// (7 + days) / 2, as a random walk's variance grows.
fn horizon_variance_factor(from_days: f64, to_days: f64) -> f64 {
    let week = LEVEL_DAYS as f64;
    (week + to_days) / (week + from_days)
}

/// The prior of a history: `PRIOR_SCALE` × the day-to-day spread of its log daily totals
/// (complete days only), at least `PRIOR_FLOOR`. Weekday effects are not wander, so the spread is
/// taken, as the history allows: with a weekday profile, as the sd of the last seven days'
/// totals divided by their weekday weights; with two weeks, as √(½·mean (ℓ_{d+7} − ℓ_d)²) over
/// days a week apart (same weekday); with one week, as the sd of its seven totals, weekdays left
/// in. The constant `PRIOR_LEVEL_SIGMA` with fewer than `PRIOR_MIN_DAYS` complete days.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Prior {
    pub sigma: f64,
    /// The day-to-day spread it scales (None: the constant prior).
    pub day_to_day_sd: Option<f64>,
    /// "weekday-adjusted days", "days a week apart", "days, weekdays left in", or "constant".
    pub spread: &'static str,
    pub days: usize,
}

/// The prior of the history `input` (hourly, from `start_epoch_hour`; `observed` false where an
/// hour has no data), with the fit's weekday weights `day_of_week` when it has them.
pub fn prior(
    input: &[f64],
    observed: &[bool],
    start_epoch_hour: i64,
    day_of_week: Option<[f64; 7]>,
) -> Prior {
    let first_day = start_epoch_hour.div_euclid(24);
    let last_day = (start_epoch_hour + input.len() as i64 - 1).div_euclid(24);
    // ln of each complete day's total, divided by its weekday weight when there is one.
    let log_total = |day: i64| {
        let from = usize::try_from(day * 24 - start_epoch_hour).ok()?;
        if from + 24 > input.len() || !observed[from..from + 24].iter().all(|o| *o) {
            return None;
        }
        let weekday = day_of_week.map_or(1.0, |w| w[crate::traffic::time::day_of_week(day * 24)]);
        let total = input[from..from + 24].iter().sum::<f64>() / weekday.max(1e-12);
        (total > 0.0).then(|| total.ln())
    };
    let sd = |values: &[f64]| {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        (values.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    };
    let week: Vec<f64> = ((last_day - LEVEL_DAYS as i64 + 1).max(first_day)..=last_day)
        .filter_map(log_total)
        .collect();
    let pairs: Vec<f64> = (first_day..=last_day - 7)
        .filter_map(|d| Some(log_total(d + 7)? - log_total(d)?))
        .collect();
    let (spread, day_to_day, days) = if day_of_week.is_some() && week.len() >= PRIOR_MIN_DAYS {
        ("weekday-adjusted days", sd(&week), week.len())
    } else if pairs.len() >= LEVEL_DAYS {
        let semivariance = 0.5 * pairs.iter().map(|d| d * d).sum::<f64>() / pairs.len() as f64;
        ("days a week apart", semivariance.sqrt(), pairs.len())
    } else if week.len() >= PRIOR_MIN_DAYS {
        ("days, weekdays left in", sd(&week), week.len())
    } else {
        return Prior {
            sigma: PRIOR_LEVEL_SIGMA,
            day_to_day_sd: None,
            spread: "constant",
            days: week.len(),
        };
    };
    Prior {
        sigma: (PRIOR_SCALE * day_to_day).max(PRIOR_FLOOR),
        day_to_day_sd: Some(day_to_day),
        spread,
        days,
    }
}

/// The level uncertainty for a forecast of `horizon_hours`, from the measured `errors` (if
/// any) and the history's `prior`; `given` (`--level-sigma`) replaces it.
pub fn level_uncertainty(
    errors: Option<ForecastErrors>,
    prior: Prior,
    horizon_hours: usize,
    given: Option<f64>,
) -> LevelUncertainty {
    let horizon_days = horizon_hours as f64 / 24.0;
    let window = errors.as_ref().map_or_else(
        || horizon_days.min(ERROR_WINDOW_DAYS as f64),
        |e| e.window_days as f64,
    );
    // The prior is a week-ahead figure: on the window's scale first.
    let prior_var = prior.sigma.powi(2) * horizon_variance_factor(ERROR_WINDOW_DAYS as f64, window);
    let (n, measured_var) = errors
        .as_ref()
        .map_or((0.0, 0.0), |e| (e.effective, e.rms_log_error.powi(2)));
    let combined_var = (PRIOR_WEIGHT * prior_var + n * measured_var) / (PRIOR_WEIGHT + n);
    let dof = T_DOF_PRIOR + n;
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
        prior,
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
/// τ·se/√(τ² + se²) — never above τ, whatever a short history's SE. With `kept` false the mean
/// is 0. `given` (`--growth-sd`) replaces the sd.
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
        let e = forecast_errors(&days(&levels), 7, 0.0).unwrap();
        assert_eq!(e.origins, 1);
        assert!((e.rms_log_error - 1.5f64.ln()).abs() < 1e-12);
        assert_eq!(e.effective, 1.0);
        // Fifteen days: origins 6 and 7; the second's past week holds one day at 150, its
        // window ahead seven.
        levels.push(150.0);
        let e = forecast_errors(&days(&levels), 7, 0.0).unwrap();
        assert_eq!(e.origins, 2);
        let second = (150.0f64 / ((6.0 * 100.0 + 150.0) / 7.0)).ln();
        let rms = ((1.5f64.ln().powi(2) + second * second) / 2.0).sqrt();
        assert!((e.rms_log_error - rms).abs() < 1e-12);
        assert!((e.effective - (1.0 + 1.0 / 7.0)).abs() < 1e-12);
    }

    #[test]
    fn a_steady_trend_is_carried_forward_and_leaves_no_error() {
        // 1% a day for 40 days, noiseless: from 14 days behind an origin, the trend's SE is 0,
        // so it is not shrunk and the last week's mean carried to the next week's middle hits
        // it exactly; the 7 origins with 7 to 13 days behind them have no trend, and the flat
        // last-week mean lags by 7 days: ln error 0.07. RMS over the 27 origins: 0.07·√(7/27).
        let levels: Vec<f64> = (0..40).map(|d| 100.0 * (0.01 * d as f64).exp()).collect();
        let e = forecast_errors(&days(&levels), 7, 0.0).unwrap();
        assert_eq!(e.origins, 27);
        assert!(
            (e.rms_log_error - 0.07 * (7.0f64 / 27.0).sqrt()).abs() < 1e-9,
            "{e:?}"
        );
        // Before 14 days there is no trend: the flat last-week mean lags by 7 days, ln error
        // 0.07, at the origins that have only 7 to 13 days behind them.
        let short = forecast_errors(&days(&levels[..20]), 7, 0.0).unwrap();
        assert!((short.mean_log_error - 0.07).abs() < 0.002, "{short:?}");
    }

    /// Hourly input: `days` complete days whose totals are `totals` (24 equal hours each).
    fn hours(totals: &[f64]) -> (Vec<f64>, Vec<bool>) {
        let input: Vec<f64> = totals.iter().flat_map(|t| [t / 24.0; 24]).collect();
        let seen = vec![true; input.len()];
        (input, seen)
    }

    fn constant_prior(sigma: f64) -> Prior {
        Prior {
            sigma,
            day_to_day_sd: None,
            spread: "constant",
            days: 0,
        }
    }

    #[test]
    fn the_prior_scales_the_day_to_day_spread_the_history_allows() {
        let start = crate::traffic::time::DEFAULT_START_EPOCH_HOUR; // a Monday
        // One week: the sd of the seven log totals, weekdays left in.
        let week = [100.0, 120.0, 110.0, 90.0, 100.0, 50.0, 60.0];
        let (input, seen) = hours(&week);
        let p = prior(&input, &seen, start, None);
        let logs: Vec<f64> = week.iter().map(|t: &f64| t.ln()).collect();
        let mean = logs.iter().sum::<f64>() / 7.0;
        let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / 6.0).sqrt();
        assert_eq!(p.spread, "days, weekdays left in");
        assert!((p.sigma - PRIOR_SCALE * sd).abs() < 1e-12);
        // Two weeks of the same weekly shape, 10% higher: the days a week apart differ by
        // ln 1.1 each, √(½ ln² 1.1); the weekend dip is not wander.
        let two: Vec<f64> = week
            .iter()
            .chain(week.iter())
            .enumerate()
            .map(|(d, t)| if d < 7 { *t } else { t * 1.1 })
            .collect();
        let (input, seen) = hours(&two);
        let p = prior(&input, &seen, start, None);
        assert_eq!(p.spread, "days a week apart");
        assert!((p.sigma - PRIOR_SCALE * (0.5f64).sqrt() * 1.1f64.ln()).abs() < 1e-12);
        // With the weekday weights, the last week's totals divided by them are flat: the floor.
        let weights = [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5];
        let shaped: Vec<f64> = (0..7).map(|d| 100.0 * weights[d]).collect();
        let (input, seen) = hours(&shaped);
        let p = prior(&input, &seen, start, Some(weights));
        assert_eq!((p.spread, p.sigma), ("weekday-adjusted days", PRIOR_FLOOR));
        // Days with a missing hour do not count; with fewer than four complete, the constant.
        let (input, mut seen) = hours(&week);
        for d in 0..4 {
            seen[d * 24 + 3] = false;
        }
        assert_eq!(prior(&input, &seen, start, None).sigma, PRIOR_LEVEL_SIGMA);
    }

    #[test]
    fn without_errors_the_prior_is_reported_widened_and_scaled() {
        let u = level_uncertainty(None, constant_prior(0.3), 168, None);
        assert_eq!(u.source, "prior");
        assert_eq!(u.combined_sigma, 0.3);
        // ν = 4: t(0.9, 4) / z(0.9) = 1.533 / 1.2816.
        assert!((u.t_factor - 1.533 / 1.2816).abs() < 0.005);
        assert!((u.sigma - 0.3 * u.t_factor).abs() < 1e-12);
        // A month ahead: the variance grows by (7 + 30.42) / 14.
        let month = level_uncertainty(None, constant_prior(0.3), 730, None);
        let factor = ((7.0 + 730.0 / 24.0) / 14.0f64).sqrt();
        assert!((month.horizon_factor - factor).abs() < 1e-12);
        // A given sigma is used as it is.
        assert_eq!(
            level_uncertainty(None, constant_prior(0.3), 168, Some(0.1)).sigma,
            0.1
        );
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
        let u = level_uncertainty(Some(errors), constant_prior(0.25), 168, None);
        assert_eq!(u.source, "history");
        // (1 × 0.25² + 58 × 0.05²) / 59, widened by t(0.9, 62) / z(0.9).
        let combined = ((0.0625 + 58.0 * 0.0025) / 59.0f64).sqrt();
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
