//! Reading a billing export CSV (plain or gzip, told apart by the gzip magic bytes) into
//! [`LineItem`]s through a [`Schema`] that names the columns. Only the rows the import uses
//! (Bedrock usage) have their numbers and timestamps checked; every error names the file, the
//! row (the file's line number) and the column.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::ImportError;
use crate::traffic::time::clip;

/// Largest export read, after decompression.
const MAX_EXPORT_BYTES: u64 = 4 << 30;

/// How one export format names its columns. Each field lists accepted header spellings; the first
/// present wins (CUR 2.0 snake_case before the legacy CUR `lineItem/…` spelling).
pub struct Schema {
    /// `CUR` or `FOCUS`, for messages.
    pub name: &'static str,
    pub start: &'static [&'static str],
    pub end: &'static [&'static str],
    /// The service: CUR `line_item_product_code`, FOCUS `ServiceName`.
    pub service: &'static [&'static str],
    pub usage_type: &'static [&'static str],
    pub quantity: &'static [&'static str],
    pub unit: &'static [&'static str],
    /// CUR `line_item_line_item_type`, FOCUS `ChargeCategory`.
    pub charge_type: &'static [&'static str],
    /// Optional: product names that carry a Marketplace model's name.
    pub product: &'static [&'static str],
    /// Optional: the resource id (an inference profile or model ARN).
    pub resource: &'static [&'static str],
    /// True for a charge type that is usage (not tax, credit, refund, fee …).
    pub is_usage: fn(&str) -> bool,
}

/// One row of an export, as far as the import needs it. Numbers and times are only parsed for
/// Bedrock usage rows ([`LineItem::usage`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LineItem {
    /// Line number in the file (the header is line 1).
    pub row: u64,
    pub service: String,
    pub usage_type: String,
    pub charge_type: String,
    pub product: String,
    pub resource: String,
    pub unit: String,
    /// Present on Bedrock usage rows: start and end (seconds since the epoch) and quantity.
    pub usage: Option<Usage>,
}

/// The numbers of a usage row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Usage {
    pub start_seconds: i64,
    pub end_seconds: i64,
    pub quantity: f64,
}

/// Decompresses gzip (magic bytes `1f 8b`) and checks the text is UTF-8.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, ImportError> {
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .take(MAX_EXPORT_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| ImportError::File {
                path: path.to_path_buf(),
                message: format!("the file starts like gzip but cannot be decompressed: {e}"),
            })?;
        if out.len() as u64 > MAX_EXPORT_BYTES {
            return Err(ImportError::File {
                path: path.to_path_buf(),
                message: format!("larger than {} GiB decompressed", MAX_EXPORT_BYTES >> 30),
            });
        }
        out
    } else {
        bytes
    };
    if let Err(e) = std::str::from_utf8(&bytes) {
        let row = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        return Err(ImportError::Row {
            path: path.to_path_buf(),
            row,
            message: format!(
                "byte 0x{:02X} is not UTF-8; expected a CSV export (plain or .csv.gz)",
                bytes[e.valid_up_to()]
            ),
        });
    }
    Ok(bytes)
}

/// Bytes read between two calls of a progress callback.
const PROGRESS_BYTES: u64 = 1 << 20;

