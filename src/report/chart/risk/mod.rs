//! Charts of the commitment-risk commands (issues 5, 14 and 15): the cost distribution and the
//! regret of every term and policy (`ptsim terms`), the tornado of `ptsim sensitivity`, and the
//! plans' cost distributions and committed units (`ptsim plan`). They share the frame, fonts and
//! axes of `run`'s charts; rows are drawn top to bottom, one per option.

mod distribution;
mod plan_units;
mod plans;
mod terms;
mod tornado;

pub use plan_units::PlanUnitsChart;
pub use plans::{PlansChart, plan_charts};
pub use terms::{RegretChart, TermsChart, terms_charts};
pub use tornado::{TornadoChart, tornado_charts};

use super::style::Sizes;

/// The share of a dollar axis's width its data takes: the rest holds the labels beside the rows.
const DATA_SHARE: f64 = 0.6;

/// The x range that puts `low..high` in the left `DATA_SHARE` of the plot.
fn with_label_room(low: f64, high: f64) -> (f64, f64) {
    (low, low + (high - low).max(1e-9) / DATA_SHARE)
}

/// Two charts per pool as (file name, bytes): `<stems.0>_<pool>.<ext>` and
/// `<stems.1>_<pool>.<ext>`, drawn by `charts(pool, sizes)`; none with `--charts none`.
fn pool_chart_pairs<'p, P, A: super::Drawing, B: super::Drawing>(
    pools: &'p [P],
    name: impl Fn(&P) -> &str,
    stems: (&str, &str),
    charts: impl Fn(&'p P, Sizes) -> (A, B),
    options: &super::ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let Some(ext) = super::extension(options.format) else {
        return Ok(Vec::new());
    };
    let sizes = Sizes::new(options.width, options.height);
    let mut files = Vec::new();
    for pool in pools {
        let (first, second) = charts(pool, sizes);
        let file = |stem: &str| format!("{stem}_{}.{ext}", name(pool));
        files.push((file(stems.0), super::render_drawing(&first, options)?));
        files.push((file(stems.1), super::render_drawing(&second, options)?));
    }
    Ok(files)
}
