//! Axes: a linear f64 axis with ticks exactly where a chart wants them (whole units, midnights,
//! round percentages), dollar tick labels with one suffix per axis, and padded ranges.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

use super::style::grouped;

/// A linear axis over `range` whose ticks and grid lines are exactly `ticks`.
pub struct Ticked {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

/// The axis over `range` with `ticks` (those outside the range are dropped).
pub fn ticked(range: Range<f64>, ticks: Vec<f64>) -> Ticked {
    let ticks = ticks
        .into_iter()
        .filter(|t| *t >= range.start && *t <= range.end)
        .collect();
    Ticked {
        linear: range.into(),
        ticks,
    }
}

impl Ranged for Ticked {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

impl ValueFormatter<f64> for Ticked {
    fn format(value: &f64) -> String {
        format!("{value}")
    }
}

/// Round tick positions covering `low..=high`, about `count` of them, 1, 2, 2.5 or 5 × 10ⁿ apart;
/// and the step between them.
pub fn nice_ticks(low: f64, high: f64, count: usize) -> (Vec<f64>, f64) {
    let span = (high - low).abs().max(1e-9);
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil();
    let last = (high / step + 1e-9).floor();
    let ticks = (first as i64..=last as i64)
        .map(|i| i as f64 * step)
        .collect();
    (ticks, step)
}

/// Decimals needed to print multiples of `step` exactly (at most 3).
pub fn decimals(step: f64) -> usize {
    (0..3)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(3)
}

/// A plain number tick: as many decimals as the step needs.
pub fn number_label(value: f64, step: f64) -> String {
    format!("{:.*}", decimals(step), value + 0.0)
}

/// Dollar tick labels for one axis: one suffix (k, M, B) for the whole axis and just the
/// decimals its step needs ($50k, $1.25M).
#[derive(Clone, Copy, Debug)]
pub struct UsdAxis {
    divisor: f64,
    suffix: &'static str,
    decimals: usize,
}

impl UsdAxis {
    /// The format for ticks `step` apart whose largest magnitude is `largest`.
    pub fn new(largest: f64, step: f64) -> Self {
        let (divisor, suffix) = match largest.abs() {
            v if v >= 1e9 => (1e9, "B"),
            v if v >= 1e6 => (1e6, "M"),
            v if v >= 1e4 => (1e3, "k"),
            _ => (1.0, ""),
        };
        UsdAxis {
            divisor,
            suffix,
            decimals: decimals(step / divisor),
        }
    }

    /// The label of one tick.
    pub fn label(&self, value: f64) -> String {
        let v = value / self.divisor;
        if v.abs() < 1e-9 {
            return "$0".to_string();
        }
        let sign = if v < 0.0 { "-" } else { "" };
        let magnitude = if self.divisor == 1.0 && self.decimals == 0 {
            grouped(v.abs().round() as u64)
        } else {
            format!("{:.*}", self.decimals, v.abs())
        };
        format!("{sign}${magnitude}{}", self.suffix)
    }
}

/// Integer tick positions for a units axis over 0..=max: every 1, 2, 5, 10, 20, 50, … so that
/// there are at most `most` + 1 and none is fractional.
pub fn unit_ticks(max: f64, most: usize) -> Vec<f64> {
    let most = most.max(1) as f64;
    let mut step = 1.0;
    let mut factors = [2.0, 2.5, 2.0].iter().cycle();
    while max / step > most {
        step *= factors.next().copied().unwrap_or(2.0);
    }
    let count = (max / step).floor() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A range padded so that it is never empty: `low..high` grown by `pad` of its span on top
/// (and below when `low` is not pinned at zero).
pub fn padded(low: f64, high: f64, pad: f64) -> (f64, f64) {
    let span = (high - low).max(high.abs() * 1e-3).max(1e-9);
    let bottom = if low == 0.0 { 0.0 } else { low - pad * span };
    (bottom, high + pad * span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_are_round_and_cover_the_range() {
        assert_eq!(
            nice_ticks(0.0, 370_000.0, 8),
            (
                vec![0.0, 50e3, 100e3, 150e3, 200e3, 250e3, 300e3, 350e3],
                50e3
            )
        );
        let (ticks, step) = nice_ticks(-0.3, 4.4, 6);
        assert_eq!(
            (ticks.first(), ticks.last(), step),
            (Some(&0.0), Some(&4.0), 1.0)
        );
        assert_eq!(nice_ticks(0.0, 1.2, 5).1, 0.25);
    }

    #[test]
    fn usd_ticks_share_a_suffix_and_stay_distinct() {
        let axis = UsdAxis::new(360_000.0, 50_000.0);
        assert_eq!(axis.label(50_000.0), "$50k");
        assert_eq!(axis.label(0.0), "$0");
        assert_eq!(axis.label(-20_000.0), "-$20k");
        let fine = UsdAxis::new(1.4e6, 0.05e6);
        assert_eq!(
            (fine.label(1.2e6), fine.label(1.25e6)),
            ("$1.20M".into(), "$1.25M".into())
        );
        assert_eq!(UsdAxis::new(2000.0, 500.0).label(1500.0), "$1,500");
    }

    #[test]
    fn number_ticks_print_what_the_step_needs() {
        assert_eq!(number_label(4.0, 1.0), "4");
        assert_eq!(number_label(0.5, 0.5), "0.5");
        assert_eq!(number_label(0.75, 0.25), "0.75");
        assert_eq!(number_label(-0.0, 1.0), "0");
    }

    #[test]
    fn unit_ticks_are_whole_and_few() {
        assert_eq!(unit_ticks(3.0, 12), [0.0, 1.0, 2.0, 3.0]);
        let many = unit_ticks(140.0, 12);
        assert!(many.len() <= 13 && many.iter().all(|t| t.fract() == 0.0));
        assert_eq!(unit_ticks(140.0, 4), [0.0, 50.0, 100.0]);
        assert_eq!(unit_ticks(0.0, 12), [0.0]);
    }
}
