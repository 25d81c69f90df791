//! Charts with one row per option (rules, terms, inputs, pools): the rows axis, the first row on
//! top.

use super::frame::{Axis, Options, Panel, panel};
use super::layout::Area;
use super::style::{Backend, Sizes};

/// The rows axis: `n` rows, the first on top, labelled by `label(y)`.
pub fn rows<'f>(n: usize, label: &'f dyn Fn(f64) -> String) -> Axis<'f> {
    Axis::new(
        -0.6..n as f64 - 0.4,
        (0..n).map(|i| i as f64).collect(),
        label,
        "",
    )
}

/// A panel of `n` rows labelled by `label` against `x`, with no horizontal grid lines (each row
/// marks its own).
pub fn row_panel<'a, DB: Backend>(
    area: &'a Area<DB>,
    sizes: &Sizes,
    x: Axis,
    n: usize,
    label: &dyn Fn(f64) -> String,
) -> anyhow::Result<Panel<'a, DB>> {
    let options = Options {
        no_y_grid: true,
        ..Options::default()
    };
    panel(area, sizes, x, rows(n, label), options)
}

/// The y coordinate of row `i` of `n` (the first on top).
pub fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The row index a y tick stands for.
pub fn row_of(y: f64, n: usize) -> usize {
    (n as f64 - 1.0 - y.round()).max(0.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_run_top_down_and_back() {
        assert_eq!(row_y(0, 3), 2.0);
        assert_eq!(row_of(2.0, 3), 0);
        assert_eq!(row_of(row_y(2, 3), 3), 2);
    }
}
