//! `terms_<pool>`: the distribution of the bill over the window for every term and policy — a box
//! from P25 to P75, whiskers from P5 to P95, a line at P50 and a dot at the mean — the policies
//! one can buy first, the hindsight reference apart below them, each row labelled with its P50,
//! chance of beating on-demand and stranded dollars; and `regret_<pool>`: each policy's mean and
//! P95 regret against the cheapest option in hindsight.

use plotters::prelude::*;

use super::super::annotate::{Note, Place, note};
use super::super::axis::{UsdAxis, nice_ticks, padded};
use super::super::frame::{Axis, Panel, ticks_that_fit};
use super::super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::super::rows::{row_of, row_panel, row_y};
use super::super::style::{self, Backend, DATA, MUTED, REFERENCE, Sizes, okabe_ito};
use super::super::{ChartOptions, Drawing};
use super::{pool_chart_pairs, with_label_room};
use crate::ratecard::Term;
use crate::report::format::{Period, grouped, percent, share, usd3};
use crate::report::words::{capitalized, count, pool_title, term_words};
use crate::risk::regret::{FIXED, HINDSIGHT, ON_DEMAND, ROLLING, TermsSample};
use crate::risk::{PoolTerms, TermsReport};
use crate::stats::quantile::percentile_sorted;

/// Colour of each policy.
fn policy_color(policy: &str) -> RGBColor {
    match policy {
        ON_DEMAND => REFERENCE,
        FIXED => DATA,
        ROLLING => okabe_ito::VERMILLION,
        _ => okabe_ito::GREEN,
    }
}

/// "6-month term, 5 units", as a reader says it.
fn label(sample: &TermsSample, product: crate::ratecard::Product) -> String {
    let r = &sample.row;
    let term = Term::ALL
        .iter()
        .find(|t| t.as_str() == r.term)
        .map_or("Any term", |t| term_words(*t));
    match r.policy {
        ON_DEMAND => "All on-demand".to_string(),
        FIXED if r.units == 0 => capitalized(&format!("{term} term, no units")),
        FIXED => capitalized(&format!("{term} term, {}", count(r.units, product))),
        ROLLING => capitalized(&format!(
            "{term}, re-sized monthly (mean {:.1})",
            r.units_mean
        )),
        _ if r.term == "any" => "Best of any term".to_string(),
        _ => capitalized(&format!("{term}, best count (median {})", r.units)),
    }
}

/// Whether a row is a policy one can buy (not the hindsight reference).
fn buyable(sample: &TermsSample) -> bool {
    sample.row.policy != HINDSIGHT
}

/// The rows of a chart: the buyable policies, then (when `reference`) a heading row and the
/// hindsight rows.
fn ordered(pool: &PoolTerms, reference: bool) -> Vec<Option<&TermsSample>> {
    let mut rows: Vec<Option<&TermsSample>> = pool
        .samples
        .iter()
        .filter(|s| buyable(s))
        .map(Some)
        .collect();
    if reference {
        rows.push(None);
        rows.extend(pool.samples.iter().filter(|s| !buyable(s)).map(Some));
    }
    rows
}

/// The heading row between what one can buy and the hindsight reference.
const REFERENCE_HEADING: &str = "In hindsight (not buyable):";

/// The footnote of both charts.
fn footnote(report: &TermsReport) -> String {
    let s = &report.scenario;
    format!(
        "Scenario {} · {} simulated trials · seed {} · rate card {} · ptsim {}",
        s.name,
        grouped(u64::from(report.trials)),
        s.seed,
        s.rate_card_date,
        env!("CARGO_PKG_VERSION")
    )
}

/// The subtitle of both charts.
fn subtitle(report: &TermsReport, pool: &PoolTerms) -> String {
    let risk = &report.scenario.risk;
    let window = Period::new(pool.plan.window_hours);
    format!(
        "{} · every option priced on the same {} of simulated traffic, shorter terms renewed · \
         the traffic moves to another model with a {} chance each month ({} of trials moved)",
        pool_title(&report.scenario.pools[pool.pool_index]),
        window.noun(),
        percent(risk.switch_probability_per_month),
        share(pool.switch_share),
    )
}

/// "Cheapest commitment: 1-year term, 6 units: mean $1.69M a year, 44% below all on-demand,
/// which it beats in 80% of trials".
fn terms_title(pool: &PoolTerms, product: crate::ratecard::Product) -> String {
    let per = Period::new(pool.plan.window_hours).per();
    let on_demand = pool.samples.iter().find(|s| s.row.policy == ON_DEMAND);
    let best = pool
        .samples
        .iter()
        .filter(|s| buyable(s))
        .min_by(|a, b| a.row.mean.total_cmp(&b.row.mean));
    match (best, on_demand) {
        (Some(b), Some(od)) if b.row.policy != ON_DEMAND && od.row.mean > 0.0 => format!(
            "Cheapest to buy: {}: mean {} {per}, {} below all on-demand, which it beats in {} of \
             trials",
            label(b, product),
            usd3(b.row.mean),
            share(1.0 - b.row.mean / od.row.mean),
            share(b.row.prob_beats_on_demand)
        ),
        (_, Some(od)) => format!(
            "No commitment beats on-demand on average: stay on demand at {} {per}",
            usd3(od.row.mean)
        ),
        _ => "What each term and policy costs".to_string(),
    }
}

