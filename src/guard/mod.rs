//! Guards at the edge of a run: nothing non-finite is written, a run that cannot fit in memory is
//! refused before it starts, and Ctrl-C never leaves half a set of output files.

mod finite;
mod interrupt;
pub mod memory;

pub use finite::find_non_finite;
pub use interrupt::{Interrupted, install_interrupt_handler, interrupted};
