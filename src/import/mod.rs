//! Bedrock usage from AWS billing exports (CUR 2.0 / legacy CUR, FOCUS 1.2) turned into hourly
//! traces per model (docs/model.md §5) and the workload shares a scenario needs (docs/model.md §4:
//! `batch_share`, `cache_hit_share`). `ptsim import cur|focus` runs it; reading is here, writing is
//! in `write`.

pub mod aggregate;
pub mod cur;
pub mod focus;
pub mod model;
pub mod read;
pub mod unit;
pub mod usage_type;
pub mod write;

use std::path::{Path, PathBuf};

pub use aggregate::Import;

use crate::ratecard::RateCard;
use unit::MarketplaceUnit;

/// Largest export file read (compressed or not).
const MAX_FILE_BYTES: u64 = 4 << 30;

/// A problem with an export, naming the file and, where there is one, the row.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("export {path}: cannot read: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("export {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("export {path} row {row}: {message}")]
    Row {
        path: PathBuf,
        row: u64,
        message: String,
    },
    #[error("{0}")]
    Nothing(String),
}

/// The export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Cur,
    Focus,
}

impl Format {
    /// The format's column names.
    pub fn schema(self) -> &'static read::Schema {
        match self {
            Format::Cur => &cur::SCHEMA,
            Format::Focus => &focus::SCHEMA,
        }
    }

    /// `cur` or `focus`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cur => "cur",
            Format::Focus => "focus",
        }
    }
}

/// A progress callback of an import: the file being read, the bytes of its text read so far, and
/// the size of its text (after decompression).
pub type ReadProgress<'a> = &'a dyn Fn(&Path, u64, u64);

/// Reads and parses export files (plain or gzip).
pub fn read_files(
    format: Format,
    paths: &[PathBuf],
    card: &RateCard,
    marketplace_unit: MarketplaceUnit,
    progress: ReadProgress,
) -> Result<Import, ImportError> {
    let mut files = Vec::new();
    for path in paths {
        let bytes = crate::scenario::read_at_most(path, MAX_FILE_BYTES).map_err(|error| {
            ImportError::Io {
                path: path.clone(),
                error,
            }
        })?;
        files.push((path.clone(), bytes));
    }
    parse(format, files, card, marketplace_unit, progress)
}

/// Parses export files given as (path, bytes); see [`read_files`]. Refuses an import without any
/// Bedrock token usage. `progress` hears of every file's start, about every MiB, and its end.
pub fn parse(
    format: Format,
    files: Vec<(PathBuf, Vec<u8>)>,
    card: &RateCard,
    marketplace_unit: MarketplaceUnit,
    progress: ReadProgress,
) -> Result<Import, ImportError> {
    let schema = format.schema();
    let mut items = Vec::new();
    for (path, bytes) in files {
        let text = read::decode(&path, bytes)?;
        let size = text.len() as u64;
        progress(&path, 0, size);
        let rows = read::line_items(
            &path,
            &text,
            schema,
            aggregate::is_bedrock,
            &|read, size| progress(&path, read, size),
        )?;
        progress(&path, size, size);
        items.push((path, rows));
    }
    let import = aggregate::aggregate(&items, card, marketplace_unit)
        .map_err(|(path, row, message)| ImportError::Row { path, row, message })?;
    if import.models.is_empty() {
        let names = items
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ImportError::Nothing(format!(
            "no Bedrock token usage in {names}: {} rows read, {} of other services, {} Bedrock \
             rows that are not usage, {} Bedrock usage rows not classified as tokens{}; nothing \
             written",
            import.rows_read,
            import.other_service_rows,
            import.not_usage_rows.values().sum::<u64>(),
            import.unclassified.len(),
            import
                .unclassified
                .first()
                .map_or(String::new(), |u| format!(
                    " (e.g. row {} '{}': {})",
                    u.row, u.usage_type, u.reason
                ))
        )));
    }
    if let Some((first, last)) = import.span()
        && last - first >= crate::history::csv::MAX_SPAN_HOURS
    {
        return Err(ImportError::Nothing(format!(
            "the usage spans {} hours, from {} to {}; expected at most {} (ten years)",
            last - first + 1,
            crate::traffic::time::format_epoch_hour(first),
            crate::traffic::time::format_epoch_hour(last),
            crate::history::csv::MAX_SPAN_HOURS
        )));
    }
    Ok(import)
}

