//! CloudWatch exports of Bedrock usage (AWS/Bedrock namespace): `aws cloudwatch get-metric-data`
//! (`MetricDataResults` with `Id`, `Label`, `Timestamps`, `Values`) and `aws cloudwatch
//! get-metric-statistics` (`Label`, `Datapoints` with `Timestamp` and `Sum`), in either time order,
//! one file or several (one per metric, or pages), also wrapped in a JSON array. Timestamps with
//! offsets become UTC; sub-hourly periods are summed into their hour; an hour without an input or output datapoint
//! is missing.
//! A metric is recognised by its `Label` (else its `Id`): `InputTokenCount`, `OutputTokenCount`,
//! `Invocations`, and the cache metrics under either spelling (`CacheReadInputTokenCount` or
//! `CacheReadInputTokens`, the same for writes). Cache tokens are added to the input tokens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;

use super::{HistoryError, HourlySeries};
use crate::traffic::time::{clip, format_epoch_hour};
use crate::traffic::trace::MAX_TOKENS_PER_HOUR;

/// The metrics a history uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    Input,
    Output,
    Invocations,
    CacheRead,
    CacheWrite,
}

impl Metric {
    fn name(self) -> &'static str {
        match self {
            Metric::Input => "InputTokenCount",
            Metric::Output => "OutputTokenCount",
            Metric::Invocations => "Invocations",
            Metric::CacheRead => "CacheReadInputTokenCount",
            Metric::CacheWrite => "CacheWriteInputTokenCount",
        }
    }
}

/// The metric a label (or id) names, under any of its spellings; cache names first, since
/// `CacheReadInputTokenCount` contains `InputTokenCount`.
pub fn metric_of(label: &str) -> Option<Metric> {
    let key: String = label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let has = |s: &str| key.contains(s);
    if has("cachereadinputtoken") {
        Some(Metric::CacheRead)
    } else if has("cachewriteinputtoken") {
        Some(Metric::CacheWrite)
    } else if has("inputtokencount") || has("inputtokens") {
        Some(Metric::Input)
    } else if has("outputtokencount") || has("outputtokens") {
        Some(Metric::Output)
    } else if has("invocations") && !has("latency") && !has("error") && !has("throttl") {
        Some(Metric::Invocations)
    } else {
        None
    }
}

/// One datapoint: where it came from (for errors), its second and value.
struct Point {
    seconds: i64,
    value: f64,
    place: String,
}

/// Parses CloudWatch JSON files (path, bytes) into one series.
pub fn parse(files: &[(PathBuf, Vec<u8>)]) -> Result<HourlySeries, HistoryError> {
    let mut points: BTreeMap<Metric, Vec<Point>> = BTreeMap::new();
    let mut notes = Vec::new();
    for (path, bytes) in files {
        let file_error = |message: String| HistoryError::File {
            path: path.clone(),
            message,
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let root: Value = serde_json::from_slice(bytes).map_err(|e| {
            file_error(format!(
                "line {} column {}: not valid JSON: {e}",
                e.line(),
                e.column()
            ))
        })?;
        let responses: Vec<(String, &Value)> = match &root {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]."), v))
                .collect(),
            other => vec![(String::new(), other)],
        };
        for (prefix, response) in responses {
            read_response(path, &prefix, response, &mut points, &mut notes)?;
        }
    }
    let path = &files[0].0;
    let mut series = build(path, &points)?;
    series.notes = notes;
    Ok(series)
}

