//! The earliest-deadline-first backlog of deferrable work that idle units absorb (docs/model.md §4,
//! `fill_idle = true`; ordering and partial service in docs/decisions.md §7).

use std::collections::VecDeque;

use super::capacity::{Capacity, CapacityMode};

/// Deferrable tokens of one workload that arrived in one hour.
#[derive(Clone, Copy, Debug)]
struct Item {
    deadline: usize,
    arrival: usize,
    workload: usize,
    input: f64,
    output: f64,
    /// Whether the item arrived with no input / no output tokens (fixed for its life, so the
    /// backlog's counters stay exact even if partial service rounds a side to zero).
    zero_input: bool,
    zero_output: bool,
}

impl Item {
    fn key(&self) -> (usize, usize, usize) {
        (self.deadline, self.arrival, self.workload)
    }
}

/// Idle capacity in one hour, after realtime traffic.
#[derive(Clone, Copy, Debug)]
pub enum Idle {
    /// Shared mode: unit-hours left.
    Shared(f64),
    /// Separate mode: input and output tokens left.
    Separate { input: f64, output: f64 },
}

impl Idle {
    /// The largest fraction of `(input, output)` that fits, and the capacity left after taking it.
    /// A side that limits the fraction is left at exactly zero: `left − (left/x)·x` can round to a
    /// residue of one ulp, which would hand every later item a meaningless sliver.
    fn take(self, capacity: &Capacity, input: f64, output: f64) -> (f64, Idle) {
        match self {
            Idle::Shared(left) => {
                let cost = capacity.load(input, output);
                if cost <= 0.0 {
                    return (1.0, self);
                }
                if left >= cost {
                    (1.0, Idle::Shared(left - cost))
                } else {
                    ((left / cost).max(0.0), Idle::Shared(0.0))
                }
            }
            Idle::Separate {
                input: left_in,
                output: left_out,
            } => {
                let frac_in = if input > 0.0 {
                    left_in / input
                } else {
                    f64::INFINITY
                };
                let frac_out = if output > 0.0 {
                    left_out / output
                } else {
                    f64::INFINITY
                };
                let frac = frac_in.min(frac_out).clamp(0.0, 1.0);
                let side_left = |left: f64, tokens: f64, side_frac: f64| {
                    if side_frac <= frac {
                        0.0
                    } else {
                        (left - frac * tokens).max(0.0)
                    }
                };
                let left = Idle::Separate {
                    input: side_left(left_in, input, frac_in),
                    output: side_left(left_out, output, frac_out),
                };
                (frac, left)
            }
        }
    }

    /// True when no queued item can take anything: all capacity is used, or (separate mode) one
    /// side is used up and every queued item needs some of it.
    fn exhausted(self, zero_input_items: usize, zero_output_items: usize) -> bool {
        match self {
            Idle::Shared(left) => left <= 0.0,
            Idle::Separate { input, output } => {
                let input_done = input <= 0.0 && (output <= 0.0 || zero_input_items == 0);
                let output_done = output <= 0.0 && zero_output_items == 0;
                input_done || output_done
            }
        }
    }
}

/// Tokens moved out of the backlog in one step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tokens {
    pub input: f64,
    pub output: f64,
}

/// Queued deferrable work, kept sorted by (deadline, arrival, workload).
#[derive(Debug, Default)]
pub struct Backlog {
    items: VecDeque<Item>,
    /// Queued items with no input (resp. output) tokens: the only ones that can still be served
    /// once that side of a separate-mode unit is used up. Partial service keeps both sides in
    /// proportion, so an item's zero-ness never changes while it is queued.
    zero_input_items: usize,
    zero_output_items: usize,
}

impl Backlog {
    /// Queues `input`/`output` tokens of `workload` arriving in hour `arrival` with a window of
    /// `window_hours` (deadline `arrival + window − 1`).
    pub fn push(
        &mut self,
        arrival: usize,
        window_hours: usize,
        workload: usize,
        input: f64,
        output: f64,
    ) {
        if input <= 0.0 && output <= 0.0 {
            return;
        }
        let item = Item {
            deadline: arrival + window_hours.max(1) - 1,
            arrival,
            workload,
            input,
            output,
            zero_input: input <= 0.0,
            zero_output: output <= 0.0,
        };
        self.count(&item, 1);
        // With one window per pool, arrivals come in key order: the back is the common case.
        if self
            .items
            .back()
            .is_none_or(|last| last.key() <= item.key())
        {
            self.items.push_back(item);
        } else {
            let at = self
                .items
                .partition_point(|queued| queued.key() <= item.key());
            self.items.insert(at, item);
        }
    }

    /// Adds `sign` (±1) to the zero-side counters for `item`.
    fn count(&mut self, item: &Item, sign: isize) {
        if item.zero_input {
            self.zero_input_items = self.zero_input_items.wrapping_add_signed(sign);
        }
        if item.zero_output {
            self.zero_output_items = self.zero_output_items.wrapping_add_signed(sign);
        }
    }

