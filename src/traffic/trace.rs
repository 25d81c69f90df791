//! Trace files (docs/model.md §5): CSV `timestamp,input_tokens,output_tokens` with ISO-8601 hours,
//! extra columns allowed, missing hours zero. Replaying a trace is deterministic.

use std::path::{Path, PathBuf};

use super::time::{clip, format_epoch_hour, parse_epoch_hour};

/// Largest trace file read: 1 GiB is some twenty million hourly rows, two thousand years.
const MAX_TRACE_BYTES: u64 = 1 << 30;

/// Most tokens one trace row may hold per hour (the scenario's bound for parametric traffic).
pub const MAX_TOKENS_PER_HOUR: f64 = 1e13;

/// A problem with a trace file, naming the row (the file's line number) where there is one.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("trace {path}: cannot read: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("trace {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("trace {path} row {row}: {message}")]
    Row {
        path: PathBuf,
        row: u64,
        message: String,
    },
}

/// One hour of history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceHour {
    pub epoch_hour: i64,
    pub input_tokens: f64,
    pub output_tokens: f64,
}

/// A workload's hourly history, strictly increasing in time.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HourlyTrace {
    #[serde(rename = "file")]
    pub path: PathBuf,
    #[serde(rename = "rows", serialize_with = "count")]
    pub hours: Vec<TraceHour>,
}

fn count<S: serde::Serializer>(hours: &[TraceHour], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(hours.len() as u64)
}

const HEADER: &str = "timestamp,input_tokens,output_tokens";

/// Values of optional numeric columns, one list per column asked for (None: not in the file).
pub type ExtraColumns = Vec<Option<Vec<f64>>>;

impl HourlyTrace {
    /// Reads and checks a trace file.
    pub fn read(path: &Path) -> Result<Self, TraceError> {
        let bytes = crate::scenario::read_at_most(path, MAX_TRACE_BYTES).map_err(|error| {
            TraceError::Io {
                path: path.to_path_buf(),
                error,
            }
        })?;
        Self::parse(path, &bytes)
    }

