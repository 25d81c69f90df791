//! `ptsim fit HISTORY… [--workload NAME=FILE[:MODEL]]… --model KEY [--out scenario.toml]`
//! (docs: "Fitting traffic from history"): reads usage histories, fits the parametric model to
//! each, and writes one runnable scenario (a pool per model, a workload per history) with the
//! report next to it: `<stem>.fit.json` (every estimate with its SE and source),
//! `<stem>.quantiles.csv` (observed vs simulated hourly quantiles) and `<stem>.qq.png`; with
//! several workloads, `<stem>.<workload>.quantiles.csv` and `.qq.png` for each.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::UsageError;
use crate::cli::FitArgs;
use crate::fit::check::{self, QqPoint, QuantileRow};
use crate::fit::{Fit, fit_history, writer};
use crate::history::HourlySeries;
use crate::ratecard::RateCard;
use crate::report::chart::qq::{QqChart, render_qq_png};
use crate::report::format::grouped;
use crate::traffic::Noise;

use super::history_input::workload_specs;
pub use super::history_input::{PoolChoice, label, read_history};

/// The fit report of one workload, as written in `<stem>.fit.json`.
#[derive(serde::Serialize)]
struct Report<'a> {
    workload: &'a str,
    model: &'a str,
    history: String,
    fit: &'a Fit,
    quantiles: &'a [QuantileRow],
    output_bound: Option<check::OutputBound>,
    qq: &'a [QqPoint],
}

/// One workload read and fitted.
struct Fitted {
    name: String,
    key: String,
    history: String,
    series: HourlySeries,
    fit: Fit,
    choice: PoolChoice,
    bootstrap_file: Option<String>,
}

