//! The CSV reader behind trace files and CSV histories (docs: "Trace files", "Histories"): one
//! row per period, a `timestamp` column and numeric token columns, every bad row named by its
//! line. Traces want whole hours and every cell filled; histories also take sub-hourly
//! timestamps (summed into hours by the history reader) and empty cells (missing data).

use std::path::Path;

use super::time::{clip, format_epoch_second, parse_epoch_hour, parse_epoch_second};
use super::trace::{MAX_TOKENS_PER_HOUR, TraceError};

/// What a CSV must hold and how strictly its rows are read.
pub struct Layout<'a> {
    /// Numeric columns every file must have, in the order their values are returned.
    pub required: &'a [&'a str],
    /// Numeric columns read when the header has them, returned after the required ones.
    pub optional: &'a [&'a str],
    /// The header the messages ask for, e.g. `timestamp,input_tokens,output_tokens`.
    pub expected: &'a str,
    /// Empty numeric cells are read as `None` (missing) instead of being refused.
    pub empty_cells: bool,
    /// Timestamps may fall anywhere in the hour (sub-hourly data) instead of on it.
    pub sub_hourly: bool,
}

/// One data row: its line in the file, its time, and its values in [`Layout`] order (`None` for
/// an empty cell, or for an optional column the file lacks).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub line: u64,
    pub epoch_second: i64,
    pub values: Vec<Option<f64>>,
}

/// The rows of a file, strictly increasing in time, and which optional columns it has.
pub struct Rows {
    pub rows: Vec<Row>,
    pub has_optional: Vec<bool>,
}

/// The names of `bytes`'s header columns (trimmed), or an error naming the file.
pub fn header(path: &Path, bytes: &[u8]) -> Result<Vec<String>, TraceError> {
    let bytes = check_text(path, bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader.headers().map_err(|e| TraceError::File {
        path: path.to_path_buf(),
        message: format!("cannot read the header: {e}"),
    })?;
    Ok(header.iter().map(str::to_string).collect())
}

/// The bytes without a UTF-8 byte-order mark, refused when not UTF-8 text or empty.
fn check_text<'b>(path: &Path, bytes: &'b [u8]) -> Result<&'b [u8], TraceError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(TraceError::File {
            path: path.to_path_buf(),
            message: "the file is UTF-16 text; save it as UTF-8 CSV".to_string(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let good = &bytes[..e.valid_up_to()];
        let row = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        return Err(TraceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!(
                "byte 0x{:02X} is not UTF-8; save the file as UTF-8 CSV",
                bytes[e.valid_up_to()]
            ),
        });
    }
    Ok(bytes)
}

/// Reads every row of `bytes` under `layout`; `path` only names the file in errors.
pub fn read(path: &Path, bytes: &[u8], layout: &Layout) -> Result<Rows, TraceError> {
    let file_error = |message: String| TraceError::File {
        path: path.to_path_buf(),
        message,
    };
    let row_error = |row: u64, message: String| TraceError::Row {
        path: path.to_path_buf(),
        row,
        message,
    };
    let bytes = check_text(path, bytes)?;
    let expected = layout.expected;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_error(format!(
            "the file is empty; expected a header {expected} and one row per hour"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| file_error(format!("cannot read the header: {e}")))?
        .clone();
    let found = clip(&header.iter().collect::<Vec<_>>().join(","));
    let hint = if header.len() == 1 && [';', '\t', '|'].iter().any(|c| found.contains(*c)) {
        "; columns must be separated by commas"
    } else if header.get(0).is_some_and(|h| parse_epoch_second(h).is_ok()) {
        "; the first line must be the header"
    } else {
        ""
    };
    let column = |name: &str| {
        let mut at = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name))
            .map(|(i, _)| i);
        match (at.next(), at.next()) {
            (Some(i), None) => Ok(i),
            (Some(_), Some(_)) => Err(row_error(
                1,
                format!("header: column '{name}' appears more than once"),
            )),
            (None, _) => Err(row_error(
                1,
                format!(
                    "header: expected columns {expected}; '{name}' is missing (found: {found}){hint}"
                ),
            )),
        }
    };
    let ts_col = column("timestamp")?;
    let mut value_cols: Vec<Option<usize>> = layout
        .required
        .iter()
        .map(|name| column(name).map(Some))
        .collect::<Result<_, _>>()?;
    for name in layout.optional {
        let present = header.iter().any(|h| h.eq_ignore_ascii_case(name));
        value_cols.push(if present { Some(column(name)?) } else { None });
    }
    let names: Vec<&str> = layout
        .required
        .iter()
        .chain(layout.optional)
        .copied()
        .collect();
    let mut rows: Vec<Row> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, bytes, e))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |col: usize| record.get(col).unwrap_or("");
        let epoch_second = if layout.sub_hourly {
            parse_epoch_second(field(ts_col))
        } else {
            parse_epoch_hour(field(ts_col)).map(|h| h * 3600)
        }
        .map_err(|m| row_error(line, format!("timestamp: {m}")))?;
        let mut values = Vec::with_capacity(value_cols.len());
        for (col, name) in value_cols.iter().zip(&names) {
            values.push(match col {
                None => None,
                Some(c) if layout.empty_cells && field(*c).is_empty() => None,
                Some(c) => Some(
                    number(field(*c), name, layout.empty_cells).map_err(|m| row_error(line, m))?,
                ),
            });
        }
        if let Some(last) = rows.last() {
            let stamp = clip(field(ts_col));
            if epoch_second == last.epoch_second {
                return Err(row_error(
                    line,
                    format!(
                        "timestamp: duplicate {} {stamp} ({} is also on row {})",
                        if epoch_second.rem_euclid(3600) == 0 {
                            "hour"
                        } else {
                            "time"
                        },
                        format_epoch_second(epoch_second),
                        last.line
                    ),
                ));
            }
            if epoch_second < last.epoch_second {
                return Err(row_error(
                    line,
                    format!(
                        "timestamp: rows must be in increasing time order; {stamp} comes after \
                         {} on row {}",
                        format_epoch_second(last.epoch_second),
                        last.line
                    ),
                ));
            }
        }
        rows.push(Row {
            line,
            epoch_second,
            values,
        });
    }
    if rows.is_empty() {
        return Err(file_error(format!(
            "no data rows after the header; expected one row per hour ({expected})"
        )));
    }
    let has_optional = value_cols[layout.required.len()..]
        .iter()
        .map(Option::is_some)
        .collect();
    Ok(Rows { rows, has_optional })
}

