//! `ptsim fit HISTORY --model KEY [--out scenario.toml]` (issue 4, SPEC §5.2): reads a usage
//! history, fits the parametric model, and writes a runnable scenario with the report next to it:
//! `<stem>.fit.json` (every estimate with its SE), `<stem>.quantiles.csv` (observed vs simulated
//! hourly quantiles) and `<stem>.qq.png`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::UsageError;
use crate::cli::FitArgs;
use crate::cost::Capacity;
use crate::fit::check::{self, QqPoint, QuantileRow};
use crate::fit::{Fit, fit_history, writer};
use crate::history::{self, HourlySeries, model_id};
use crate::ratecard::{Product, RateCard, Term, UnitSteps};
use crate::report::chart::qq::{QqChart, render_qq_png};
use crate::report::format::grouped;
use crate::traffic::Noise;

/// The capacity product a fitted scenario buys: the card's first (model units, else the Reserved
/// tier, else Azure PTUs); the one-month term where priced, else the first priced term.
pub struct PoolChoice {
    pub product: Product,
    pub term: Term,
    pub capacity: Capacity,
    pub steps: UnitSteps,
}

impl PoolChoice {
    /// The choice for rate-card model `key`, or a usage error when it has no capacity product.
    pub fn for_model(card: &RateCard, key: &str) -> anyhow::Result<Self> {
        let rates = &card.models[key];
        for (product, p) in rates.products() {
            let terms = [
                Term::OneMonth,
                Term::NoCommit,
                Term::ThreeMonth,
                Term::SixMonth,
                Term::OneYear,
            ];
            if let Some(term) = terms.into_iter().find(|t| p.hourly_price(*t).is_some()) {
                return Ok(PoolChoice {
                    product,
                    term,
                    capacity: Capacity {
                        input_tokens_per_hour: 60.0 * p.input_tokens_per_minute,
                        output_tokens_per_hour: 60.0 * p.output_tokens_per_minute,
                        mode: p.mode,
                    },
                    steps: p.steps(),
                });
            }
        }
        Err(UsageError(format!(
            "--model {key}: the rate card has no priced capacity product for it"
        ))
        .into())
    }
}

/// Reads the history for `--model` (normalised to its rate-card key, returned), refusing a
/// history whose own model column names another model. Notes are printed as warnings.
pub fn read_history(
    paths: &[PathBuf],
    model: &str,
    card: &RateCard,
) -> anyhow::Result<(String, HourlySeries)> {
    let key =
        model_id::rate_card_key(model, card).map_err(|m| UsageError(format!("--model: {m}")))?;
    let series = history::read(paths)?;
    if let Some(named) = &series.model
        && let Ok(named_key) = model_id::rate_card_key(named, card)
        && named_key != key
    {
        return Err(UsageError(format!(
            "history {}: its model column names '{named}' ({named_key}), but --model is {key}",
            paths[0].display()
        ))
        .into());
    }
    for note in &series.notes {
        super::print_warning(&format!("history {}: {note}", paths[0].display()));
    }
    Ok((key, series))
}

/// The history files as the user named them, for comments and messages.
pub fn label(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// The fit report written as `<stem>.fit.json`.
#[derive(serde::Serialize)]
struct Report<'a> {
    model: &'a str,
    history: String,
    fit: &'a Fit,
    quantiles: &'a [QuantileRow],
    qq: &'a [QqPoint],
}

