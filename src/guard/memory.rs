//! How much memory a run needs, estimated from its plan before any trial is simulated, so that a
//! run that cannot fit is refused with the estimate and how to lower it instead of being killed
//! by the operating system an hour in.

use std::fmt::Write;

use crate::cost::UnitOutcome;
use crate::report::format::grouped;
use crate::scenario::Scenario;
use crate::simulate::{Pilot, TrialOutcome};

/// The limit when none is given: 8 GiB (or less, when the machine has less available).
pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 8 << 30;

/// Bytes of hourly working memory per workload-hour in one worker thread: the input and output
/// buffers (2 × 8 B), the deferrable arrival (32 B) and its backlog item (40 B).
const BYTES_PER_WORKLOAD_HOUR: u64 = 88;
/// Bytes per hour in one worker thread for the pool's aggregates (realtime input, output, load,
/// value, all-traffic load and its sorted copy).
const BYTES_PER_POOL_HOUR: u64 = 64;

/// A run's memory, in bytes, by where it goes.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryEstimate {
    /// Per pool: (pool name, trials, unit counts swept, bytes of outcomes kept).
    pub pools: Vec<(String, u64, u64, u64)>,
    /// Hourly working buffers of all worker threads.
    pub buffers: u64,
    pub threads: u64,
    /// Trials of the pilot that estimated the sweep end of pools without `max_units` (None when
    /// every sweep end was known, or was planned over every trial).
    pub pilot_trials: Option<u32>,
}

impl MemoryEstimate {
    /// Everything the run holds at its peak.
    pub fn total(&self) -> u64 {
        self.pools.iter().map(|p| p.3).sum::<u64>() + self.buffers
    }
}

/// The memory a run of `scenario` with sweep ends `max_units` (one per pool) needs on `threads`
/// threads: every trial keeps one `UnitOutcome` per unit count per pool, and every thread one
/// trial's hourly buffers.
pub fn estimate(scenario: &Scenario, max_units: &[u32], threads: usize) -> MemoryEstimate {
    let trials = u64::from(scenario.trials);
    let per_outcome = std::mem::size_of::<UnitOutcome>() as u64;
    let per_trial = std::mem::size_of::<TrialOutcome>() as u64;
    let pools = scenario
        .pools
        .iter()
        .zip(max_units)
        .map(|(pool, &k)| {
            let counts = u64::from(k) + 1;
            let bytes = trials.saturating_mul(counts.saturating_mul(per_outcome) + per_trial);
            (pool.name.clone(), trials, counts, bytes)
        })
        .collect();
    let hours = scenario.horizon_hours as u64;
    let workloads = scenario
        .pools
        .iter()
        .map(|p| p.workloads.len() as u64)
        .max()
        .unwrap_or(0);
    // No more threads work at once than there are trials.
    let threads = (threads as u64).clamp(1, trials.max(1));
    let buffers =
        threads * hours * (workloads * BYTES_PER_WORKLOAD_HOUR + BYTES_PER_POOL_HOUR) + trials * 8;
    MemoryEstimate {
        pools,
        buffers,
        threads,
        pilot_trials: None,
    }
}

/// The estimate before anything is simulated: sweep ends from `max_units` or `pilot` (see
/// `simulate::Pilot`), so that a run too big for memory is refused at once instead of after a
/// pass over every trial.
pub fn estimate_before_run(scenario: &Scenario, pilot: &Pilot, threads: usize) -> MemoryEstimate {
    MemoryEstimate {
        pilot_trials: pilot.estimated_from(scenario),
        ..estimate(scenario, &pilot.sweep_ends, threads)
    }
}

/// Where a memory limit comes from, for the message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LimitSource {
    /// `--max-memory`.
    Flag,
    /// The built-in default.
    Default,
    /// What the operating system says is available now (less than the default).
    Available,
}

/// The limit to apply: the flag's, else the default capped at the memory available now.
pub fn limit(flag: Option<u64>) -> (u64, LimitSource) {
    match flag {
        Some(bytes) => (bytes, LimitSource::Flag),
        None => match available_bytes() {
            Some(free) if free < DEFAULT_MAX_MEMORY_BYTES => (free, LimitSource::Available),
            _ => (DEFAULT_MAX_MEMORY_BYTES, LimitSource::Default),
        },
    }
}

