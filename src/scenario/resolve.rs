//! From the file as written to a validated `Scenario`: rate-card lookups, overrides, defaults,
//! and the cross-field rules, every error pointing at a line and a field.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::file::{ParametricFile, PoolFile, ScenarioFile};
use super::{Pool, Scenario, ScenarioError, Workload};
use crate::cost::{Capacity, PoolModel, PoolPrices, WorkloadCost};
use crate::ratecard::{Product, RateCard};
use crate::traffic::profiles::{normalise, preset, preset_names};
use crate::traffic::time::{DEFAULT_START_EPOCH_HOUR, format_epoch_hour, parse_epoch_hour};
use crate::traffic::{Bursts, HourlyTrace, Noise, Parametric, TrafficSource};

/// Hours in a month for monthly unit prices (SPEC §3: hourly = monthly / 730).
const HOURS_PER_MONTH: f64 = 730.0;
/// Longest horizon accepted: ten years.
pub const MAX_HORIZON_HOURS: u32 = 87_600;
/// Most trials accepted in one run.
pub const MAX_TRIALS: u32 = 10_000_000;
/// Largest unit sweep accepted.
pub const MAX_UNITS: u32 = 100_000;

/// Turns spans into `file:line:column: field: message` errors.
struct Locator<'a> {
    text: &'a str,
    label: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: Range<usize>, field: &str, message: impl Into<String>) -> ScenarioError {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count() + 1;
        let text = self.text[line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let field = if field.is_empty() {
            key_of_line(&text)
        } else {
            field.to_string()
        };
        ScenarioError::At {
            path: self.label.to_string(),
            line,
            column,
            field,
            message: message.into(),
            text,
        }
    }

    fn spanned<T>(
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
}

/// The key a line assigns (`batch_share = 2` → `batch_share`) or the table it opens.
fn key_of_line(line: &str) -> String {
    let line = line.trim();
    if line.starts_with('[') {
        return line
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string();
    }
    line.split('=').next().unwrap_or("").trim().to_string()
}

pub fn resolve(
    text: &str,
    label: &str,
    base: &Path,
    card: &RateCard,
) -> Result<Scenario, ScenarioError> {
    let loc = Locator { text, label };
    let file: ScenarioFile = toml::from_str(text).map_err(|e| match e.span() {
        Some(span) => loc.at(span, "", e.message().trim_end()),
        None => loc.file(e.message().trim_end()),
    })?;

    let name = file.name.get_ref().trim().to_string();
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

    if file.pools.is_empty() {
        return Err(loc.file("expected at least one [[pools]] table"));
    }
    if file.workloads.is_empty() {
        return Err(loc.file("expected at least one [[workloads]] table"));
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
                    "no pool buys '{}'; pools are for: {}",
                    w.model.get_ref(),
                    have.join(", ")
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
        let source = match (&w.parametric, &w.trace) {
            (Some(p), None) => TrafficSource::Parametric(Box::new(resolve_parametric(&loc, p, i)?)),
            (None, Some(t)) => {
                let path = base.join(t.file.get_ref());
                let trace = HourlyTrace::read(&path).map_err(|source| ScenarioError::Trace {
                    path: label.to_string(),
                    source,
                })?;
                let trace = Arc::new(trace);
                traces.push(trace.clone());
                TrafficSource::Trace(trace)
            }
            _ => {
                return Err(loc.spanned(&w.name, &field("name"), format!("workload '{name}' needs exactly one traffic source: [workloads.parametric] or [workloads.trace]")));
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
        Some(s) => parse_epoch_hour(s.get_ref()).map_err(|m| loc.spanned(s, "start", m))?,
        None => traces
            .iter()
            .map(|t| t.first_epoch_hour())
            .min()
            .unwrap_or(DEFAULT_START_EPOCH_HOUR),
    };
    for t in &traces {
        let outside = t.rows_outside(start_epoch_hour, horizon_hours);
        if outside > 0 {
            warnings.push(format!("trace {}: {outside} row(s) fall outside the {horizon_hours}-hour horizon starting {} and are ignored", t.path.display(), format_epoch_hour(start_epoch_hour)));
        }
    }

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
    })
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
            format!("unknown model '{key}'; the rate card has: {}", card.keys()),
        )
    })?;
    let product = p.product.unwrap_or(Product::ModelUnit);
    let term = p.term.unwrap_or(crate::ratecard::Term::OneMonth);
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
    let output_per_minute = per_minute(
        capacity
            .and_then(|c| c.output_tokens_per_minute)
            .map(|v| v.0),
        card_product.map(|c| c.output_tokens_per_minute),
        "output_tokens_per_minute",
    )?;
    let mode = capacity
        .and_then(|c| c.mode)
        .or(card_product.map(|c| c.mode))
        .ok_or_else(|| missing("capacity mode", "[pools.capacity] mode"))?;

    let unit_per_hour = prices
        .and_then(|o| {
            o.unit_per_hour
                .map(|v| v.0)
                .or(o.unit_per_month.map(|v| v.0 / HOURS_PER_MONTH))
        })
        .or_else(|| card_product.and_then(|c| c.hourly_price(term)))
        .ok_or_else(|| {
            missing(
                &format!("{} price", term.as_str()),
                "[pools.prices] unit_per_hour or pick another term",
            )
        })?;

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

    if let Some(m) = &p.max_units
        && *m.get_ref() > MAX_UNITS
    {
        return Err(loc.spanned(
            m,
            &field("max_units"),
            format!("expected at most {MAX_UNITS} units, got {}", m.get_ref()),
        ));
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
    })
}