/// The label beside a row: P50, chance of beating on-demand, stranded dollars.
fn row_note(sample: &TermsSample) -> String {
    let r = &sample.row;
    let mut text = format!("P50 {}", usd3(r.p50));
    if r.policy != ON_DEMAND {
        text.push_str(&format!(
            " · beats on-demand {}",
            share(r.prob_beats_on_demand)
        ));
    }
    if r.stranded_usd_mean > 0.0 {
        text.push_str(&format!(" · stranded {}", usd3(r.stranded_usd_mean)));
    }
    text
}

/// A dotted line between the buyable rows and the hindsight reference, at row `y`.
fn separator<DB: Backend>(
    chart: &mut Panel<DB>,
    sizes: &Sizes,
    y: f64,
    x: (f64, f64),
) -> anyhow::Result<()> {
    chart.draw_series(DashedLineSeries::new(
        [(x.0, y), (x.1, y)],
        sizes.px(4.0) as u32,
        sizes.px(6.0) as u32,
        MUTED.stroke_width(1),
    ))?;
    Ok(())
}

/// The cost-distribution chart of one pool.
pub struct TermsChart<'a> {
    pub report: &'a TermsReport,
    pub pool: &'a PoolTerms,
    pub sizes: Sizes,
}

/// The regret chart of one pool.
pub struct RegretChart<'a> {
    pub report: &'a TermsReport,
    pub pool: &'a PoolTerms,
    pub sizes: Sizes,
}

/// Both charts of every pool as (file name, bytes).
pub fn terms_charts(
    report: &TermsReport,
    options: &ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    pool_chart_pairs(
        &report.pools,
        |p| p.name.as_str(),
        ("terms", "regret"),
        |pool, sizes| {
            (
                TermsChart {
                    report,
                    pool,
                    sizes,
                },
                RegretChart {
                    report,
                    pool,
                    sizes,
                },
            )
        },
        options,
    )
}

/// A dollar x axis with `low..high` in its left part and room for labels on the right: range,
/// ticks (over the data only) and labels.
fn usd_axis(sizes: &Sizes, width: u32, low: f64, high: f64) -> (f64, f64, Vec<f64>, UsdAxis) {
    let (lo, hi) = padded(low, high, 0.04);
    let (ticks, step) = nice_ticks(lo, hi, ticks_that_fit(sizes, width / 2, 5.0).min(6));
    let (lo, right) = with_label_room(lo, hi);
    (lo, right, ticks, UsdAxis::new(hi.abs().max(lo.abs()), step))
}

impl Drawing for TermsChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let product = self.report.scenario.pools[self.pool.pool_index].product;
        let body = header(
            root,
            sizes,
            &terms_title(self.pool, product),
            &subtitle(self.report, self.pool),
        )?;
        let body = footer(&body, sizes, &footnote(self.report))?;
        let entries = [
            Entry::new(Swatch::Band(DATA.mix(0.35)), "P25–P75 of trials"),
            Entry::new(Swatch::Line(DATA), "P5–P95, bar at P50"),
            Entry::new(Swatch::Marker(style::INK), "mean"),
            Entry::new(Swatch::Marker(policy_color(FIXED)), "a fixed count"),
            Entry::new(Swatch::Marker(policy_color(ROLLING)), "re-sized monthly"),
            Entry::new(
                Swatch::Marker(policy_color(HINDSIGHT)),
                "hindsight reference",
            ),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let ordered = ordered(self.pool, true);
        let n = ordered.len();
        let names: Vec<String> = ordered
            .iter()
            .map(|s| s.map_or(REFERENCE_HEADING.to_string(), |s| label(s, product)))
            .collect();
        let name_of = |v: f64| names[row_of(v, n).min(n - 1)].clone();
        let samples = ordered.iter().flatten();
        let low = samples
            .clone()
            .map(|s| s.row.p5)
            .fold(f64::INFINITY, f64::min);
        let high = samples.map(|s| s.row.p95).fold(0.0, f64::max);
        let (lo, hi, ticks, usd) = usd_axis(sizes, plot.dim_in_pixel().0, low.min(high), high);
        let x_label = |v: f64| usd.label(v);
        let per = Period::new(self.pool.plan.window_hours);
        let title = format!("Bill {} (USD, after discount)", per.axis());
        let mut chart = row_panel(
            &plot,
            sizes,
            Axis::new(lo..hi, ticks, &x_label, title).or_short("Bill (USD)"),
            n,
            &name_of,
        )?;
        let half = 0.3;
        for (i, sample) in ordered.iter().enumerate() {
            let y = row_y(i, n);
            let Some(s) = sample else {
                separator(&mut chart, sizes, y + 0.5, (lo, hi))?;
                continue;
            };
            let color = policy_color(s.row.policy);
            let q = |p| percentile_sorted(&s.costs_sorted, p);
            let stroke = color.stroke_width(sizes.px(3.0) as u32);
            chart.draw_series([
                PathElement::new(vec![(s.row.p5, y), (s.row.p95, y)], stroke),
                PathElement::new(vec![(s.row.p5, y - 0.15), (s.row.p5, y + 0.15)], stroke),
                PathElement::new(vec![(s.row.p95, y - 0.15), (s.row.p95, y + 0.15)], stroke),
            ])?;
            let (q25, q75) = (q(0.25), q(0.75));
            chart.draw_series([
                Rectangle::new([(q25, y - half), (q75, y + half)], color.mix(0.35).filled()),
                Rectangle::new([(q25, y - half), (q75, y + half)], stroke),
            ])?;
            chart.draw_series([PathElement::new(
                vec![(s.row.p50, y - half), (s.row.p50, y + half)],
                style::INK.stroke_width(sizes.px(4.0) as u32),
            )])?;
            let dot = sizes.px(6.0);
            chart.draw_series([
                Circle::new((s.row.mean, y), dot, style::INK.filled()),
                Circle::new((s.row.mean, y), dot, WHITE.stroke_width(2)),
            ])?;
            note(
                &mut chart,
                sizes,
                (s.row.p95, y),
                &Note::value(row_note(s), sizes.label(), Place::Right),
            )?;
        }
        Ok(())
    }
}

