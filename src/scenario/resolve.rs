//! From the file as written to a validated `Scenario`: rate-card lookups, overrides, defaults,
//! and the cross-field rules, every error pointing at a line and a field.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::file::{
    CapacityOverrides, ParametricFile, PoolFile, PriceOverrides, RiskFile, ScenarioFile, TermPrices,
};
use super::values::{MAX_TOKENS_PER_HOUR, MAX_WEIGHT, show, subnormal_note};
use super::{Pool, RiskSettings, Scenario, ScenarioError, TermPrice, Workload};
use crate::cost::{Capacity, PoolModel, PoolPrices, WorkloadCost};
use crate::ratecard::{CapacityProduct, HOURS_PER_MONTH, Product, RateCard, Term, UnitSteps};
use crate::traffic::profiles::{normalise, preset, preset_names};
use crate::traffic::time::{DEFAULT_START_EPOCH_HOUR, format_epoch_hour, parse_epoch_hour};
use crate::traffic::{Bursts, EmpiricalNoise, HourlyTrace, Noise, Parametric, TrafficSource};

/// Longest horizon accepted: ten years.
pub const MAX_HORIZON_HOURS: u32 = 87_600;
/// Most trials accepted in one run.
pub const MAX_TRIALS: u32 = 10_000_000;
/// Largest unit sweep accepted.
pub const MAX_UNITS: u32 = 100_000;

/// Longest burst (a week): longer ones are a change of level, not a burst.
pub const MAX_BURST_HOURS: u32 = 168;
/// Longest scenario name (it names the output folder).
const MAX_NAME_CHARS: usize = 100;

/// Where in the scenario text something is: 1-based line and column, the field's dotted path
/// (`workloads[2].parametric.noise_cv`) and the line's text.
pub(super) struct Place {
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) field: String,
    pub(super) text: String,
}

/// Turns spans into `file:line:column: field: message` errors.
pub(super) struct Locator<'a> {
    text: &'a str,
    pub(super) label: &'a str,
}

impl Locator<'_> {
    /// The place of byte `offset`; `field` names it, or — when empty — the key or table on that
    /// line does, prefixed with the table the line is in.
    pub(super) fn place(&self, offset: usize, field: &str) -> Place {
        let mut start = offset.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count() + 1;
        let text = self.text[line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        let field = if field.is_empty() {
            field_path(&self.text[..line_start], &text)
        } else {
            field.to_string()
        };
        let text = excerpt(&text, column);
        let field = if field.is_empty() {
            "(top level)".to_string()
        } else {
            field
        };
        Place {
            line,
            column,
            field,
            text,
        }
    }

    fn at(&self, span: Range<usize>, field: &str, message: impl Into<String>) -> ScenarioError {
        let Place {
            line,
            column,
            field,
            text,
        } = self.place(span.start, field);
        ScenarioError::At {
            path: self.label.to_string(),
            line,
            column,
            field,
            message: message.into(),
            text,
        }
    }

    pub(super) fn spanned<T>(
        &self,
        value: &Spanned<T>,
        field: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        self.at(value.span(), field, message)
    }

    fn file(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError::File {
            path: self.label.to_string(),
            message: message.into(),
        }
    }

    /// A TOML or serde error at its place. Serde names a missing field only in its message and
    /// points at the table that lacks it (the whole file for a top-level key), so the field is
    /// taken from the message.
    fn toml(&self, error: &toml::de::Error) -> ScenarioError {
        let message = error.message().trim_end();
        let message = plain_types(message) + &crate::suggest::for_unknown_name(message);
        let message = message.as_str();
        let Some(span) = error.span() else {
            return self.file(message);
        };
        let Some(missing) = quoted_after(message, "missing field `") else {
            return self.at(span, "", message);
        };
        let place = self.place(span.start, "");
        let on_header = place.text.trim_start().starts_with('[');
        let field = if on_header && !place.field.is_empty() {
            format!("{}.{missing}", place.field)
        } else {
            missing.to_string()
        };
        self.at(span, &field, message)
    }
}

/// Longest stretch of a line quoted in an error.
const EXCERPT_CHARS: usize = 120;

