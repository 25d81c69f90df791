//! Hour-of-day and day-of-week shapes (docs/model.md §5): named presets and normalisation to mean
//! 1.

/// A named daily and weekly shape. Hours are UTC.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub hour_of_day: [f64; 24],
    /// Monday first.
    pub day_of_week: [f64; 7],
}

const FLAT_DAY: [f64; 24] = [1.0; 24];
const FLAT_WEEK: [f64; 7] = [1.0; 7];

/// The presets a scenario can name with `profile = "…"`.
pub const PRESETS: [Preset; 5] = [
    Preset {
        name: "flat",
        description: "the same every hour of every day",
        hour_of_day: FLAT_DAY,
        day_of_week: FLAT_WEEK,
    },
    Preset {
        name: "business-hours",
        description: "office traffic: high 08-18h on weekdays, quiet nights and weekends",
        hour_of_day: [
            0.15, 0.12, 0.1, 0.1, 0.12, 0.2, 0.4, 0.8, 1.4, 1.8, 1.9, 1.9, 1.7, 1.8, 1.9, 1.8, 1.6,
            1.2, 0.8, 0.55, 0.4, 0.3, 0.25, 0.2,
        ],
        day_of_week: [1.2, 1.25, 1.25, 1.2, 1.1, 0.5, 0.5],
    },
    Preset {
        name: "consumer-evening",
        description: "consumer app: peaks 19-22h, busier at weekends",
        hour_of_day: [
            0.7, 0.5, 0.35, 0.25, 0.2, 0.2, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0, 1.1, 1.05, 1.0, 1.0,
            1.05, 1.2, 1.45, 1.7, 1.8, 1.75, 1.4, 1.0,
        ],
        day_of_week: [0.9, 0.9, 0.92, 0.95, 1.03, 1.15, 1.15],
    },
    Preset {
        name: "nightly-batch",
        description: "jobs that run 00-05h every night",
        hour_of_day: [
            4.0, 4.0, 4.0, 4.0, 3.5, 2.5, 0.5, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05,
            0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5,
        ],
        day_of_week: FLAT_WEEK,
    },
    Preset {
        name: "follow-the-sun",
        description: "global traffic: a mild daily swing, slightly quieter weekends",
        hour_of_day: [
            0.9, 0.85, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.15, 1.1, 1.05, 1.05, 1.1, 1.15,
            1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.9, 0.85, 0.85,
        ],
        day_of_week: [1.05, 1.05, 1.05, 1.05, 1.0, 0.9, 0.9],
    },
];

/// Looks up a preset by name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The preset names, for error messages.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// Scales non-negative weights to mean 1. Errors on negative, non-finite or all-zero weights.
pub fn normalise<const N: usize>(weights: &[f64]) -> Result<[f64; N], String> {
    if weights.len() != N {
        return Err(format!("expected {N} weights, got {}", weights.len()));
    }
    if let Some(bad) = weights.iter().find(|w| !w.is_finite() || **w < 0.0) {
        return Err(format!("expected non-negative finite weights, got {bad}"));
    }
    let mean = weights.iter().sum::<f64>() / N as f64;
    if mean <= 0.0 {
        return Err("expected at least one positive weight".to_string());
    }
    let mut out = [0.0; N];
    for (o, w) in out.iter_mut().zip(weights) {
        *o = w / mean;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_normalises_to_mean_one() {
        for p in &PRESETS {
            let day: [f64; 24] = normalise(&p.hour_of_day).unwrap();
            let week: [f64; 7] = normalise(&p.day_of_week).unwrap();
            assert!((day.iter().sum::<f64>() - 24.0).abs() < 1e-12, "{}", p.name);
            assert!((week.iter().sum::<f64>() - 7.0).abs() < 1e-12, "{}", p.name);
        }
    }

    #[test]
    fn normalise_scales_and_rejects_bad_weights() {
        assert_eq!(normalise::<2>(&[1.0, 3.0]), Ok([0.5, 1.5]));
        assert!(normalise::<2>(&[1.0]).unwrap_err().contains("2 weights"));
        assert!(
            normalise::<2>(&[1.0, -1.0])
                .unwrap_err()
                .contains("non-negative")
        );
        assert!(
            normalise::<2>(&[0.0, 0.0])
                .unwrap_err()
                .contains("positive")
        );
    }
}
