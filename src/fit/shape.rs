//! The deterministic part of a history (docs/model.md §5.2, the parametric model of §7): hour-of-day and
//! day-of-week profiles (multiplicative, mean 1), a log-linear trend of the daily level kept only
//! when significant, the level now, and the day-to-day wander of the level.

use serde::Serialize;

use crate::traffic::time::{day_of_week, hour_of_day};

/// A value with its standard error (NaN where it cannot be estimated).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
}

/// Fewest days with a level before a trend is even tried.
pub const MIN_TREND_DAYS: usize = 14;
/// |slope| / SE above which the trend is kept (about 95% two-sided).
pub const TREND_Z: f64 = 2.0;
/// Days averaged for the level when there is no trend.
pub const LEVEL_DAYS: usize = 7;
/// Days in the centred window of [`Shape::local_level`].
pub const SMOOTH_DAYS: usize = 7;
/// Days in a month (730 hours).
pub const DAYS_PER_MONTH: f64 = 730.0 / 24.0;

/// The log-linear trend of daily levels: `ln level_d = a + b·t_d` (t in days from the start).
#[derive(Clone, Debug, Serialize)]
pub struct Trend {
    /// Days the regression used.
    pub days: usize,
    pub intercept: f64,
    /// b, per day, and its standard error (autocorrelation-corrected); NaN when not fitted.
    pub slope_per_day: Estimate,
    pub kept: bool,
    /// Why the trend was dropped or kept, for the report.
    pub verdict: String,
}

/// Profiles, trend and level of one hourly series.
#[derive(Clone, Debug, Serialize)]
pub struct Shape {
    /// Weekdays' daily shape, or every day's when the weekend has none of its own.
    pub hour_of_day: [Estimate; 24],
    /// Saturdays' and Sundays' daily shape, where it differs from the weekdays'.
    pub hour_of_day_weekend: Option<[Estimate; 24]>,
    pub day_of_week: [Estimate; 7],
    /// Whether the day-of-week profile was fitted (else it is flat).
    pub weekly: bool,
    pub trend: Trend,
    /// Mean tokens per hour over the history (profiles at 1).
    pub level_mean: f64,
    /// Tokens per hour at the end of the history: the trend line there, or the mean of the last
    /// `LEVEL_DAYS` days.
    pub level_end: Estimate,
    /// Mean tokens per hour of the last `LEVEL_DAYS` days with a level (profiles at 1), and how
    /// many days before the end of the history their middle lies.
    pub level_recent: Estimate,
    pub recent_days_before_end: f64,
    /// Tokens per hour at the start of the history (the trend line, or `level_mean`).
    pub level_start: f64,
    /// Variance of the daily log-levels around the trend line (or their mean).
    pub daily_log_variance: f64,
    /// Days behind `daily_log_variance`.
    pub days: usize,
    /// Each day's log-level less the trend line (or the mean), by calendar day (0 = the day of
    /// the history's first hour).
    #[serde(skip)]
    pub daily_residuals: Vec<(i64, f64)>,
    /// Each day's time (days from the start, at the mean of its hours with data) and log-level
    /// (profiles taken out), for days with at least 12 hours of data.
    #[serde(skip)]
    pub daily_log_levels: Vec<(f64, f64)>,
    /// Expected tokens in each hour: level line × hour-of-day × day-of-week.
    #[serde(skip)]
    pub baseline: Vec<f64>,
}