/// `line`, or the part of it around `column` (1-based, in characters) when it is too long to
/// quote whole.
pub(super) fn excerpt(line: &str, column: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= EXCERPT_CHARS {
        return line.to_string();
    }
    let start = column
        .saturating_sub(1 + EXCERPT_CHARS / 2)
        .min(chars.len() - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    format!(
        "{}{}{}",
        if start > 0 { "…" } else { "" },
        chars[start..end].iter().collect::<String>(),
        if end < chars.len() { "…" } else { "" }
    )
}

/// Serde's type names in words a scenario's author uses.
fn plain_types(message: &str) -> String {
    message
        .replace(
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        )
        .replace(
            "expected u64",
            "expected a whole number from 0 to 18446744073709551615",
        )
        .replace("expected f64", "expected a number")
        .replace("wanted string or table", "expected a quoted name")
}

/// The text between `prefix` and the next backtick in `message`.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    rest.split('`').next()
}

/// The dotted path of what `line` assigns or opens, given the text before it: `[[workloads]]`
/// tables are numbered, so the third workload's `noise_cv` is `workloads[2].parametric.noise_cv`.
fn field_path(before: &str, line: &str) -> String {
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    let mut table = String::new();
    for l in before.lines() {
        if let Some(header) = table_header(l, &mut counts) {
            table = header;
        }
    }
    if let Some(header) = table_header(line, &mut counts) {
        return header;
    }
    let key = key_of_line(line);
    match (table.is_empty(), key.is_empty()) {
        (_, true) => table,
        (true, false) => key,
        (false, false) => format!("{table}.{key}"),
    }
}

/// If `line` opens a table, its path with array indices (counting it in `counts`).
fn table_header(
    line: &str,
    counts: &mut std::collections::HashMap<String, usize>,
) -> Option<String> {
    let line = line.trim();
    let (name, array) = if let Some(rest) = line.strip_prefix("[[") {
        (rest.split("]]").next()?, true)
    } else if let Some(rest) = line.strip_prefix('[') {
        (rest.split(']').next()?, false)
    } else {
        return None;
    };
    let parts: Vec<&str> = name
        .split('.')
        .map(|p| p.trim().trim_matches('"'))
        .collect();
    let name = parts.join(".");
    if array {
        *counts.entry(name.clone()).or_default() += 1;
    }
    let mut path = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            path.push('.');
        }
        path.push_str(part);
        if let Some(n) = counts.get(&parts[..=i].join(".")) {
            path.push_str(&format!("[{}]", n.saturating_sub(1)));
        }
    }
    Some(path)
}

/// The key a line assigns (`batch_share = 2` → `batch_share`); empty for a comment or a value
/// on a continuation line.
fn key_of_line(line: &str) -> String {
    let line = line.trim();
    if line.starts_with('#') || !line.contains('=') {
        return String::new();
    }
    let key = line.split('=').next().unwrap_or("").trim();
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.\" ".contains(c))
    {
        key.to_string()
    } else {
        String::new()
    }
}

