//! `ptsim fit` (docs: "Fitting traffic from history"): a history's hourly input tokens
//! decomposed into the parametric model — profiles, level, trend, noise, bursts — with standard
//! errors; the forecast uncertainty of the level from the history's own rolling-origin errors
//! and a prior (`level`); the output/input mix hour by hour (`ratio`); goodness-of-fit figures.
//! Missing hours are left out of every estimate. No I/O: the command reads the history and
//! writes the results.

pub mod check;
pub mod dist;
pub mod gaps;
pub mod level;
pub mod noise;
pub mod ratio;
pub mod shape;
pub mod writer;

use serde::Serialize;

use crate::history::{GapPolicy, HourlySeries};
use crate::traffic::{EmpiricalNoise, Noise, Parametric};
use level::{GrowthShrinkage, LevelUncertainty};
use noise::NoiseFit;
use ratio::RatioFit;
use shape::{Estimate, Shape};

/// Whether a day-of-week profile is fitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Weekly {
    /// From three weeks of history (`shape::MIN_WEEKLY_DAYS` days with data) on.
    #[default]
    Auto,
    On,
    Off,
}

/// The noise a fitted scenario is written with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum NoiseChoice {
    /// The residuals' own quantiles (`noise = "empirical"`): no tail the history did not show.
    #[default]
    Empirical,
    /// The likelier of lognormal and gamma.
    Parametric,
}

/// What a fit is for and what the user fixed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    /// Hours forecast after the history: the level uncertainty is for a window this long.
    pub horizon_hours: usize,
    pub weekly: Weekly,
    /// `--level-sigma`: the per-trial level log-sd, instead of the estimate.
    pub level_sigma: Option<f64>,
    /// `--growth-sd`: the sd of monthly growth, instead of the estimate.
    pub growth_sd: Option<f64>,
    pub gaps: GapPolicy,
    pub noise: NoiseChoice,
}

impl FitOptions {
    /// Estimates everything, for a forecast of `horizon_hours`.
    pub fn for_horizon(horizon_hours: usize) -> Self {
        FitOptions {
            horizon_hours,
            weekly: Weekly::Auto,
            level_sigma: None,
            growth_sd: None,
            gaps: GapPolicy::Missing,
            noise: NoiseChoice::Empirical,
        }
    }
}

/// The hours of the history the fit saw and how missing ones were treated.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Coverage {
    pub hours: usize,
    pub observed_hours: usize,
    pub missing_hours: usize,
    pub gaps: usize,
    pub longest_gap_hours: usize,
    pub policy: GapPolicy,
    /// Hours filled by `--fill-gaps` (0 otherwise).
    pub filled_hours: usize,
}

/// Everything estimated from one history.
#[derive(Clone, Debug, Serialize)]
pub struct Fit {
    pub start: String,
    pub end: String,
    pub hours: usize,
    pub coverage: Coverage,
    pub shape: Shape,
    /// Why the day-of-week profile was fitted or left flat.
    pub weekly_verdict: String,
    pub noise: NoiseFit,
    /// Monthly growth written: the trend's shrunk toward 0 (0 when dropped), and its sd.
    pub growth_per_month: Estimate,
    pub growth: GrowthShrinkage,
    /// Log-sd of the per-trial level (`level.sigma`).
    pub level_sigma: f64,
    pub level: LevelUncertainty,
    /// The forecast window `level_sigma` is for, hours.
    pub level_horizon_hours: usize,
    /// Days between the daily levels of `level_semivariance` (a diagnostic of wander).
    pub level_lag_days: usize,
    /// The semivariance of daily log-levels that far apart.
    pub level_semivariance: f64,
    /// Daily log-level variance the hourly noise alone would give.
    pub noise_daily_log_variance: f64,
    /// Input tokens per hour at the end of the history, bursts taken out (they are simulated).
    pub input_tokens_per_hour: Estimate,
    /// Σ output / Σ input, and the CV of the daily ratio.
    pub output_ratio: f64,
    pub output_ratio_daily_cv: f64,
    /// The hourly mix: spread and autocorrelation of ln(output / input).
    pub output_mix: RatioFit,
    /// Mean input and output tokens per request, when the history counts requests.
    pub tokens_per_request: Option<(f64, f64)>,
    /// Share of input tokens read from the prompt cache, when the history has it.
    pub cache_hit_share: Option<f64>,
    /// The within-hour spread of a sub-hourly history: a suggested `intra_hour_cv`.
    pub intra_hour_cv: Option<f64>,
}

impl Fit {
    /// The parametric workload of the fit, from the end of the history on.
    pub fn parametric(&self) -> Parametric {
        self.parametric_from(
            self.input_tokens_per_hour.value,
            (self.growth_per_month.value, self.growth_per_month.se),
            self.level_sigma,
        )
    }

