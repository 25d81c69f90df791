//! The scenario `ptsim fit` writes: one pool per model and one parametric workload per history
//! with the fitted values, each commented with its standard error, its source or its fit,
//! clamped to the ranges a scenario accepts so that the file always runs.

use std::fmt::Write;

use super::Fit;
use super::shape::Estimate;
use crate::traffic::Noise;
use crate::traffic::time::format_epoch_hour;

/// What the scenario is about besides the fits.
pub struct Header<'a> {
    /// The scenario's `name`.
    pub name: &'a str,
    /// The histories as the user named them (for the description).
    pub histories: &'a str,
    pub start_epoch_hour: i64,
    pub horizon_hours: usize,
}

/// The pool a fitted workload runs on.
pub struct PoolSpec<'a> {
    pub model_key: &'a str,
    pub product: crate::ratecard::Product,
    pub term: crate::ratecard::Term,
}

/// One fitted history and the workload it becomes.
pub struct FittedWorkload<'a> {
    pub name: &'a str,
    pub pool: PoolSpec<'a>,
    /// The history as the user named it (for the comments).
    pub history: &'a str,
    /// A history path usable as `[workloads.bootstrap] file` from the scenario's folder, if one.
    pub bootstrap_file: Option<&'a str>,
    pub fit: &'a Fit,
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

fn quoted(text: &str) -> String {
    text.replace(['"', '\\'], "'")
}

/// The scenario text: the header, one `[[pools]]` per model (in the order the workloads name
/// them), one `[[workloads]]` per fit.
pub fn scenario_toml(header: &Header, workloads: &[FittedWorkload]) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "# Fitted by `ptsim fit` from {}.", header.histories);
    let _ = writeln!(
        w,
        "# Every value is an estimate; its comment gives the standard error (SE), its source or \
         the fit."
    );
    let _ = writeln!(w, "name = \"{}\"", quoted(header.name));
    let _ = writeln!(
        w,
        "description = \"Traffic fitted from {}\"",
        quoted(header.histories)
    );
    let _ = writeln!(
        w,
        "start = \"{}\"  # the hour after the history ends",
        format_epoch_hour(header.start_epoch_hour)
    );
    let _ = writeln!(
        w,
        "horizon_hours = {}\ntrials = 2000\nseed = 42\n",
        header.horizon_hours
    );
    let mut models: Vec<&str> = Vec::new();
    for wl in workloads {
        if !models.contains(&wl.pool.model_key) {
            models.push(wl.pool.model_key);
            pool(w, wl, workloads);
        }
    }
    for wl in workloads {
        workload(w, wl);
    }
    s
}

/// `[[pools]]` for `first`'s model; the within-hour spread of its sub-hourly histories, if any.
fn pool(w: &mut String, first: &FittedWorkload, all: &[FittedWorkload]) {
    let p = &first.pool;
    let _ = writeln!(
        w,
        "[[pools]]\nmodel = \"{}\"\nproduct = \"{}\"\nterm = \"{}\"",
        p.model_key,
        p.product.as_str(),
        p.term.as_str()
    );
    let spreads: Vec<f64> = all
        .iter()
        .filter(|wl| wl.pool.model_key == p.model_key)
        .filter_map(|wl| wl.fit.intra_hour_cv)
        .collect();
    if let Some(cv) = spreads.iter().copied().reduce(f64::max) {
        let _ = writeln!(
            w,
            "intra_hour_cv = {}  # median within-hour CV of the history's sub-hourly periods \
             (a lower bound of the per-minute spread); 0 prices whole hours",
            sig(cv.clamp(0.0, 10.0), 3)
        );
    }
    let _ = writeln!(w);
}

