//! Usage histories (SPEC §5, fitted and bootstrap sources): a CSV trace or CloudWatch JSON
//! exports turned into one UTC hourly series, with every bad row named. `ptsim fit`,
//! `ptsim backtest` and `[workloads.bootstrap]` read histories through here.

pub mod cloudwatch;
pub mod csv;
pub mod model_id;

use std::path::{Path, PathBuf};

use crate::traffic::time::format_epoch_hour;

/// Largest history file read (a year of hourly JSON is a few MB; 1 GiB stops `/dev/zero`).
const MAX_HISTORY_BYTES: u64 = 1 << 30;

/// Fewest days of history accepted: a day-of-week profile needs every weekday once.
pub const MIN_DAYS: usize = 7;

/// A problem with a history file, naming the row (CSV line, or JSON array entry) where there is one.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("history {path}: cannot read: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("history {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("history {path} row {row}: {message}")]
    Row {
        path: PathBuf,
        row: u64,
        message: String,
    },
}

impl From<crate::traffic::TraceError> for HistoryError {
    fn from(e: crate::traffic::TraceError) -> Self {
        use crate::traffic::TraceError;
        match e {
            TraceError::Io { path, error } => HistoryError::Io { path, error },
            TraceError::File { path, message } => HistoryError::File { path, message },
            TraceError::Row { path, row, message } => HistoryError::Row { path, row, message },
        }
    }
}

/// One workload's usage, hour by hour, from `start_epoch_hour` (UTC); hours absent from the
/// export are zeros. `input` counts every input token (cache reads and writes included when the
/// export has them separately, see `cache_read`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HourlySeries {
    pub start_epoch_hour: i64,
    pub input: Vec<f64>,
    pub output: Vec<f64>,
    pub requests: Option<Vec<f64>>,
    /// Input tokens read from the prompt cache (already counted in `input`).
    pub cache_read: Option<Vec<f64>>,
    /// Input tokens written to the prompt cache (already counted in `input`).
    pub cache_write: Option<Vec<f64>>,
    /// The model the history names (a CSV `model` column), as written.
    pub model: Option<String>,
    /// Notes for the user (ignored metrics, partial data); not errors.
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl HourlySeries {
    /// Hours covered.
    pub fn len(&self) -> usize {
        self.input.len()
    }

    /// True when no hour is covered.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The hours `from..to` (indices into the series) as a series of their own.
    pub fn slice(&self, from: usize, to: usize) -> HourlySeries {
        let cut = |v: &Vec<f64>| v[from..to].to_vec();
        HourlySeries {
            start_epoch_hour: self.start_epoch_hour + from as i64,
            input: cut(&self.input),
            output: cut(&self.output),
            requests: self.requests.as_ref().map(cut),
            cache_read: self.cache_read.as_ref().map(cut),
            cache_write: self.cache_write.as_ref().map(cut),
            model: self.model.clone(),
            notes: Vec::new(),
        }
    }

    /// The last hour covered, as an ISO timestamp.
    pub fn end_label(&self) -> String {
        format_epoch_hour(self.start_epoch_hour + self.len() as i64 - 1)
    }
}

/// Reads one or more history files into one series: a CSV trace (SPEC §5), or CloudWatch JSON
/// (`get-metric-data` or `get-metric-statistics`, one metric per file allowed), told apart by
/// their first character. Several files are merged metric by metric; a CSV must come alone.
pub fn read(paths: &[PathBuf]) -> Result<HourlySeries, HistoryError> {
    let mut files = Vec::new();
    for path in paths {
        let bytes = crate::scenario::read_at_most(path, MAX_HISTORY_BYTES).map_err(|error| {
            HistoryError::Io {
                path: path.clone(),
                error,
            }
        })?;
        files.push((path.clone(), bytes));
    }
    parse(&files)
}

/// Parses history files given as (path, bytes); see [`read`].
pub fn parse(files: &[(PathBuf, Vec<u8>)]) -> Result<HourlySeries, HistoryError> {
    let is_json = |bytes: &[u8]| {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{' || b == b'[')
    };
    let series = match files {
        [] => {
            return Err(HistoryError::File {
                path: PathBuf::new(),
                message: "no history file given".to_string(),
            });
        }
        [(path, bytes)] if !is_json(bytes) => csv::parse(path, bytes)?,
        _ => {
            if let Some((path, _)) = files.iter().find(|(_, b)| !is_json(b)) {
                return Err(HistoryError::File {
                    path: path.clone(),
                    message: "a CSV history must be the only file; several files are merged \
                              only when all are CloudWatch JSON"
                        .to_string(),
                });
            }
            cloudwatch::parse(files)?
        }
    };
    check_length(&files[0].0, &series)?;
    Ok(series)
}

/// A history shorter than [`MIN_DAYS`] is refused: no weekly profile can be fitted from it.
fn check_length(path: &Path, series: &HourlySeries) -> Result<(), HistoryError> {
    if series.len() < MIN_DAYS * 24 {
        return Err(HistoryError::File {
            path: path.to_path_buf(),
            message: format!(
                "covers {} hours ({} to {}); expected at least {MIN_DAYS} days ({} hours) of \
                 hourly history",
                series.len(),
                format_epoch_hour(series.start_epoch_hour),
                series.end_label(),
                MIN_DAYS * 24
            ),
        });
    }
    Ok(())
}
