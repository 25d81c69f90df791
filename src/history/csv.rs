//! CSV histories (docs: "Histories"): `timestamp,input_tokens,output_tokens[,requests][,model]`,
//! or `timestamp,total_tokens` split by an output share; rows on the hour or in shorter periods
//! (summed into their hour); an empty cell makes its hour missing, as does an hour without a row.

use std::collections::BTreeMap;
use std::path::Path;

use super::{HistoryError, HourlySeries, SubHourly};
use crate::traffic::time::clip;
use crate::traffic::trace::HEADER;
use crate::traffic::usage_csv::{self, Layout, Row};

/// Longest history accepted, in hours (ten years): the dense series is allocated in full.
pub const MAX_SPAN_HOURS: i64 = 87_600;

/// Parses a CSV history; `path` names the file in errors. `output_share` splits a
/// `total_tokens` column into input and output.
pub fn parse(
    path: &Path,
    bytes: &[u8],
    output_share: Option<f64>,
) -> Result<HourlySeries, HistoryError> {
    let header = usage_csv::header(path, bytes)?;
    let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
    let totals = !has("input_tokens") && !has("output_tokens") && has("total_tokens");
    let share = match (totals, output_share) {
        (true, None) => {
            return Err(HistoryError::File {
                path: path.to_path_buf(),
                message: "has a total_tokens column but no input_tokens/output_tokens; give \
                          --output-share S (the share of output tokens in the total, e.g. 0.2) \
                          to split it"
                    .to_string(),
            });
        }
        (true, Some(s)) => Some(s),
        (false, _) => None,
    };
    let expected = format!("{HEADER} (or timestamp,total_tokens with an output share)");
    let rows = usage_csv::read(
        path,
        bytes,
        &Layout {
            required: if totals {
                &["total_tokens"]
            } else {
                &["input_tokens", "output_tokens"]
            },
            optional: &["requests"],
            expected: &expected,
            empty_cells: true,
            sub_hourly: true,
        },
    )?;
    let has_requests = rows.has_optional[0];
    // (input, output, requests) per row; None where a token cell is empty.
    let tokens: Vec<Option<[f64; 3]>> = rows
        .rows
        .iter()
        .map(|r| {
            let requests = r.values.last().copied().flatten().unwrap_or(0.0);
            match (share, r.values[0], r.values.get(1).copied().flatten()) {
                (Some(s), Some(total), _) => Some([total * (1.0 - s), total * s, requests]),
                (None, Some(i), Some(o)) => Some([i, o, requests]),
                _ => None,
            }
        })
        .collect();
    let first = rows.rows[0].epoch_second.div_euclid(3600);
    let last = rows.rows[rows.rows.len() - 1].epoch_second.div_euclid(3600);
    let span = dense_span(path, first, last)?;
    let mut series = HourlySeries::complete(first, vec![0.0; span], vec![0.0; span]);
    series.observed = vec![false; span];
    series.requests = has_requests.then(|| vec![0.0; span]);
    series.model = model_column(path, bytes)?;
    // Rows per hour, and those with every token cell filled.
    let mut rows_in = vec![(0usize, 0usize); span];
    for (row, t) in rows.rows.iter().zip(&tokens) {
        let at = (row.epoch_second.div_euclid(3600) - first) as usize;
        rows_in[at].0 += 1;
        if let Some([i, o, r]) = t {
            rows_in[at].1 += 1;
            series.input[at] += i;
            series.output[at] += o;
            if let Some(req) = series.requests.as_mut() {
                req[at] += r;
            }
        }
    }
    for (at, (all, complete)) in rows_in.iter().enumerate() {
        series.observed[at] = *complete > 0;
        if *complete > 0 && complete < all {
            // Empty cells inside an hour with data stand for that hour's average period.
            let scale = *all as f64 / *complete as f64;
            series.input[at] *= scale;
            series.output[at] *= scale;
        }
    }
    let Some(series) = trimmed(series) else {
        return Err(HistoryError::File {
            path: path.to_path_buf(),
            message: "no row has both token counts; every hour is missing".to_string(),
        });
    };
    let mut series = series;
    series.sub_hourly = sub_hourly(&rows.rows, &tokens);
    if let Some(s) = &series.sub_hourly {
        series.notes.push(format!(
            "{} rows at {}-minute periods summed into {} hours; the tokens per period vary \
             within the hour with a median CV of {:.2} (a lower bound of the per-minute \
             intra_hour_cv{})",
            s.periods,
            s.period_minutes,
            series.observed_hours(),
            s.intra_hour_cv,
            if s.period_minutes <= 1 {
                ", exact at 1-minute periods"
            } else {
                ""
            }
        ));
    }
    if let Some(s) = share {
        series.notes.push(format!(
            "total_tokens split {:.0}% input / {:.0}% output (--output-share {s})",
            100.0 * (1.0 - s),
            100.0 * s
        ));
    }
    Ok(series)
}

/// The series from its first to its last hour with data; None when no hour has data.
pub fn trimmed(series: HourlySeries) -> Option<HourlySeries> {
    let first = series.observed.iter().position(|o| *o)?;
    let last = series.observed.iter().rposition(|o| *o)?;
    if first == 0 && last + 1 == series.len() {
        return Some(series);
    }
    let mut cut = series.slice(first, last + 1);
    cut.notes = series.notes;
    Some(cut)
}