/// Mean and standard error of the mean (NaN for fewer than two values).
fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n.max(1.0);
    if values.len() < 2 {
        return (mean, f64::NAN);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Scales estimates to mean 1 (value and SE alike).
fn normalised<const N: usize>(raw: [(f64, f64); N]) -> [Estimate; N] {
    let mean = raw.iter().map(|r| r.0).sum::<f64>() / N as f64;
    let scale = if mean > 0.0 { 1.0 / mean } else { 0.0 };
    raw.map(|(v, se)| Estimate {
        value: v * scale,
        se: se * scale,
    })
}

/// Fewest days with a level before a day-of-week profile is fitted by default: three of each
/// weekday; from fewer, a weekly cycle is mostly the noise of the days it was fitted on.
pub const MIN_WEEKLY_DAYS: usize = 21;

/// Decomposes the hourly series `y` starting at `start_epoch_hour`; NaN marks a missing hour,
/// which no estimate reads. With `weekly` false the day-of-week profile stays flat.
pub fn decompose(y: &[f64], start_epoch_hour: i64, weekly: bool) -> Shape {
    let n = y.len();
    let first_day = start_epoch_hour.div_euclid(24);
    let day_of = |h: usize| ((start_epoch_hour + h as i64).div_euclid(24) - first_day) as usize;
    let days = day_of(n.saturating_sub(1)) + 1;
    let hour_k = |h: usize| hour_of_day(start_epoch_hour + h as i64);
    let week_w = |h: usize| day_of_week(start_epoch_hour + h as i64);
    let t_of = |h: usize| (h as f64 + 0.5) / 24.0;

    let is_weekend = |h: usize| week_w(h) >= 5;
    let mut line = vec![1.0; n]; // relative trend, mean about 1
    let flat = [Estimate {
        value: 1.0,
        se: 0.0,
    }; 24];
    let mut hod = flat;
    // The weekend's own daily shape, where it differs (decided on the first pass).
    let mut hod_weekend: Option<[Estimate; 24]> = None;
    let weight = |h: usize, hod: &[Estimate; 24], weekend: &Option<[Estimate; 24]>| match weekend {
        Some(w) if is_weekend(h) => w[hour_k(h)].value,
        _ => hod[hour_k(h)].value,
    };
    let mut dow = [Estimate {
        value: 1.0,
        se: 0.0,
    }; 7];
    let mut trend = Trend {
        days: 0,
        intercept: 0.0,
        slope_per_day: Estimate {
            value: f64::NAN,
            se: f64::NAN,
        },
        kept: false,
        verdict: String::new(),
    };
    let mut daily: Vec<(f64, f64)> = Vec::new(); // (t, ln level) of days with a level
    let mut daily_days: Vec<i64> = Vec::new(); // their calendar day, 0 = the history's first
    for pass in 0..3 {
        // Hour of day: each hour's values over the days, weekly shape and trend removed; apart
        // for weekdays and weekends.
        let mut by_hour: Vec<Vec<f64>> = vec![Vec::new(); 48];
        for h in (0..n).filter(|h| y[*h].is_finite()) {
            let at = hour_k(h) + if is_weekend(h) { 24 } else { 0 };
            by_hour[at].push(y[h] / (line[h] * dow[week_w(h)].value));
        }
        let both: Vec<Vec<f64>> = (0..24)
            .map(|k| [by_hour[k].clone(), by_hour[24 + k].clone()].concat())
            .collect();
        let weekday = normalised(std::array::from_fn(|k| mean_se(&by_hour[k])));
        let weekend = normalised(std::array::from_fn(|k| mean_se(&by_hour[24 + k])));
        if pass == 0 {
            let days_of = |weekend: bool| {
                let mut d: Vec<usize> = (0..n)
                    .filter(|h| y[*h].is_finite() && is_weekend(*h) == weekend)
                    .map(day_of)
                    .collect();
                d.dedup();
                d.len()
            };
            let enough = days_of(true) >= 2 && days_of(false) >= 3;
            hod_weekend = (enough && shapes_differ(&weekday, &weekend)).then_some(weekend);
        }
        match hod_weekend {
            Some(_) => {
                hod = weekday;
                hod_weekend = Some(weekend);
            }
            None => hod = normalised(std::array::from_fn(|k| mean_se(&both[k]))),
        }
        // Each day's level with the daily shape removed; days with half their hours or more.
        let mut sums = vec![(0.0, 0.0, 0usize); days];
        for h in (0..n).filter(|h| y[*h].is_finite()) {
            let s = &mut sums[day_of(h)];
            s.0 += y[h] / weight(h, &hod, &hod_weekend).max(1e-12);
            s.1 += t_of(h);
            s.2 += 1;
        }
        let mut by_weekday: Vec<Vec<f64>> = vec![Vec::new(); 7];
        let mut levels = Vec::new();
        let (slope, centre) = (trend_slope(&trend), mid(&daily));
        for (d, &(sum, t_sum, count)) in sums.iter().enumerate() {
            if count >= 12 {
                let t = t_sum / count as f64;
                let level = sum / count as f64;
                let w = day_of_week((first_day + d as i64) * 24);
                by_weekday[w].push(level / (slope * (t - centre)).exp());
                levels.push((t, level, w, d));
            }
        }
        if weekly {
            dow = normalised(std::array::from_fn(|w| mean_se(&by_weekday[w])));
        }
        let kept = || {
            levels
                .iter()
                .filter(|(_, level, w, _)| *level > 0.0 && dow[*w].value > 0.0)
        };
        daily = kept()
            .map(|(t, level, w, _)| (*t, (level / dow[*w].value).ln()))
            .collect();
        daily_days = kept().map(|l| l.3 as i64).collect();

        trend = fit_trend(&daily);
        let b = trend_slope(&trend);
        let centre = mid(&daily);
        for (h, l) in line.iter_mut().enumerate() {
            *l = (b * (t_of(h) - centre)).exp();
        }
    }

    let level_mean = {
        let seen = || (0..n).filter(|h| y[*h].is_finite());
        let denom: f64 = seen()
            .map(|h| line[h] * weight(h, &hod, &hod_weekend) * dow[week_w(h)].value)
            .sum();
        seen().map(|h| y[h]).sum::<f64>() / denom.max(1e-300)
    };
    let t_end = n as f64 / 24.0;
    let (level_start, level_end, residuals) = if trend.kept {
        let b = trend.slope_per_day.value;
        let at = |t: f64| (trend.intercept + b * t).exp();
        let res: Vec<f64> = daily
            .iter()
            .map(|(t, l)| l - (trend.intercept + b * t))
            .collect();
        let m = daily.len() as f64;
        let centre = mid(&daily);
        let sxx: f64 = daily.iter().map(|(t, _)| (t - centre).powi(2)).sum();
        let s2 = res.iter().map(|r| r * r).sum::<f64>() / (m - 2.0);
        let se_log = (s2 * (1.0 / m + (t_end - centre).powi(2) / sxx)).sqrt();
        let end = at(t_end);
        (
            at(0.0),
            Estimate {
                value: end,
                se: end * se_log,
            },
            res,
        )
    } else {
        let recent: Vec<f64> = daily
            .iter()
            .rev()
            .take(LEVEL_DAYS)
            .map(|(_, l)| l.exp())
            .collect();
        let (value, se) = mean_se(&recent);
        let mean_log = daily.iter().map(|(_, l)| l).sum::<f64>() / daily.len().max(1) as f64;
        let res = daily.iter().map(|(_, l)| l - mean_log).collect();
        (level_mean, Estimate { value, se }, res)
    };
    let recent: Vec<(f64, f64)> = daily.iter().rev().take(LEVEL_DAYS).copied().collect();
    let (recent_mean, recent_se) =
        mean_se(&recent.iter().map(|(_, l)| l.exp()).collect::<Vec<_>>());
    let recent_centre = recent.iter().map(|(t, _)| t).sum::<f64>() / recent.len().max(1) as f64;
    let k = if trend.kept { 2.0 } else { 1.0 };
    let daily_log_variance =
        residuals.iter().map(|r| r * r).sum::<f64>() / (residuals.len() as f64 - k).max(1.0);
    let residuals: Vec<f64> = residuals;
    let baseline = (0..n)
        .map(|h| {
            let level = if trend.kept {
                level_start * (trend.slope_per_day.value * t_of(h)).exp()
            } else {
                level_mean
            };
            level * weight(h, &hod, &hod_weekend) * dow[week_w(h)].value
        })
        .collect();
    Shape {
        hour_of_day: hod,
        hour_of_day_weekend: hod_weekend,
        day_of_week: dow,
        weekly,
        trend,
        level_mean,
        level_end,
        level_recent: Estimate {
            value: recent_mean,
            se: recent_se,
        },
        recent_days_before_end: t_end - recent_centre,
        level_start,
        daily_log_variance,
        days: daily.len(),
        daily_residuals: daily_days
            .iter()
            .copied()
            .zip(residuals.iter().copied())
            .collect(),
        daily_log_levels: daily,
        baseline,
    }
}

impl Shape {
    /// The slow part of each hour's level: exp of the mean daily residual over the days within
    /// `SMOOTH_DAYS / 2` of its calendar day (1 where no day has a level). Dividing it out of
    /// the residuals keeps the level's wander over weeks out of the hourly noise, which the
    /// level uncertainty accounts for.
    pub fn local_level(&self, start_epoch_hour: i64, hours: usize) -> Vec<f64> {
        let first_day = start_epoch_hour.div_euclid(24);
        let half = (SMOOTH_DAYS / 2) as i64;
        let by_day: std::collections::BTreeMap<i64, f64> =
            self.daily_residuals.iter().copied().collect();
        let last = (start_epoch_hour + hours as i64 - 1).div_euclid(24) - first_day;
        let factors: Vec<f64> = (0..=last.max(0))
            .map(|d| {
                let near: Vec<f64> = by_day.range(d - half..=d + half).map(|(_, r)| *r).collect();
                if near.is_empty() {
                    1.0
                } else {
                    (near.iter().sum::<f64>() / near.len() as f64).exp()
                }
            })
            .collect();
        (0..hours)
            .map(|h| factors[((start_epoch_hour + h as i64).div_euclid(24) - first_day) as usize])
            .collect()
    }

    /// The semivariance of daily log-levels `lag` days apart, ½·mean (r_{d+lag} − r_d)²; None
    /// without such a pair. For levels that vary independently day to day it is their variance
    /// at every lag; for a level that wanders (a random walk) it grows with the lag.
    pub fn semivariance(&self, lag: usize) -> Option<f64> {
        let by_day: std::collections::BTreeMap<i64, f64> =
            self.daily_residuals.iter().copied().collect();
        let squares: Vec<f64> = by_day
            .iter()
            .filter_map(|(d, r)| by_day.get(&(d + lag as i64)).map(|r2| (r2 - r).powi(2)))
            .collect();
        (!squares.is_empty()).then(|| 0.5 * squares.iter().sum::<f64>() / squares.len() as f64)
    }
}

/// χ² of weekday against weekend hour-of-day weights with a pooled variance per profile, above
/// which the weekend gets its own daily shape: the 99.9% point of χ² with 23 degrees of freedom
/// (24 weights less the mean fixed at 1).
const WEEKEND_CHI2: f64 = 49.7;

/// Whether two daily shapes differ beyond their noise: Σ (a − b)² / (s²_a + s²_b) with each
/// profile's mean squared SE, above `WEEKEND_CHI2`.
fn shapes_differ(a: &[Estimate; 24], b: &[Estimate; 24]) -> bool {
    let pooled = |p: &[Estimate; 24]| p.iter().map(|e| e.se * e.se).sum::<f64>() / 24.0;
    let variance = pooled(a) + pooled(b);
    if !variance.is_finite() || variance <= 0.0 {
        return false;
    }
    let chi2: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x.value - y.value).powi(2) / variance)
        .sum();
    chi2 > WEEKEND_CHI2
}