pub fn resolve(
    text: &str,
    label: &str,
    base: &Path,
    card: &RateCard,
) -> Result<Scenario, ScenarioError> {
    // A UTF-8 byte-order mark (Windows editors) is not part of the TOML.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let loc = Locator { text, label };
    let file: ScenarioFile = toml::from_str(text).map_err(|e| loc.toml(&e))?;

    let name = file.name.get_ref().trim().to_string();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(loc.spanned(
            &file.name,
            "name",
            format!("expected at most {MAX_NAME_CHARS} characters (it names the output folder)"),
        ));
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || name.starts_with('.')
    {
        return Err(loc.spanned(
            &file.name,
            "name",
            "expected a folder-safe name (letters, digits, '-', '_', '.'), e.g. \"rag-chatbot\"",
        ));
    }
    let horizon_hours = match &file.horizon_hours {
        Some(h) if *h.get_ref() == 0 || *h.get_ref() > MAX_HORIZON_HOURS => {
            return Err(loc.spanned(
                h,
                "horizon_hours",
                format!(
                    "expected 1 to {MAX_HORIZON_HOURS} hours, got {}",
                    h.get_ref()
                ),
            ));
        }
        Some(h) => *h.get_ref() as usize,
        None => 730,
    };
    let trials = match &file.trials {
        Some(t) if *t.get_ref() == 0 || *t.get_ref() > MAX_TRIALS => {
            return Err(loc.spanned(
                t,
                "trials",
                format!("expected 1 to {MAX_TRIALS} trials, got {}", t.get_ref()),
            ));
        }
        Some(t) => *t.get_ref(),
        None => 2000,
    };

    // A missing table has no line of its own: point at the top of the file, as for a missing
    // top-level key.
    if file.pools.is_empty() {
        return Err(loc.at(0..0, "pools", "expected at least one [[pools]] table"));
    }
    if file.workloads.is_empty() {
        return Err(loc.at(
            0..0,
            "workloads",
            "expected at least one [[workloads]] table",
        ));
    }

    let mut pools = Vec::new();
    let mut pool_names = BTreeSet::new();
    for (i, p) in file.pools.iter().enumerate() {
        let pool = resolve_pool(&loc, card, p, i)?;
        if pools.iter().any(|q: &Pool| q.model_key == pool.model_key) {
            return Err(loc.spanned(&p.model, &format!("pools[{i}].model"), format!("a pool for '{}' already exists: capacity is bought per model, so one pool per model", pool.model_key)));
        }
        if !pool_names.insert(pool.name.clone()) {
            let span = p.name.as_ref().map_or(p.model.span(), |n| n.span());
            return Err(loc.at(
                span,
                &format!("pools[{i}].name"),
                format!("pool name '{}' is used twice", pool.name),
            ));
        }
        pools.push(pool);
    }

    let mut warnings = Vec::new();
    let mut workload_names = BTreeSet::new();
    let mut traces = Vec::new();
    for (i, w) in file.workloads.iter().enumerate() {
        let field = |f: &str| format!("workloads[{i}].{f}");
        let name = w.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(loc.spanned(&w.name, &field("name"), "expected a non-empty name"));
        }
        if !workload_names.insert(name.clone()) {
            return Err(loc.spanned(
                &w.name,
                &field("name"),
                format!("workload name '{name}' is used twice"),
            ));
        }
        let Some(pool) = pools.iter_mut().find(|p| p.model_key == *w.model.get_ref()) else {
            let have: Vec<&str> = pools.iter().map(|p| p.model_key.as_str()).collect();
            return Err(loc.spanned(
                &w.model,
                &field("model"),
                format!(
                    "no pool buys '{}'; pools are for: {}{}",
                    w.model.get_ref(),
                    have.join(", "),
                    crate::suggest::did_you_mean(w.model.get_ref(), have.iter().copied())
                ),
            ));
        };
        let window = match &w.batch_window_hours {
            Some(h) if *h.get_ref() == 0 => {
                return Err(loc.spanned(
                    h,
                    &field("batch_window_hours"),
                    "expected at least 1 hour",
                ));
            }
            Some(h) => *h.get_ref(),
            None => 24,
        };
        let cost = WorkloadCost {
            batch_share: w.batch_share.map_or(0.0, |s| s.0),
            batch_window_hours: window,
            cache_hit_share: w.cache_hit_share.map_or(0.0, |s| s.0),
            priority: w.priority.unwrap_or(false),
        };
        let source = match (&w.parametric, &w.trace, &w.bootstrap) {
            (Some(p), None, None) => {
                TrafficSource::Parametric(Box::new(resolve_parametric(&loc, p, i)?))
            }
            (None, None, Some(b)) => {
                super::bootstrap::resolve(&loc, b, base, i, horizon_hours, &mut warnings)?
            }
            (None, Some(t), None) if t.file.get_ref().trim().is_empty() => {
                return Err(loc.spanned(
                    &t.file,
                    &field("trace.file"),
                    "expected the path of a trace CSV file",
                ));
            }
            (None, Some(t), None) => {
                let path = base.join(t.file.get_ref());
                let trace = HourlyTrace::read(&path).map_err(|error| {
                    let place = loc.place(t.file.span().start, &field("trace.file"));
                    ScenarioError::Trace {
                        path: label.to_string(),
                        line: place.line,
                        column: place.column,
                        field: place.field,
                        text: place.text,
                        error: Box::new(error),
                    }
                })?;
                let trace = Arc::new(trace);
                traces.push(trace.clone());
                TrafficSource::Trace(trace)
            }
            _ => {
                return Err(loc.spanned(&w.name, &field("name"), format!("workload '{name}' needs exactly one traffic source: [workloads.parametric], [workloads.trace] or [workloads.bootstrap]")));
            }
        };
        pool.model.workloads.push(cost);
        pool.workloads.push(Workload { name, source });
    }
    for (i, p) in pools.iter().enumerate() {
        if p.workloads.is_empty() {
            return Err(loc.spanned(
                &file.pools[i].model,
                &format!("pools[{i}].model"),
                format!("no workload uses model '{}'", p.model_key),
            ));
        }
    }

    let start_epoch_hour = match &file.start {
        Some(s) => {
            let text =
                match s.get_ref() {
                    toml::Value::String(text) => text.clone(),
                    toml::Value::Datetime(t) => t.to_string(),
                    other => {
                        return Err(loc.spanned(
                        s,
                        "start",
                        format!(
                            "expected an ISO-8601 hour such as \"2024-01-01T05:00:00Z\", got {} {}",
                            if other.type_str().starts_with(['a', 'i']) { "an" } else { "a" },
                            other.type_str()
                        ),
                    ));
                    }
                };
            parse_epoch_hour(&text).map_err(|m| loc.spanned(s, "start", m))?
        }
        None => traces
            .iter()
            .map(|t| t.first_epoch_hour())
            .min()
            .unwrap_or(DEFAULT_START_EPOCH_HOUR),
    };
    for t in &traces {
        if let Some(gap) = t.long_gap() {
            warnings.push(format!(
                "trace {}: {gap}; replay prices hours without a row as hours without traffic",
                t.path.display()
            ));
        }
        let outside = t.rows_outside(start_epoch_hour, horizon_hours);
        if outside > 0 {
            warnings.push(format!("trace {}: {outside} row(s) fall outside the {horizon_hours}-hour horizon starting {} and are ignored", t.path.display(), format_epoch_hour(start_epoch_hour)));
        }
    }
    warnings.extend(super::warnings::short_trace_warnings(
        &traces,
        start_epoch_hour,
        horizon_hours,
    ));

    let risk = resolve_risk(&loc, file.risk.as_ref(), &pools)?;
    let plan = super::plans::resolve(&loc, file.plan.as_ref(), &file.plans, &pools, risk.trials)?;
    let edp_discount = file.edp_discount.map_or(0.0, |d| d.0);
    for pool in &mut pools {
        pool.model.discount = edp_discount;
    }
    Ok(Scenario {
        name,
        description: file.description.clone().unwrap_or_default(),
        horizon_hours,
        trials,
        seed: file.seed.unwrap_or(42),
        edp_discount,
        start: format_epoch_hour(start_epoch_hour),
        start_epoch_hour,
        pools,
        source: label.to_string(),
        rate_card_date: card.date.clone(),
        warnings,
        risk,
        plan,
    })
}

