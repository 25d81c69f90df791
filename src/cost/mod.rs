//! The cost model of docs/model.md §2–4: one trial's hourly traffic through one pool with k units,
//! priced on-demand, batch and per unit. Pure functions of values; no I/O.

mod backlog;
pub mod capacity;
mod fifo;
mod pool;
#[cfg(test)]
mod properties;
mod schedules;
mod sweep;

pub use capacity::{Capacity, CapacityMode};
pub use pool::{PoolHours, PoolModel, PoolPrices, UnitOutcome, WorkloadCost, WorkloadTraffic};
