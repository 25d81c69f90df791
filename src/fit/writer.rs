//! The scenario `ptsim fit` writes (SPEC §7 keys): one pool and one parametric workload with the
//! fitted values, each commented with its standard error or goodness of fit, clamped to the
//! ranges a scenario accepts so that the file always runs.

use std::fmt::Write;

use super::Fit;
use super::shape::Estimate;
use crate::traffic::Noise;
use crate::traffic::time::format_epoch_hour;

/// What the scenario is about besides the fit.
pub struct Header<'a> {
    pub model_key: &'a str,
    pub product: crate::ratecard::Product,
    pub term: crate::ratecard::Term,
    /// The history as the user named it (for the comments).
    pub history: &'a str,
    /// A history path usable as `[workloads.bootstrap] file` from the scenario's folder, if one.
    pub bootstrap_file: Option<&'a str>,
    pub start_epoch_hour: i64,
    pub horizon_hours: usize,
}

/// A number with `digits` significant digits, plain.
fn sig(value: f64, digits: i32) -> String {
    if value == 0.0 || !value.is_finite() {
        return "0".to_string();
    }
    let decimals = (digits - 1 - value.abs().log10().floor() as i32).max(0) as usize;
    format!("{:.*}", decimals, value)
}

fn se(e: &Estimate, digits: i32) -> String {
    if e.se.is_finite() {
        format!("SE {}", sig(e.se, digits))
    } else {
        "SE n/a (too few days)".to_string()
    }
}

fn list(values: impl Iterator<Item = String>) -> String {
    format!("[{}]", values.collect::<Vec<_>>().join(", "))
}