/// A token count: a non-negative number of at most [`MAX_TOKENS_PER_HOUR`].
fn number(text: &str, name: &str, empty_allowed: bool) -> Result<f64, String> {
    let shown = clip(text);
    match text.parse::<f64>() {
        // + 0.0 turns −0 into 0.
        Ok(v) if (0.0..=MAX_TOKENS_PER_HOUR).contains(&v) && !v.is_subnormal() => Ok(v + 0.0),
        Ok(v) if v.is_subnormal() => Err(format!(
            "{name}: got '{shown}', too small to compute with; write 0"
        )),
        Ok(v) if v.is_finite() && v > 0.0 => Err(format!(
            "{name}: expected at most {MAX_TOKENS_PER_HOUR:e} tokens, got '{shown}'"
        )),
        _ if text.is_empty() && !empty_allowed => Err(format!(
            "{name}: expected a non-negative number, got '' (an empty cell; a trace is replayed \
             as it is: write 0 for an hour without traffic)"
        )),
        _ => Err(format!(
            "{name}: expected a non-negative number, got '{shown}'"
        )),
    }
}

/// The message of a malformed CSV record, naming its line.
fn csv_error(path: &Path, bytes: &[u8], e: csv::Error) -> TraceError {
    let row = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len,
            len,
            pos,
        } => {
            // A quote left open swallows the line ends that follow it.
            let start = pos.as_ref().map_or(0, |p| p.byte() as usize);
            let line = bytes[start.min(bytes.len())..]
                .split(|&b| b == b'\n')
                .next();
            let quote = line.is_some_and(|l| l.contains(&b'"'));
            format!(
                "expected {expected_len} fields as in the header, found {len}{}",
                if quote {
                    " (is a \" quote left open?)"
                } else {
                    ""
                }
            )
        }
        _ => format!("malformed CSV: {e}"),
    };
    TraceError::Row {
        path: path.to_path_buf(),
        row,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HISTORY: Layout = Layout {
        required: &["total_tokens"],
        optional: &["requests"],
        expected: "timestamp,total_tokens",
        empty_cells: true,
        sub_hourly: true,
    };

    #[test]
    fn history_rows_take_empty_cells_and_minutes() {
        let text = "timestamp,total_tokens\n2024-01-01T00:05:00Z,10\n2024-01-01T00:10:00Z,\n";
        let r = read(Path::new("h.csv"), text.as_bytes(), &HISTORY).unwrap();
        assert_eq!(r.has_optional, [false]);
        assert_eq!(r.rows[0].values, [Some(10.0), None]);
        assert_eq!(r.rows[1].values, [None, None]);
        assert_eq!(r.rows[1].epoch_second - r.rows[0].epoch_second, 300);
        assert_eq!(r.rows[1].line, 3);
    }

    #[test]
    fn duplicate_minutes_and_bad_numbers_are_named() {
        let msg = |text: &str| {
            read(Path::new("h.csv"), text.as_bytes(), &HISTORY)
                .err()
                .unwrap()
                .to_string()
        };
        let head = "timestamp,total_tokens\n2024-01-01T00:05:00Z,10\n";
        assert!(
            msg(&format!("{head}2024-01-01T00:05:00Z,1\n"))
                .contains("row 3: timestamp: duplicate time")
        );
        assert!(msg(&format!("{head}2024-01-01T00:10:00Z,x\n")).contains("row 3: total_tokens"));
    }
}
