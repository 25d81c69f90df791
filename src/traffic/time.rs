//! ISO-8601 hours: parsing timestamps of scenarios and traces into hours since the Unix epoch.

use chrono::{DateTime, NaiveDateTime};

/// 2024-01-01 00:00 UTC, a Monday: hour 0 when neither the scenario nor a trace says otherwise.
pub const DEFAULT_START_EPOCH_HOUR: i64 = 473_352;

/// Parses an ISO-8601 timestamp on the hour (`2024-01-01T05:00:00Z`, with an offset, or naive UTC
/// with `T` or a space) into hours since 1970-01-01 00:00 UTC.
pub fn parse_epoch_hour(text: &str) -> Result<i64, String> {
    let seconds = parse_epoch_second(text).map_err(|m| {
        if m.contains("whole seconds") {
            format!(
                "expected a timestamp on the hour, got '{}'",
                clip(text.trim())
            )
        } else {
            m
        }
    })?;
    if seconds.rem_euclid(3600) != 0 {
        return Err(format!(
            "expected a timestamp on the hour (UTC), got '{}' ({})",
            clip(text.trim()),
            DateTime::from_timestamp(seconds, 0)
                .map_or(String::new(), |t| t.format("%H:%M:%S UTC").to_string())
        ));
    }
    Ok(seconds.div_euclid(3600))
}

/// Parses an ISO-8601 timestamp to the second (any minute of the hour; with an offset, or naive
/// UTC with `T` or a space) into seconds since 1970-01-01 00:00 UTC.
pub fn parse_epoch_second(text: &str) -> Result<i64, String> {
    let full = text.trim();
    let clipped = clip(full);
    let text = clipped.as_str();
    let expected =
        || format!("expected an ISO-8601 hour such as 2024-01-01T05:00:00Z, got '{text}'");
    if full.len() > CLIP_CHARS {
        return Err(expected());
    }
    let (seconds, nanos) = if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        (t.timestamp(), t.timestamp_subsec_nanos())
    } else {
        const NAIVE: [&str; 4] = [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ];
        let naive = NAIVE
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .ok_or_else(expected)?
            .and_utc();
        (naive.timestamp(), naive.timestamp_subsec_nanos())
    };
    if nanos != 0 {
        return Err(format!(
            "expected a timestamp in whole seconds, got '{text}'"
        ));
    }
    Ok(seconds)
}

/// Formats an epoch second as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_epoch_second(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0).map_or(String::new(), |t| {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    })
}

/// Longest piece of input quoted whole in an error.
const CLIP_CHARS: usize = 60;

/// `text` as quoted in an error: whole, or its first characters and an ellipsis.
pub fn clip(text: &str) -> String {
    if text.chars().count() <= CLIP_CHARS {
        text.to_string()
    } else {
        text.chars().take(CLIP_CHARS).chain(['…']).collect()
    }
}

/// Hour of day (0–23, UTC) of an epoch hour.
pub fn hour_of_day(epoch_hour: i64) -> usize {
    epoch_hour.rem_euclid(24) as usize
}

/// Day of week (0 = Monday) of an epoch hour; 1970-01-01 was a Thursday.
pub fn day_of_week(epoch_hour: i64) -> usize {
    (epoch_hour.div_euclid(24) + 3).rem_euclid(7) as usize
}

/// Formats an epoch hour as `YYYY-MM-DDTHH:00:00Z`.
pub fn format_epoch_hour(epoch_hour: i64) -> String {
    DateTime::from_timestamp(epoch_hour * 3600, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| format!("epoch hour {epoch_hour}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_start_is_monday_midnight_2024() {
        assert_eq!(
            parse_epoch_hour("2024-01-01T00:00:00Z"),
            Ok(DEFAULT_START_EPOCH_HOUR)
        );
        assert_eq!(day_of_week(DEFAULT_START_EPOCH_HOUR), 0);
        assert_eq!(hour_of_day(DEFAULT_START_EPOCH_HOUR), 0);
        assert_eq!(
            format_epoch_hour(DEFAULT_START_EPOCH_HOUR),
            "2024-01-01T00:00:00Z"
        );
    }

    #[test]
    fn offsets_convert_to_utc_and_naive_forms_parse() {
        let utc = parse_epoch_hour("2024-01-01T05:00:00Z").unwrap();
        assert_eq!(parse_epoch_hour("2024-01-01T07:00:00+02:00"), Ok(utc));
        assert_eq!(parse_epoch_hour("2024-01-01 05:00"), Ok(utc));
        assert_eq!(parse_epoch_hour("2024-01-01T05:00:00.000"), Ok(utc));
        // 2024-01-06 is a Saturday.
        assert_eq!(
            day_of_week(parse_epoch_hour("2024-01-06T23:00:00Z").unwrap()),
            5
        );
    }

    #[test]
    fn off_the_hour_and_garbage_are_refused() {
        assert!(
            parse_epoch_hour("2024-01-01T05:30:00Z")
                .unwrap_err()
                .contains("on the hour")
        );
        assert!(
            parse_epoch_hour("2024-01-01T05:00:00.5Z")
                .unwrap_err()
                .contains("on the hour")
        );
        assert!(
            parse_epoch_hour("2024-01-01T05:00:00+05:30")
                .unwrap_err()
                .contains("23:30:00 UTC")
        );
        assert!(
            parse_epoch_hour("yesterday")
                .unwrap_err()
                .contains("ISO-8601")
        );
    }
}
