//! One integration binary that runs the real `ptsim` (assert_cmd) in temporary folders.

mod capacity;
mod common;
mod corpus;
mod errors;
mod first_hour;
mod fit;
mod forecast;
mod fuzz;
mod hardening;
mod import;
mod oracles;
mod plan;
mod prices;
mod replay_oracle;
mod risk;
mod run;
