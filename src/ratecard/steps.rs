//! Which unit counts a capacity product can be bought in. Bedrock model units and Reserved-tier
//! blocks come one at a time; an Azure OpenAI global provisioned deployment takes at least 15
//! PTUs and then steps of 5 (15, 20, 25 …). Every sweep, rule and fleet ptsim prices is one of
//! these counts (issue 7: "a PTU pool never sweeps an illegal unit count").

use serde::{Deserialize, Serialize};

/// Legal unit counts: none, or `min` and then every `increment` above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct UnitSteps {
    pub min: u32,
    pub increment: u32,
}

impl Default for UnitSteps {
    /// One unit at a time.
    fn default() -> Self {
        UnitSteps {
            min: 1,
            increment: 1,
        }
    }
}

impl UnitSteps {
    /// Steps from a product's (or a scenario's) optional `min_units` and `unit_increment`; both
    /// must be at least 1 (checked where they are read).
    pub fn new(min: Option<u32>, increment: Option<u32>) -> Self {
        let one = UnitSteps::default();
        UnitSteps {
            min: min.unwrap_or(one.min),
            increment: increment.unwrap_or(one.increment),
        }
    }

    /// Whether `units` can be bought.
    pub fn is_legal(self, units: u32) -> bool {
        units == 0 || (units >= self.min && (units - self.min) % self.increment == 0)
    }

    /// The largest legal count at most `units` (0 below the minimum).
    pub fn round_down(self, units: u32) -> u32 {
        if units < self.min {
            0
        } else {
            self.min + (units - self.min) / self.increment * self.increment
        }
    }

    /// The smallest legal count at least `units`.
    pub fn round_up(self, units: u32) -> u32 {
        if units == 0 {
            0
        } else if units <= self.min {
            self.min
        } else {
            self.min + (units - self.min).div_ceil(self.increment) * self.increment
        }
    }

    /// Every legal count from 0 to `end`, ascending (`end` itself when it is legal).
    pub fn counts_to(self, end: u32) -> Vec<u32> {
        std::iter::once(0)
            .chain((self.min..=end).step_by(self.increment as usize))
            .collect()
    }

    /// "one at a time", or "at least 15, then steps of 5".
    pub fn describe(self) -> String {
        if self == UnitSteps::default() {
            "one at a time".to_string()
        } else if self.increment == 1 {
            format!("at least {}", self.min)
        } else {
            format!("at least {}, then steps of {}", self.min, self.increment)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PTU: UnitSteps = UnitSteps {
        min: 15,
        increment: 5,
    };

    #[test]
    fn azure_global_ptu_counts_are_zero_fifteen_then_fives() {
        assert_eq!(PTU.counts_to(32), [0, 15, 20, 25, 30]);
        assert_eq!(PTU.counts_to(14), [0]);
        assert_eq!(UnitSteps::default().counts_to(3), [0, 1, 2, 3]);
        let legal: Vec<u32> = (0..=40).filter(|&k| PTU.is_legal(k)).collect();
        assert_eq!(legal, [0, 15, 20, 25, 30, 35, 40]);
    }

    #[test]
    fn rounding_lands_on_the_nearest_legal_count_on_its_side() {
        assert_eq!(
            [0, 1, 14, 15, 16, 19, 20, 21].map(|k| PTU.round_down(k)),
            [0, 0, 0, 15, 15, 15, 20, 20]
        );
        assert_eq!(
            [0, 1, 14, 15, 16, 19, 20, 21].map(|k| PTU.round_up(k)),
            [0, 15, 15, 15, 20, 20, 20, 25]
        );
        for k in 0..200 {
            let (down, up) = (PTU.round_down(k), PTU.round_up(k));
            assert!(PTU.is_legal(down) && PTU.is_legal(up) && down <= k && k <= up);
        }
    }

    #[test]
    fn describes_itself() {
        assert_eq!(UnitSteps::default().describe(), "one at a time");
        assert_eq!(PTU.describe(), "at least 15, then steps of 5");
    }
}