/// Every output file of an import, named and in memory: one trace per model over the common
/// span, `import.json`, `workloads.toml`.
pub fn outputs(import: &Import, format: Format, files: &[PathBuf]) -> Vec<(String, Vec<u8>)> {
    let Some((first, last)) = import.span() else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = import
        .models
        .values()
        .map(|m| (write::trace_file_name(m), write::trace_csv(m, first, last)))
        .collect();
    out.push((
        "import.json".to_string(),
        write::report_json(import, format.name(), files),
    ));
    let command = format!(
        "ptsim import {} {}",
        format.name(),
        files
            .iter()
            .map(|f| file_label(f))
            .collect::<Vec<_>>()
            .join(" ")
    );
    out.push((
        "workloads.toml".to_string(),
        write::workloads_toml(import, &command),
    ));
    out
}

fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,\
                        line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit\n";

    fn cur(rows: &str) -> Import {
        let bytes = format!("{HEAD}{rows}").into_bytes();
        parse(
            Format::Cur,
            vec![(PathBuf::from("t.csv"), bytes)],
            &RateCard::shipped(),
            MarketplaceUnit::Tokens,
            &|_, _, _| {},
        )
        .unwrap()
    }

    /// 1,000 standard input, 1,000 batch input, 500 batch output and 250 cache-read tokens in one
    /// hour: batch share (1000 + 500) / 2750, cache-hit share 250 / 2250.
    #[test]
    fn shares_are_the_hand_computed_ratios() {
        let t = "2025-03-03T00:00:00Z,2025-03-03T01:00:00Z,AmazonBedrock";
        let import = cur(&format!(
            "Usage,{t},USE1-NovaPro-input-tokens,1,1K tokens\n\
             Usage,{t},USE1-NovaPro-input-tokens-batch,1000,tokens\n\
             Usage,{t},USE1-NovaPro-output-tokens-batch,0.0005,1M tokens\n\
             Usage,{t},USE1-NovaPro-cache-read-input-token-count,250,tokens\n\
             Tax,{t},USE1-NovaPro-input-tokens,x,1K tokens\n"
        ));
        let m = &import.models["nova-pro"];
        assert_eq!(m.totals.all_input(), 2250.0);
        assert_eq!(m.totals.output, 500.0);
        assert_eq!(m.batch_share(), 1500.0 / 2750.0);
        assert_eq!(m.cache_hit_share(), 250.0 / 2250.0);
        assert_eq!(import.not_usage_rows["Tax"], 1);
        let trace = String::from_utf8(write::trace_csv(m, 483_600, 483_601)).unwrap();
        assert!(
            trace.contains("\n2025-03-03T00:00:00Z,2250,500,250,0,1000,500\n"),
            "{trace}"
        );
        assert!(
            trace.ends_with("\n2025-03-03T01:00:00Z,0,0,0,0,0,0\n"),
            "{trace}"
        );
    }

    /// A line item from 22:00 to 02:00 is four hours, a quarter in each.
    #[test]
    fn a_line_item_is_spread_evenly_over_its_hours() {
        let import = cur(
            "Usage,2025-03-03T22:00:00Z,2025-03-04T02:00:00Z,AmazonBedrock,\
             USE1-NovaMicro-output-tokens,8,1K tokens\n",
        );
        let m = &import.models["nova-micro"];
        assert_eq!(m.hours.len(), 4);
        assert!(m.hours.values().all(|h| h.output == 2000.0));
        assert_eq!(import.spread_rows, 1);
    }
}