/// Reads every row of an export. `is_bedrock(service, product, usage_type)` says which rows are
/// Bedrock's: other rows come back empty (to be counted), Bedrock usage rows with their numbers
/// and times parsed. `progress(read, size)` is called with the bytes read so far about every MiB.
pub fn line_items(
    path: &Path,
    bytes: &[u8],
    schema: &Schema,
    is_bedrock: impl Fn(&str, &str, &str) -> bool,
    progress: &dyn Fn(u64, u64),
) -> Result<Vec<LineItem>, ImportError> {
    let file_error = |message: String| ImportError::File {
        path: path.to_path_buf(),
        message,
    };
    let row_error = |row: u64, message: String| ImportError::Row {
        path: path.to_path_buf(),
        row,
        message,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_error(format!(
            "the file is empty; expected an AWS {} export with a header row",
            schema.name
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| file_error(format!("cannot read the header: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        names.iter().find_map(|name| {
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .map(|i| (i, name.to_string()))
        })
    };
    let required = |names: &[&str]| {
        find(names).ok_or_else(|| {
            row_error(
                1,
                format!(
                    "header: expected a column {} in an AWS {} export; it is missing (found {} \
                     columns: {})",
                    names.join(" or "),
                    schema.name,
                    header.len(),
                    clip(&header.iter().collect::<Vec<_>>().join(","))
                ),
            )
        })
    };
    let start = required(schema.start)?;
    let end = required(schema.end)?;
    let service = required(schema.service)?;
    let usage_type = required(schema.usage_type)?;
    let quantity = required(schema.quantity)?;
    let unit = required(schema.unit)?;
    let charge_type = required(schema.charge_type)?;
    let product: Vec<usize> = schema
        .product
        .iter()
        .filter_map(|n| find(&[n]).map(|(i, _)| i))
        .collect();
    let resource = find(schema.resource).map(|(i, _)| i);
    let mut items = Vec::new();
    let size = bytes.len() as u64;
    let mut reported = 0;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let row = e.position().map_or(0, |p| p.line());
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("expected {expected_len} fields as in the header, found {len}"),
                _ => format!("malformed CSV: {e}"),
            };
            row_error(row, message)
        })?;
        let row = record.position().map_or(0, |p| p.line());
        let read = record.position().map_or(0, |p| p.byte());
        if read >= reported + PROGRESS_BYTES {
            progress(read, size);
            reported = read;
        }
        let get = |col: usize| record.get(col).unwrap_or("").to_string();
        let product_name = product
            .iter()
            .filter_map(|&i| record.get(i))
            .find(|p| !p.is_empty())
            .unwrap_or("");
        let bedrock = is_bedrock(
            record.get(service.0).unwrap_or(""),
            product_name,
            record.get(usage_type.0).unwrap_or(""),
        );
        if !bedrock {
            // Only counted: an empty row (no allocation) keeps a large export's other services cheap.
            items.push(LineItem {
                row,
                service: String::new(),
                usage_type: String::new(),
                charge_type: String::new(),
                product: String::new(),
                resource: String::new(),
                unit: String::new(),
                usage: None,
            });
            continue;
        }
        let mut item = LineItem {
            row,
            service: get(service.0),
            usage_type: get(usage_type.0),
            charge_type: get(charge_type.0),
            product: product_name.to_string(),
            resource: resource.map(get).unwrap_or_default(),
            unit: get(unit.0),
            usage: None,
        };
        if (schema.is_usage)(&item.charge_type) {
            let time = |(col, name): &(usize, String)| {
                parse_seconds(record.get(*col).unwrap_or(""))
                    .map_err(|m| row_error(row, format!("{name}: {m}")))
            };
            let start_seconds = time(&start)?;
            let end_seconds = if record.get(end.0).unwrap_or("").is_empty() {
                start_seconds + 3600
            } else {
                time(&end)?
            };
            let text = record.get(quantity.0).unwrap_or("");
            let value = text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    row_error(
                        row,
                        format!(
                            "{}: expected a non-negative number, got '{}'",
                            quantity.1,
                            clip(text)
                        ),
                    )
                })?;
            if end_seconds < start_seconds {
                return Err(row_error(
                    row,
                    format!(
                        "{}: ends before it starts ({} is before {})",
                        end.1,
                        clip(record.get(end.0).unwrap_or("")),
                        clip(record.get(start.0).unwrap_or(""))
                    ),
                ));
            }
            item.usage = Some(Usage {
                start_seconds,
                end_seconds,
                quantity: value + 0.0,
            });
        }
        items.push(item);
    }
    Ok(items)
}

/// Seconds since the epoch of an export timestamp: RFC 3339 (`2025-03-01T00:00:00Z`,
/// `…00.000Z`, offsets), naive UTC with `T` or a space, or a bare date.
pub fn parse_seconds(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let expected = || {
        format!(
            "expected an ISO-8601 time such as 2025-03-01T00:00:00Z, got '{}'",
            clip(text)
        )
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "%Y-%m-%d %H:%M:%S%.f UTC",
        "%Y-%m-%dT%H:%MZ",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t.and_utc().timestamp());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .ok_or_else(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_timestamps_are_read() {
        let hour = |t: &str| parse_seconds(t).unwrap() / 3600;
        let h = hour("2025-03-01T05:00:00Z");
        assert_eq!(hour("2025-03-01T05:00:00.000Z"), h);
        assert_eq!(hour("2025-03-01 05:00:00"), h);
        assert_eq!(hour("2025-03-01T07:00:00+02:00"), h);
        assert_eq!(hour("2025-03-01T05:00Z"), h);
        assert_eq!(hour("2025-03-01"), h - 5);
        assert!(
            parse_seconds("yesterday")
                .unwrap_err()
                .contains("'yesterday'")
        );
    }
}
