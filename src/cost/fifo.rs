//! The deferrable backlog as one budget (docs/model.md §4 `fill_idle`, issue 6's fast path). When
//! every deferrable workload of a pool has the same window W, earliest deadline first is first in,
//! first out; when every item is bound by the capacity the same way, an item's share served is the
//! idle load over its load. The backlog is then a stretch `(X, A_t]` of the cumulative deferred
//! load `A_t`, and one hour is three branch-free steps: `y = min(X + idle_t, A_t)` (served from the
//! front), `absorbed += y − X`, `X = max(y, A_{t−W+1})` (what arrived in hour t − W + 1 is due by
//! the end of hour t), which run for several unit counts side by side.

use super::capacity::CapacityMode;
use super::pool::{PoolHours, PoolModel};

/// What one unit count absorbed of the deferrable load, and what expired to batch, in unit-hours.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Absorbed {
    pub(super) load: f64,
    pub(super) expired_load: f64,
}

/// Unit counts simulated side by side.
pub(super) const LANES: usize = 8;

/// The scalar backlog of one trial: cumulative deferred load and the bounds of the closed forms.
pub(super) struct ScalarQueue {
    /// `cumulative[t]`: deferrable load (unit-hours) arrived in hours 0..=t.
    cumulative: Vec<f64>,
    window: usize,
    pub(super) total_load: f64,
    /// No hour has idle capacity at or below this many units (without intra-hour burstiness).
    min_realtime_load: f64,
    /// Every hour's realtime and deferred work fits in this many units.
    peak_all_load: f64,
}

/// Two token mixes count as one when their output shares differ by less than this (rounding).
const SAME_MIX: f64 = 1e-12;

impl ScalarQueue {
    /// The queue, or None when the reference backlog is needed: windows differ between
    /// workloads, or the deferrable items do not share one token mix, or (separate budgets) some
    /// hour's realtime traffic is bound by the other budget than the deferrable items.
    pub(super) fn new(hours: &PoolHours, model: &PoolModel) -> Option<Self> {
        let first = hours.arrivals.first()?;
        let window = model.workloads[first.workload].batch_window_hours.max(1) as usize;
        let capacity = &model.capacity;
        // Cross-multiplied (no division per hour): the output share o/(i + o) equals the first
        // item's, and the input budget binds (i/C_in ≥ o/C_out).
        let (first_in, first_out) = (first.input, first.output);
        let same_mix = |i: f64, o: f64| {
            (o * (first_in + first_out) - first_out * (i + o)).abs()
                <= SAME_MIX * (i + o) * (first_in + first_out)
        };
        let (c_in, c_out) = (
            capacity.input_tokens_per_hour,
            capacity.output_tokens_per_hour,
        );
        let input_side = |i: f64, o: f64| (i * c_out).total_cmp(&(o * c_in));
        let deferred_side = input_side(first_in, first_out);
        let mut deferred = vec![0.0; hours.hours()];
        for a in &hours.arrivals {
            let same_window =
                model.workloads[a.workload].batch_window_hours.max(1) as usize == window;
            if !same_window || !same_mix(a.input, a.output) {
                return None;
            }
            deferred[a.hour] += capacity.load(a.input, a.output);
        }
        if capacity.mode == CapacityMode::Separate {
            // Realtime must bind the same budget as the deferred items (a tie binds both).
            let consistent =
                hours
                    .realtime_input
                    .iter()
                    .zip(&hours.realtime_output)
                    .all(|(&i, &o)| {
                        let side = input_side(i, o);
                        side == deferred_side || side.is_eq() || deferred_side.is_eq()
                    });
            if !consistent {
                return None;
            }
        }
        let min_realtime_load = hours
            .realtime_load
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        let peak_all_load = hours
            .realtime_load
            .iter()
            .zip(&deferred)
            .map(|(r, d)| r + d)
            .fold(0.0, f64::max);
        let mut total_load = 0.0;
        let cumulative = deferred
            .iter()
            .map(|d| {
                total_load += d;
                total_load
            })
            .collect();
        Some(ScalarQueue {
            cumulative,
            window,
            total_load,
            min_realtime_load,
            peak_all_load,
        })
    }

