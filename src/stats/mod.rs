//! Statistics of a run (docs/model.md §6): per-k distributions, the sizing rules and the analytic
//! break-even utilization. No I/O.

pub mod breakeven;
pub mod calibration;
pub mod convergence;
pub mod curve;
pub mod policy_costs;
pub mod quantile;
pub mod sizing;
