//! What one unit of a capacity product serves in an hour, and the load of a token mix in
//! unit-hours (docs/model.md §2).

use serde::{Deserialize, Serialize};

/// How a unit's input and output budgets combine (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityMode {
    /// Two independent budgets: `load = max(I / C_in, O / C_out)`.
    Separate,
    /// One budget where an output token burns `C_in / C_out` input tokens: `load = I / C_in + O / C_out`.
    Shared,
}

impl CapacityMode {
    /// The name used in scenario files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityMode::Separate => "separate",
            CapacityMode::Shared => "shared",
        }
    }
}

/// Throughput of one unit, in tokens per hour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Capacity {
    pub input_tokens_per_hour: f64,
    pub output_tokens_per_hour: f64,
    pub mode: CapacityMode,
}

impl Capacity {
    /// Load of `input` and `output` tokens in one hour, in unit-hours: `k` units serve load ≤ k.
    pub fn load(&self, input_tokens: f64, output_tokens: f64) -> f64 {
        let input_share = input_tokens / self.input_tokens_per_hour;
        let output_share = output_tokens / self.output_tokens_per_hour;
        match self.mode {
            CapacityMode::Separate => input_share.max(output_share),
            CapacityMode::Shared => input_share + output_share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SONNET: Capacity = Capacity {
        input_tokens_per_hour: 16e6,
        output_tokens_per_hour: 4e6,
        mode: CapacityMode::Separate,
    };

    #[test]
    fn separate_load_is_the_binding_budget() {
        assert_eq!(SONNET.load(8e6, 1e6), 0.5);
        assert_eq!(SONNET.load(8e6, 3e6), 0.75);
    }

    #[test]
    fn shared_load_adds_the_budgets() {
        let shared = Capacity {
            mode: CapacityMode::Shared,
            ..SONNET
        };
        assert_eq!(shared.load(8e6, 3e6), 1.25);
    }
}