/// A trial count of a command's section (`risk.trials`, `plan.trials`): 1 to `MAX_TRIALS`.
pub(super) fn trial_count(
    loc: &Locator,
    trials: &Spanned<u32>,
    field: &str,
) -> Result<u32, ScenarioError> {
    let n = *trials.get_ref();
    if n == 0 || n > MAX_TRIALS {
        return Err(loc.spanned(
            trials,
            field,
            format!("expected 1 to {MAX_TRIALS} trials, got {n}"),
        ));
    }
    Ok(n)
}

/// Longest wait before the rolling policy buys: ten years of months.
const MAX_ROLLING_WAIT_MONTHS: u32 = 120;

/// `[risk]` with its defaults; every pool must be sold on at least one of the listed terms.
fn resolve_risk(
    loc: &Locator,
    risk: Option<&RiskFile>,
    pools: &[Pool],
) -> Result<RiskSettings, ScenarioError> {
    let mut settings = RiskSettings::default();
    let Some(r) = risk else {
        return Ok(settings);
    };
    if let Some(terms) = &r.terms {
        let list = terms.get_ref();
        if list.is_empty() {
            return Err(loc.spanned(terms, "risk.terms", "expected at least one term"));
        }
        for pool in pools {
            if !pool.term_prices.iter().any(|t| list.contains(&t.term)) {
                let priced: Vec<&str> = pool.term_prices.iter().map(|t| t.term.as_str()).collect();
                return Err(loc.spanned(
                    terms,
                    "risk.terms",
                    format!(
                        "pool '{}' has a price for none of these terms; it has: {}",
                        pool.name,
                        priced.join(", ")
                    ),
                ));
            }
        }
        settings.terms = Some(list.clone());
    }
    if let Some(p) = r.switch_probability_per_month {
        settings.switch_probability_per_month = p.0;
    }
    if let Some(s) = r.share_after_switch {
        settings.share_after_switch = s.0;
    }
    if let Some(t) = &r.trials {
        settings.trials = trial_count(loc, t, "risk.trials")?;
    }
    if let Some(w) = &r.rolling_wait_months {
        if *w.get_ref() > MAX_ROLLING_WAIT_MONTHS {
            return Err(loc.spanned(
                w,
                "risk.rolling_wait_months",
                format!(
                    "expected 0 to {MAX_ROLLING_WAIT_MONTHS} months, got {}",
                    w.get_ref()
                ),
            ));
        }
        settings.rolling_wait_months = *w.get_ref();
    }
    Ok(settings)
}