/// Reads one CLI response (either shape) into `points`.
fn read_response(
    path: &Path,
    prefix: &str,
    response: &Value,
    points: &mut BTreeMap<Metric, Vec<Point>>,
    notes: &mut Vec<String>,
) -> Result<(), HistoryError> {
    let error = |message: String| HistoryError::File {
        path: path.to_path_buf(),
        message,
    };
    if let Some(results) = response.get("MetricDataResults") {
        let results = results
            .as_array()
            .ok_or_else(|| error(format!("{prefix}MetricDataResults: expected an array")))?;
        for (i, result) in results.iter().enumerate() {
            let at = format!("{prefix}MetricDataResults[{i}]");
            let label = text(result, "Label").or_else(|| text(result, "Id"));
            let Some(label) = label else {
                return Err(error(format!(
                    "{at}: expected a Label or an Id naming the metric"
                )));
            };
            let Some(metric) = metric_of(&label) else {
                notes.push(format!(
                    "{at} '{}' is not a token metric; ignored",
                    clip(&label)
                ));
                continue;
            };
            let at = format!("{at} '{}'", clip(&label));
            if let Some(status) = text(result, "StatusCode")
                && status != "Complete"
            {
                notes.push(format!(
                    "{at} has StatusCode {status}: the export may be missing datapoints \
                     (fetch the remaining pages with NextToken)"
                ));
            }
            let list = |key: &str| {
                result
                    .get(key)
                    .and_then(Value::as_array)
                    .ok_or_else(|| error(format!("{at}: expected a {key} array")))
            };
            let (stamps, values) = (list("Timestamps")?, list("Values")?);
            if stamps.len() != values.len() {
                return Err(error(format!(
                    "{at}: {} Timestamps but {} Values; each timestamp needs one value",
                    stamps.len(),
                    values.len()
                )));
            }
            for (j, (stamp, value)) in stamps.iter().zip(values).enumerate() {
                let place = format!("{at} entry {j}");
                let point = datapoint(path, place, stamp, value, "Values")?;
                points.entry(metric).or_default().push(point);
            }
        }
        return Ok(());
    }
    if let Some(datapoints) = response.get("Datapoints") {
        let label = text(response, "Label").unwrap_or_default();
        let metric = metric_of(&label).ok_or_else(|| {
            error(format!(
                "{prefix}Label: expected the metric's name (InputTokenCount, OutputTokenCount, \
                 Invocations, CacheReadInputTokenCount, CacheWriteInputTokenCount), got '{}'",
                clip(&label)
            ))
        })?;
        let datapoints = datapoints
            .as_array()
            .ok_or_else(|| error(format!("{prefix}Datapoints: expected an array")))?;
        for (j, d) in datapoints.iter().enumerate() {
            let place = format!("{prefix}Datapoints[{j}] ('{}')", clip(&label));
            let stamp = d.get("Timestamp").unwrap_or(&Value::Null);
            let Some(sum) = d.get("Sum") else {
                return Err(error(format!(
                    "{place}: no Sum; export with --statistics Sum (tokens per hour are sums)"
                )));
            };
            let point = datapoint(path, place, stamp, sum, "Sum")?;
            points.entry(metric).or_default().push(point);
        }
        return Ok(());
    }
    Err(error(format!(
        "{prefix}: expected the output of `aws cloudwatch get-metric-data` (MetricDataResults) \
         or `get-metric-statistics` (Datapoints)"
    )))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// One checked datapoint.
fn datapoint(
    path: &Path,
    place: String,
    stamp: &Value,
    value: &Value,
    value_key: &str,
) -> Result<Point, HistoryError> {
    let error = |message: String| HistoryError::File {
        path: path.to_path_buf(),
        message: format!("{place}: {message}"),
    };
    let stamp_text = stamp.as_str().ok_or_else(|| {
        error(format!(
            "Timestamp: expected an ISO-8601 time string, got {}",
            clip(&stamp.to_string())
        ))
    })?;
    let seconds = parse_seconds(stamp_text).ok_or_else(|| {
        error(format!(
            "Timestamp: expected an ISO-8601 time such as 2024-01-01T05:00:00Z, got '{}'",
            clip(stamp_text)
        ))
    })?;
    let v = value.as_f64().filter(|v| v.is_finite() && *v >= 0.0);
    let Some(v) = v.filter(|v| *v <= MAX_TOKENS_PER_HOUR) else {
        return Err(error(format!(
            "{value_key}: expected a non-negative number of at most {MAX_TOKENS_PER_HOUR:e}, \
             got {}",
            clip(&value.to_string())
        )));
    };
    Ok(Point {
        seconds,
        value: v + 0.0,
        place: format!("{place} ({})", clip(stamp_text)),
    })
}

/// Seconds since the epoch of an RFC 3339 time (any offset), or of a naive time taken as UTC.
fn parse_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|t| t.and_utc().timestamp())
}