/// The scenario text.
pub fn scenario_toml(fit: &Fit, h: &Header) -> String {
    let p = fit.parametric();
    let n = &fit.noise;
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# Fitted by `ptsim fit` from {} ({} to {}, {} hours).",
        h.history, fit.start, fit.end, fit.hours
    );
    let _ = writeln!(
        w,
        "# Every value is an estimate; its comment gives the standard error (SE) or the fit."
    );
    let _ = writeln!(w, "name = \"fitted-{}\"", h.model_key);
    let _ = writeln!(
        w,
        "description = \"Traffic fitted from {}\"",
        h.history.replace(['"', '\\'], "'")
    );
    let _ = writeln!(
        w,
        "start = \"{}\"  # the hour after the history ends",
        format_epoch_hour(h.start_epoch_hour)
    );
    let _ = writeln!(
        w,
        "horizon_hours = {}\ntrials = 2000\nseed = 42\n",
        h.horizon_hours
    );
    let _ = writeln!(
        w,
        "[[pools]]\nmodel = \"{}\"\nproduct = \"{}\"\nterm = \"{}\"\n",
        h.model_key,
        h.product.as_str(),
        h.term.as_str()
    );
    let _ = writeln!(
        w,
        "[[workloads]]\nname = \"fitted\"\nmodel = \"{}\"",
        h.model_key
    );
    if let Some(c) = fit.cache_hit_share {
        let _ = writeln!(
            w,
            "cache_hit_share = {}  # cache-read share of input tokens in the history",
            sig(c.clamp(0.0, 1.0), 4)
        );
    }
    let _ = writeln!(w, "[workloads.parametric]");
    let level = fit.input_tokens_per_hour;
    let _ = writeln!(
        w,
        "input_tokens_per_hour = {}  # level at the history's end, {}{}",
        sig(p.input_tokens_per_hour.min(1e13), 6),
        se(&level, 3),
        if fit.shape.trend.kept {
            " (trend line)"
        } else {
            " (mean of the last 7 days)"
        }
    );
    let _ = writeln!(
        w,
        "output_tokens_per_hour = {}  # input × output/input ratio {} (CV of the daily ratio {})",
        sig(p.output_tokens_per_hour.min(1e13), 6),
        sig(fit.output_ratio, 4),
        sig(fit.output_ratio_daily_cv, 2)
    );
    if let Some((i, o)) = fit.tokens_per_request {
        let _ = writeln!(
            w,
            "# per request: {} input and {} output tokens on average",
            sig(i, 4),
            sig(o, 4)
        );
    }
    let weights = |e: &[Estimate]| list(e.iter().map(|e| format!("{:.4}", e.value)));
    let ses = |e: &[Estimate]| {
        list(e.iter().map(|e| {
            if e.se.is_finite() {
                format!("{:.3}", e.se)
            } else {
                "n/a".to_string()
            }
        }))
    };
    let _ = writeln!(
        w,
        "# hour-of-day weights (UTC, mean 1); SEs {}",
        ses(&fit.shape.hour_of_day)
    );
    let _ = writeln!(w, "hour_of_day = {}", weights(&fit.shape.hour_of_day));
    let _ = writeln!(
        w,
        "# day-of-week weights (Monday first, mean 1); SEs {}",
        ses(&fit.shape.day_of_week)
    );
    let _ = writeln!(w, "day_of_week = {}", weights(&fit.shape.day_of_week));
    let usable = n.chosen != Noise::None && n.cv.value >= 0.001;
    let noise = if usable {
        match n.chosen {
            Noise::Gamma => "gamma",
            _ => "lognormal",
        }
    } else {
        "none"
    };
    let _ = writeln!(
        w,
        "noise = \"{noise}\"  # log-likelihood lognormal {} vs gamma {}; KS D = {}, p = {} \
         ({} hours, {} effective)",
        sig(n.lognormal.log_likelihood, 6),
        sig(n.gamma.log_likelihood, 6),
        sig(n.ks_statistic, 3),
        sig(n.ks_p_value, 2),
        n.hours,
        n.effective_hours.round()
    );
    if usable {
        let _ = writeln!(
            w,
            "noise_cv = {}  # {}",
            sig(n.cv.value.min(4.0), 4),
            se(&n.cv, 2)
        );
        let _ = writeln!(
            w,
            "ar1 = {}  # {} (lag-1 autocorrelation of the normal scores)",
            sig(n.ar1.value.clamp(-0.99, 0.99), 4),
            se(&n.ar1, 2)
        );
    }
    let trend = &fit.shape.trend;
    let _ = writeln!(
        w,
        "growth_per_month_mean = {}  # trend {}",
        sig(fit.growth_per_month.value.clamp(-0.99, 10.0), 4),
        trend.verdict
    );
    let _ = writeln!(
        w,
        "growth_per_month_sd = {}  # the trend's SE as a monthly rate",
        sig(
            fit.growth_per_month.se.min(crate::scenario::MAX_GROWTH_SD),
            3
        )
    );
    let _ = writeln!(
        w,
        "level_sigma = {}  # daily log-levels {} days apart differ by sd {} (semivariance, {} \
         days of history), of which hourly noise explains {}",
        sig(fit.level_sigma, 3),
        fit.level_lag_days,
        sig(fit.level_semivariance.sqrt(), 3),
        fit.shape.days,
        sig(fit.noise_daily_log_variance.sqrt(), 3)
    );
    match n.bursts {
        Some(b) => {
            let _ = writeln!(
                w,
                "bursts_per_day = {}  # {} episodes of hours above {} robust SDs",
                sig(b.per_day, 3),
                b.episodes,
                super::noise::BURST_Z
            );
            let _ = writeln!(w, "burst_multiplier = {}", sig(b.multiplier, 3));
            let _ = writeln!(w, "burst_hours = {}", b.hours);
        }
        None => {
            let _ = writeln!(
                w,
                "# no bursts: no hour above {} robust SDs",
                super::noise::BURST_Z
            );
        }
    }
    if let Some(file) = h.bootstrap_file {
        let _ = writeln!(
            w,
            "\n# To resample the history itself instead, replace [workloads.parametric] with:\n\
             # [workloads.bootstrap]\n# file = \"{}\"\n# block = \"day\"\n\
             # growth_per_month_sd = {}\n# level_sigma = {}",
            file.replace(['"', '\\'], "/"),
            sig(
                fit.growth_per_month.se.min(crate::scenario::MAX_GROWTH_SD),
                3
            ),
            sig(fit.level_sigma, 3)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::sig;

    #[test]
    fn significant_digits() {
        assert_eq!(sig(1234567.0, 4), "1234567");
        assert_eq!(sig(0.012345, 3), "0.0123");
        assert_eq!(sig(0.0, 3), "0");
        assert_eq!(sig(-2.5, 2), "-2.5");
    }
}