fn resolve_pool(
    loc: &Locator,
    card: &RateCard,
    p: &PoolFile,
    i: usize,
) -> Result<Pool, ScenarioError> {
    let field = |f: &str| format!("pools[{i}].{f}");
    let key = p.model.get_ref().as_str();
    let rates = card.models.get(key).ok_or_else(|| {
        loc.spanned(
            &p.model,
            &field("model"),
            format!(
                "unknown model '{key}'; the rate card has: {}{}",
                card.keys(),
                model_suggestion(key, card)
            ),
        )
    })?;
    let product = p.product.unwrap_or(Product::ModelUnit);
    let term = p.term.unwrap_or(Term::OneMonth);
    let card_product = rates.product(product);
    let prices = p.prices.as_ref();
    let capacity = p.capacity.as_ref();
    let missing = |what: &str, how: &str| {
        loc.spanned(
            &p.model,
            &field("model"),
            format!(
                "the rate card has no {} {what} for '{key}'; set {how}",
                product.as_str()
            ),
        )
    };

    let per_minute = |over: Option<f64>, card_value: Option<f64>, name: &str| {
        over.or(card_value)
            .ok_or_else(|| missing("throughput", &format!("[pools.capacity] {name}")))
    };
    let input_per_minute = per_minute(
        capacity
            .and_then(|c| c.input_tokens_per_minute)
            .map(|v| v.0),
        card_product.map(|c| c.input_tokens_per_minute),
        "input_tokens_per_minute",
    )?;
    if let Some(c) = capacity
        && let (Some(_), Some(w)) = (c.output_tokens_per_minute, &c.output_weight)
    {
        return Err(loc.spanned(
            w,
            &field("capacity.output_weight"),
            "set output_tokens_per_minute or output_weight, not both",
        ));
    }
    let output_per_minute = per_minute(
        capacity
            .and_then(|c| c.output_tokens_per_minute.map(|v| v.0))
            .or_else(|| {
                capacity
                    .and_then(|c| c.output_weight.as_ref())
                    .map(|w| input_per_minute / w.get_ref().0)
            }),
        card_product.map(|c| c.output_tokens_per_minute),
        "output_tokens_per_minute",
    )?;
    let mode = capacity
        .and_then(|c| c.mode)
        .or(card_product.map(|c| c.mode))
        .ok_or_else(|| missing("capacity mode", "[pools.capacity] mode"))?;
    let steps = unit_steps(loc, card_product, capacity, i)?;

    let price_of = |t: Term| {
        unit_price(
            card_product,
            prices,
            p.term_prices.as_ref(),
            term,
            t,
            (input_per_minute, output_per_minute),
        )
    };
    let unit_per_hour = price_of(term).ok_or_else(|| {
        missing(
            &format!("{} price", term.as_str()),
            "[pools.prices] unit_per_hour or pick another term",
        )
    })?;
    let term_prices = Term::ALL
        .iter()
        .filter(|t| Term::offered_by(product).contains(t) || **t == term)
        .filter_map(|&t| {
            price_of(t).map(|usd_per_unit_hour| TermPrice {
                term: t,
                usd_per_unit_hour,
            })
        })
        .collect();

    let pick = |over: Option<f64>, card_value: f64| over.unwrap_or(card_value);
    let input = pick(
        prices.and_then(|o| o.input_per_mtok).map(|v| v.0),
        rates.input_per_mtok,
    );
    let output = pick(
        prices.and_then(|o| o.output_per_mtok).map(|v| v.0),
        rates.output_per_mtok,
    );
    let cache_read = pick(
        prices.and_then(|o| o.cache_read_per_mtok).map(|v| v.0),
        rates.cache_read_per_mtok,
    );
    let has_batch = prices.and_then(|o| o.batch).unwrap_or(rates.batch);
    let (batch_in, batch_out) = if has_batch {
        let card_batch = rates.batch_prices();
        (
            prices
                .and_then(|o| o.batch_input_per_mtok)
                .map(|v| v.0)
                .or(card_batch.map(|b| b.0))
                .unwrap_or(0.5 * input),
            prices
                .and_then(|o| o.batch_output_per_mtok)
                .map(|v| v.0)
                .or(card_batch.map(|b| b.1))
                .unwrap_or(0.5 * output),
        )
    } else {
        (input, output)
    };
    let multiplier = prices
        .and_then(|o| o.token_price_multiplier)
        .map_or(1.0, |m| m.0);
    let per_token = |per_mtok: f64| per_mtok * multiplier / 1e6;

    if let Some(m) = &p.max_units {
        let max = *m.get_ref();
        if max > MAX_UNITS {
            return Err(loc.spanned(
                m,
                &field("max_units"),
                format!("expected at most {MAX_UNITS} units, got {max}"),
            ));
        }
        if !steps.is_legal(max) {
            return Err(loc.spanned(
                m,
                &field("max_units"),
                format!(
                    "expected a unit count the {} is sold in ({}): {} or {}, got {max}",
                    product.as_str(),
                    steps.describe(),
                    steps.round_down(max),
                    steps.round_up(max)
                ),
            ));
        }
    }
    Ok(Pool {
        name: p
            .name
            .as_ref()
            .map_or(key.to_string(), |n| n.get_ref().trim().to_string()),
        model_key: key.to_string(),
        product,
        term,
        max_units: p.max_units.as_ref().map(|m| *m.get_ref()),
        steps,
        model: PoolModel {
            capacity: Capacity {
                input_tokens_per_hour: 60.0 * input_per_minute,
                output_tokens_per_hour: 60.0 * output_per_minute,
                mode,
            },
            prices: PoolPrices {
                input_usd_per_token: per_token(input),
                output_usd_per_token: per_token(output),
                cache_read_usd_per_token: per_token(cache_read),
                batch_input_usd_per_token: per_token(batch_in),
                batch_output_usd_per_token: per_token(batch_out),
                priority_multiplier: prices
                    .and_then(|o| o.priority_multiplier)
                    .map_or(rates.priority_multiplier, |m| m.0),
                unit_usd_per_hour: unit_per_hour,
            },
            workloads: Vec::new(),
            fill_idle: p.fill_idle.unwrap_or(true),
            intra_hour_cv: p.intra_hour_cv.map_or(0.0, |c| c.0),
            quota_tokens_per_hour: p.on_demand_quota_tokens_per_minute.map(|q| 60.0 * q.0),
            discount: 0.0,
        },
        workloads: Vec::new(),
        term_prices,
    })
}

