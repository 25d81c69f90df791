//! Deck-ready charts of a run (issue 3). Placeholder until the chart work lands: renders nothing.

use crate::analysis::RunReport;
use crate::cli::ChartFormat;

/// What charts to draw and how big.
#[derive(Clone, Copy, Debug)]
pub struct ChartOptions {
    pub format: ChartFormat,
    pub width: u32,
    pub height: u32,
}

/// Every chart of `report` as (file name, bytes).
pub fn render_charts(
    _report: &RunReport,
    _options: &ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    Ok(Vec::new())
}
