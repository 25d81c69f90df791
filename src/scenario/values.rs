//! Numbers with a valid range, checked while the TOML is read so that a bad value is reported
//! at its own line and column with what was expected.
//!
//! The upper bounds are far above any real deployment; they exist so that no accepted scenario
//! can overflow a cost or a token count to ∞ (or NaN) in the simulation, and so that no value
//! can make a run loop for hours (e.g. a billion bursts a day).

use serde::{Deserialize, Deserializer, de::Error};

/// Most tokens per hour a workload or a trace row may have (ten trillion).
pub const MAX_TOKENS_PER_HOUR: f64 = crate::traffic::trace::MAX_TOKENS_PER_HOUR;
/// Most requests per hour of a parametric workload.
pub const MAX_REQUESTS_PER_HOUR: f64 = 1e10;
/// Most tokens per request.
pub const MAX_TOKENS_PER_REQUEST: f64 = 1e8;
/// Largest unit throughput, tokens per minute.
pub const MAX_TOKENS_PER_MINUTE: f64 = 1e12;
/// Highest token price, USD per million tokens.
pub const MAX_USD_PER_MTOK: f64 = 1e6;
/// Highest unit price, USD per unit-hour.
pub const MAX_UNIT_USD_PER_HOUR: f64 = 1e6;
/// Highest unit price, USD per unit-month.
pub const MAX_UNIT_USD_PER_MONTH: f64 = 730.0 * MAX_UNIT_USD_PER_HOUR;
/// Most bursts per day (one starting every hour).
pub const MAX_BURSTS_PER_DAY: f64 = 24.0;
/// Largest burst multiplier.
pub const MAX_BURST_MULTIPLIER: f64 = 1000.0;
/// Largest log-sd of the per-trial level (forecast error).
pub const MAX_LEVEL_SIGMA: f64 = 3.0;
/// Largest standard deviation of monthly growth.
pub const MAX_GROWTH_SD: f64 = 2.0;
/// Largest hour-of-day or day-of-week weight (before normalising to mean 1).
pub const MAX_WEIGHT: f64 = 1e9;

/// A number as a person reads it in an error: plain for ordinary magnitudes, `1e300` otherwise.
pub fn show(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-6..1e9).contains(&magnitude) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// Why a tiny number is refused: below 2.2e-308 a float loses precision, and products of such
/// numbers underflow in ways no scenario means.
pub fn subnormal_note(value: f64) -> &'static str {
    if value.is_subnormal() {
        " (too small to compute with; write 0)"
    } else {
        ""
    }
}

macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident, $valid:expr, $expected:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name(pub f64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = f64::deserialize(deserializer)?;
                let valid: fn(f64) -> bool = $valid;
                if value.is_finite() && valid(value) && !value.is_subnormal() {
                    // −0 becomes 0 so that it never prints as "-0".
                    Ok($name(value + 0.0))
                } else {
                    Err(D::Error::custom(format!(
                        "expected {}, got {}{}",
                        $expected,
                        show(value),
                        subnormal_note(value)
                    )))
                }
            }
        }
    };
}