    /// Serves the queue in order with `idle` capacity; returns the tokens absorbed.
    pub fn serve(&mut self, capacity: &Capacity, mut idle: Idle) -> Tokens {
        let mut absorbed = Tokens::default();
        let mut fully_served = 0usize;
        let (zero_in, zero_out) = (self.zero_input_items, self.zero_output_items);
        for item in self.items.iter_mut() {
            if idle.exhausted(zero_in, zero_out) {
                break;
            }
            let (frac, left) = idle.take(capacity, item.input, item.output);
            idle = left;
            if frac >= 1.0 {
                absorbed.input += item.input;
                absorbed.output += item.output;
                self.zero_input_items -= usize::from(item.zero_input);
                self.zero_output_items -= usize::from(item.zero_output);
                item.input = 0.0;
                item.output = 0.0;
                fully_served += 1;
            } else if frac > 0.0 {
                let (taken_in, taken_out) = (frac * item.input, frac * item.output);
                absorbed.input += taken_in;
                absorbed.output += taken_out;
                item.input -= taken_in;
                item.output -= taken_out;
            }
        }
        // Fully served items are usually a prefix of the queue: pop those, retain only if more remain.
        while fully_served > 0
            && self
                .items
                .front()
                .is_some_and(|i| i.input <= 0.0 && i.output <= 0.0)
        {
            self.items.pop_front();
            fully_served -= 1;
        }
        if fully_served > 0 {
            self.items
                .retain(|item| item.input > 0.0 || item.output > 0.0);
        }
        absorbed
    }

    /// Removes and returns what is still queued with a deadline at or before `hour`.
    pub fn expire(&mut self, hour: usize) -> Tokens {
        let mut expired = Tokens::default();
        while let Some(front) = self.items.front() {
            if front.deadline > hour {
                break;
            }
            let front = *front;
            expired.input += front.input;
            expired.output += front.output;
            self.count(&front, -1);
            self.items.pop_front();
        }
        expired
    }

    /// Removes and returns everything still queued (the end of the horizon).
    pub fn drain(&mut self) -> Tokens {
        self.expire(usize::MAX)
    }
}

/// Idle capacity left by realtime traffic for `units` units.
pub fn idle_after_realtime(
    capacity: &Capacity,
    units: f64,
    served_load: f64,
    served_input: f64,
    served_output: f64,
) -> Idle {
    match capacity.mode {
        CapacityMode::Shared => Idle::Shared((units - served_load).max(0.0)),
        CapacityMode::Separate => Idle::Separate {
            input: (units * capacity.input_tokens_per_hour - served_input).max(0.0),
            output: (units * capacity.output_tokens_per_hour - served_output).max(0.0),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARED: Capacity = Capacity {
        input_tokens_per_hour: 100.0,
        output_tokens_per_hour: 10.0,
        mode: CapacityMode::Shared,
    };
    const SEPARATE: Capacity = Capacity {
        mode: CapacityMode::Separate,
        ..SHARED
    };

    #[test]
    fn earliest_deadline_is_served_first_then_earlier_arrival() {
        let mut backlog = Backlog::default();
        backlog.push(0, 10, 0, 100.0, 0.0); // deadline 9
        backlog.push(1, 2, 1, 100.0, 0.0); // deadline 2: served first
        backlog.push(0, 3, 2, 100.0, 0.0); // deadline 2, earlier arrival: served before workload 1
        let absorbed = backlog.serve(&SHARED, Idle::Shared(1.5));
        assert_eq!(absorbed.input, 150.0);
        // Workload 2's item is gone, half of workload 1's is left and expires at hour 2.
        assert_eq!(backlog.expire(1), Tokens::default());
        assert_eq!(backlog.expire(2).input, 50.0);
        assert_eq!(backlog.drain().input, 100.0);
    }

    #[test]
    fn shared_item_takes_the_fraction_that_fits() {
        let mut backlog = Backlog::default();
        // load = 50/100 + 5/10 = 1.0 unit-hour; 0.25 left → a quarter is served.
        backlog.push(0, 1, 0, 50.0, 5.0);
        let absorbed = backlog.serve(&SHARED, Idle::Shared(0.25));
        assert_eq!(
            absorbed,
            Tokens {
                input: 12.5,
                output: 1.25
            }
        );
        assert_eq!(
            backlog.expire(0),
            Tokens {
                input: 37.5,
                output: 3.75
            }
        );
    }

    #[test]
    fn separate_item_is_bound_by_its_scarcer_side_and_the_next_item_uses_the_rest() {
        let mut backlog = Backlog::default();
        backlog.push(0, 1, 0, 40.0, 10.0); // output-bound: 5 of 10 output fit → half
        backlog.push(0, 1, 1, 30.0, 0.0); // input only: 30 of the 80 left fit
        let idle = Idle::Separate {
            input: 100.0,
            output: 5.0,
        };
        let absorbed = backlog.serve(&SEPARATE, idle);
        assert_eq!(
            absorbed,
            Tokens {
                input: 50.0,
                output: 5.0
            }
        );
        assert_eq!(
            backlog.drain(),
            Tokens {
                input: 20.0,
                output: 5.0
            }
        );
    }
}