pub fn run(args: &FitArgs) -> anyhow::Result<()> {
    let card = RateCard::shipped();
    let specs = workload_specs(&args.history, &args.workloads)?;
    let options = args.forecast.fit_options(args.horizon_hours as usize);
    let mut fitted = Vec::new();
    for spec in &specs {
        let model = spec.model.as_ref().or(args.model.as_ref()).ok_or_else(|| {
            UsageError(format!(
                "workload '{}': no model; give --model KEY or --workload NAME=FILE:MODEL",
                spec.name
            ))
        })?;
        let (key, series) = read_history(&spec.files, model, &card, &args.forecast)?;
        let history = label(&spec.files);
        let fit = fit_history(&series, &options)
            .map_err(|m| UsageError(format!("history {history}: {m}")))?;
        // The bootstrap alternative names the history by an absolute path, valid from anywhere.
        let bootstrap_file = match spec.files.as_slice() {
            [one] => std::fs::canonicalize(one)
                .ok()
                .map(|p| p.display().to_string()),
            _ => None,
        };
        fitted.push(Fitted {
            name: spec.name.clone(),
            choice: PoolChoice::for_model(&card, &key)?,
            key,
            history,
            series,
            fit,
            bootstrap_file,
        });
    }
    let ends: Vec<i64> = fitted
        .iter()
        .map(|f| f.series.start_epoch_hour + f.series.len() as i64)
        .collect();
    let start = ends.iter().copied().max().unwrap_or_default();
    if ends.iter().any(|e| start - e >= 24) {
        super::print_warning(&format!(
            "the histories end on different days; the scenario starts after the last one ({}), \
             and each earlier history's level is taken as the level then",
            crate::traffic::time::format_epoch_hour(start)
        ));
    }
    let first_key = fitted[0].key.clone();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("fitted-{first_key}.toml")));
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = out
        .file_stem()
        .with_context(|| format!("--out {} names no file", out.display()))?
        .to_string_lossy()
        .into_owned();
    let histories = label(
        &specs
            .iter()
            .flat_map(|s| s.files.clone())
            .collect::<Vec<_>>(),
    );
    let scenario_name = if fitted.len() == 1 {
        format!("fitted-{first_key}")
    } else {
        format!("fitted-{stem}")
    };
    let text = writer::scenario_toml(
        &writer::Header {
            name: &scenario_name,
            histories: &histories,
            start_epoch_hour: start,
            horizon_hours: args.horizon_hours as usize,
        },
        &fitted
            .iter()
            .map(|f| writer::FittedWorkload {
                name: &f.name,
                pool: writer::PoolSpec {
                    model_key: &f.key,
                    product: f.choice.product,
                    term: f.choice.term,
                },
                history: &f.history,
                bootstrap_file: f.bootstrap_file.as_deref(),
                fit: &f.fit,
            })
            .collect::<Vec<_>>(),
    );
    // The file must run: check it as `ptsim run` will read it.
    crate::scenario::Scenario::parse(&text, &out.display().to_string(), dir, &card)
        .context("the fitted scenario does not validate (a bug: please report it)")?;
    let mut files = vec![(format!("{stem}.toml"), text.into_bytes())];
    let mut reports = Vec::new();
    let mut summaries = String::new();
    let several = fitted.len() > 1;
    for f in &fitted {
        let (seen, _) = crate::fit::apply_gaps(&f.series, f.fit.coverage.policy);
        let checked = check::check(&f.fit, &seen, &f.choice.capacity, args.seed);
        let quantiles = checked.quantiles;
        let qq = check::qq_points(&f.fit);
        let prefix = if several {
            format!("{stem}.{}", file_safe(&f.name))
        } else {
            stem.clone()
        };
        files.push((
            format!("{prefix}.quantiles.csv"),
            crate::report::csv::to_csv(&quantiles)?,
        ));
        files.push((format!("{prefix}.qq.png"), qq_png(f, &qq)?));
        summaries.push_str(&summary(f, &quantiles, checked.output_bound));
        reports.push(serde_json::to_value(Report {
            workload: &f.name,
            model: &f.key,
            history: f.history.clone(),
            fit: &f.fit,
            quantiles: &quantiles,
            output_bound: checked.output_bound,
            qq: &qq,
        })?);
    }
    let json = if several {
        serde_json::json!({ "workloads": reports })
    } else {
        reports.remove(0)
    };
    files.insert(
        1,
        (
            format!("{stem}.fit.json"),
            serde_json::to_vec_pretty(&json)?,
        ),
    );
    crate::output::write_all_atomic(dir, &files)?;
    if !args.quiet {
        let names: Vec<String> = files
            .iter()
            .map(|(n, _)| dir.join(n).display().to_string())
            .collect();
        let _ = writeln!(summaries, "Wrote {}", names.join(", "));
        super::print_stdout(&summaries)?;
    }
    Ok(())
}

/// A workload name as part of a file name: letters, digits, `-`, `_` and `.` kept.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The QQ chart of one workload's noise.
fn qq_png(f: &Fitted, qq: &[QqPoint]) -> anyhow::Result<Vec<u8>> {
    let fit = &f.fit;
    let chosen = noise_name(fit.noise.chosen);
    render_qq_png(
        &QqChart {
            title: &format!(
                "Hourly noise of the fitted traffic: {} on {}",
                f.name, f.key
            ),
            subtitle: &format!(
                "{}, {} to {}: traffic ÷ (level × profiles), percentiles P1–P99 against \
                 the fitted distributions. Chosen: {chosen}, CV {:.3}; KS D = {:.3}, p = {:.2}",
                f.history,
                fit.start,
                fit.end,
                fit.noise.cv.value,
                fit.noise.ks_statistic,
                fit.noise.ks_p_value
            ),
            points: qq,
            chosen,
        },
        1600,
        900,
    )
}

fn noise_name(noise: Noise) -> &'static str {
    match noise {
        Noise::Lognormal => "lognormal",
        Noise::Gamma => "gamma",
        Noise::Empirical => "empirical",
        Noise::None => "none",
    }
}

