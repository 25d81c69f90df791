//! The one progress display of every long command (run, `--precision` batches, terms,
//! sensitivity, import …): a bar on stderr, drawn only when stderr is a terminal, counting what
//! the user asked for (trials, not trials × pools; bytes of an export), with a time left that is
//! only shown once it can be honest.
//!
//! ```text
//! enterprise-assistant: simulating [==========>         ] 1,034/2,000 trials · 3s left
//! ```
//!
//! Work may be counted in finer steps than the items shown (`with_steps`: a trial of a run with
//! two pools is two steps), so that the bar moves as every pool finishes a trial while the count
//! stays in trials. The time left is the elapsed time since the first step, scaled by the steps
//! left over the steps done: nothing is shown for the first second (a rate measured over a few
//! trials, or over a start-up pass that did not count, is what made "37m left" of a 5 s run).
//!
//! ```no_run
//! use ptsim::progress::Progress;
//! let progress = Progress::new(2_000, "trials").with_label("simulating");
//! for _ in 0..2_000 {
//!     progress.inc(1);
//! }
//! progress.finish();
//! ```

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::guard::memory::bytes;
use crate::report::format::grouped;

/// No bar appears before the command has run this long: short commands stay quiet.
const SHOW_AFTER: Duration = Duration::from_millis(400);
/// No time left is shown before the steps have run this long.
const ESTIMATE_AFTER: Duration = Duration::from_secs(1);
/// How often a visible bar is redrawn when no step arrives (the time left keeps moving).
const REDRAW: Duration = Duration::from_millis(250);

/// What the count is in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    /// Items named by a noun (`trials`, `runs`, `windows`).
    Items(&'static str),
    /// Bytes, shown as KiB, MiB, GiB.
    Bytes,
}

/// State the bar's text is computed from, shared with indicatif's drawing thread.
#[derive(Debug)]
struct Shared {
    unit: Unit,
    steps_per_item: AtomicU64,
    created: Instant,
    /// Whether the bar may be drawn at all (a terminal, not `--quiet`).
    enabled: AtomicBool,
    shown: AtomicBool,
    /// Set at the first step: the clock of the time left starts there.
    started: AtomicBool,
    /// The position when the clock started.
    start_steps: AtomicU64,
}

/// A progress display; cheap to clone, and safe to advance from many threads (rayon workers).
#[derive(Clone, Debug)]
pub struct Progress {
    bar: ProgressBar,
    shared: Arc<Shared>,
}

impl Progress {
    /// A bar over `total` items named `noun` (e.g. `"trials"`), one step per item.
    pub fn new(total: u64, noun: &'static str) -> Self {
        Self::build(total, 1, Unit::Items(noun))
    }

    /// A bar over `total` items of `steps_per_item` steps each: `inc` counts steps, the display
    /// counts whole items (a run of 2,000 trials over two pools: 4,000 steps, "2,000 trials").
    pub fn with_steps(total: u64, steps_per_item: u64, noun: &'static str) -> Self {
        Self::build(total, steps_per_item.max(1), Unit::Items(noun))
    }

    /// A bar over `total` bytes (reading a large file).
    pub fn bytes(total: u64) -> Self {
        Self::build(total, 1, Unit::Bytes)
    }

    /// A display that never draws (`--quiet`, or nothing long to show).
    pub fn hidden() -> Self {
        let progress = Self::build(0, 1, Unit::Items("steps"));
        progress.shared.enabled.store(false, Ordering::Relaxed);
        progress
    }

    fn build(total: u64, steps_per_item: u64, unit: Unit) -> Self {
        let shared = Arc::new(Shared {
            unit,
            steps_per_item: AtomicU64::new(steps_per_item),
            created: Instant::now(),
            enabled: AtomicBool::new(std::io::stderr().is_terminal()),
            shown: AtomicBool::new(false),
            started: AtomicBool::new(false),
            start_steps: AtomicU64::new(0),
        });
        let bar = ProgressBar::with_draw_target(
            Some(total.saturating_mul(steps_per_item)),
            ProgressDrawTarget::hidden(),
        );
        bar.set_style(style(&shared));
        Progress { bar, shared }
    }

    /// Hides the display when `quiet` (the command's `--quiet`).
    pub fn hide_if(self, quiet: bool) -> Self {
        if quiet {
            self.shared.enabled.store(false, Ordering::Relaxed);
        }
        self
    }

    /// The words before the bar (`"enterprise-assistant: simulating"`).
    pub fn with_label(self, label: impl Into<String>) -> Self {
        self.set_label(label);
        self
    }

    /// Changes the words before the bar.
    pub fn set_label(&self, label: impl Into<String>) {
        self.bar.set_message(label.into());
        self.show_when_due();
    }

    /// Changes the total, in items (a `--precision` run that plans more trials).
    pub fn set_total(&self, total: u64) {
        let steps = self.shared.steps_per_item.load(Ordering::Relaxed);
        self.bar.set_length(total.saturating_mul(steps));
        self.show_when_due();
    }

    /// Advances by `steps` (items unless `with_steps`).
    pub fn inc(&self, steps: u64) {
        self.start_clock();
        self.bar.inc(steps);
        self.show_when_due();
    }

    /// At the first step: the time left is measured from here.
    fn start_clock(&self) {
        if !self.shared.started.swap(true, Ordering::Relaxed) {
            self.bar.reset_elapsed();
            self.shared
                .start_steps
                .store(self.bar.position(), Ordering::Relaxed);
        }
    }

    /// Counts `steps` as done before this command's clock starts (work reused from earlier):
    /// they move the bar, but the time left is measured on the steps that follow.
    pub fn skip(&self, steps: u64) {
        if !self.shared.started.load(Ordering::Relaxed) {
            self.bar.inc(steps);
        }
    }