impl Drawing for RegretChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let product = self.report.scenario.pools[self.pool.pool_index].product;
        let ordered = ordered(self.pool, false);
        let per = Period::new(self.pool.plan.window_hours);
        let least = ordered
            .iter()
            .flatten()
            .min_by(|a, b| a.row.regret_mean.total_cmp(&b.row.regret_mean));
        let title = match least {
            Some(s) => format!(
                "Least regret: {}, on average {} {} above the cheapest choice in hindsight ({} at \
                 P95)",
                label(s, product),
                usd3(s.row.regret_mean),
                per.per(),
                usd3(s.row.regret_p95)
            ),
            None => "Regret: cost above the best option in hindsight".to_string(),
        };
        let body = header(
            root,
            sizes,
            &title,
            &format!(
                "{} · regret = a policy's bill − the cheapest option of the same trial in \
                 hindsight (any term, any count)",
                pool_title(&self.report.scenario.pools[self.pool.pool_index])
            ),
        )?;
        let body = footer(&body, sizes, &footnote(self.report))?;
        let entries = [
            Entry::new(Swatch::Band(DATA.mix(0.8)), "mean regret, a fixed count"),
            Entry::new(
                Swatch::Band(policy_color(ROLLING).mix(0.8)),
                "re-sized monthly",
            ),
            Entry::new(Swatch::Band(REFERENCE.mix(0.8)), "all on-demand"),
            Entry::new(Swatch::Marker(style::INK), "P95 regret"),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let n = ordered.len();
        let names: Vec<String> = ordered
            .iter()
            .flatten()
            .map(|s| label(s, product))
            .collect();
        let name_of = |v: f64| names[row_of(v, n).min(n - 1)].clone();
        let high = ordered
            .iter()
            .flatten()
            .map(|s| s.row.regret_p95.max(s.row.regret_mean))
            .fold(0.0, f64::max);
        let (_, hi, ticks, usd) = usd_axis(sizes, plot.dim_in_pixel().0, 0.0, high.max(1.0));
        let x_label = |v: f64| usd.label(v);
        let title = format!("Regret {} (USD)", per.axis());
        let mut chart = row_panel(
            &plot,
            sizes,
            Axis::new(0.0..hi, ticks, &x_label, title).or_short("Regret (USD)"),
            n,
            &name_of,
        )?;
        for (i, s) in ordered.iter().flatten().enumerate() {
            let y = row_y(i, n);
            let color = policy_color(s.row.policy);
            chart.draw_series([Rectangle::new(
                [(0.0, y - 0.3), (s.row.regret_mean, y + 0.3)],
                color.mix(0.8).filled(),
            )])?;
            let dot = sizes.px(8.0);
            chart.draw_series([
                Circle::new((s.row.regret_p95, y), dot, style::INK.filled()),
                Circle::new((s.row.regret_p95, y), dot, WHITE.stroke_width(2)),
            ])?;
            let text = format!(
                "mean {} · P95 {}",
                usd3(s.row.regret_mean),
                usd3(s.row.regret_p95)
            );
            note(
                &mut chart,
                sizes,
                (s.row.regret_p95.max(s.row.regret_mean), y),
                &Note::value(text, sizes.label(), Place::Right),
            )?;
        }
        Ok(())
    }
}