    /// The fitted shape, noise and mix with the given level, growth (mean, sd) and level sigma.
    pub fn parametric_from(&self, input: f64, growth: (f64, f64), level_sigma: f64) -> Parametric {
        let n = &self.noise;
        let table = self.empirical_noise();
        let parametric = Parametric::new(
            input,
            input * self.output_ratio,
            self.shape.hour_of_day.map(|e| e.value),
            self.shape.day_of_week.map(|e| e.value),
            n.chosen,
            n.cv.value,
            if table.is_some() {
                n.empirical_ar1.value
            } else {
                n.ar1.value
            },
            growth,
            level_sigma,
            n.parametric_bursts(),
        )
        .with_output_mix(self.output_mix_cv(), self.output_mix.ar1.value)
        .with_output_cycle(self.output_cycle())
        .with_weekend_shape(self.shape.hour_of_day_weekend.map(|w| w.map(|e| e.value)));
        match table {
            Some(t) => parametric.with_empirical_noise(t),
            None => parametric,
        }
    }

    /// The empirical noise the scenario is written with, if that is the noise written.
    pub fn empirical_noise(&self) -> Option<EmpiricalNoise> {
        (self.noise.written == Noise::Empirical)
            .then(|| EmpiricalNoise::new(&self.noise.quantiles, Some(self.noise.tail_index)).ok())
            .flatten()
    }

    /// The daily cycle of the mix written, None when it is flat within 2% at every hour.
    pub fn output_cycle(&self) -> Option<[f64; 24]> {
        let cycle = self.output_mix.hour_of_day;
        cycle
            .iter()
            .any(|w| (w - 1.0).abs() > 0.02)
            .then_some(cycle)
    }

    /// The mix CV a scenario accepts: 0 below 0.001 (as noise CVs are), at most 4.
    pub fn output_mix_cv(&self) -> f64 {
        let cv = self.output_mix.cv;
        if cv < 0.001 { 0.0 } else { cv.min(4.0) }
    }

    /// The mean multiplier the simulated bursts add: 1 + rate × hours × (multiplier − 1) / 24;
    /// the level is divided by it, so that the bursts (the prior's too) keep the mean.
    pub fn burst_factor(&self) -> f64 {
        self.noise.parametric_bursts().map_or(1.0, |b| {
            1.0 + b.per_day * f64::from(b.hours) * (b.multiplier - 1.0) / 24.0
        })
    }
}