fn workload(w: &mut String, wl: &FittedWorkload) {
    let fit = wl.fit;
    let p = fit.parametric();
    let n = &fit.noise;
    let _ = writeln!(
        w,
        "[[workloads]]\n# {}: {} to {}, {} hours ({} with data)\nname = \"{}\"\nmodel = \"{}\"",
        wl.history,
        fit.start,
        fit.end,
        fit.hours,
        fit.coverage.observed_hours,
        quoted(wl.name),
        wl.pool.model_key
    );
    if let Some(c) = fit.cache_hit_share {
        let _ = writeln!(
            w,
            "cache_hit_share = {}  # cache-read share of input tokens in the history",
            sig(c.clamp(0.0, 1.0), 4)
        );
    }
    let _ = writeln!(w, "[workloads.parametric]");
    let cov = &fit.coverage;
    if cov.missing_hours > 0 {
        let _ = writeln!(
            w,
            "# {} hours without data ({} gaps, the longest {} hours): {}",
            cov.missing_hours,
            cov.gaps,
            cov.longest_gap_hours,
            match cov.policy {
                crate::history::GapPolicy::Missing => "left out of every estimate",
                crate::history::GapPolicy::Interpolate => "filled from the shape (--fill-gaps)",
                crate::history::GapPolicy::Zero => "read as idle hours (--gaps zero)",
            }
        );
    }
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
    let mix = &fit.output_mix;
    let _ = writeln!(
        w,
        "output_ratio_cv = {}  # hour-to-hour spread of output/input around its daily cycle \
         (log-sd {}, {} hours)",
        sig(fit.output_mix_cv(), 4),
        sig(mix.log_sd, 3),
        mix.hours
    );
    let _ = writeln!(
        w,
        "output_ratio_ar1 = {}  # {} (lag-1 autocorrelation of ln output/input)",
        sig(mix.ar1.value.clamp(-0.99, 0.99), 4),
        se(&mix.ar1, 2)
    );
    if let Some(cycle) = fit.output_cycle() {
        let _ = writeln!(
            w,
            "# the mix's daily cycle: Σ output / Σ input at each hour (UTC) over the mean"
        );
        let _ = writeln!(
            w,
            "output_ratio_hour_of_day = {}",
            list(cycle.iter().map(|v| format!("{v:.4}")))
        );
    }
    if let Some((i, o)) = fit.tokens_per_request {
        let _ = writeln!(
            w,
            "# per request: {} input and {} output tokens on average",
            sig(i, 4),
            sig(o, 4)
        );
    }
    shape(w, fit);
    noise(w, fit);
    forecast(w, fit);
    bursts(w, n);
    if let Some(file) = wl.bootstrap_file {
        let _ = writeln!(
            w,
            "\n# To resample the history itself instead, replace [workloads.parametric] with:\n\
             # [workloads.bootstrap]\n# file = \"{}\"\n# block = \"day\"\n\
             # growth_per_month_sd = {}\n# level_sigma = {}",
            file.replace(['"', '\\'], "/"),
            sig(fit.growth_per_month.se, 3),
            sig(fit.level_sigma, 3)
        );
    }
    let _ = writeln!(w);
}

fn shape(w: &mut String, fit: &Fit) {
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
    let weekend = fit.shape.hour_of_day_weekend.as_ref();
    let _ = writeln!(
        w,
        "# hour-of-day weights ({}UTC, mean 1); SEs {}",
        if weekend.is_some() {
            "Monday to Friday, "
        } else {
            ""
        },
        ses(&fit.shape.hour_of_day)
    );
    let _ = writeln!(w, "hour_of_day = {}", weights(&fit.shape.hour_of_day));
    if let Some(we) = weekend {
        let _ = writeln!(
            w,
            "# Saturdays' and Sundays' own daily shape (it differs from the weekdays' beyond \
             their noise); SEs {}",
            ses(we)
        );
        let _ = writeln!(w, "hour_of_day_weekend = {}", weights(we));
    }
    if fit.shape.weekly {
        let _ = writeln!(
            w,
            "# day-of-week weights (Monday first, mean 1), {}; SEs {}",
            fit.weekly_verdict,
            ses(&fit.shape.day_of_week)
        );
    } else {
        let _ = writeln!(w, "# day-of-week profile {}", fit.weekly_verdict);
    }
    let _ = writeln!(w, "day_of_week = {}", weights(&fit.shape.day_of_week));
}

