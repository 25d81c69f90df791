//! Charts of the commitment-risk commands (issue 5): the cost distribution and the regret of
//! every term and policy (`ptsim terms`), and the tornado of `ptsim sensitivity`. They share the
//! frame, fonts and axes of `run`'s charts; rows are drawn top to bottom, one per option.

mod distribution;
mod plan_units;
mod plans;
mod terms;
mod tornado;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use plan_units::PlanUnitsChart;
pub use plans::{PlansChart, plan_charts};
pub use terms::{RegretChart, TermsChart, terms_charts};
pub use tornado::{TornadoChart, tornado_charts};

use super::frame::{Axis, Panel};
use super::style::Sizes;

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

/// The rows axis: `n` rows, the first on top, labelled by `label(i)`.
fn rows<'f>(n: usize, label: &'f dyn Fn(f64) -> String) -> Axis<'f> {
    Axis::new(
        -0.6..n as f64 - 0.4,
        (0..n).map(|i| i as f64).collect(),
        label,
        "",
    )
}

/// The y coordinate of row `i` of `n` (the first on top).
fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The row index a y tick stands for.
fn row_of(y: f64, n: usize) -> usize {
    (n as f64 - 1.0 - y.round()).max(0.0) as usize
}

/// `text` just right of `(x, y)`, vertically centred, on a white box.
fn value_label<DB: super::style::Backend>(
    chart: &mut Panel<DB>,
    (x, y): (f64, f64),
    text: String,
    sizes: &Sizes,
    anchor: HPos,
) -> anyhow::Result<()> {
    let style = sizes.tick().pos(Pos::new(anchor, VPos::Center));
    let (w, h) = chart.plotting_area().estimate_text_size(&text, &style)?;
    let (gap, pad, w, h) = (sizes.px(10.0), sizes.px(3.0), w as i32, h as i32);
    let (left, right) = match anchor {
        HPos::Right => (-gap - w, -gap),
        _ => (gap, gap + w),
    };
    let text_x = if matches!(anchor, HPos::Right) {
        -gap
    } else {
        gap
    };
    let backdrop = Rectangle::new(
        [(left - pad, -h / 2 - pad), (right + pad, h / 2 + pad)],
        WHITE.filled(),
    );
    chart
        .draw_series([EmptyElement::at((x, y)) + backdrop + Text::new(text, (text_x, 0), style)])?;
    Ok(())
}