fn mid(daily: &[(f64, f64)]) -> f64 {
    daily.iter().map(|(t, _)| t).sum::<f64>() / daily.len().max(1) as f64
}

fn trend_slope(trend: &Trend) -> f64 {
    if trend.kept {
        trend.slope_per_day.value
    } else {
        0.0
    }
}

/// OLS of ln level on t with the slope's standard error inflated for autocorrelated residuals
/// (AR(1) variance factor (1 + ρ)/(1 − ρ), ρ the lag-1 autocorrelation of the residuals, when
/// positive); kept when |b| > `TREND_Z`·SE.
pub fn fit_trend(daily: &[(f64, f64)]) -> Trend {
    let m = daily.len();
    let not_fitted = |verdict: String| Trend {
        days: m,
        intercept: 0.0,
        slope_per_day: Estimate {
            value: f64::NAN,
            se: f64::NAN,
        },
        kept: false,
        verdict,
    };
    if m < MIN_TREND_DAYS {
        return not_fitted(format!(
            "not fitted: {m} days of history, a trend needs at least {MIN_TREND_DAYS}"
        ));
    }
    let centre = mid(daily);
    let mean_l = daily.iter().map(|(_, l)| l).sum::<f64>() / m as f64;
    let sxx: f64 = daily.iter().map(|(t, _)| (t - centre).powi(2)).sum();
    let sxy: f64 = daily.iter().map(|(t, l)| (t - centre) * (l - mean_l)).sum();
    let b = sxy / sxx;
    let a = mean_l - b * centre;
    let res: Vec<f64> = daily.iter().map(|(t, l)| l - a - b * t).collect();
    let s2 = res.iter().map(|r| r * r).sum::<f64>() / (m as f64 - 2.0);
    let rho = lag1(&res).clamp(0.0, 0.95);
    let se = (s2 / sxx * (1.0 + rho) / (1.0 - rho)).sqrt();
    let z = b.abs() / se;
    let kept = z > TREND_Z;
    Trend {
        days: m,
        intercept: a,
        slope_per_day: Estimate { value: b, se },
        kept,
        verdict: format!(
            "{}: slope {:+.4} per day, SE {:.4}, |slope|/SE = {:.1} ({} {TREND_Z})",
            if kept { "kept" } else { "dropped" },
            b,
            se,
            z,
            if kept { ">" } else { "≤" }
        ),
    }
}