bounded!(
    /// A share in [0, 1].
    Share, |v| (0.0..=1.0).contains(&v), "a share between 0 and 1"
);
bounded!(
    /// Tokens per hour in [0, 10¹³].
    TokensPerHour, |v| (0.0..=MAX_TOKENS_PER_HOUR).contains(&v),
    format!("tokens per hour between 0 and {}", show(MAX_TOKENS_PER_HOUR))
);
bounded!(
    /// Requests per hour in [0, 10¹⁰].
    RequestsPerHour, |v| (0.0..=MAX_REQUESTS_PER_HOUR).contains(&v),
    format!("requests per hour between 0 and {}", show(MAX_REQUESTS_PER_HOUR))
);
bounded!(
    /// Tokens per request in [0, 10⁸].
    TokensPerRequest, |v| (0.0..=MAX_TOKENS_PER_REQUEST).contains(&v),
    format!("tokens per request between 0 and {}", show(MAX_TOKENS_PER_REQUEST))
);
bounded!(
    /// A unit's throughput in tokens per minute, in [1, 10¹²].
    TokensPerMinute, |v| (1.0..=MAX_TOKENS_PER_MINUTE).contains(&v),
    format!("tokens per minute between 1 and {}", show(MAX_TOKENS_PER_MINUTE))
);
bounded!(
    /// How many input tokens of a unit's budget one output token burns (`shared` mode), in
    /// [0.01, 1000].
    OutputWeight, |v| (0.01..=1000.0).contains(&v), "an output weight between 0.01 and 1000"
);
bounded!(
    /// An on-demand quota in tokens per minute, in (0, 10¹²].
    Quota, |v| v > 0.0 && v <= MAX_TOKENS_PER_MINUTE,
    format!("tokens per minute above 0 and at most {}", show(MAX_TOKENS_PER_MINUTE))
);
bounded!(
    /// A token price in USD per million tokens, in [0, 10⁶].
    TokenPrice, |v| (0.0..=MAX_USD_PER_MTOK).contains(&v),
    format!("a price between 0 and {} USD per million tokens", show(MAX_USD_PER_MTOK))
);
bounded!(
    /// A unit price in USD per unit-hour, in [0, 10⁶].
    HourlyUnitPrice, |v| (0.0..=MAX_UNIT_USD_PER_HOUR).contains(&v),
    format!("a price between 0 and {} USD per unit-hour", show(MAX_UNIT_USD_PER_HOUR))
);
bounded!(
    /// A unit price in USD per unit-month, in [0, 7.3·10⁸].
    MonthlyUnitPrice, |v| (0.0..=MAX_UNIT_USD_PER_MONTH).contains(&v),
    format!("a price between 0 and {} USD per unit-month", show(MAX_UNIT_USD_PER_MONTH))
);
bounded!(
    /// A coefficient of variation of hourly noise: 0, or in [0.001, 4] (gamma noise of shape
    /// 1/cv² needs a finite shape).
    NoiseCv, |v| v == 0.0 || (0.001..=4.0).contains(&v), "a coefficient of variation of 0 or between 0.001 and 4"
);
bounded!(
    /// A coefficient of variation of minutes within an hour, in [0, 10].
    IntraHourCv, |v| (0.0..=10.0).contains(&v), "a coefficient of variation between 0 and 10"
);
bounded!(
    /// An autocorrelation coefficient in (−1, 1).
    Correlation, |v| v > -1.0 && v < 1.0, "an autocorrelation strictly between -1 and 1"
);
bounded!(
    /// A monthly growth rate in (−1, 10].
    GrowthRate, |v| v > -1.0 && v <= 10.0, "a monthly growth rate between -1 (exclusive) and 10"
);
bounded!(
    /// The standard deviation of monthly growth, in [0, 2].
    GrowthSd, |v| (0.0..=MAX_GROWTH_SD).contains(&v),
    format!("a standard deviation between 0 and {MAX_GROWTH_SD}")
);
bounded!(
    /// The log-sd of the per-trial level, in [0, 3].
    LevelSigma, |v| (0.0..=MAX_LEVEL_SIGMA).contains(&v),
    format!("a log-sd between 0 and {MAX_LEVEL_SIGMA}")
);
bounded!(
    /// Bursts per day, in [0, 24].
    BurstRate, |v| (0.0..=MAX_BURSTS_PER_DAY).contains(&v),
    format!("a rate between 0 and {MAX_BURSTS_PER_DAY} bursts per day")
);
bounded!(
    /// A burst multiplier in (0, 1000].
    BurstMultiplier, |v| v > 0.0 && v <= MAX_BURST_MULTIPLIER,
    format!("a multiplier above 0 and at most {MAX_BURST_MULTIPLIER}")
);
bounded!(
    /// A price multiplier in (0, 100].
    Multiplier, |v| v > 0.0 && v <= 100.0, "a multiplier between 0 (exclusive) and 100"
);
bounded!(
    /// A discount in [0, 1).
    Discount, |v| (0.0..1.0).contains(&v), "a discount between 0 and 1 (exclusive)"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_and_tiny_numbers_print_in_scientific_notation() {
        assert_eq!(show(1e300), "1e300");
        assert_eq!(show(-3.0), "-3");
        assert_eq!(show(0.25), "0.25");
        assert_eq!(show(1e-300), "1e-300");
        assert_eq!(show(f64::NAN), "NaN");
        assert_eq!(show(f64::INFINITY), "inf");
    }
}