fn noise(w: &mut String, fit: &Fit) {
    let n = &fit.noise;
    let usable = n.chosen != Noise::None && n.cv.value >= 0.001;
    let family = if usable {
        match n.chosen {
            Noise::Gamma => "gamma",
            _ => "lognormal",
        }
    } else {
        "none"
    };
    let families = format!(
        "log-likelihood lognormal {} vs gamma {}; KS D = {}, p = {} ({} hours, {} effective)",
        sig(n.lognormal.log_likelihood, 6),
        sig(n.gamma.log_likelihood, 6),
        sig(n.ks_statistic, 3),
        sig(n.ks_p_value, 2),
        n.hours,
        n.effective_hours.round()
    );
    if let (true, Some(table)) = (usable, fit.empirical_noise()) {
        let _ = writeln!(
            w,
            "noise = \"empirical\"  # the residuals' own distribution (traffic ÷ level × \
             profiles, {} quantiles, CV {}); the likelier family is {family}: {families}",
            table.quantiles.len(),
            sig(table.cv(), 3)
        );
        let values: Vec<String> = table.quantiles.iter().map(|v| sig(*v, 4)).collect();
        let rows: Vec<String> = values
            .chunks(10)
            .map(|c| format!("  {}", c.join(", ")))
            .collect();
        let _ = writeln!(w, "noise_quantiles = [\n{},\n]", rows.join(",\n"));
        let _ = writeln!(
            w,
            "noise_tail_index = {}  # Pareto index of the largest tenth of the residuals (Hill); \
             above the last quantile the noise follows it",
            sig(n.tail_index, 3)
        );
        let _ = writeln!(
            w,
            "ar1 = {}  # {} (lag-1 autocorrelation of the rank-based normal scores)",
            sig(n.empirical_ar1.value.clamp(-0.99, 0.99), 4),
            se(&n.empirical_ar1, 2)
        );
        let _ = writeln!(
            w,
            "# parametric alternative (ptsim fit --noise parametric): noise = \"{family}\", \
             noise_cv = {}, ar1 = {}",
            sig(n.cv.value.min(4.0), 4),
            sig(n.ar1.value.clamp(-0.99, 0.99), 4)
        );
        return;
    }
    let _ = writeln!(w, "noise = \"{family}\"  # {families}");
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
}

/// Growth and level uncertainty, each with where it came from.
fn forecast(w: &mut String, fit: &Fit) {
    let g = &fit.growth;
    let _ = writeln!(
        w,
        "growth_per_month_mean = {}  # trend {}",
        sig(fit.growth_per_month.value.clamp(-0.99, 10.0), 4),
        fit.shape.trend.verdict
    );
    let growth_source = match g.source {
        "--growth-sd" => "set by --growth-sd".to_string(),
        "prior" => format!(
            "the prior sd {} a month (no trend could be fitted: README \"Priors\")",
            sig(g.prior_sd, 2)
        ),
        _ => format!(
            "the trend's SE {} a month shrunk toward 0 with the prior sd {} (README \"Priors\")",
            sig(g.trend.se, 3),
            sig(g.prior_sd, 2)
        ),
    };
    let _ = writeln!(
        w,
        "growth_per_month_sd = {}  # {growth_source}",
        sig(fit.growth_per_month.se, 3)
    );
    let l = &fit.level;
    let measured = match &l.errors {
        Some(e) => format!(
            "{} rolling-origin errors of the level {} days ahead, RMS {} (bias {:+.3}), worth {} \
             independent windows",
            e.origins,
            e.window_days,
            sig(e.rms_log_error, 3),
            e.mean_log_error,
            sig(e.effective, 2)
        ),
        None => "no rolling-origin error: the history needs a week behind and a window ahead of \
                 a day"
            .to_string(),
    };
    let level_source = if l.source == "--level-sigma" {
        "set by --level-sigma".to_string()
    } else {
        format!(
            "{}: {measured}; with the prior {} (weight {}) gives {}, × {} (Student t, {} degrees \
             of freedom) × {} (to the {}-hour horizon)",
            l.source,
            sig(l.prior.sigma, 2),
            sig(l.prior_weight, 2),
            sig(l.combined_sigma, 3),
            sig(l.t_factor, 3),
            sig(l.dof, 2),
            sig(l.horizon_factor, 3),
            fit.level_horizon_hours
        )
    };
    let _ = writeln!(
        w,
        "level_sigma = {}  # forecast error of the mean level, log-sd; {level_source}",
        sig(fit.level_sigma, 3)
    );
}

fn bursts(w: &mut String, n: &super::noise::NoiseFit) {
    let Some(b) = n.parametric_bursts() else {
        return;
    };
    let found = match n.bursts {
        Some(f) => format!(
            "{} episodes of hours above {} robust SDs (×{} for {} h)",
            f.episodes,
            super::noise::BURST_Z,
            sig(f.multiplier, 3),
            f.hours
        ),
        None => format!("no hour above {} robust SDs", super::noise::BURST_Z),
    };
    let _ = writeln!(
        w,
        "bursts_per_day = {}  # {found}, with the prior of {} a day of ×{} for {} h over {} \
         days (README \"Priors\")",
        sig(b.per_day, 3),
        super::noise::PRIOR_BURSTS_PER_DAY,
        super::noise::PRIOR_BURST_MULTIPLIER,
        super::noise::PRIOR_BURST_HOURS,
        super::noise::PRIOR_BURST_DAYS
    );
    let _ = writeln!(w, "burst_multiplier = {}", sig(b.multiplier, 3));
    let _ = writeln!(w, "burst_hours = {}", b.hours);
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
