//! What `ptsim import` writes, as bytes: one hourly trace CSV per model (docs/model.md §5),
//! `import.json` and a `workloads.toml` snippet; and the summary table it prints.

use std::fmt::Write;
use std::path::PathBuf;

use super::aggregate::{Import, ModelUsage, Unclassified};
use super::usage_type::{Routing, Tier};
use crate::traffic::time::format_epoch_hour;

/// Header of the trace files: docs/model.md §5's three columns, then the detail the trace reader
/// ignores.
pub const TRACE_HEADER: &str = "timestamp,input_tokens,output_tokens,cache_read_tokens,\
                                cache_write_tokens,batch_input_tokens,batch_output_tokens";

/// The trace file name of a model.
pub fn trace_file_name(model: &ModelUsage) -> String {
    format!("{}.csv", model.key)
}

/// A model's trace over the hours `first..=last`, zeros where it had no row. `input_tokens`
/// counts every input token (uncached, cache reads, cache writes) of every tier.
pub fn trace_csv(model: &ModelUsage, first: i64, last: i64) -> Vec<u8> {
    let mut out = String::with_capacity(64 * (last - first + 2).max(1) as usize);
    out.push_str(TRACE_HEADER);
    out.push('\n');
    for h in first..=last {
        let t = model.hours.get(&h).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            format_epoch_hour(h),
            t.all_input(),
            t.output,
            t.cache_read,
            t.cache_write,
            t.batch_input,
            t.batch_output
        );
    }
    out.into_bytes()
}

#[derive(serde::Serialize)]
struct Report<'a> {
    format: &'a str,
    files: Vec<String>,
    first_hour: String,
    last_hour: String,
    hours: i64,
    note: &'static str,
    rows: Rows<'a>,
    models: Vec<ModelReport<'a>>,
    unclassified: &'a [Unclassified],
}

#[derive(serde::Serialize)]
struct Rows<'a> {
    read: u64,
    bedrock_token_rows: u64,
    spread_over_several_hours: u64,
    other_services: u64,
    bedrock_not_usage: &'a std::collections::BTreeMap<String, u64>,
    unclassified: usize,
}

#[derive(serde::Serialize)]
struct ModelReport<'a> {
    model: &'a str,
    in_rate_card: bool,
    source_names: &'a [String],
    file: String,
    hours: i64,
    hours_with_usage: usize,
    rows: u64,
    totals: Totals,
    batch_share: f64,
    cache_hit_share: f64,
    tiers: &'a std::collections::BTreeMap<Tier, f64>,
    routing: &'a std::collections::BTreeMap<Routing, f64>,
}

#[derive(serde::Serialize)]
struct Totals {
    input_tokens: f64,
    uncached_input_tokens: f64,
    output_tokens: f64,
    cache_read_tokens: f64,
    cache_write_tokens: f64,
    batch_input_tokens: f64,
    batch_output_tokens: f64,
}

/// What the trace files mean, repeated in `import.json`.
pub const NOTE: &str = "Each trace holds all of the model's tokens (standard, batch, flex and \
    priority tiers; every routing); input_tokens includes cache reads and writes. Line items \
    spanning several hours (daily exports) are spread evenly over their hours. batch_share = batch \
    tokens / all tokens; cache_hit_share = cache-read tokens / all input tokens.";