fn resolve_parametric(
    loc: &Locator,
    table: &Spanned<ParametricFile>,
    i: usize,
) -> Result<Parametric, ScenarioError> {
    let p = table.get_ref();
    let field = |f: &str| format!("workloads[{i}].parametric.{f}");
    let whole = |message: String| loc.spanned(table, &field("input_tokens_per_hour"), message);
    let (input, output) = match (p.input_tokens_per_hour, p.output_tokens_per_hour, p.requests_per_hour) {
        (Some(i), Some(o), None) => (i.0, o.0),
        (None, None, Some(r)) => match (p.input_tokens_per_request, p.output_tokens_per_request) {
            (Some(ti), Some(to)) => (r.0 * ti.0, r.0 * to.0),
            _ => return Err(whole("requests_per_hour needs input_tokens_per_request and output_tokens_per_request".into())),
        },
        _ => return Err(whole("expected either input_tokens_per_hour and output_tokens_per_hour, or requests_per_hour with tokens per request".into())),
    };

    let base = match &p.profile {
        Some(name) => preset(name.get_ref()).ok_or_else(|| {
            loc.spanned(
                name,
                &field("profile"),
                format!(
                    "unknown profile '{}'; expected one of: {}",
                    name.get_ref(),
                    preset_names()
                ),
            )
        })?,
        None => preset("flat").expect("flat preset exists"),
    };
    let hour_of_day = match &p.hour_of_day {
        Some(w) => {
            normalise::<24>(w.get_ref()).map_err(|m| loc.spanned(w, &field("hour_of_day"), m))?
        }
        None => normalise::<24>(&base.hour_of_day).expect("presets are valid"),
    };
    let day_of_week = match &p.day_of_week {
        Some(w) => {
            normalise::<7>(w.get_ref()).map_err(|m| loc.spanned(w, &field("day_of_week"), m))?
        }
        None => normalise::<7>(&base.day_of_week).expect("presets are valid"),
    };
    let noise_cv = p.noise_cv.map_or(0.0, |c| c.0);
    let noise = p.noise.unwrap_or(Noise::Lognormal);
    let bursts = match p.bursts_per_day {
        Some(rate) if rate.0 > 0.0 => {
            let hours = p.burst_hours.as_ref().map_or(1, |h| *h.get_ref());
            if hours == 0 {
                let h = p.burst_hours.as_ref().expect("set when 0");
                return Err(loc.spanned(h, &field("burst_hours"), "expected at least 1 hour"));
            }
            Some(Bursts {
                per_day: rate.0,
                multiplier: p.burst_multiplier.map_or(2.0, |m| m.0),
                hours,
            })
        }
        _ => None,
    };
    Ok(Parametric::new(
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
    ))
}