    /// The closed forms: everything fits on arrival with `units` units, or (when realtime takes
    /// all of k in every hour it exceeds it, `realtime_fills_units`) nothing is ever idle.
    pub(super) fn closed_form(&self, units: f64, realtime_fills_units: bool) -> Option<Absorbed> {
        if units >= self.peak_all_load {
            Some(Absorbed {
                load: self.total_load,
                expired_load: 0.0,
            })
        } else if realtime_fills_units && units <= self.min_realtime_load {
            Some(Absorbed {
                load: 0.0,
                expired_load: self.total_load,
            })
        } else {
            None
        }
    }

    /// Serves the queue hour by hour for `N` unit counts side by side; `idle(t, spare)` writes
    /// each one's unit-hours left after realtime traffic in hour t. Only what expires is summed:
    /// the rest was absorbed (so a k that lets nothing expire absorbs the total exactly).
    pub(super) fn absorb<const N: usize>(
        &self,
        mut idle: impl FnMut(usize, &mut [f64; N]),
    ) -> [Absorbed; N] {
        let (mut front, mut expired, mut spare) = ([0.0; N], [0.0; N], [0.0; N]);
        for (t, &arrived) in self.cumulative.iter().enumerate() {
            let due = (t + 1)
                .checked_sub(self.window)
                .map_or(0.0, |a| self.cumulative[a]);
            idle(t, &mut spare);
            for l in 0..N {
                let served_to = min(front[l] + spare[l], arrived);
                expired[l] += max(due - served_to, 0.0);
                front[l] = max(served_to, due);
            }
        }
        std::array::from_fn(|l| {
            let expired_load = expired[l] + max(self.total_load - front[l], 0.0);
            Absorbed {
                load: max(self.total_load - expired_load, 0.0),
                expired_load,
            }
        })
    }
}

/// `a.min(b)` for values that are never NaN, written so that it compiles to one `minpd`
/// (`f64::min` adds NaN handling that triples the loop above).
#[inline(always)]
pub(super) fn min(a: f64, b: f64) -> f64 {
    if a < b { a } else { b }
}

/// `a.max(b)` for values that are never NaN (see `min`).
#[inline(always)]
pub(super) fn max(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(deferred: &[f64], window: usize) -> ScalarQueue {
        let mut total = 0.0;
        ScalarQueue {
            cumulative: deferred
                .iter()
                .map(|d| {
                    total += d;
                    total
                })
                .collect(),
            window,
            total_load: total,
            min_realtime_load: 0.0,
            peak_all_load: f64::INFINITY,
        }
    }

    #[test]
    fn work_waits_its_window_and_then_expires() {
        // 3 unit-hours arrive in hour 0 with a 2-hour window; 1 idle unit-hour in hours 0..=3.
        let q = queue(&[3.0, 0.0, 0.0, 0.0], 2);
        let [out] = q.absorb(|_, spare: &mut [f64; 1]| spare[0] = 1.0);
        assert_eq!(
            out,
            Absorbed {
                load: 2.0,
                expired_load: 1.0
            }
        );
    }

    #[test]
    fn the_oldest_work_is_served_first_and_lanes_are_independent() {
        // Hour 0: 2 arrive, no idle. Hour 1: 2 arrive, 3 idle → hour 0's 2 and 1 of hour 1's.
        // Hour 2: nothing idle; window 2 → hour 1's remaining 1 expires at the end of hour 2.
        let q = queue(&[2.0, 2.0, 0.0], 2);
        let idle = [[0.0, 0.0], [3.0, 9.0], [0.0, 0.0]];
        let [three, nine] = q.absorb(|t, spare: &mut [f64; 2]| *spare = idle[t]);
        assert_eq!(
            three,
            Absorbed {
                load: 3.0,
                expired_load: 1.0
            }
        );
        assert_eq!(
            nine,
            Absorbed {
                load: 4.0,
                expired_load: 0.0
            }
        );
    }

    #[test]
    fn what_is_left_at_the_horizon_expires() {
        let q = queue(&[0.0, 5.0], 24);
        let [out] = q.absorb(|t, spare: &mut [f64; 1]| spare[0] = if t == 1 { 1.5 } else { 0.0 });
        assert_eq!(
            out,
            Absorbed {
                load: 1.5,
                expired_load: 3.5
            }
        );
    }
}
