//! `[workloads.bootstrap]` (README "`[workloads.bootstrap]`"): the history file read relative to
//! the scenario, its problems reported at the scenario line that names it. Days with missing
//! hours are not drawn (or are filled, or read as idle, as `gaps` says). Without `level_sigma`
//! or `growth_per_month_sd`, the history's own forecast uncertainty is used, as `ptsim fit`
//! estimates it for the scenario's horizon: a short history resampled alone would give trials
//! that barely differ.

use std::path::Path;
use std::sync::Arc;

use super::ScenarioError;
use super::file::BootstrapFile;
use super::resolve::Locator;
use crate::fit::{FitOptions, fit_history, level};
use crate::history::{GapPolicy, HourlySeries, ReadOptions};
use crate::traffic::{Block, Bootstrap, TrafficSource};

/// Fewest distinct days (of one weekday) or weeks a trial block can come from before the
/// resampling alone is too poor to spread the trials, and a warning says so.
const FEW_CHOICES: usize = 3;

/// The bootstrap source of workload `i`, for a scenario of `horizon_hours`; notes go to
/// `warnings`.
pub(super) fn resolve(
    loc: &Locator,
    b: &BootstrapFile,
    base: &Path,
    i: usize,
    horizon_hours: usize,
    warnings: &mut Vec<String>,
) -> Result<TrafficSource, ScenarioError> {
    let field = format!("workloads[{i}].bootstrap.file");
    if b.file.get_ref().trim().is_empty() {
        return Err(loc.spanned(
            &b.file,
            &field,
            "expected the path of a history file (CSV or CloudWatch JSON)",
        ));
    }
    let path = base.join(b.file.get_ref());
    let options = ReadOptions {
        output_share: b.output_share.map(|s| s.0),
    };
    let series = crate::history::read(std::slice::from_ref(&path), &options).map_err(|error| {
        let place = loc.place(b.file.span().start, &field);
        ScenarioError::History {
            path: loc.label.to_string(),
            line: place.line,
            column: place.column,
            field: place.field,
            text: place.text,
            error: Box::new(error),
        }
    })?;
    let shown = path.display();
    for note in &series.notes {
        warnings.push(format!("bootstrap history {shown}: {note}"));
    }
    let policy = b.gaps.unwrap_or_default();
    if let Some(gaps) = series.gaps().describe() {
        warnings.push(format!(
            "bootstrap history {shown}: {gaps}: {}",
            match policy {
                GapPolicy::Missing =>
                    "days with them are not drawn (gaps = \"interpolate\" fills \
                                       them, gaps = \"zero\" reads them as idle hours)",
                GapPolicy::Interpolate => "filled from the fitted shape (gaps = \"interpolate\")",
                GapPolicy::Zero => "read as hours without traffic (gaps = \"zero\")",
            }
        ));
    }
    let (series, _) = crate::fit::apply_gaps(&series, policy);
    let (level_sigma, growth_sd, estimated) = forecast_uncertainty(&series, b, horizon_hours);
    let bootstrap = Bootstrap::new(
        path.clone(),
        series.start_epoch_hour,
        &series.input,
        &series.output,
        &series.observed,
        b.block.unwrap_or(Block::Day),
        (b.growth_per_month_mean.map_or(0.0, |g| g.0), growth_sd),
        level_sigma,
    )
    .map_err(|m| loc.spanned(&b.file, &field, m))?;
    let fewest = bootstrap.fewest_choices();
    if fewest < FEW_CHOICES {
        warnings.push(format!(
            "bootstrap history {shown}: {} full days with data, as few as {fewest} to draw each {} \
             from: the trials resample almost the same traffic, and what spreads them is the \
             level uncertainty (level_sigma = {level_sigma:.3}{}) and the growth sd \
             ({growth_sd:.3} a month); a longer history resamples more",
            bootstrap.days - bootstrap.incomplete_days,
            match bootstrap.block {
                Block::Day => "day",
                Block::Week => "week",
            },
            if estimated {
                ", estimated from the history as `ptsim fit` does"
            } else {
                ""
            }
        ));
    }
    Ok(TrafficSource::Bootstrap(Arc::new(bootstrap)))
}

/// `level_sigma` and `growth_per_month_sd` as the scenario gives them, else as `ptsim fit`
/// estimates them from the history for `horizon_hours` (the prior where the fit cannot run);
/// the flag says whether an estimate was used.
fn forecast_uncertainty(
    series: &HourlySeries,
    b: &BootstrapFile,
    horizon_hours: usize,
) -> (f64, f64, bool) {
    let given = (
        b.level_sigma.map(|s| s.0),
        b.growth_per_month_sd.map(|g| g.0),
    );
    if let (Some(sigma), Some(sd)) = given {
        return (sigma, sd, false);
    }
    let (sigma, sd) = match fit_history(series, &FitOptions::for_horizon(horizon_hours)) {
        Ok(fit) => (fit.level_sigma, fit.growth_per_month.se),
        Err(_) => (
            level::level_uncertainty(None, level::prior(&[], &[], 0, None), horizon_hours, None)
                .sigma,
            level::PRIOR_GROWTH_SD,
        ),
    };
    (
        given.0.unwrap_or(sigma),
        given.1.unwrap_or(sd),
        given.0.is_none(),
    )
}