/// `MemAvailable` from /proc/meminfo (Linux); None elsewhere.
fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Checks `estimate` against `limit`; the error says what the run needs, where it goes, and how
/// to lower it.
pub fn check(estimate: &MemoryEstimate, limit: (u64, LimitSource)) -> Result<(), String> {
    let (limit, source) = limit;
    let total = estimate.total();
    if total <= limit {
        return Ok(());
    }
    let what = limit_words((limit, source));
    let mut message = format!(
        "this run would need about {} of memory, more than {what}:",
        bytes(total)
    );
    for (pool, trials, counts, size) in &estimate.pools {
        let _ = write!(
            message,
            "\n  pool {pool}: {} trials × {} unit counts (k = 0..={}) × {} B = {}",
            grouped(*trials),
            grouped(*counts),
            counts - 1,
            std::mem::size_of::<UnitOutcome>(),
            bytes(*size)
        );
    }
    if let Some(n) = estimate.pilot_trials {
        let _ = write!(
            message,
            "\n  (sweep ends without `max_units` estimated from the peak hours of the first {} \
             trials)",
            grouped(u64::from(n))
        );
    }
    let _ = write!(
        message,
        "\n  hourly buffers of {} thread(s): {}\n\
         Lower it with fewer trials (--trials or `trials`), a smaller sweep (`max_units` in \
         [[pools]]) or a shorter `horizon_hours`; or, if the machine has the memory, raise the \
         limit with --max-memory (e.g. --max-memory {}).",
        estimate.threads,
        bytes(estimate.buffers),
        suggested_flag(total)
    );
    Err(message)
}

/// The limit in words: "the default limit of 8 GiB", "the --max-memory limit of 1 GiB" …
pub fn limit_words((limit, source): (u64, LimitSource)) -> String {
    match source {
        LimitSource::Flag => format!("the --max-memory limit of {}", bytes(limit)),
        LimitSource::Default => format!("the default limit of {}", bytes(limit)),
        LimitSource::Available => format!("the {} this machine has available", bytes(limit)),
    }
}

/// `--max-memory` written for a size a little above `total`: its next power of two.
pub fn suggested_flag(total: u64) -> String {
    bytes(total.next_power_of_two()).replace(' ', "")
}

/// Parses a size such as `8GiB`, `500MB`, `2g` or `1048576` (bytes) into bytes. K, M, G and T
/// are powers of 1024 whether or not an `i` follows.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("expected a size such as 8GiB or 500MiB, got '{text}'"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "expected a size such as 8GiB or 500MiB (units B, KiB, MiB, GiB, TiB), got '{text}'"
            ));
        }
    };
    let bytes = value * scale as f64;
    if !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!("expected a size of at least 1 byte, got '{text}'"));
    }
    Ok(bytes as u64)
}

/// Bytes for people: `16.0 GiB`, `512.0 MiB`, `80 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratecard::RateCard;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("8GiB"), Ok(8 << 30));
        assert_eq!(parse_size("8g"), Ok(8 << 30));
        assert_eq!(parse_size("1.5 GB"), Ok(3 << 29));
        assert_eq!(parse_size("500MiB"), Ok(500 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("8 parsecs").is_err());
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn bytes_read_well() {
        assert_eq!(bytes(80), "80 B");
        assert_eq!(bytes(16 << 30), "16.0 GiB");
        assert_eq!(bytes(1536 << 10), "1.5 MiB");
    }

    #[test]
    fn the_estimate_counts_one_outcome_per_trial_per_unit_count() {
        let card = RateCard::shipped();
        let mut scenario = Scenario::builtin_default(&card).unwrap();
        scenario.trials = 2000;
        let e = estimate(&scenario, &[100_000, 0], 2);
        assert_eq!(e.pools[0].2, 100_001);
        assert_eq!(e.pools[0].3, 2000 * (100_001 * 80 + 48));
        assert!(e.total() > 14 << 30);
        let message = check(&e, limit(Some(8 << 30))).unwrap_err();
        assert!(message.contains("about 14.9 GiB"), "{message}");
        assert!(
            message.contains("2,000 trials × 100,001 unit counts"),
            "{message}"
        );
        assert!(message.contains("--max-memory 16.0GiB"), "{message}");
        assert!(check(&e, limit(Some(16 << 30))).is_ok());
    }
}
