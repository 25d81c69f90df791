//! Usage histories (docs/model.md §5, fitted and bootstrap sources): a CSV trace or CloudWatch JSON
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

/// One workload's usage, hour by hour, from `start_epoch_hour` (UTC). Hours without data
/// (absent from the file, or a row with an empty cell) are *missing*: `observed` is false there
/// and their values are 0, which `fit`, `backtest` and `bootstrap` never read as traffic.
/// `input` counts every input token (cache reads and writes included when the export has them
/// separately, see `cache_read`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HourlySeries {
    pub start_epoch_hour: i64,
    pub input: Vec<f64>,
    pub output: Vec<f64>,
    /// True where the hour has data.
    #[serde(skip)]
    pub observed: Vec<bool>,
    pub requests: Option<Vec<f64>>,
    /// Input tokens read from the prompt cache (already counted in `input`).
    pub cache_read: Option<Vec<f64>>,
    /// Input tokens written to the prompt cache (already counted in `input`).
    pub cache_write: Option<Vec<f64>>,
    /// The model the history names (a CSV `model` column), as written.
    pub model: Option<String>,
    /// What the data said about the minutes inside its hours, when it came in shorter periods.
    pub sub_hourly: Option<SubHourly>,
    /// Notes for the user (ignored metrics, partial data); not errors.
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// A history recorded in periods shorter than an hour, summed into hours.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SubHourly {
    /// The most common spacing of consecutive rows within an hour, in minutes.
    pub period_minutes: u32,
    /// Rows (or datapoints) summed.
    pub periods: usize,
    /// Median over hours with traffic of the coefficient of variation of the tokens per period
    /// within the hour (periods without a row counted as 0): a lower bound of the per-minute
    /// spread `intra_hour_cv` describes, exact at 1-minute periods.
    pub intra_hour_cv: f64,
}

/// The hours of a history that have no data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gaps {
    pub missing_hours: usize,
    /// Runs of consecutive missing hours.
    pub runs: usize,
    /// The longest run: its first hour (epoch hour) and length.
    pub longest: Option<(i64, usize)>,
}

/// How `fit`, `backtest` and `bootstrap` treat hours without data.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum GapPolicy {
    /// Excluded: no estimate reads them (the default).
    #[default]
    Missing,
    /// Filled from the fitted shape and the neighbouring hours (`--fill-gaps`).
    Interpolate,
    /// Read as hours without traffic (e.g. CloudWatch writes no datapoint for an idle hour).
    Zero,
}

impl GapPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            GapPolicy::Missing => "missing",
            GapPolicy::Interpolate => "interpolate",
            GapPolicy::Zero => "zero",
        }
    }
}

/// How a history file is read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// Output share of `total_tokens` when a CSV has only that column.
    pub output_share: Option<f64>,
}

impl HourlySeries {
    /// A series with every hour observed and no optional columns.
    pub fn complete(start_epoch_hour: i64, input: Vec<f64>, output: Vec<f64>) -> Self {
        HourlySeries {
            start_epoch_hour,
            observed: vec![true; input.len()],
            input,
            output,
            requests: None,
            cache_read: None,
            cache_write: None,
            model: None,
            sub_hourly: None,
            notes: Vec::new(),
        }
    }

    /// Hours covered.
    pub fn len(&self) -> usize {
        self.input.len()
    }

    /// True when no hour is covered.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// Hours with data.
    pub fn observed_hours(&self) -> usize {
        self.observed.iter().filter(|o| **o).count()
    }

    /// The hours without data.
    pub fn gaps(&self) -> Gaps {
        let mut gaps = Gaps {
            missing_hours: 0,
            runs: 0,
            longest: None,
        };
        let mut run: Option<(usize, usize)> = None;
        for (h, seen) in self.observed.iter().chain([&true]).enumerate() {
            match (seen, run) {
                (false, None) => run = Some((h, 1)),
                (false, Some((start, len))) => run = Some((start, len + 1)),
                (true, Some((start, len))) => {
                    gaps.missing_hours += len;
                    gaps.runs += 1;
                    if gaps.longest.is_none_or(|(_, l)| len > l) {
                        gaps.longest = Some((self.start_epoch_hour + start as i64, len));
                    }
                    run = None;
                }
                (true, None) => {}
            }
        }
        gaps
    }

