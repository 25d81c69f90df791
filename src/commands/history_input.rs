//! What `fit` and `backtest` share at the edge: the histories named on the command line
//! (positional files or `--workload NAME=FILE[:MODEL]`), read with their notes and gaps turned
//! into warnings, and the capacity product a fitted pool buys.

use std::path::PathBuf;

use crate::UsageError;
use crate::cli::ForecastArgs;
use crate::cost::Capacity;
use crate::history::{self, GapPolicy, HourlySeries, model_id};
use crate::ratecard::{Product, RateCard, Term, UnitSteps};

/// The capacity product a fitted scenario buys: the card's first (model units, else the Reserved
/// tier, else Azure PTUs); the one-month term where priced, else the first priced term.
pub struct PoolChoice {
    pub product: Product,
    pub term: Term,
    pub capacity: Capacity,
    pub steps: UnitSteps,
}

impl PoolChoice {
    /// The choice for rate-card model `key`, or a usage error when it has no capacity product.
    pub fn for_model(card: &RateCard, key: &str) -> anyhow::Result<Self> {
        let rates = &card.models[key];
        for (product, p) in rates.products() {
            let terms = [
                Term::OneMonth,
                Term::NoCommit,
                Term::ThreeMonth,
                Term::SixMonth,
                Term::OneYear,
            ];
            if let Some(term) = terms.into_iter().find(|t| p.hourly_price(*t).is_some()) {
                return Ok(PoolChoice {
                    product,
                    term,
                    capacity: Capacity {
                        input_tokens_per_hour: 60.0 * p.input_tokens_per_minute,
                        output_tokens_per_hour: 60.0 * p.output_tokens_per_minute,
                        mode: p.mode,
                    },
                    steps: p.steps(),
                });
            }
        }
        Err(UsageError(format!(
            "--model {key}: the rate card has no priced capacity product for it"
        ))
        .into())
    }
}

/// One workload to fit: its name, its files, and the model named for it (else `--model`).
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadSpec {
    pub name: String,
    pub files: Vec<PathBuf>,
    pub model: Option<String>,
}

/// Parses `NAME=FILE[+FILE…][:MODEL]`. The model is everything after the first colon (Bedrock
/// ids and ARNs hold colons of their own); a Windows drive letter's colon is part of the file.
pub fn parse_workload(text: &str) -> Result<WorkloadSpec, String> {
    let expected = || format!("--workload: expected NAME=FILE[+FILE…][:MODEL], got '{text}'");
    let (name, rest) = text.split_once('=').ok_or_else(expected)?;
    let name = name.trim();
    if name.is_empty() || rest.trim().is_empty() {
        return Err(expected());
    }
    let drive = rest.len() > 2
        && rest.as_bytes()[0].is_ascii_alphabetic()
        && rest.as_bytes()[1] == b':'
        && matches!(rest.as_bytes()[2], b'\\' | b'/');
    let split_from = if drive { 2 } else { 0 };
    let (files, model) = match rest[split_from..].find(':') {
        Some(at) => (&rest[..split_from + at], Some(&rest[split_from + at + 1..])),
        None => (rest, None),
    };
    let files: Vec<PathBuf> = files
        .split('+')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
        .collect();
    if files.is_empty() || model.is_some_and(|m| m.trim().is_empty()) {
        return Err(expected());
    }
    Ok(WorkloadSpec {
        name: name.to_string(),
        files,
        model: model.map(|m| m.trim().to_string()),
    })
}

