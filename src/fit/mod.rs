//! `ptsim fit` (SPEC §5.2): a history's hourly input tokens decomposed into the parametric
//! model of SPEC §7 — profiles, level, trend, noise, bursts — with standard errors, the
//! per-trial level uncertainty from the wander of daily levels, the output/input ratio, and
//! goodness-of-fit figures. No I/O: the command reads the history and writes the results.

pub mod check;
pub mod dist;
pub mod noise;
pub mod shape;
pub mod writer;

use serde::Serialize;

use crate::history::HourlySeries;
use crate::traffic::{Noise, Parametric};
use noise::NoiseFit;
use shape::{DAYS_PER_MONTH, Estimate, Shape};

/// Everything estimated from one history.
#[derive(Clone, Debug, Serialize)]
pub struct Fit {
    pub start: String,
    pub end: String,
    pub hours: usize,
    pub shape: Shape,
    pub noise: NoiseFit,
    /// Monthly growth: the trend's, or 0 when it was dropped; sd from the trend's SE.
    pub growth_per_month: Estimate,
    /// Log-sd of the per-trial level: the semivariance of daily log-levels `level_lag_days`
    /// apart, less what hourly noise explains.
    pub level_sigma: f64,
    /// Days between the levels compared: half the way from the middle of the last week to the
    /// end of the horizon, ⌈(horizon days + 7) / 2⌉, at most the history's span.
    pub level_lag_days: usize,
    /// The semivariance at that lag (before the noise is taken out).
    pub level_semivariance: f64,
    /// Daily log-level variance the hourly noise alone would give.
    pub noise_daily_log_variance: f64,
    /// Input tokens per hour at the end of the history, bursts taken out (they are simulated).
    pub input_tokens_per_hour: Estimate,
    /// Σ output / Σ input, and the CV of the daily ratio.
    pub output_ratio: f64,
    pub output_ratio_daily_cv: f64,
    /// Mean input and output tokens per request, when the history counts requests.
    pub tokens_per_request: Option<(f64, f64)>,
    /// Share of input tokens read from the prompt cache, when the history has it.
    pub cache_hit_share: Option<f64>,
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

    /// The fitted shape and noise with the given level, growth (mean, sd) and level sigma.
    pub fn parametric_from(&self, input: f64, growth: (f64, f64), level_sigma: f64) -> Parametric {
        Parametric::new(
            input,
            input * self.output_ratio,
            self.shape.hour_of_day.map(|e| e.value),
            self.shape.day_of_week.map(|e| e.value),
            self.noise.chosen,
            self.noise.cv.value,
            self.noise.ar1.value,
            growth,
            level_sigma,
            self.noise.parametric_bursts(),
        )
    }

    /// The mean multiplier bursts add: 1 + rate × hours × (multiplier − 1) / 24.
    pub fn burst_factor(&self) -> f64 {
        self.noise.bursts.map_or(1.0, |b| {
            1.0 + b.per_day * f64::from(b.hours) * (b.multiplier - 1.0) / 24.0
        })
    }
}

/// Fits a history's input tokens for a forecast of `horizon_hours` after it; the output follows
/// as a ratio (the parametric model gives both the same multipliers).
pub fn fit_history(series: &HourlySeries, horizon_hours: usize) -> Result<Fit, String> {
    let total_in: f64 = series.input.iter().sum();
    if total_in <= 0.0 {
        return Err("the history has no input tokens".to_string());
    }
    let shape = shape::decompose(&series.input, series.start_epoch_hour);
    let residuals: Vec<f64> = series
        .input
        .iter()
        .zip(&shape.baseline)
        .map(|(y, b)| if *b > 0.0 { y / b } else { f64::NAN })
        .collect();
    let days = series.len() as f64 / 24.0;
    let noise = noise::fit_noise(&residuals, days)?;

    let growth_per_month = if shape.trend.kept {
        let b = shape.trend.slope_per_day;
        let g = (b.value * DAYS_PER_MONTH).exp();
        Estimate {
            value: g - 1.0,
            se: g * DAYS_PER_MONTH * b.se,
        }
    } else if shape.trend.slope_per_day.se.is_finite() {
        Estimate {
            value: 0.0,
            se: DAYS_PER_MONTH * shape.trend.slope_per_day.se,
        }
    } else {
        Estimate {
            value: 0.0,
            se: 0.0,
        }
    };
    let noise_daily_log_variance = daily_noise_variance(&noise);
    // The level now is the mean of the last week (or the trend line); the horizon's days lie
    // between 1 and H days after it, about (H + 7)/2 days from the days that set it.
    let span = shape
        .daily_residuals
        .last()
        .zip(shape.daily_residuals.first())
        .map_or(0, |(l, f)| (l.0 - f.0) as usize);
    let level_lag_days = (horizon_hours.div_ceil(24) + 7)
        .div_ceil(2)
        .clamp(1, span.max(1));
    let level_semivariance = (1..=level_lag_days)
        .rev()
        .find_map(|lag| shape.semivariance(lag))
        .unwrap_or(shape.daily_log_variance);
    let level_sigma = (level_semivariance - noise_daily_log_variance)
        .max(0.0)
        .sqrt()
        .min(crate::scenario::MAX_LEVEL_SIGMA);

    let total_out: f64 = series.output.iter().sum();
    let ratios: Vec<f64> = series
        .input
        .chunks(24)
        .zip(series.output.chunks(24))
        .filter_map(|(i, o)| {
            let i: f64 = i.iter().sum();
            (i > 0.0).then(|| o.iter().sum::<f64>() / i)
        })
        .collect();
    let mean_ratio = ratios.iter().sum::<f64>() / ratios.len().max(1) as f64;
    let ratio_sd = (ratios.iter().map(|r| (r - mean_ratio).powi(2)).sum::<f64>()
        / (ratios.len() as f64 - 1.0).max(1.0))
    .sqrt();
    let tokens_per_request = series.requests.as_ref().and_then(|r| {
        let n: f64 = r.iter().sum();
        (n > 0.0).then(|| (total_in / n, total_out / n))
    });
    let cache_hit_share = series
        .cache_read
        .as_ref()
        .map(|c| c.iter().sum::<f64>() / total_in);
    let mut fit = Fit {
        start: crate::traffic::time::format_epoch_hour(series.start_epoch_hour),
        end: series.end_label(),
        hours: series.len(),
        shape,
        noise,
        growth_per_month,
        level_sigma,
        level_lag_days,
        level_semivariance,
        noise_daily_log_variance,
        input_tokens_per_hour: Estimate {
            value: 0.0,
            se: 0.0,
        },
        output_ratio: total_out / total_in,
        output_ratio_daily_cv: if mean_ratio > 0.0 {
            ratio_sd / mean_ratio
        } else {
            0.0
        },
        tokens_per_request,
        cache_hit_share,
    };
    let factor = fit.burst_factor();
    fit.input_tokens_per_hour = Estimate {
        value: fit.shape.level_end.value / factor,
        se: fit.shape.level_end.se / factor,
    };
    Ok(fit)
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