pub fn run(args: &FitArgs) -> anyhow::Result<()> {
    let card = RateCard::shipped();
    let (key, series) = read_history(&args.history, &args.model, &card)?;
    let history = label(&args.history);
    let fit = fit_history(&series, args.horizon_hours as usize)
        .map_err(|m| UsageError(format!("history {history}: {m}")))?;
    let choice = PoolChoice::for_model(&card, &key)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("fitted-{key}.toml")));
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = out
        .file_stem()
        .with_context(|| format!("--out {} names no file", out.display()))?
        .to_string_lossy()
        .into_owned();
    // The bootstrap alternative names the history by an absolute path, valid from anywhere.
    let bootstrap_file = match args.history.as_slice() {
        [one] => std::fs::canonicalize(one)
            .ok()
            .map(|p| p.display().to_string()),
        _ => None,
    };
    let text = writer::scenario_toml(
        &fit,
        &writer::Header {
            model_key: &key,
            product: choice.product,
            term: choice.term,
            history: &history,
            bootstrap_file: bootstrap_file.as_deref(),
            start_epoch_hour: series.start_epoch_hour + series.len() as i64,
            horizon_hours: args.horizon_hours as usize,
        },
    );
    // The file must run: check it as `ptsim run` will read it.
    crate::scenario::Scenario::parse(&text, &out.display().to_string(), dir, &card)
        .context("the fitted scenario does not validate (a bug: please report it)")?;
    let quantiles = check::quantiles(&fit, &series, &choice.capacity, args.seed);
    let qq = check::qq_points(&fit);
    let chosen = noise_name(fit.noise.chosen);
    let png = render_qq_png(
        &QqChart {
            title: &format!("Hourly noise of the fitted traffic: {key}"),
            subtitle: &format!(
                "{history}, {} to {}: traffic ÷ (level × profiles), percentiles P1–P99 against \
                 the fitted distributions. Chosen: {chosen}, CV {:.3}; KS D = {:.3}, p = {:.2}",
                fit.start,
                fit.end,
                fit.noise.cv.value,
                fit.noise.ks_statistic,
                fit.noise.ks_p_value
            ),
            points: &qq,
            chosen,
        },
        1600,
        900,
    )?;
    let report = Report {
        model: &key,
        history: history.clone(),
        fit: &fit,
        quantiles: &quantiles,
        qq: &qq,
    };
    let files = vec![
        (format!("{stem}.toml"), text.into_bytes()),
        (
            format!("{stem}.fit.json"),
            serde_json::to_vec_pretty(&report)?,
        ),
        (
            format!("{stem}.quantiles.csv"),
            crate::report::csv::to_csv(&quantiles)?,
        ),
        (format!("{stem}.qq.png"), png),
    ];
    crate::output::write_all_atomic(dir, &files)?;
    if !args.quiet {
        let names: Vec<String> = files
            .iter()
            .map(|(n, _)| dir.join(n).display().to_string())
            .collect();
        super::print_stdout(&summary(&key, &history, &fit, &quantiles, &names))?;
    }
    Ok(())
}

fn noise_name(noise: Noise) -> &'static str {
    match noise {
        Noise::Lognormal => "lognormal",
        Noise::Gamma => "gamma",
        Noise::None => "none",
    }
}

/// The terminal summary of a fit.
fn summary(
    key: &str,
    history: &str,
    fit: &Fit,
    quantiles: &[QuantileRow],
    files: &[String],
) -> String {
    let mut s = String::new();
    let n = &fit.noise;
    let _ = writeln!(
        s,
        "Fitted {key} from {history}: {} to {}, {} hours\n",
        fit.start, fit.end, fit.hours
    );
    let big = |v: f64| grouped(v.max(0.0).round() as u64);
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
                "{:.4} (daily CV {:.2})",
                fit.output_ratio, fit.output_ratio_daily_cv
            ),
        ),
        ("trend", fit.shape.trend.verdict.clone()),
        (
            "growth per month",
            format!(
                "{:+.2}% ± {:.2}%",
                100.0 * fit.growth_per_month.value,
                100.0 * fit.growth_per_month.se
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
        (
            "level_sigma",
            format!(
                "{:.3} (daily log-levels {} days apart: sd {:.3}; hourly noise explains {:.3})",
                fit.level_sigma,
                fit.level_lag_days,
                fit.level_semivariance.sqrt(),
                fit.noise_daily_log_variance.sqrt()
            ),
        ),
    ];
    for (name, value) in rows {
        let _ = writeln!(s, "  {name:<18} {value}");
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
    let _ = writeln!(s, "\nWrote {}", files.join(", "));
    s
}