/// The workloads of `ptsim fit`: the positional histories (several JSON files are one history;
/// several CSV files one workload each, named by file stem) and each `--workload`.
pub fn workload_specs(
    positional: &[PathBuf],
    workloads: &[String],
) -> anyhow::Result<Vec<WorkloadSpec>> {
    let is_json = |p: &PathBuf| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    };
    let mut specs = Vec::new();
    if positional.len() > 1 && !positional.iter().all(is_json) {
        for file in positional {
            let stem = file.file_stem().map_or_else(
                || "fitted".to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
            specs.push(WorkloadSpec {
                name: stem,
                files: vec![file.clone()],
                model: None,
            });
        }
    } else if !positional.is_empty() {
        specs.push(WorkloadSpec {
            name: "fitted".to_string(),
            files: positional.to_vec(),
            model: None,
        });
    }
    for w in workloads {
        specs.push(parse_workload(w).map_err(UsageError)?);
    }
    if specs.is_empty() {
        return Err(UsageError(
            "no history given: name one or more files, or --workload NAME=FILE[:MODEL]".to_string(),
        )
        .into());
    }
    for (i, s) in specs.iter().enumerate() {
        if specs[..i].iter().any(|t| t.name == s.name) {
            return Err(UsageError(format!(
                "workload name '{}' is used twice; name them with --workload NAME=FILE",
                s.name
            ))
            .into());
        }
    }
    Ok(specs)
}

/// Reads the history for `model` (normalised to its rate-card key, returned), refusing a history
/// whose own model column names another model. Notes and gaps are printed as warnings.
pub fn read_history(
    paths: &[PathBuf],
    model: &str,
    card: &RateCard,
    forecast: &ForecastArgs,
) -> anyhow::Result<(String, HourlySeries)> {
    let key =
        model_id::rate_card_key(model, card).map_err(|m| UsageError(format!("--model: {m}")))?;
    let series = history::read(paths, &forecast.read_options())?;
    let shown = paths[0].display();
    if let Some(named) = &series.model
        && let Ok(named_key) = model_id::rate_card_key(named, card)
        && named_key != key
    {
        return Err(UsageError(format!(
            "history {shown}: its model column names '{named}' ({named_key}), but --model is {key}"
        ))
        .into());
    }
    for note in &series.notes {
        super::print_warning(&format!("history {shown}: {note}"));
    }
    if let Some(gaps) = series.gaps().describe() {
        super::print_warning(&format!(
            "history {shown}: {gaps}: {}",
            match forecast.gap_policy() {
                GapPolicy::Missing =>
                    "left out of the fit, not read as zero traffic (--fill-gaps fills them from \
                     the fitted shape; --gaps zero reads them as idle hours, e.g. CloudWatch \
                     hours without invocations)",
                GapPolicy::Interpolate => "filled from the fitted shape (--fill-gaps)",
                GapPolicy::Zero => "read as hours without traffic (--gaps zero)",
            }
        ));
    }
    Ok((key, series))
}

/// The history files as the user named them, for comments and messages.
pub fn label(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_specs_split_name_files_and_model() {
        let w = parse_workload("chat=a.csv:claude-sonnet-4.5").unwrap();
        assert_eq!(w.name, "chat");
        assert_eq!(w.files, [PathBuf::from("a.csv")]);
        assert_eq!(w.model.as_deref(), Some("claude-sonnet-4.5"));
        let arn = parse_workload("x=in.json+out.json:us.anthropic.claude-v1:0").unwrap();
        assert_eq!(arn.files.len(), 2);
        assert_eq!(arn.model.as_deref(), Some("us.anthropic.claude-v1:0"));
        let win = parse_workload(r"y=C:\data\h.csv").unwrap();
        assert_eq!(win.files, [PathBuf::from(r"C:\data\h.csv")]);
        assert_eq!(win.model, None);
        for bad in ["chat", "=a.csv", "chat=", "chat=a.csv:"] {
            assert!(parse_workload(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn several_csv_files_are_several_workloads_and_json_files_one() {
        let csv = workload_specs(&["a.csv".into(), "b.csv".into()], &[]).unwrap();
        assert_eq!(
            csv.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        let json = workload_specs(&["i.json".into(), "o.json".into()], &[]).unwrap();
        assert_eq!(json.len(), 1);
        assert_eq!(json[0].files.len(), 2);
        let twice = workload_specs(&["a.csv".into(), "b.csv".into()], &["a=c.csv".into()]);
        assert!(twice.unwrap_err().to_string().contains("'a' is used twice"));
    }
}