/// Fits a history's input tokens for a forecast of `options.horizon_hours` after it; the output
/// follows as the hourly mix. Missing hours are excluded, read as zero, or filled first, as
/// `options.gaps` says.
pub fn fit_history(series: &HourlySeries, options: &FitOptions) -> Result<Fit, String> {
    let gaps = series.gaps();
    let (series, filled_hours) = apply_gaps(series, options.gaps);
    let seen = &series.observed;
    let total_in: f64 = series
        .input
        .iter()
        .zip(seen)
        .filter(|(_, s)| **s)
        .map(|(v, _)| v)
        .sum();
    if total_in <= 0.0 {
        return Err("the history has no input tokens".to_string());
    }
    let observed_days = series.observed_hours() as f64 / 24.0;
    let weekly = match options.weekly {
        Weekly::On => true,
        Weekly::Off => false,
        Weekly::Auto => observed_days >= shape::MIN_WEEKLY_DAYS as f64,
    };
    let weekly_verdict = match (options.weekly, weekly) {
        (Weekly::On, _) => "fitted (--weekly on)".to_string(),
        (Weekly::Off, _) => "flat (--weekly off)".to_string(),
        (Weekly::Auto, true) => format!(
            "fitted: {observed_days:.0} days of data (at least {} needed)",
            shape::MIN_WEEKLY_DAYS
        ),
        (Weekly::Auto, false) => format!(
            "flat: {observed_days:.0} days of data; a weekday profile needs at least {} (three \
             of each weekday; --weekly on fits one anyway)",
            shape::MIN_WEEKLY_DAYS
        ),
    };
    let y = masked(&series.input, seen);
    let shape = shape::decompose(&y, series.start_epoch_hour, weekly);
    // Hourly noise around the level of its week: the level's wander is the level uncertainty's.
    let local = shape.local_level(series.start_epoch_hour, series.len());
    let residuals: Vec<f64> = y
        .iter()
        .zip(&shape.baseline)
        .zip(&local)
        .map(|((y, b), l)| if *b > 0.0 { y / (b * l) } else { f64::NAN })
        .collect();
    let mut noise = noise::fit_noise(&residuals, observed_days)?;
    if options.noise == NoiseChoice::Parametric || noise.chosen == Noise::None {
        noise.written = noise.chosen;
    }

    let trend_rate = if shape.trend.slope_per_day.se.is_finite() {
        level::monthly_rate(shape.trend.slope_per_day)
    } else {
        Estimate {
            value: f64::NAN,
            se: f64::NAN,
        }
    };
    // The trend is always forecast shrunk toward 0: a short history's (dropped, noisy) trend
    // all but vanishes, a long history's (kept, precise) one stays.
    let growth = level::shrink_growth(trend_rate, true, options.growth_sd);
    let noise_daily_log_variance = daily_noise_variance(&noise);
    let window_days = (options.horizon_hours / 24).clamp(1, level::ERROR_WINDOW_DAYS);
    let errors = level::forecast_errors(
        &shape.daily_log_levels,
        window_days,
        noise_daily_log_variance,
    );
    let prior = level::prior(
        &series.input,
        seen,
        series.start_epoch_hour,
        shape.weekly.then(|| shape.day_of_week.map(|e| e.value)),
    );
    let level = level::level_uncertainty(errors, prior, options.horizon_hours, options.level_sigma);
    // The semivariance of daily levels half the way to the horizon: a diagnostic of wander.
    let span = shape
        .daily_residuals
        .last()
        .zip(shape.daily_residuals.first())
        .map_or(0, |(l, f)| (l.0 - f.0) as usize);
    let level_lag_days = (options.horizon_hours.div_ceil(24) + 7)
        .div_ceil(2)
        .clamp(1, span.max(1));
    let level_semivariance = (1..=level_lag_days)
        .rev()
        .find_map(|lag| shape.semivariance(lag))
        .unwrap_or(shape.daily_log_variance);

    let output_mix = ratio::fit_ratio(&series.input, &series.output, seen, series.start_epoch_hour);
    let sum_seen = |v: &[f64]| {
        v.iter()
            .zip(seen)
            .filter(|(_, s)| **s)
            .map(|(v, _)| v)
            .sum::<f64>()
    };
    let total_out = sum_seen(&series.output);
    let tokens_per_request = series.requests.as_ref().and_then(|r| {
        let n = sum_seen(r);
        (n > 0.0).then(|| (total_in / n, total_out / n))
    });
    let cache_hit_share = series.cache_read.as_ref().map(|c| sum_seen(c) / total_in);
    let mut fit = Fit {
        start: crate::traffic::time::format_epoch_hour(series.start_epoch_hour),
        end: series.end_label(),
        hours: series.len(),
        coverage: Coverage {
            hours: series.len(),
            observed_hours: series.observed_hours(),
            missing_hours: gaps.missing_hours,
            gaps: gaps.runs,
            longest_gap_hours: gaps.longest.map_or(0, |(_, l)| l),
            policy: options.gaps,
            filled_hours,
        },
        shape,
        weekly_verdict,
        noise,
        growth_per_month: growth.growth,
        growth,
        level_sigma: level.sigma,
        level,
        level_horizon_hours: options.horizon_hours,
        level_lag_days,
        level_semivariance,
        noise_daily_log_variance,
        input_tokens_per_hour: Estimate {
            value: 0.0,
            se: 0.0,
        },
        output_ratio: output_mix.mean,
        output_ratio_daily_cv: output_mix.daily_cv,
        output_mix,
        tokens_per_request,
        cache_hit_share,
        intra_hour_cv: series.sub_hourly.map(|s| s.intra_hour_cv),
    };
    // The level now: the last week's, carried to the end of the history by the shrunk growth.
    let factor = fit.burst_factor();
    let carried = (fit.growth_per_month.value.max(-0.99) + 1.0).ln() / shape::DAYS_PER_MONTH
        * fit.shape.recent_days_before_end;
    fit.input_tokens_per_hour = Estimate {
        value: fit.shape.level_recent.value * carried.exp() / factor,
        se: fit.shape.level_recent.se * carried.exp() / factor,
    };
    Ok(fit)
}

/// The series as `policy` treats its missing hours (kept missing, read as zero, or filled) and
/// how many were filled.
pub fn apply_gaps(series: &HourlySeries, policy: GapPolicy) -> (HourlySeries, usize) {
    match policy {
        GapPolicy::Missing => (series.clone(), 0),
        GapPolicy::Zero => (series.clone().with_gaps_as_zero(), 0),
        GapPolicy::Interpolate => (gaps::fill(series), series.gaps().missing_hours),
    }
}

/// `values` with NaN where the hour is not observed: the form the estimators read.
pub fn masked(values: &[f64], observed: &[bool]) -> Vec<f64> {
    values
        .iter()
        .zip(observed)
        .map(|(v, seen)| if *seen { *v } else { f64::NAN })
        .collect()
}

/// Variance of the log of a day's mean noise multiplier: cv²/24² · Σᵢⱼ ρₘ^|i−j| over the 24
/// hours, ρₘ the autocorrelation of the multipliers (for lognormal noise
/// (e^{σ²ρ} − 1)/(e^{σ²} − 1); the normal-score ρ for gamma).
fn daily_noise_variance(noise: &NoiseFit) -> f64 {
    let cv = noise.cv.value;
    if noise.chosen == Noise::None || cv == 0.0 {
        return 0.0;
    }
    let rho = noise.ar1.value;
    let rho_m = match noise.chosen {
        Noise::Lognormal => {
            let s2 = (1.0 + cv * cv).ln();
            (s2 * rho).exp_m1() / s2.exp_m1()
        }
        _ => rho,
    };
    let sum: f64 = (0..24)
        .flat_map(|i: i32| (0..24).map(move |j: i32| rho_m.powi((i - j).abs())))
        .sum();
    cv * cv * sum / 576.0
}

#[cfg(test)]
mod tests;
