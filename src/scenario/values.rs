//! Numbers with a valid range, checked while the TOML is read so that a bad value is reported
//! at its own line and column with what was expected.

use serde::{Deserialize, Deserializer, de::Error};

macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident, $valid:expr, $expected:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name(pub f64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = f64::deserialize(deserializer)?;
                let valid: fn(f64) -> bool = $valid;
                if value.is_finite() && valid(value) {
                    Ok($name(value))
                } else {
                    Err(D::Error::custom(format!(concat!("expected ", $expected, ", got {}"), value)))
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
    /// A non-negative number.
    NonNegative, |v| v >= 0.0, "a number ≥ 0"
);
bounded!(
    /// A strictly positive number.
    Positive, |v| v > 0.0, "a number > 0"
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
    /// A price multiplier in (0, 100].
    Multiplier, |v| v > 0.0 && v <= 100.0, "a multiplier between 0 (exclusive) and 100"
);
bounded!(
    /// A discount in [0, 1).
    Discount, |v| (0.0..1.0).contains(&v), "a discount between 0 and 1 (exclusive)"
);
