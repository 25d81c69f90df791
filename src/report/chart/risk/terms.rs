//! `terms_<pool>`: the distribution of total cost over the window for every term and policy —
//! a box from P25 to P75, whiskers from P5 to P95, a line at P50 and a dot at the mean — and
//! `regret_<pool>`: each option's mean and P95 regret against the cheapest option in hindsight.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::super::frame::{Axis, Options, panel};
use super::super::layout::{Area, Entry, Swatch, header, legend};
use super::super::style::{self, Backend, DATA, REFERENCE, Sizes, term_words};
use super::super::{ChartOptions, Drawing};
use super::distribution::{DistributionRow, distribution_panel, usd_axis};
use super::{pool_chart_pairs, row_of, row_y, rows, value_label};
use crate::ratecard::Term;
use crate::report::format::{percent, usd_compact};
use crate::risk::regret::{FIXED, HINDSIGHT, ON_DEMAND, ROLLING, TermsSample};
use crate::risk::{PoolTerms, TermsReport};

/// Colour of each policy.
fn policy_color(policy: &str) -> RGBColor {
    match policy {
        ON_DEMAND => REFERENCE,
        FIXED => DATA,
        ROLLING => RGBColor(213, 94, 0),
        _ => RGBColor(0, 158, 115),
    }
}

/// "6-month: fixed 5 units", as a reader says it.
fn label(sample: &TermsSample) -> String {
    let r = &sample.row;
    let term = Term::ALL
        .iter()
        .find(|t| t.as_str() == r.term)
        .map_or("Any term", |t| term_words(*t));
    match r.policy {
        ON_DEMAND => "All on-demand".to_string(),
        FIXED if r.units == 1.0 => format!("{term}: fixed 1 unit"),
        FIXED => format!("{term}: fixed {} units", r.units),
        ROLLING => format!("{term}: monthly re-size (avg {:.1})", r.units),
        _ if r.term == "any" => "Best option in hindsight".to_string(),
        _ => format!("{term}: best k in hindsight (avg {:.1})", r.units),
    }
}

/// The subtitle of both charts.
fn subtitle(report: &TermsReport, pool: &PoolTerms) -> String {
    let risk = &report.scenario.risk;
    format!(
        "{} · {} · {} trials of {} hours (the longest term) · model switch {}/month, {} of trials · \
         seed {}",
        report.scenario.name,
        pool.name,
        style::grouped(u64::from(report.trials)),
        style::grouped(pool.plan.window_hours as u64),
        percent(risk.switch_probability_per_month),
        percent(pool.switch_share),
        report.scenario.seed
    )
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

impl Drawing for TermsChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let samples = &self.pool.samples;
        let body = header(
            root,
            sizes,
            &format!("What each term and policy costs: {}", self.pool.name),
            &subtitle(self.report, self.pool),
        )?;
        let entries = [
            Entry::new(Swatch::Band(DATA.mix(0.35)), "P25–P75 of trials"),
            Entry::new(Swatch::Line(DATA), "P5–P95 whiskers, bar at P50"),
            Entry::new(Swatch::Marker(style::INK), "mean"),
            Entry::new(Swatch::Marker(policy_color(FIXED)), "fixed k (min mean)"),
            Entry::new(Swatch::Marker(policy_color(ROLLING)), "rolling P50 re-size"),
            Entry::new(Swatch::Marker(policy_color(HINDSIGHT)), "hindsight"),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let rows: Vec<DistributionRow> = samples
            .iter()
            .map(|s| DistributionRow {
                label: label(s),
                color: policy_color(s.row.policy),
                costs_sorted: &s.costs_sorted,
                mean: s.row.mean,
                note: format!("P50 {}", usd_compact(s.row.p50)),
                caption: String::new(),
            })
            .collect();
        let title = format!(
            "Total cost over {} hours (USD, after discount)",
            style::grouped(self.pool.plan.window_hours as u64)
        );
        distribution_panel(&plot, sizes, &rows, (title, "Cost (USD)"))
    }
}

impl Drawing for RegretChart<'_> {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let samples = &self.pool.samples;
        let body = header(
            root,
            sizes,
            &format!(
                "Regret: cost above the best option in hindsight, {}",
                self.pool.name
            ),
            &subtitle(self.report, self.pool),
        )?;
        let entries = [
            Entry::new(
                Swatch::Band(DATA.mix(0.8)),
                "mean regret (bar colour = policy)",
            ),
            Entry::new(Swatch::Marker(style::INK), "P95 regret"),
            Entry::new(
                Swatch::Band(policy_color(ROLLING).mix(0.8)),
                "rolling P50 re-size",
            ),
            Entry::new(Swatch::Band(policy_color(HINDSIGHT).mix(0.8)), "hindsight"),
            Entry::new(Swatch::Band(REFERENCE.mix(0.8)), "all on-demand"),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let n = samples.len();
        let names: Vec<String> = samples.iter().map(label).collect();
        let name_of = |v: f64| names[row_of(v, n).min(n - 1)].clone();
        let high = samples
            .iter()
            .map(|s| s.row.regret_p95.max(s.row.regret_mean))
            .fold(0.0, f64::max)
            * 1.25;
        let (_, hi, ticks, usd) = usd_axis(sizes, plot.dim_in_pixel().0, 0.0, high.max(1.0));
        let x_label = |v: f64| usd.label(v);
        let title = format!(
            "Regret over {} hours (USD): cost − the trial's cheapest option",
            style::grouped(self.pool.plan.window_hours as u64)
        );
        let mut chart = panel(
            &plot,
            sizes,
            Axis::new(0.0..hi, ticks, &x_label, title).or_short("Regret (USD)"),
            rows(n, &name_of),
            Options {
                no_y_grid: true,
                ..Options::default()
            },
        )?;
        for (i, s) in samples.iter().enumerate() {
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
                usd_compact(s.row.regret_mean),
                usd_compact(s.row.regret_p95)
            );
            value_label(
                &mut chart,
                (s.row.regret_p95.max(s.row.regret_mean), y),
                text,
                sizes,
                HPos::Left,
            )?;
        }
        Ok(())
    }
}
