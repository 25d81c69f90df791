//! `--fill-gaps` (issue 13): missing hours filled from the history's own shape. The shape is
//! fitted on the hours with data; a missing hour gets the baseline there (level × hour of day ×
//! day of week) times the residual interpolated log-linearly between the hours with data on
//! either side of its gap, and the output/input ratio interpolated the same way. Short gaps so
//! follow their neighbours; long ones follow the daily cycle.

use super::shape::{MIN_WEEKLY_DAYS, decompose};
use crate::history::HourlySeries;

/// `series` with every missing hour filled and marked observed.
pub fn fill(series: &HourlySeries) -> HourlySeries {
    let mut out = series.clone();
    let gaps = series.gaps();
    if gaps.missing_hours == 0 {
        return out;
    }
    let seen = &series.observed;
    let y = super::masked(&series.input, seen);
    let weekly = series.observed_hours() >= MIN_WEEKLY_DAYS * 24;
    let shape = decompose(&y, series.start_epoch_hour, weekly);
    let log_of =
        |h: usize, v: f64, base: f64| (seen[h] && v > 0.0 && base > 0.0).then(|| (v / base).ln());
    let residual: Vec<Option<f64>> = (0..series.len())
        .map(|h| log_of(h, series.input[h], shape.baseline[h]))
        .collect();
    let mix: Vec<Option<f64>> = (0..series.len())
        .map(|h| log_of(h, series.output[h], series.input[h]))
        .collect();
    let sum = |v: &[f64]| {
        v.iter()
            .zip(seen)
            .filter(|(_, s)| **s)
            .map(|(v, _)| v)
            .sum::<f64>()
    };
    let total_in = sum(&series.input);
    let per_input = |v: &Option<Vec<f64>>| {
        v.as_ref().map(|v| {
            if total_in > 0.0 {
                sum(v) / total_in
            } else {
                0.0
            }
        })
    };
    let (requests, cache_read, cache_write) = (
        per_input(&series.requests),
        per_input(&series.cache_read),
        per_input(&series.cache_write),
    );
    let mean_mix = (sum(&series.output) / total_in.max(1e-300))
        .max(1e-300)
        .ln();
    let mut h = 0;
    while h < series.len() {
        if seen[h] {
            h += 1;
            continue;
        }
        let end = (h..series.len()).find(|&e| seen[e]).unwrap_or(series.len());
        let edge = |values: &[Option<f64>], default: f64| {
            let left = values[..h].iter().rev().flatten().next().copied();
            let right = values[end..].iter().flatten().next().copied();
            let left = left.or(right).unwrap_or(default);
            (left, right.unwrap_or(left))
        };
        let (r0, r1) = edge(&residual, 0.0);
        let (m0, m1) = edge(&mix, mean_mix);
        let len = (end - h + 1) as f64;
        for at in h..end {
            let w = (at - h + 1) as f64 / len;
            let input = shape.baseline[at] * (r0 + w * (r1 - r0)).exp();
            out.input[at] = input;
            out.output[at] = input * (m0 + w * (m1 - m0)).exp();
            for (column, share) in [
                (&mut out.requests, requests),
                (&mut out.cache_read, cache_read),
                (&mut out.cache_write, cache_write),
            ] {
                if let (Some(c), Some(s)) = (column.as_mut(), share) {
                    c[at] = input * s;
                }
            }
            out.observed[at] = true;
        }
        h = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traffic::time::DEFAULT_START_EPOCH_HOUR;

    #[test]
    fn a_gap_in_a_steady_daily_cycle_is_filled_with_the_cycle() {
        // 10 days of a clean two-level daily cycle, output a tenth of input; hours 30–40 lost.
        let input: Vec<f64> = (0..240)
            .map(|h| if h % 24 < 12 { 100.0 } else { 300.0 })
            .collect();
        let output: Vec<f64> = input.iter().map(|v| v / 10.0).collect();
        let mut s = HourlySeries::complete(DEFAULT_START_EPOCH_HOUR, input.clone(), output);
        for h in 30..=40 {
            s.observed[h] = false;
            s.input[h] = 0.0;
            s.output[h] = 0.0;
        }
        let filled = fill(&s);
        assert!(filled.observed.iter().all(|o| *o));
        for (h, truth) in input.iter().enumerate().take(41).skip(30) {
            assert!((filled.input[h] / truth - 1.0).abs() < 1e-9, "hour {h}");
            assert!((filled.output[h] / filled.input[h] - 0.1).abs() < 1e-12);
        }
    }
}
