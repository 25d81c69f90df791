//! Trace files (SPEC §5): CSV `timestamp,input_tokens,output_tokens` with ISO-8601 hours, extra
//! columns allowed, missing hours zero. Replaying a trace is deterministic.

use std::path::{Path, PathBuf};

use super::time::parse_epoch_hour;

/// A problem with a trace file, naming the row (the file's line number) where there is one.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("trace {path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
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

impl HourlyTrace {
    /// Reads and checks a trace file.
    pub fn read(path: &Path) -> Result<Self, TraceError> {
        let bytes = std::fs::read(path).map_err(|source| TraceError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &bytes)
    }

    /// Parses trace CSV bytes; `path` only names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, TraceError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let file_error = |message: String| TraceError::File {
            path: path.to_path_buf(),
            message,
        };
        let row_error = |row: u64, message: String| TraceError::Row {
            path: path.to_path_buf(),
            row,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|e| file_error(format!("cannot read the header: {e}")))?
            .clone();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    file_error(format!(
                        "expected a header with columns timestamp,input_tokens,output_tokens; \
                     '{name}' is missing (found: {})",
                        header.iter().collect::<Vec<_>>().join(",")
                    ))
                })
        };
        let (ts_col, in_col, out_col) = (
            column("timestamp")?,
            column("input_tokens")?,
            column("output_tokens")?,
        );
        let mut hours: Vec<TraceHour> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let row = e.position().map_or(0, |p| p.line());
                row_error(row, format!("malformed CSV: {e}"))
            })?;
            let row = record.position().map_or(0, |p| p.line());
            let field = |col: usize| record.get(col).unwrap_or("");
            let epoch_hour = parse_epoch_hour(field(ts_col))
                .map_err(|m| row_error(row, format!("timestamp: {m}")))?;
            let tokens = |col: usize, name: &str| -> Result<f64, TraceError> {
                let text = field(col);
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
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
                    return Err(row_error(row, format!("duplicate hour {}", field(ts_col))));
                }
                if hour.epoch_hour < last.epoch_hour {
                    return Err(row_error(
                        row,
                        format!(
                            "rows must be in increasing time order; {} comes after a later hour",
                            field(ts_col)
                        ),
                    ));
                }
            }
            hours.push(hour);
        }
        if hours.is_empty() {
            return Err(file_error("no data rows".to_string()));
        }
        Ok(HourlyTrace {
            path: path.to_path_buf(),
            hours,
        })
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
            msg(&format!("{head}2024-01-01T00:00:00Z,1,1\n")).contains("row 3: duplicate hour")
        );
        assert!(msg(&format!("{head}2023-12-31T23:00:00Z,1,1\n")).contains("row 3: rows must be"));
        assert!(msg(&format!("{head}noon,1,1\n")).contains("row 3: timestamp"));
        assert!(msg("timestamp,input_tokens,output_tokens\n").contains("no data rows"));
        assert!(msg("time,input_tokens\n").contains("'timestamp' is missing"));
    }
}
