//! Ctrl-C (SIGINT) during a run. The run is computed entirely in memory before anything is
//! written, so an interrupt before writing starts simply stops the run and leaves earlier results
//! untouched; one that arrives while the files are being written is noted and acted on only once
//! the whole set is in place, so a folder never holds half a run.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// An interrupted run (exit code 130, as for a shell's Ctrl-C).
#[derive(Debug, thiserror::Error)]
pub enum Interrupted {
    #[error("interrupted: nothing was written; {0} is as it was before the run")]
    BeforeWriting(String),
    #[error("interrupted while writing; the new results were written completely to {0}")]
    AfterWriting(String),
}

/// Routes SIGINT to a flag instead of killing the process (once per process; later calls do
/// nothing). Returns whether the handler is in place.
pub fn install_interrupt_handler() -> bool {
    *INSTALLED
        .get_or_init(|| ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)).is_ok())
}

/// Whether SIGINT has arrived since the handler was installed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
