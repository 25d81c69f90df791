//! CSV histories (SPEC §5): `timestamp,input_tokens,output_tokens[,requests][,model]`, read by the
//! trace reader (same row checks and messages) and spread into a dense hourly series.

use std::path::Path;

use super::{HistoryError, HourlySeries};
use crate::traffic::HourlyTrace;
use crate::traffic::time::clip;

/// Longest history accepted, in hours (ten years): the dense series is allocated in full.
pub const MAX_SPAN_HOURS: i64 = 87_600;

/// Parses a CSV history; `path` names the file in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<HourlySeries, HistoryError> {
    let (trace, extras) = HourlyTrace::parse_with(path, bytes, &["requests"])?;
    let first = trace.first_epoch_hour();
    let last = trace.hours.last().map_or(first, |h| h.epoch_hour);
    let span = dense_span(path, first, last)?;
    let mut series = HourlySeries {
        start_epoch_hour: first,
        input: vec![0.0; span],
        output: vec![0.0; span],
        requests: extras[0].as_ref().map(|_| vec![0.0; span]),
        cache_read: None,
        cache_write: None,
        model: model_column(path, bytes)?,
        notes: Vec::new(),
    };
    for (i, h) in trace.hours.iter().enumerate() {
        let at = (h.epoch_hour - first) as usize;
        series.input[at] = h.input_tokens;
        series.output[at] = h.output_tokens;
        if let (Some(r), Some(values)) = (series.requests.as_mut(), extras[0].as_ref()) {
            r[at] = values[i];
        }
    }
    Ok(series)
}

/// Hours from `first` to `last` inclusive, refused beyond [`MAX_SPAN_HOURS`].
pub fn dense_span(path: &Path, first: i64, last: i64) -> Result<usize, HistoryError> {
    let span = last - first + 1;
    if span > MAX_SPAN_HOURS {
        return Err(HistoryError::File {
            path: path.to_path_buf(),
            message: format!(
                "spans {span} hours from first to last timestamp; expected at most \
                 {MAX_SPAN_HOURS} (ten years)"
            ),
        });
    }
    Ok(span as usize)
}

/// The value of the `model` column if the file has one; every row must name the same model
/// (a history is one workload on one model).
fn model_column(path: &Path, bytes: &[u8]) -> Result<Option<String>, HistoryError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .trim(::csv::Trim::All)
        .from_reader(bytes);
    let Some(col) = reader
        .headers()
        .ok()
        .and_then(|h| h.iter().position(|c| c.eq_ignore_ascii_case("model")))
    else {
        return Ok(None);
    };
    let mut model: Option<(String, u64)> = None;
    for record in reader.records() {
        // The trace reader has already accepted every row.
        let Ok(record) = record else { continue };
        let row = record.position().map_or(0, |p| p.line());
        let value = record.get(col).unwrap_or("").to_string();
        match &model {
            None => model = Some((value, row)),
            Some((first, first_row)) if *first != value => {
                return Err(HistoryError::Row {
                    path: path.to_path_buf(),
                    row,
                    message: format!(
                        "model: '{}' differs from '{}' on row {first_row}; a history holds one \
                         model's traffic (split the file by model)",
                        clip(&value),
                        clip(first)
                    ),
                });
            }
            Some(_) => {}
        }
    }
    Ok(model.map(|(m, _)| m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(extra_header: &str, extra: impl Fn(usize) -> String) -> String {
        let mut text = format!("timestamp,input_tokens,output_tokens{extra_header}\n");
        for h in 0..168 {
            let t = chrono::DateTime::from_timestamp(1_704_067_200 + 3600 * h as i64, 0).unwrap();
            if h == 5 {
                continue; // a gap
            }
            text.push_str(&format!(
                "{},{},{}{}\n",
                t.format("%Y-%m-%dT%H:%M:%SZ"),
                100 + h,
                10,
                extra(h)
            ));
        }
        text
    }

    #[test]
    fn gaps_are_zero_and_requests_and_model_are_read() {
        let text = week(",requests,model", |h| format!(",{},us.anthropic.x", h % 3));
        let s = parse(Path::new("h.csv"), text.as_bytes()).unwrap();
        assert_eq!(s.len(), 168);
        assert_eq!(s.input[4], 104.0);
        assert_eq!(s.input[5], 0.0);
        assert_eq!(s.requests.as_ref().unwrap()[7], 1.0);
        assert_eq!(s.model.as_deref(), Some("us.anthropic.x"));
    }

    #[test]
    fn a_second_model_is_named_by_row() {
        let text = week(",model", |h| if h == 9 { ",b".into() } else { ",a".into() });
        let e = parse(Path::new("h.csv"), text.as_bytes())
            .unwrap_err()
            .to_string();
        // Row 1 is the header and hour 5 is missing: hour 9 is on line 10.
        assert!(e.contains("h.csv row 10: model: 'b' differs"), "{e}");
    }

    #[test]
    fn bad_rows_keep_the_trace_reader_s_words() {
        let text = week("", |_| String::new()).replace(",107,", ",-3,");
        let e = parse(Path::new("h.csv"), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("history h.csv row 8: input_tokens"), "{e}");
    }
}