/// The spread inside the hours of rows closer together than an hour, or None for hourly rows.
fn sub_hourly(rows: &[Row], tokens: &[Option<[f64; 3]>]) -> Option<SubHourly> {
    let points: Vec<(i64, f64)> = rows
        .iter()
        .zip(tokens)
        .filter_map(|(r, t)| t.map(|[i, o, _]| (r.epoch_second, i + o)))
        .collect();
    spread_within_hours(&points)
}

/// [`SubHourly`] of points `(epoch second, tokens)` in increasing time, or None when every point
/// is on the hour. The period is the most common spacing below an hour; each hour's periods on
/// that grid without a point count as 0.
pub fn spread_within_hours(points: &[(i64, f64)]) -> Option<SubHourly> {
    if points.iter().all(|(s, _)| s.rem_euclid(3600) == 0) {
        return None;
    }
    let mut spacing: BTreeMap<i64, usize> = BTreeMap::new();
    for pair in points.windows(2) {
        let d = pair[1].0 - pair[0].0;
        if d > 0 && d < 3600 {
            *spacing.entry(d).or_default() += 1;
        }
    }
    let period = spacing
        .iter()
        .max_by_key(|(d, n)| (**n, std::cmp::Reverse(**d)))
        .map_or(3600, |(d, _)| *d);
    let per_hour = (3600 / period).max(1) as usize;
    let mut hours: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for (s, v) in points {
        hours.entry(s.div_euclid(3600)).or_default().push(*v);
    }
    let mut cvs: Vec<f64> = hours
        .values()
        .filter_map(|values| {
            let total: f64 = values.iter().sum();
            if total <= 0.0 || per_hour < 2 {
                return None;
            }
            let n = per_hour.max(values.len()) as f64;
            let mean = total / n;
            let squares: f64 = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                + (n - values.len() as f64) * mean * mean;
            Some((squares / n).sqrt() / mean)
        })
        .collect();
    crate::stats::quantile::sort_floats(&mut cvs);
    Some(SubHourly {
        period_minutes: (period as f64 / 60.0).round().max(1.0) as u32,
        periods: points.len(),
        intra_hour_cv: if cvs.is_empty() {
            0.0
        } else {
            crate::stats::quantile::percentile_sorted(&cvs, 0.5)
        },
    })
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

    fn parse_plain(text: &str) -> Result<HourlySeries, HistoryError> {
        parse(Path::new("h.csv"), text.as_bytes(), None)
    }

    #[test]
    fn absent_hours_are_missing_and_requests_and_model_are_read() {
        let text = week(",requests,model", |h| format!(",{},us.anthropic.x", h % 3));
        let s = parse_plain(&text).unwrap();
        assert_eq!(s.len(), 168);
        assert_eq!(s.input[4], 104.0);
        assert_eq!(
            (s.input[5], s.observed[5], s.observed[4]),
            (0.0, false, true)
        );
        assert_eq!(s.gaps().missing_hours, 1);
        assert_eq!(s.requests.as_ref().unwrap()[7], 1.0);
        assert_eq!(s.model.as_deref(), Some("us.anthropic.x"));
        assert_eq!(s.sub_hourly, None);
    }

    #[test]
    fn an_empty_cell_makes_its_hour_missing_like_an_absent_row() {
        let absent = parse_plain(&week("", |_| String::new())).unwrap();
        let text = week("", |_| String::new()).replace(
            "2024-01-01T04:00:00Z,104,10\n",
            "2024-01-01T04:00:00Z,104,10\n2024-01-01T05:00:00Z,,\n",
        );
        let empty = parse_plain(&text).unwrap();
        assert_eq!(empty, absent);
    }

    #[test]
    fn five_minute_rows_are_summed_into_hours_with_their_spread() {
        // Two hours of 5-minute rows: the first flat (CV 0), the second all in one period
        // (11 zeros and one 1200: CV √11).
        let mut text = "timestamp,input_tokens,output_tokens\n".to_string();
        for m in (0..60).step_by(5) {
            text.push_str(&format!("2024-01-01T00:{m:02}:00Z,100,0\n"));
        }
        text.push_str("2024-01-01T01:30:00Z,1200,0\n");
        let s = parse_plain(&text).unwrap();
        assert_eq!(s.input, [1200.0, 1200.0]);
        let sub = s.sub_hourly.unwrap();
        assert_eq!((sub.period_minutes, sub.periods), (5, 13));
        // The median of 0 and √11.
        assert!(
            (sub.intra_hour_cv - 11f64.sqrt() / 2.0).abs() < 1e-12,
            "{sub:?}"
        );
    }

    #[test]
    fn totals_are_split_by_the_output_share_and_refused_without_it() {
        let text = "timestamp,total_tokens\n2024-01-01T00:00:00Z,1000\n";
        let e = parse_plain(text).unwrap_err().to_string();
        assert!(e.contains("--output-share"), "{e}");
        let s = parse(Path::new("h.csv"), text.as_bytes(), Some(0.2)).unwrap();
        assert_eq!((s.input[0], s.output[0]), (800.0, 200.0));
    }

    #[test]
    fn a_second_model_is_named_by_row() {
        let text = week(",model", |h| if h == 9 { ",b".into() } else { ",a".into() });
        let e = parse_plain(&text).unwrap_err().to_string();
        // Row 1 is the header and hour 5 is missing: hour 9 is on line 10.
        assert!(e.contains("h.csv row 10: model: 'b' differs"), "{e}");
    }

    #[test]
    fn bad_rows_keep_the_trace_reader_s_words() {
        let text = week("", |_| String::new()).replace(",107,", ",-3,");
        let e = parse_plain(&text).unwrap_err().to_string();
        assert!(e.starts_with("history h.csv row 8: input_tokens"), "{e}");
    }
}