/// "Did you mean" for a model key the card lacks: the key a Bedrock model id or ARN stands for
/// (`anthropic.claude-3-5-sonnet-20240620-v1:0`), else the closest key by spelling.
fn model_suggestion(key: &str, card: &RateCard) -> String {
    match crate::history::model_id::rate_card_key(key, card) {
        Ok(found) => format!("; did you mean `{found}`?"),
        Err(_) => crate::suggest::did_you_mean(key, card.models.keys().map(String::as_str)),
    }
}

/// USD per unit-hour of `term` for a pool on `pool_term`: the pool's `unit_per_hour` (or
/// `unit_per_month` / 730) prices its own term; `[pools.term_prices]` any term; the rate card
/// the rest. None when nothing prices it.
/// A unit of `size` (input, output tokens per minute) is priced at the card's per-1K-TPM rates
/// where the product has them (the Reserved tier), so a resized block is repriced.
fn unit_price(
    card: Option<&CapacityProduct>,
    prices: Option<&PriceOverrides>,
    term_prices: Option<&TermPrices>,
    pool_term: Term,
    term: Term,
    size: (f64, f64),
) -> Option<f64> {
    let own = prices.filter(|_| term == pool_term).and_then(|o| {
        o.unit_per_hour
            .map(|v| v.0)
            .or(o.unit_per_month.map(|v| v.0 / HOURS_PER_MONTH))
    });
    own.or_else(|| term_prices.and_then(|t| t.get(term)))
        .or_else(|| card.and_then(|c| c.hourly_price_at(term, size.0, size.1)))
}