/// The terminal summary of one workload's fit.
fn summary(
    f: &Fitted,
    quantiles: &[QuantileRow],
    output_bound: Option<check::OutputBound>,
) -> String {
    let (fit, key) = (&f.fit, &f.key);
    let mut s = String::new();
    let n = &fit.noise;
    let _ = writeln!(
        s,
        "Fitted {key} from {} (workload {}): {} to {}, {} hours ({} with data)\n",
        f.history, f.name, fit.start, fit.end, fit.hours, fit.coverage.observed_hours
    );
    let big = |v: f64| grouped(v.max(0.0).round() as u64);
    let level = &fit.level;
    let level_text = match (&level.errors, level.source) {
        (_, "--level-sigma") => format!("{:.3} (--level-sigma)", fit.level_sigma),
        (None, _) => format!(
            "{:.3} from the prior {:.2}: too short a history for rolling-origin errors (×{:.2} \
             for {:.0} degrees of freedom, ×{:.2} to the horizon)",
            fit.level_sigma, level.prior.sigma, level.t_factor, level.dof, level.horizon_factor
        ),
        (Some(e), source) => format!(
            "{:.3} ({source}: {} rolling-origin errors {} days ahead, RMS {:.3}, with the prior \
             {:.2}; ×{:.2} for {:.1} degrees of freedom, ×{:.2} to the horizon)",
            fit.level_sigma,
            e.origins,
            e.window_days,
            e.rms_log_error,
            level.prior.sigma,
            level.t_factor,
            level.dof,
            level.horizon_factor
        ),
    };
    let rows = [
        (
            "input tokens/hour",
            format!(
                "{} (SE {}) at the end of the history",
                big(fit.input_tokens_per_hour.value),
                big(fit.input_tokens_per_hour.se)
            ),
        ),
        (
            "output/input",
            format!(
                "{:.4} (daily CV {:.2}; hourly log-sd {:.3}, AR(1) {:.2})",
                fit.output_ratio,
                fit.output_ratio_daily_cv,
                fit.output_mix.log_sd,
                fit.output_mix.ar1.value
            ),
        ),
        ("weekday profile", fit.weekly_verdict.clone()),
        ("trend", fit.shape.trend.verdict.clone()),
        (
            "growth per month",
            format!(
                "{:+.2}% ± {:.2}% ({})",
                100.0 * fit.growth_per_month.value,
                100.0 * fit.growth_per_month.se,
                fit.growth.source
            ),
        ),
        (
            "noise",
            format!(
                "{}, CV {:.3} (SE {:.3}), AR(1) {:.3} (SE {:.3}); log-likelihood lognormal {:.1}, gamma {:.1}",
                noise_name(n.chosen),
                n.cv.value,
                n.cv.se,
                n.ar1.value,
                n.ar1.se,
                n.lognormal.log_likelihood,
                n.gamma.log_likelihood
            ),
        ),
        (
            "KS test",
            format!(
                "D = {:.4}, p = {:.3} ({} hours, {:.0} effective)",
                n.ks_statistic, n.ks_p_value, n.hours, n.effective_hours
            ),
        ),
        (
            "bursts",
            n.bursts.map_or("none found".to_string(), |b| {
                format!(
                    "{:.3} a day, ×{:.2} for {} h ({} episodes)",
                    b.per_day, b.multiplier, b.hours, b.episodes
                )
            }),
        ),
        ("level_sigma", level_text),
    ];
    for (name, value) in rows {
        let _ = writeln!(s, "  {name:<18} {value}");
    }
    if let Some(cv) = fit.intra_hour_cv {
        let _ = writeln!(
            s,
            "  {:<18} {cv:.3} (median within-hour CV of the sub-hourly periods; written to the pool)",
            "intra_hour_cv"
        );
    }
    let _ = writeln!(
        s,
        "\n  hourly load (units)   observed  simulated   input tokens: observed   simulated"
    );
    for q in quantiles {
        let _ = writeln!(
            s,
            "  P{:<20} {:>8.3} {:>10.3}   {:>20} {:>11}",
            (q.quantile * 100.0).round(),
            q.observed_load,
            q.simulated_load,
            big(q.observed_input_tokens),
            big(q.simulated_input_tokens)
        );
    }
    if let Some(b) = output_bound {
        let _ = writeln!(
            s,
            "  output-bound hours   {:>7.1}% {:>9.1}%",
            100.0 * b.observed_share,
            100.0 * b.simulated_share
        );
    }
    let _ = writeln!(s);
    s
}
