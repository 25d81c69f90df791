//! `[workloads.bootstrap]` (SPEC §5.3, §7): the history file read relative to the scenario, and
//! its problems reported at the scenario line that names it.

use std::path::Path;
use std::sync::Arc;

use super::ScenarioError;
use super::file::BootstrapFile;
use super::resolve::Locator;
use crate::traffic::{Block, Bootstrap, TrafficSource};

/// The bootstrap source of workload `i`.
pub(super) fn resolve(
    loc: &Locator,
    b: &BootstrapFile,
    base: &Path,
    i: usize,
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
    let series = crate::history::read(std::slice::from_ref(&path)).map_err(|error| {
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
    let bootstrap = Bootstrap::new(
        path,
        series.start_epoch_hour,
        &series.input,
        &series.output,
        b.block.unwrap_or(Block::Day),
        (
            b.growth_per_month_mean.map_or(0.0, |g| g.0),
            b.growth_per_month_sd.map_or(0.0, |g| g.0),
        ),
        b.level_sigma.map_or(0.0, |s| s.0),
    )
    .map_err(|m| loc.spanned(&b.file, &field, m))?;
    Ok(TrafficSource::Bootstrap(Arc::new(bootstrap)))
}