/// `import.json`.
pub fn report_json(import: &Import, format: &str, files: &[PathBuf]) -> Vec<u8> {
    let (first, last) = import.span().unwrap_or((0, -1));
    let report = Report {
        format,
        files: files.iter().map(|f| f.display().to_string()).collect(),
        first_hour: format_epoch_hour(first),
        last_hour: format_epoch_hour(last),
        hours: last - first + 1,
        note: NOTE,
        rows: Rows {
            read: import.rows_read,
            bedrock_token_rows: import.models.values().map(|m| m.rows).sum(),
            spread_over_several_hours: import.spread_rows,
            other_services: import.other_service_rows,
            bedrock_not_usage: &import.not_usage_rows,
            unclassified: import.unclassified.len(),
        },
        models: import
            .models
            .values()
            .map(|m| ModelReport {
                model: &m.key,
                in_rate_card: m.in_rate_card,
                source_names: &m.source_names,
                file: trace_file_name(m),
                hours: last - first + 1,
                hours_with_usage: m.hours.len(),
                rows: m.rows,
                totals: Totals {
                    input_tokens: m.totals.all_input(),
                    uncached_input_tokens: m.totals.input,
                    output_tokens: m.totals.output,
                    cache_read_tokens: m.totals.cache_read,
                    cache_write_tokens: m.totals.cache_write,
                    batch_input_tokens: m.totals.batch_input,
                    batch_output_tokens: m.totals.batch_output,
                },
                batch_share: m.batch_share(),
                cache_hit_share: m.cache_hit_share(),
                tiers: &m.by_tier,
                routing: &m.by_routing,
            })
            .collect(),
        unclassified: &import.unclassified,
    };
    let mut bytes = serde_json::to_vec_pretty(&report).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A share rounded to four decimals for the scenario (the exact value is in `import.json`).
fn share(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// The `[[workloads]]` snippet: one workload per model the card knows; the others commented out.
pub fn workloads_toml(import: &Import, command: &str) -> Vec<u8> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Workloads imported by `{command}`.\n\
         # Paste into a scenario that has a [[pools]] entry for each model. Trace paths are\n\
         # relative to the scenario file: keep the scenario next to these traces, or prefix the\n\
         # folder. Each trace holds all the model's tokens (realtime and batch); batch_share and\n\
         # cache_hit_share are the export's own ratios (see import.json)."
    );
    for m in import.models.values() {
        let prefix = if m.in_rate_card { "" } else { "# " };
        out.push('\n');
        if !m.in_rate_card {
            let _ = writeln!(
                out,
                "# '{}' is not in the rate card: add it with [pools.prices] and \
                 [pools.capacity], then uncomment.",
                m.key
            );
        }
        let _ = writeln!(out, "{prefix}[[workloads]]");
        let _ = writeln!(out, "{prefix}name = \"{}\"", m.key);
        let _ = writeln!(out, "{prefix}model = \"{}\"", m.key);
        let _ = writeln!(out, "{prefix}batch_share = {:?}", share(m.batch_share()));
        let _ = writeln!(
            out,
            "{prefix}cache_hit_share = {}",
            share(m.cache_hit_share())
        );
        let _ = writeln!(out, "{prefix}[workloads.trace]");
        let _ = writeln!(out, "{prefix}file = \"{}\"", trace_file_name(m));
    }
    out.into_bytes()
}

/// Tokens for a table: `1.23M`, `45.6K`, `789`.
fn tokens(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.2}B", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}K", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// The per-model summary table.
pub fn summary_table(import: &Import) -> String {
    let (first, last) = import.span().unwrap_or((0, -1));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} to {} ({} hours)",
        format_epoch_hour(first),
        format_epoch_hour(last),
        last - first + 1
    );
    let _ = writeln!(
        out,
        "{:<24} {:>6} {:>10} {:>10} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "model",
        "hours",
        "input",
        "output",
        "batch",
        "cache",
        "flex",
        "priority",
        "x-region",
        "x-global"
    );
    for m in import.models.values() {
        let tier = |t: Tier| tokens(m.by_tier.get(&t).copied().unwrap_or(0.0));
        let route = |r: Routing| tokens(m.by_routing.get(&r).copied().unwrap_or(0.0));
        let _ = writeln!(
            out,
            "{:<24} {:>6} {:>10} {:>10} {:>6.1}% {:>6.1}% {:>10} {:>10} {:>10} {:>10}",
            m.key,
            m.hours.len(),
            tokens(m.totals.all_input()),
            tokens(m.totals.output),
            100.0 * m.batch_share(),
            100.0 * m.cache_hit_share(),
            tier(Tier::Flex),
            tier(Tier::Priority),
            route(Routing::CrossRegion),
            route(Routing::CrossRegionGlobal),
        );
    }
    let _ = writeln!(
        out,
        "hours: hours with usage; input includes cache reads and writes; batch and cache are \
         batch_share and cache_hit_share; flex, priority and cross-region columns are tokens."
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::aggregate::HourTokens;
    use std::path::Path;

    fn one_model() -> ModelUsage {
        let hour = HourTokens {
            input: 100.0,
            output: 20.0,
            cache_read: 50.0,
            cache_write: 10.0,
            batch_input: 30.0,
            batch_output: 5.0,
        };
        ModelUsage {
            key: "nova-pro".to_string(),
            in_rate_card: true,
            source_names: vec!["NovaPro".to_string()],
            hours: [(483_600, hour), (483_602, hour)].into_iter().collect(),
            totals: hour,
            by_tier: Default::default(),
            by_routing: Default::default(),
            rows: 2,
        }
    }

    #[test]
    fn the_trace_header_is_spec_5_then_detail_columns() {
        assert!(TRACE_HEADER.starts_with("timestamp,input_tokens,output_tokens,"));
        assert_eq!(
            TRACE_HEADER,
            "timestamp,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,\
             batch_input_tokens,batch_output_tokens"
        );
    }

    #[test]
    fn the_trace_reader_reads_the_trace_with_gaps_as_zeros() {
        let bytes = trace_csv(&one_model(), 483_600, 483_602);
        let trace = crate::traffic::HourlyTrace::parse(Path::new("t.csv"), &bytes).unwrap();
        assert_eq!(trace.hours.len(), 3);
        assert_eq!(trace.hours[0].input_tokens, 160.0);
        assert_eq!(trace.hours[1].input_tokens, 0.0);
        assert_eq!(trace.hours[2].output_tokens, 20.0);
    }
}
