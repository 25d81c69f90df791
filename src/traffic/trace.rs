//! Trace files (docs/model.md §5): CSV `timestamp,input_tokens,output_tokens` with ISO-8601 hours,
//! extra columns allowed, missing hours zero. Replaying a trace is deterministic.

use std::path::{Path, PathBuf};

/// Largest trace file read: 1 GiB is some twenty million hourly rows, two thousand years.
const MAX_TRACE_BYTES: u64 = 1 << 30;

/// Consecutive hours without a row from which replay warns that it reads them as zero traffic.
pub const LONG_GAP_HOURS: i64 = 6;

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

pub const HEADER: &str = "timestamp,input_tokens,output_tokens";

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
        let read = super::usage_csv::read(
            path,
            bytes,
            &super::usage_csv::Layout {
                required: &["input_tokens", "output_tokens"],
                optional,
                expected: HEADER,
                empty_cells: false,
                sub_hourly: false,
            },
        )?;
        // Every cell was read (no empty cells allowed), so each value is there.
        let value = |row: &super::usage_csv::Row, i: usize| row.values[i].unwrap_or(0.0);
        let hours = read
            .rows
            .iter()
            .map(|row| TraceHour {
                epoch_hour: row.epoch_second.div_euclid(3600),
                input_tokens: value(row, 0),
                output_tokens: value(row, 1),
            })
            .collect();
        let extras = read
            .has_optional
            .iter()
            .enumerate()
            .map(|(i, has)| has.then(|| read.rows.iter().map(|r| value(r, 2 + i)).collect()))
            .collect();
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

    /// "N hours without a row between its first and last (the longest L from T)" when the
    /// longest run of absent hours is at least `LONG_GAP_HOURS`, else None.
    pub fn long_gap(&self) -> Option<String> {
        let mut missing = 0;
        let mut longest: Option<(i64, i64)> = None;
        for pair in self.hours.windows(2) {
            let gap = pair[1].epoch_hour - pair[0].epoch_hour - 1;
            missing += gap;
            if gap > 0 && longest.is_none_or(|(_, l)| gap > l) {
                longest = Some((pair[0].epoch_hour + 1, gap));
            }
        }
        let (start, len) = longest.filter(|(_, l)| *l >= LONG_GAP_HOURS)?;
        Some(format!(
            "{missing} hours without a row between its first and last (the longest {len} from {})",
            super::time::format_epoch_hour(start)
        ))
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
