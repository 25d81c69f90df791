//! One integration binary that runs the real `ptsim` (assert_cmd) in temporary folders.

mod common;
mod errors;
mod oracles;
mod run;