    /// Sets the steps done (bytes read of a file).
    pub fn set_position(&self, steps: u64) {
        if steps > 0 {
            self.start_clock();
        }
        self.bar.set_position(steps);
        self.show_when_due();
    }

    /// Starts again from zero over `total` items of `steps_per_item` steps, with a new label
    /// (the next phase of a command), the time left measured afresh.
    pub fn restart(&self, total: u64, steps_per_item: u64, label: impl Into<String>) {
        self.shared
            .steps_per_item
            .store(steps_per_item.max(1), Ordering::Relaxed);
        self.shared.started.store(false, Ordering::Relaxed);
        // Back to zero before the new words, so that no frame shows them beside the old count.
        self.bar.set_position(0);
        self.bar.set_message(label.into());
        self.set_total(total);
    }

    /// Removes the bar from the terminal (call before printing the result).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Draws the bar once the command has run long enough to deserve one.
    fn show_when_due(&self) {
        let s = &self.shared;
        if s.shown.load(Ordering::Relaxed)
            || !s.enabled.load(Ordering::Relaxed)
            || s.created.elapsed() < SHOW_AFTER
            || s.shown.swap(true, Ordering::Relaxed)
        {
            return;
        }
        self.bar.set_draw_target(ProgressDrawTarget::stderr());
        self.bar.enable_steady_tick(REDRAW);
    }
}

/// `{label} [bar] {count} · {time left}`, the count and time computed from `shared`.
fn style(shared: &Arc<Shared>) -> ProgressStyle {
    let for_count = shared.clone();
    let for_left = shared.clone();
    ProgressStyle::with_template("{msg} [{bar:20}] {count} · {left}")
        .expect("a valid template")
        .progress_chars("=> ")
        .with_key(
            "count",
            move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let total = state.len().unwrap_or(0);
                let _ = w.write_str(&count_text(
                    state.pos(),
                    total,
                    for_count.steps_per_item.load(Ordering::Relaxed),
                    for_count.unit,
                ));
            },
        )
        .with_key(
            "left",
            move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let start = for_left.start_steps.load(Ordering::Relaxed);
                let started = for_left.started.load(Ordering::Relaxed);
                let done = if started {
                    state.pos().saturating_sub(start)
                } else {
                    0
                };
                let remaining = state.len().unwrap_or(0).saturating_sub(state.pos());
                let _ = w.write_str(&left_text(state.elapsed(), done, remaining));
            },
        )
}

/// `1,034/2,000 trials` from step counts (whole items done, of the items in all).
fn count_text(pos_steps: u64, total_steps: u64, steps_per_item: u64, unit: Unit) -> String {
    match unit {
        Unit::Items(noun) => format!(
            "{}/{} {noun}",
            grouped(pos_steps / steps_per_item),
            grouped(total_steps / steps_per_item)
        ),
        Unit::Bytes => format!("{}/{}", bytes(pos_steps), bytes(total_steps)),
    }
}

/// The time left after `done` steps in `elapsed`, with `remaining` steps to go: a linear
/// extrapolation, or `estimating…` while it would rest on less than a second.
fn left_text(elapsed: Duration, done: u64, remaining: u64) -> String {
    if remaining == 0 {
        return "finishing".to_string();
    }
    if done == 0 || elapsed < ESTIMATE_AFTER {
        return "estimating…".to_string();
    }
    let seconds = elapsed.as_secs_f64() * remaining as f64 / done as f64;
    format!("{} left", duration_text(seconds))
}

/// `45s`, `3m 20s`, `2h 05m`: whole seconds, rounded up (never "0s left" while work remains).
fn duration_text(seconds: f64) -> String {
    let s = seconds.ceil().max(1.0) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_in_items_not_steps() {
        // A 2,000-trial run over two pools is 4,000 steps and says 2,000 trials.
        assert_eq!(
            count_text(2_069, 4_000, 2, Unit::Items("trials")),
            "1,034/2,000 trials"
        );
        assert_eq!(
            count_text(0, 4_000, 2, Unit::Items("trials")),
            "0/2,000 trials"
        );
        assert_eq!(
            count_text(3 << 20, 178 << 20, 1, Unit::Bytes),
            "3.0 MiB/178.0 MiB"
        );
    }

    #[test]
    fn no_time_left_is_guessed_in_the_first_second() {
        // One trial done in 2 ms of a 2,000-trial run: no "37m left", no "0s left".
        assert_eq!(left_text(Duration::from_millis(2), 1, 1_999), "estimating…");
        assert_eq!(left_text(Duration::from_secs(5), 0, 1_999), "estimating…");
        // Half done in 2 s: 2 s more.
        assert_eq!(left_text(Duration::from_secs(2), 1_000, 1_000), "2s left");
        assert_eq!(left_text(Duration::from_secs(2), 10, 0), "finishing");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration_text(0.2), "1s");
        assert_eq!(duration_text(44.1), "45s");
        assert_eq!(duration_text(200.0), "3m 20s");
        assert_eq!(duration_text(7_500.0), "2h 05m");
    }

    #[test]
    fn a_hidden_display_counts_without_drawing() {
        let p = Progress::with_steps(10, 2, "trials").hide_if(true);
        for _ in 0..20 {
            p.inc(1);
        }
        assert_eq!(p.bar.position(), 20);
        assert!(p.bar.is_hidden());
        p.restart(5, 3, "next");
        assert_eq!(p.bar.position(), 0);
        assert_eq!(p.bar.length(), Some(15));
        p.finish();
    }
}