/// Lag-1 autocorrelation of `x` (0 for fewer than three values).
pub fn lag1(x: &[f64]) -> f64 {
    if x.len() < 3 {
        return 0.0;
    }
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let var: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    let cov: f64 = x.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum();
    if var > 0.0 { cov / var } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traffic::time::DEFAULT_START_EPOCH_HOUR;

    fn series(days: usize, growth_per_day: f64) -> Vec<f64> {
        (0..days * 24)
            .map(|h| {
                let e = DEFAULT_START_EPOCH_HOUR + h as i64;
                let hod = if hour_of_day(e) < 12 { 0.5 } else { 1.5 };
                let dow = if day_of_week(e) >= 5 { 0.3 } else { 1.28 };
                1000.0 * hod * dow * (growth_per_day * h as f64 / 24.0).exp()
            })
            .collect()
    }

    #[test]
    fn noiseless_profiles_and_level_are_exact() {
        let s = decompose(&series(28, 0.0), DEFAULT_START_EPOCH_HOUR, true);
        assert!((s.hour_of_day[3].value - 0.5).abs() < 1e-9);
        assert!((s.hour_of_day[20].value - 1.5).abs() < 1e-9);
        // Weekly weights 1.28 × 5 and 0.3 × 2 have mean 1.
        assert!((s.day_of_week[6].value - 0.3).abs() < 1e-9);
        assert!((s.level_end.value - 1000.0).abs() < 1e-6);
        assert!(!s.trend.kept);
    }

    #[test]
    fn a_clean_trend_is_kept_and_a_short_history_gets_none() {
        let s = decompose(&series(42, 0.01), DEFAULT_START_EPOCH_HOUR, true);
        assert!(s.trend.kept, "{}", s.trend.verdict);
        assert!((s.trend.slope_per_day.value - 0.01).abs() < 1e-6);
        // The level at the end: 1000 × e^(0.01 × 42).
        assert!(
            // Growth within each day leaks a little into the hour-of-day weights.
            (s.level_end.value / (1000.0 * 0.42f64.exp()) - 1.0).abs() < 1e-3,
            "{} {} {:?}",
            s.level_end.value,
            s.level_start,
            s.day_of_week
        );
        let short = decompose(&series(10, 0.01), DEFAULT_START_EPOCH_HOUR, true);
        assert!(!short.trend.kept && short.trend.verdict.contains("not fitted"));
    }
}
