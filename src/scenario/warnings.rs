//! Warnings about traces that do not cover the horizon: hours of the horizon a trace does not
//! reach are priced as zero traffic — an 8-day import pasted into a 730-hour scenario would
//! otherwise show a 2.5% utilization without a word.

use std::sync::Arc;

use crate::traffic::HourlyTrace;
use crate::traffic::time::format_epoch_hour;

/// One warning per trace file (a file read by several workloads is named once) whose span leaves
/// hours of the horizon of `hours` hours from `start` without a row.
pub(super) fn short_trace_warnings(
    traces: &[Arc<HourlyTrace>],
    start: i64,
    hours: usize,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for t in traces {
        if !seen.insert(t.path.clone()) {
            continue;
        }
        let first = t.first_epoch_hour();
        let last = t.hours.last().map_or(first, |h| h.epoch_hour);
        let covered = covered_hours((first, last), start, hours);
        if covered < hours {
            let span = last - first + 1;
            let fix = if first == start {
                format!("set horizon_hours = {span}")
            } else {
                format!(
                    "set horizon_hours = {span} and start = \"{}\"",
                    format_epoch_hour(first)
                )
            };
            warnings.push(format!(
                "trace {} covers {covered} of the {hours} hours of the horizon (its rows run from \
                 {} to {}, the horizon from {}): the other {} hours count as zero traffic, so \
                 utilization and cost come out too low; {fix} to price only the recorded hours",
                t.path.display(),
                format_epoch_hour(first),
                format_epoch_hour(last),
                format_epoch_hour(start),
                hours - covered,
            ));
        }
    }
    warnings
}

/// Hours of the horizon `[start, start + hours)` inside the trace's span `[first, last]`.
fn covered_hours((first, last): (i64, i64), start: i64, hours: usize) -> usize {
    let end = start + hours as i64;
    (last + 1).min(end).saturating_sub(first.max(start)).max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_the_overlap_of_span_and_horizon() {
        // 8 days of rows in a 730-hour month starting with them: 192 hours covered.
        assert_eq!(covered_hours((1000, 1191), 1000, 730), 192);
        // A trace covering the whole horizon and more.
        assert_eq!(covered_hours((900, 2000), 1000, 730), 730);
        // A horizon that starts before the trace.
        assert_eq!(covered_hours((1010, 2000), 1000, 730), 720);
        // No overlap at all.
        assert_eq!(covered_hours((0, 10), 1000, 730), 0);
        assert_eq!(covered_hours((5000, 6000), 1000, 730), 0);
    }
}
