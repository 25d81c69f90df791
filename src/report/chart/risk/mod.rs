//! Charts of the commitment-risk commands (issues 5 and 14): the cost distribution and the regret
//! of every term and policy (`ptsim terms`), and the tornado of `ptsim sensitivity`. They share
//! the frame, fonts and axes of `run`'s charts; rows are drawn top to bottom, one per option.

mod terms;
mod tornado;

pub use terms::{RegretChart, TermsChart, terms_charts};
pub use tornado::{TornadoChart, tornado_charts};

/// The share of a dollar axis's width its data takes: the rest holds the labels beside the rows.
const DATA_SHARE: f64 = 0.6;

/// The x range that puts `low..high` in the left `DATA_SHARE` of the plot.
fn with_label_room(low: f64, high: f64) -> (f64, f64) {
    (low, low + (high - low).max(1e-9) / DATA_SHARE)
}