/// The unit counts a pool can buy: the product's, with `[pools.capacity]` `min_units` and
/// `unit_increment` taking precedence; each at least 1.
fn unit_steps(
    loc: &Locator,
    card: Option<&CapacityProduct>,
    capacity: Option<&CapacityOverrides>,
    i: usize,
) -> Result<UnitSteps, ScenarioError> {
    let card_steps = card.map(CapacityProduct::steps).unwrap_or_default();
    let read = |value: Option<&Spanned<u32>>, name: &str, default: u32| match value {
        None => Ok(default),
        Some(v) if (1..=MAX_UNITS).contains(v.get_ref()) => Ok(*v.get_ref()),
        Some(v) => Err(loc.spanned(
            v,
            &format!("pools[{i}].capacity.{name}"),
            format!(
                "expected a count between 1 and {MAX_UNITS}, got {}",
                v.get_ref()
            ),
        )),
    };
    Ok(UnitSteps {
        min: read(
            capacity.and_then(|c| c.min_units.as_ref()),
            "min_units",
            card_steps.min,
        )?,
        increment: read(
            capacity.and_then(|c| c.unit_increment.as_ref()),
            "unit_increment",
            card_steps.increment,
        )?,
    })
}

fn resolve_parametric(
    loc: &Locator,
    table: &Spanned<ParametricFile>,
    i: usize,
) -> Result<Parametric, ScenarioError> {
    let p = table.get_ref();
    let field = |f: &str| format!("workloads[{i}].parametric.{f}");
    let whole = |name: &str, message: &str| loc.spanned(table, &field(name), message);
    let by_hour = (p.input_tokens_per_hour, p.output_tokens_per_hour);
    let by_request = (p.input_tokens_per_request, p.output_tokens_per_request);
    let (input, output) = match (p.requests_per_hour, by_hour, by_request) {
        (None, (Some(i), Some(o)), (None, None)) => (i.0, o.0),
        (Some(r), (None, None), (Some(ti), Some(to))) => {
            let (input, output) = (r.0 * ti.0, r.0 * to.0);
            if input.max(output) > MAX_TOKENS_PER_HOUR {
                return Err(whole(
                    "requests_per_hour",
                    &format!(
                        "requests_per_hour × tokens per request is {} tokens per hour; expected \
                         at most {}",
                        show(input.max(output)),
                        show(MAX_TOKENS_PER_HOUR)
                    ),
                ));
            }
            (input, output)
        }
        (Some(_), (Some(_), _) | (_, Some(_)), _) | (None, (Some(_), Some(_)), _) => {
            return Err(whole(
                "requests_per_hour",
                "give either input_tokens_per_hour and output_tokens_per_hour, or \
                 requests_per_hour with tokens per request, not both",
            ));
        }
        (None, (Some(_), None), _) => {
            return Err(whole(
                "output_tokens_per_hour",
                "missing: input_tokens_per_hour needs output_tokens_per_hour",
            ));
        }
        (None, (None, Some(_)), _) => {
            return Err(whole(
                "input_tokens_per_hour",
                "missing: output_tokens_per_hour needs input_tokens_per_hour",
            ));
        }
        (Some(_), (None, None), (None, _)) => {
            return Err(whole(
                "input_tokens_per_request",
                "missing: requests_per_hour needs input_tokens_per_request and \
                 output_tokens_per_request",
            ));
        }
        (Some(_), (None, None), (_, None)) => {
            return Err(whole(
                "output_tokens_per_request",
                "missing: requests_per_hour needs input_tokens_per_request and \
                 output_tokens_per_request",
            ));
        }
        (None, (None, None), _) => {
            return Err(whole(
                "input_tokens_per_hour",
                "missing: expected input_tokens_per_hour and output_tokens_per_hour, or \
                 requests_per_hour with input_tokens_per_request and output_tokens_per_request",
            ));
        }
    };

    let base = match &p.profile {
        Some(name) => preset(name.get_ref()).ok_or_else(|| {
            loc.spanned(
                name,
                &field("profile"),
                format!(
                    "unknown profile '{}'; expected one of: {}{}",
                    name.get_ref(),
                    preset_names().join(", "),
                    crate::suggest::did_you_mean(name.get_ref(), preset_names())
                ),
            )
        })?,
        None => preset("flat").expect("flat preset exists"),
    };
    let weights = |w: &Spanned<Vec<f64>>, name: &str| match w
        .get_ref()
        .iter()
        .find(|v| **v > MAX_WEIGHT || v.is_subnormal())
    {
        Some(v) => Err(loc.spanned(
            w,
            &field(name),
            format!(
                "expected weights of at most {} (they are scaled to mean 1), got {}{}",
                show(MAX_WEIGHT),
                show(*v),
                subnormal_note(*v)
            ),
        )),
        None => Ok(()),
    };
    let hour_of_day = match &p.hour_of_day {
        Some(w) => {
            weights(w, "hour_of_day")?;
            normalise::<24>(w.get_ref()).map_err(|m| loc.spanned(w, &field("hour_of_day"), m))?
        }
        None => normalise::<24>(&base.hour_of_day).expect("presets are valid"),
    };
    let hour_of_day_weekend = match &p.hour_of_day_weekend {
        Some(w) => {
            weights(w, "hour_of_day_weekend")?;
            Some(
                normalise::<24>(w.get_ref())
                    .map_err(|m| loc.spanned(w, &field("hour_of_day_weekend"), m))?,
            )
        }
        None => None,
    };
    let output_cycle = match &p.output_ratio_hour_of_day {
        Some(w) => {
            weights(w, "output_ratio_hour_of_day")?;
            Some(
                normalise::<24>(w.get_ref())
                    .map_err(|m| loc.spanned(w, &field("output_ratio_hour_of_day"), m))?,
            )
        }
        None => None,
    };
    let day_of_week = match &p.day_of_week {
        Some(w) => {
            weights(w, "day_of_week")?;
            normalise::<7>(w.get_ref()).map_err(|m| loc.spanned(w, &field("day_of_week"), m))?
        }
        None => normalise::<7>(&base.day_of_week).expect("presets are valid"),
    };
    let noise_cv = p.noise_cv.map_or(0.0, |c| c.0);
    let noise = p.noise.unwrap_or(Noise::Lognormal);
    let bursts = match p.bursts_per_day {
        Some(rate) if rate.0 > 0.0 => {
            let hours = p.burst_hours.as_ref().map_or(1, |h| *h.get_ref());
            if hours == 0 || hours > MAX_BURST_HOURS {
                let h = p.burst_hours.as_ref().expect("set when out of range");
                return Err(loc.spanned(
                    h,
                    &field("burst_hours"),
                    format!("expected 1 to {MAX_BURST_HOURS} hours, got {hours}"),
                ));
            }
            Some(Bursts {
                per_day: rate.0,
                multiplier: p.burst_multiplier.map_or(2.0, |m| m.0),
                hours,
            })
        }
        _ => None,
    };
    let parametric = Parametric::new(
        input,
        output,
        hour_of_day,
        day_of_week,
        noise,
        noise_cv,
        p.ar1.map_or(0.0, |a| a.0),
        (
            p.growth_per_month_mean.map_or(0.0, |g| g.0),
            p.growth_per_month_sd.map_or(0.0, |g| g.0),
        ),
        p.level_sigma.map_or(0.0, |s| s.0),
        bursts,
    )
    .with_output_mix(
        p.output_ratio_cv.map_or(0.0, |c| c.0),
        p.output_ratio_ar1.map_or(0.0, |a| a.0),
    )
    .with_weekend_shape(hour_of_day_weekend)
    .with_output_cycle(output_cycle);
    match (&p.noise_quantiles, noise) {
        (Some(q), Noise::Empirical) => {
            if p.noise_cv.is_some() {
                return Err(loc.spanned(
                    q,
                    &field("noise_cv"),
                    "noise_cv is for lognormal and gamma noise; empirical noise takes its spread \
                     from noise_quantiles (remove noise_cv)",
                ));
            }
            let tail = p.noise_tail_index.as_ref();
            let table = EmpiricalNoise::new(q.get_ref(), tail.map(|t| *t.get_ref())).map_err(
                |m| match tail.filter(|_| m.contains("tail index")) {
                    Some(t) => loc.spanned(t, &field("noise_tail_index"), m),
                    None => loc.spanned(q, &field("noise_quantiles"), m),
                },
            )?;
            Ok(parametric.with_empirical_noise(table))
        }
        (None, Noise::Empirical) => Err(whole(
            "noise",
            "noise = \"empirical\" needs noise_quantiles = [the multiplier's quantiles, at least \
             10, in increasing order]",
        )),
        (Some(q), _) => Err(loc.spanned(
            q,
            &field("noise_quantiles"),
            "noise_quantiles is for noise = \"empirical\"",
        )),
        (None, _) if p.noise_tail_index.is_some() => Err(whole(
            "noise_tail_index",
            "noise_tail_index is for noise = \"empirical\"",
        )),
        (None, _) => Ok(parametric),
    }
}