    /// The same series with every missing hour read as zero traffic.
    pub fn with_gaps_as_zero(mut self) -> Self {
        self.observed.fill(true);
        self
    }

    /// The hours `from..to` (indices into the series) as a series of their own.
    pub fn slice(&self, from: usize, to: usize) -> HourlySeries {
        let cut = |v: &Vec<f64>| v[from..to].to_vec();
        HourlySeries {
            start_epoch_hour: self.start_epoch_hour + from as i64,
            input: cut(&self.input),
            output: cut(&self.output),
            observed: self.observed[from..to].to_vec(),
            requests: self.requests.as_ref().map(cut),
            cache_read: self.cache_read.as_ref().map(cut),
            cache_write: self.cache_write.as_ref().map(cut),
            model: self.model.clone(),
            sub_hourly: self.sub_hourly,
            notes: Vec::new(),
        }
    }

    /// The last hour covered, as an ISO timestamp.
    pub fn end_label(&self) -> String {
        format_epoch_hour(self.start_epoch_hour + self.len() as i64 - 1)
    }
}

impl Gaps {
    /// "N hours without data (R gaps, the longest L hours from T)", or None without gaps.
    pub fn describe(&self) -> Option<String> {
        let (start, len) = self.longest?;
        Some(format!(
            "{} hour{} without data ({} gap{}, the longest {} hour{} from {})",
            self.missing_hours,
            if self.missing_hours == 1 { "" } else { "s" },
            self.runs,
            if self.runs == 1 { "" } else { "s" },
            len,
            if len == 1 { "" } else { "s" },
            format_epoch_hour(start)
        ))
    }
}

/// Reads one or more history files into one series: a CSV trace (docs/model.md §5), or CloudWatch JSON
/// (`get-metric-data` or `get-metric-statistics`, one metric per file allowed), told apart by
/// their first character. Several files are merged metric by metric; a CSV must come alone.
pub fn read(paths: &[PathBuf], options: &ReadOptions) -> Result<HourlySeries, HistoryError> {
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
    parse(&files, options)
}

/// Parses history files given as (path, bytes); see [`read`].
pub fn parse(
    files: &[(PathBuf, Vec<u8>)],
    options: &ReadOptions,
) -> Result<HourlySeries, HistoryError> {
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
        [(path, bytes)] if !is_json(bytes) => csv::parse(path, bytes, options.output_share)?,
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

/// Fewest hours with data a history must have (five days): the noise and the profiles need them.
pub const MIN_OBSERVED_HOURS: usize = 120;

/// A history shorter than [`MIN_DAYS`], or with fewer than [`MIN_OBSERVED_HOURS`] hours of data,
/// is refused: no weekly cycle or noise can be fitted from it.
fn check_length(path: &Path, series: &HourlySeries) -> Result<(), HistoryError> {
    let error = |message: String| HistoryError::File {
        path: path.to_path_buf(),
        message,
    };
    if series.len() < MIN_DAYS * 24 {
        return Err(error(format!(
            "covers {} hours ({} to {}); expected at least {MIN_DAYS} days ({} hours) of \
             hourly history",
            series.len(),
            format_epoch_hour(series.start_epoch_hour),
            series.end_label(),
            MIN_DAYS * 24
        )));
    }
    let observed = series.observed_hours();
    if observed < MIN_OBSERVED_HOURS {
        return Err(error(format!(
            "only {observed} of its {} hours have data; expected at least {MIN_OBSERVED_HOURS}",
            series.len()
        )));
    }
    Ok(())
}
