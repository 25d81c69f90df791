//! One ChaCha8 stream per (workload, trial), derived from the master seed, so that results do not
//! depend on thread count, trial order, or the other workloads of the scenario.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

/// The random stream of `workload_name` in `trial`.
pub fn stream(seed: u64, workload_name: &str, trial: u64) -> ChaCha8Rng {
    let mut state = splitmix64(seed);
    state = splitmix64(state ^ fnv1a(workload_name.as_bytes()));
    state = splitmix64(state ^ trial);
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        state = splitmix64(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    ChaCha8Rng::from_seed(key)
}

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_differ_by_workload_and_trial_and_repeat_for_the_same_pair() {
        let draw = |name: &str, trial| stream(7, name, trial).random::<u64>();
        assert_eq!(draw("chat", 3), draw("chat", 3));
        assert_ne!(draw("chat", 3), draw("chat", 4));
        assert_ne!(draw("chat", 3), draw("agent", 3));
    }

    #[test]
    fn fnv1a_matches_the_published_test_vector() {
        // FNV-1a 64 of "a" from the reference test suite.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