    /// Parses trace CSV bytes; `path` only names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, TraceError> {
        Self::parse_with(path, bytes, &[]).map(|(trace, _)| trace)
    }

    /// Parses trace CSV bytes and, for each name in `optional` (e.g. `requests`), the values of
    /// that column when the header has it (checked like the token columns: non-negative numbers),
    /// one per row in row order; `None` for a column the file does not have.
    pub fn parse_with(
        path: &Path,
        bytes: &[u8],
        optional: &[&str],
    ) -> Result<(Self, ExtraColumns), TraceError> {
        let file_error = |message: String| TraceError::File {
            path: path.to_path_buf(),
            message,
        };
        let row_error = |row: u64, message: String| TraceError::Row {
            path: path.to_path_buf(),
            row,
            message,
        };
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(file_error(
                "the file is UTF-16 text; save it as UTF-8 CSV".to_string(),
            ));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Err(e) = std::str::from_utf8(bytes) {
            let good = &bytes[..e.valid_up_to()];
            let row = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            return Err(row_error(
                row,
                format!(
                    "byte 0x{:02X} is not UTF-8; save the trace as UTF-8 CSV",
                    bytes[e.valid_up_to()]
                ),
            ));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(file_error(format!(
                "the file is empty; expected a header {HEADER} and one row per hour"
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
        } else if header.get(0).is_some_and(|h| parse_epoch_hour(h).is_ok()) {
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
                        "header: expected columns {HEADER}; '{name}' is missing \
                         (found: {found}){hint}"
                    ),
                )),
            }
        };
        let (ts_col, in_col, out_col) = (
            column("timestamp")?,
            column("input_tokens")?,
            column("output_tokens")?,
        );
        let extra_cols: Vec<Option<usize>> = optional
            .iter()
            .map(|name| {
                header
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(name))
                    .map(|_| column(name))
                    .transpose()
            })
            .collect::<Result<_, _>>()?;
        let mut extras: Vec<Option<Vec<f64>>> =
            extra_cols.iter().map(|c| c.map(|_| Vec::new())).collect();
        let mut hours: Vec<TraceHour> = Vec::new();
        let mut last_row = 0;
        for record in reader.records() {
            let record = record.map_err(|e| {
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
                row_error(row, message)
            })?;
            let row = record.position().map_or(0, |p| p.line());
            let field = |col: usize| record.get(col).unwrap_or("");
            let epoch_hour = parse_epoch_hour(field(ts_col))
                .map_err(|m| row_error(row, format!("timestamp: {m}")))?;
            let tokens = |col: usize, name: &str| -> Result<f64, TraceError> {
                let text = clip(field(col));
                match field(col).parse::<f64>() {
                    // + 0.0 turns −0 into 0.
                    Ok(v) if (0.0..=MAX_TOKENS_PER_HOUR).contains(&v) && !v.is_subnormal() => {
                        Ok(v + 0.0)
                    }
                    Ok(v) if v.is_subnormal() => Err(row_error(
                        row,
                        format!("{name}: got '{text}', too small to compute with; write 0"),
                    )),
                    Ok(v) if v.is_finite() && v > 0.0 => Err(row_error(
                        row,
                        format!(
                            "{name}: expected at most {MAX_TOKENS_PER_HOUR:e} tokens, got '{text}'"
                        ),
                    )),
                    _ => Err(row_error(
                        row,
                        format!("{name}: expected a non-negative number, got '{text}'"),
                    )),
                }
            };
            let hour = TraceHour {
                epoch_hour,
                input_tokens: tokens(in_col, "input_tokens")?,
                output_tokens: tokens(out_col, "output_tokens")?,
            };
            if let Some(last) = hours.last() {
                if hour.epoch_hour == last.epoch_hour {
                    return Err(row_error(
                        row,
                        format!(
                            "timestamp: duplicate hour {} ({} is also on row {last_row})",
                            clip(field(ts_col)),
                            format_epoch_hour(hour.epoch_hour)
                        ),
                    ));
                }
                if hour.epoch_hour < last.epoch_hour {
                    return Err(row_error(
                        row,
                        format!(
                            "timestamp: rows must be in increasing time order; {} comes after \
                             {} on row {last_row}",
                            clip(field(ts_col)),
                            format_epoch_hour(last.epoch_hour)
                        ),
                    ));
                }
            }
            for ((col, name), values) in extra_cols.iter().zip(optional).zip(&mut extras) {
                if let (Some(col), Some(values)) = (col, values) {
                    values.push(tokens(*col, name)?);
                }
            }
            hours.push(hour);
            last_row = row;
        }
        if hours.is_empty() {
            return Err(file_error(format!(
                "no data rows after the header; expected one row per hour ({HEADER})"
            )));
        }
        Ok((
            HourlyTrace {
                path: path.to_path_buf(),
                hours,
            },
            extras,
        ))
    }

    /// The first hour of the trace.
    pub fn first_epoch_hour(&self) -> i64 {
        self.hours[0].epoch_hour
    }

    /// Rows that fall outside `[start, start + hours)`.
    pub fn rows_outside(&self, start_epoch_hour: i64, hours: usize) -> usize {
        self.hours
            .iter()
            .filter(|h| {
                h.epoch_hour < start_epoch_hour || h.epoch_hour >= start_epoch_hour + hours as i64
            })
            .count()
    }

    /// Writes the trace into hourly buffers starting at `start_epoch_hour`: zero where it has no row.
    pub fn fill(&self, start_epoch_hour: i64, input: &mut [f64], output: &mut [f64]) {
        input.fill(0.0);
        output.fill(0.0);
        for h in &self.hours {
            let Ok(i) = usize::try_from(h.epoch_hour - start_epoch_hour) else {
                continue;
            };
            if i < input.len() {
                input[i] = h.input_tokens;
                output[i] = h.output_tokens;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HourlyTrace, TraceError> {
        HourlyTrace::parse(Path::new("t.csv"), text.as_bytes())
    }

    #[test]
    fn missing_hours_are_zero_and_extra_columns_are_ignored() {
        let t = parse(
            "\u{feff}timestamp,input_tokens,output_tokens,model\r\n\
             2024-01-01T00:00:00Z,10,1,x\r\n2024-01-01T02:00:00Z,30,3,x\r\n",
        )
        .unwrap();
        let (mut i, mut o) = (vec![9.0; 4], vec![9.0; 4]);
        t.fill(t.first_epoch_hour(), &mut i, &mut o);
        assert_eq!(i, [10.0, 0.0, 30.0, 0.0]);
        assert_eq!(o, [1.0, 0.0, 3.0, 0.0]);
        assert_eq!(t.rows_outside(t.first_epoch_hour() + 1, 4), 1);
    }

    #[test]
    fn bad_rows_are_named() {
        let msg = |text: &str| parse(text).unwrap_err().to_string();
        let head = "timestamp,input_tokens,output_tokens\n2024-01-01T00:00:00Z,1,1\n";
        assert!(msg(&format!("{head}2024-01-01T01:00:00Z,-5,1\n")).contains("row 3: input_tokens"));
        assert!(
            msg(&format!("{head}2024-01-01T01:00:00Z,1,abc\n")).contains("row 3: output_tokens")
        );
        assert!(
            msg(&format!("{head}2024-01-01T00:00:00Z,1,1\n"))
                .contains("row 3: timestamp: duplicate hour")
        );
        assert!(
            msg(&format!("{head}2023-12-31T23:00:00Z,1,1\n"))
                .contains("row 3: timestamp: rows must be")
        );
        assert!(msg(&format!("{head}noon,1,1\n")).contains("row 3: timestamp"));
        assert!(msg("timestamp,input_tokens,output_tokens\n").contains("no data rows"));
        assert!(msg("time,input_tokens\n").contains("'timestamp' is missing"));
    }
}