/// The dense hourly series of the collected points.
fn build(path: &Path, points: &BTreeMap<Metric, Vec<Point>>) -> Result<HourlySeries, HistoryError> {
    let error = |message: String| HistoryError::File {
        path: path.to_path_buf(),
        message,
    };
    let mut hourly: BTreeMap<Metric, BTreeMap<i64, f64>> = BTreeMap::new();
    for (metric, list) in points {
        let mut sorted: Vec<&Point> = list.iter().collect();
        sorted.sort_by_key(|p| p.seconds);
        for pair in sorted.windows(2) {
            if pair[0].seconds == pair[1].seconds {
                return Err(error(format!(
                    "{}: duplicate timestamp (also {}); export each period once",
                    pair[1].place, pair[0].place
                )));
            }
        }
        let gaps = sorted.windows(2).map(|p| p[1].seconds - p[0].seconds);
        if sorted.len() > 2 && gaps.clone().min().is_some_and(|g| g > 3600) {
            return Err(error(format!(
                "{} datapoints are at least {} hours apart; export with --period 3600 (or a \
                 divisor of it): the history must be hourly",
                metric.name(),
                gaps.min().unwrap_or(0) / 3600
            )));
        }
        let hours = hourly.entry(*metric).or_default();
        for p in sorted {
            *hours.entry(p.seconds.div_euclid(3600)).or_default() += p.value;
        }
    }
    let found: Vec<&str> = points.keys().map(|m| m.name()).collect();
    for needed in [Metric::Input, Metric::Output] {
        if points.get(&needed).is_none_or(Vec::is_empty) {
            return Err(error(format!(
                "no {} datapoints (found: {}); export InputTokenCount and OutputTokenCount",
                needed.name(),
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            )));
        }
    }
    let first = hourly
        .values()
        .filter_map(|h| h.keys().next())
        .min()
        .copied();
    let last = hourly
        .values()
        .filter_map(|h| h.keys().next_back())
        .max()
        .copied();
    let (first, last) = (first.unwrap_or(0), last.unwrap_or(0));
    let span = super::csv::dense_span(path, first, last)?;
    let dense = |metric: Metric| {
        hourly.get(&metric).map(|h| {
            let mut v = vec![0.0; span];
            for (hour, value) in h {
                v[(hour - first) as usize] = *value;
            }
            v
        })
    };
    let (cache_read, cache_write) = (dense(Metric::CacheRead), dense(Metric::CacheWrite));
    let mut input = dense(Metric::Input).unwrap_or_default();
    for cache in [&cache_read, &cache_write].into_iter().flatten() {
        for (i, c) in input.iter_mut().zip(cache) {
            *i += c;
        }
    }
    if let Some(h) = input.iter().position(|v| *v > MAX_TOKENS_PER_HOUR) {
        return Err(error(format!(
            "hour {}: {:e} input tokens; expected at most {MAX_TOKENS_PER_HOUR:e}",
            format_epoch_hour(first + h as i64),
            input[h]
        )));
    }
    let observed = (0..span)
        .map(|h| {
            let hour = first + h as i64;
            [Metric::Input, Metric::Output]
                .iter()
                .any(|m| hourly.get(m).is_some_and(|v| v.contains_key(&hour)))
        })
        .collect();
    let mut tokens_at: BTreeMap<i64, f64> = BTreeMap::new();
    for metric in [Metric::Input, Metric::Output] {
        for p in points.get(&metric).into_iter().flatten() {
            *tokens_at.entry(p.seconds).or_default() += p.value;
        }
    }
    let tokens: Vec<(i64, f64)> = tokens_at.into_iter().collect();
    Ok(HourlySeries {
        start_epoch_hour: first,
        input,
        output: dense(Metric::Output).unwrap_or_default(),
        observed,
        requests: dense(Metric::Invocations),
        cache_read,
        cache_write,
        model: None,
        sub_hourly: super::csv::spread_within_hours(&tokens),
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(text: &str) -> Result<HourlySeries, HistoryError> {
        parse(&[(PathBuf::from("h.json"), text.as_bytes().to_vec())])
    }

    #[test]
    fn metric_names_in_either_spelling() {
        assert_eq!(metric_of("InputTokenCount"), Some(Metric::Input));
        assert_eq!(metric_of("CacheReadInputTokens"), Some(Metric::CacheRead));
        assert_eq!(
            metric_of("CacheReadInputTokenCount"),
            Some(Metric::CacheRead)
        );
        assert_eq!(metric_of("CacheWriteInputTokens"), Some(Metric::CacheWrite));
        assert_eq!(metric_of("output_token_count"), Some(Metric::Output));
        assert_eq!(metric_of("Invocations"), Some(Metric::Invocations));
        assert_eq!(metric_of("InvocationLatency"), None);
    }

    #[test]
    fn descending_offsets_sub_hourly_and_cache_are_combined() {
        let s = parse_one(
            r#"{"MetricDataResults":[
              {"Id":"a","Label":"InputTokenCount","StatusCode":"Complete",
               "Timestamps":["2024-01-01T02:00:00+01:00","2024-01-01T00:30:00Z","2024-01-01T00:00:00Z"],
               "Values":[5,2,1]},
              {"Id":"b","Label":"OutputTokenCount","Timestamps":["2024-01-01T00:00:00Z"],"Values":[7]},
              {"Id":"c","Label":"CacheReadInputTokens","Timestamps":["2024-01-01T00:00:00Z"],"Values":[10]}
            ]}"#,
        )
        .unwrap();
        // 02:00+01:00 is 01:00 UTC; 00:00 and 00:30 sum into hour 0; cache read adds to input.
        assert_eq!(s.input, [13.0, 5.0]);
        assert_eq!(s.output, [7.0, 0.0]);
        assert_eq!(s.cache_read.unwrap(), [10.0, 0.0]);
    }

    #[test]
    fn bad_exports_name_the_entry() {
        let msg = |t: &str| parse_one(t).unwrap_err().to_string();
        let e = msg(
            r#"{"MetricDataResults":[{"Label":"InputTokenCount","Timestamps":["2024-01-01T00:00:00Z"],"Values":[]}]}"#,
        );
        assert!(
            e.contains("MetricDataResults[0] 'InputTokenCount': 1 Timestamps but 0 Values"),
            "{e}"
        );
        let e = msg(
            r#"{"Label":"InputTokenCount","Datapoints":[{"Timestamp":"2024-01-01T00:00:00Z","Sum":-1}]}"#,
        );
        assert!(
            e.contains("Datapoints[0] ('InputTokenCount'): Sum: expected a non-negative"),
            "{e}"
        );
        let e = msg(r#"{"Label":"InputTokenCount","Datapoints":[{"Timestamp":"noon","Sum":1}]}"#);
        assert!(
            e.contains("Datapoints[0] ('InputTokenCount'): Timestamp"),
            "{e}"
        );
        let e = msg(
            r#"{"Label":"InputTokenCount","Datapoints":[{"Timestamp":"2024-01-01T00:00:00Z","Average":1}]}"#,
        );
        assert!(e.contains("no Sum"), "{e}");
        let e = msg(
            r#"{"Label":"InputTokenCount","Datapoints":[{"Timestamp":"2024-01-01T00:00:00Z","Sum":1}]}"#,
        );
        assert!(e.contains("no OutputTokenCount datapoints"), "{e}");
        let e = msg(r#"{"Label":"InputTokenCount","Datapoints":[
            {"Timestamp":"2024-01-01T00:00:00Z","Sum":1},{"Timestamp":"2024-01-01T01:00:00+01:00","Sum":1}]}"#);
        assert!(
            e.contains(
                "Datapoints[1] ('InputTokenCount') (2024-01-01T01:00:00+01:00): duplicate timestamp"
            ),
            "{e}"
        );
        assert!(msg("{\"a\":").contains("not valid JSON"));
    }
}
