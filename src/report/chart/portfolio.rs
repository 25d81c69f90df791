//! `portfolio.png`: the bill of every pool and of all pools together, all on-demand against the
//! recommendation — P50 bars with P10–P90 whiskers — titled with what the whole portfolio saves.
//! Drawn when a run has several pools and units pay in one.

use plotters::prelude::*;

use super::annotate::{Note, Place, note};
use super::axis::{UsdAxis, nice_ticks};
use super::frame::{Axis, Panel, ticks_that_fit};
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::rows::{row_of, row_panel, row_y};
use super::style::{self, Backend, RECOMMENDED, REFERENCE, Sizes};
use super::{ChartOptions, Drawing};
use crate::analysis::RunReport;
use crate::report::format::{Period, usd3};
use crate::report::headline::{Headline, Verdict};
use crate::report::portfolio::{Spread, bought, portfolio, sentence};
use crate::report::words::{count, pool_title};

/// Whether a run gets a portfolio chart.
pub fn shown(headlines: &[Headline]) -> bool {
    headlines.len() > 1 && headlines.iter().any(|h| h.verdict == Verdict::Buy)
}

/// One row: a pool or the total, today and as recommended.
struct Row {
    name: String,
    today: Spread,
    recommended: Spread,
    bought: String,
}

/// The portfolio chart of a run.
pub struct PortfolioChart {
    title: String,
    footnote: String,
    per: String,
    axis: String,
    rows: Vec<Row>,
    sizes: Sizes,
}

impl PortfolioChart {
    pub fn new(report: &RunReport, headlines: &[Headline], options: &ChartOptions) -> Self {
        let scenario = &report.scenario;
        let period = Period::new(scenario.horizon_hours);
        let spread = |r: &crate::stats::curve::CurveRow| Spread {
            mean: r.mean,
            p10: r.p10,
            p50: r.p50,
            p90: r.p90,
        };
        let mut rows: Vec<Row> = report
            .pools
            .iter()
            .zip(bought(report))
            .zip(headlines)
            .map(|((p, k), h)| Row {
                name: pool_title(&scenario.pools[p.pool_index]),
                today: spread(&p.curve[0]),
                recommended: spread(p.row_at(k)),
                bought: if k == 0 {
                    "stay on demand".to_string()
                } else {
                    count(k, h.product)
                },
            })
            .collect();
        let total = portfolio(report);
        rows.push(Row {
            name: "All models".to_string(),
            today: total.today,
            recommended: total.recommended,
            bought: format!("saves {} at P50", usd3(total.savings.p50)),
        });
        PortfolioChart {
            title: sentence(&total, report.pools.len(), period),
            footnote: style::footnote(scenario),
            per: period.per(),
            axis: period.axis(),
            rows,
            sizes: Sizes::new(options.width, options.height),
        }
    }
}

/// A P50 bar with P10–P90 whiskers on row `y`, offset by `dy`.
fn bar<DB: Backend>(
    chart: &mut Panel<DB>,
    sizes: &Sizes,
    (y, dy): (f64, f64),
    spread: &Spread,
    color: RGBColor,
) -> anyhow::Result<()> {
    let (y0, y1) = (y + dy - 0.17, y + dy + 0.17);
    chart.draw_series([Rectangle::new(
        [(0.0, y0), (spread.p50, y1)],
        color.mix(0.8).filled(),
    )])?;
    let stroke = style::INK.stroke_width(sizes.px(2.0) as u32);
    let mid = y + dy;
    chart.draw_series([
        PathElement::new(vec![(spread.p10, mid), (spread.p90, mid)], stroke),
        PathElement::new(
            vec![(spread.p10, mid - 0.08), (spread.p10, mid + 0.08)],
            stroke,
        ),
        PathElement::new(
            vec![(spread.p90, mid - 0.08), (spread.p90, mid + 0.08)],
            stroke,
        ),
    ])?;
    Ok(())
}

impl Drawing for PortfolioChart {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
        let sizes = &self.sizes;
        let body = header(
            root,
            sizes,
            &self.title,
            &format!(
                "Every pool's bill {}, all on-demand against the recommended units; the total \
                 adds the pools trial by trial",
                self.per
            ),
        )?;
        let body = footer(&body, sizes, &self.footnote)?;
        let entries = [
            Entry::new(Swatch::Band(REFERENCE.mix(0.8)), "All on-demand, P50"),
            Entry::new(Swatch::Band(RECOMMENDED.mix(0.8)), "As recommended, P50"),
            Entry::new(Swatch::Line(style::INK), "P10–P90 of trials"),
        ];
        let plot = legend(&body, sizes, &entries)?;
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().map(|r| r.name.clone()).collect();
        let name_of = |v: f64| names[row_of(v, n).min(n - 1)].clone();
        let high = self
            .rows
            .iter()
            .map(|r| r.today.p90.max(r.recommended.p90))
            .fold(0.0, f64::max);
        let (ticks, step) = nice_ticks(
            0.0,
            high,
            ticks_that_fit(sizes, plot.dim_in_pixel().0 * 2 / 3, 5.0).min(6),
        );
        let right = high * 1.45;
        let usd = UsdAxis::new(right, step);
        let x_label = |v: f64| usd.label(v);
        let mut chart = row_panel(
            &plot,
            sizes,
            Axis::new(
                0.0..right,
                ticks,
                &x_label,
                format!("Bill {} (USD)", self.axis),
            )
            .or_short("Bill (USD)"),
            n,
            &name_of,
        )?;
        for (i, row) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            bar(&mut chart, sizes, (y, 0.19), &row.today, REFERENCE)?;
            bar(&mut chart, sizes, (y, -0.19), &row.recommended, RECOMMENDED)?;
            let text = format!(
                "{} → {} · {}",
                usd3(row.today.p50),
                usd3(row.recommended.p50),
                row.bought
            );
            let x = row.today.p90.max(row.recommended.p90);
            let style = if i + 1 == n {
                sizes.label_bold()
            } else {
                sizes.label()
            };
            note(
                &mut chart,
                sizes,
                (x, y),
                &Note::value(text, style, Place::Right),
            )?;
        }
        Ok(())
    }
}
