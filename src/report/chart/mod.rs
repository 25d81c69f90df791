//! Deck-ready charts of a run (issues 3 and 14; docs/model.md §7), each titled with its takeaway:
//! for every pool whose units pay, eight charts — the break-even fan, savings and risk, the bill's
//! distribution at the recommended count, the bill's make-up by count, utilization against u*, a
//! week of traffic against the rules' counts, the load-duration curve and the rules side by side —
//! and for a pool where nothing pays only the fan, which says so; plus a portfolio chart across
//! pools. PNG or SVG bytes, one function per chart. The font is embedded (`style`) and SVG text
//! is outlines (`svg`), so nothing here depends on the machine's fonts. The backtest's
//! calibration chart (`calibration`) shares the frame.

mod annotate;
mod axis;
mod breakdown;
pub mod calibration;
mod distribution;
mod duration;
mod fan;
mod frame;
mod glyphs;
mod layout;
mod load;
mod portfolio;
pub mod qq;
pub mod risk;
mod rows;
mod rules;
mod savings;
pub mod style;
mod svg;
mod traffic;
mod units;
mod utilization;

#[cfg(test)]
mod tests;

use plotters::prelude::*;
use rayon::prelude::*;

use crate::analysis::{PoolReport, RunReport};
use crate::cli::ChartFormat;
use crate::ratecard::Product;
use crate::report::headline::{Headline, Verdict, headline};
use crate::report::words::{count, rule_name};
use crate::scenario::{Pool, Scenario};
use crate::stats::sizing::{Choice, Rule};
use layout::Area;
use load::LoadSample;
use style::{Backend, Sizes};

/// What charts to draw and how big.
#[derive(Clone, Copy, Debug)]
pub struct ChartOptions {
    pub format: ChartFormat,
    pub width: u32,
    pub height: u32,
}

/// The charts of a pool, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Fan,
    Savings,
    Distribution,
    Breakdown,
    Utilization,
    Traffic,
    Duration,
    Rules,
}

impl ChartKind {
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Fan,
        ChartKind::Savings,
        ChartKind::Distribution,
        ChartKind::Breakdown,
        ChartKind::Utilization,
        ChartKind::Traffic,
        ChartKind::Duration,
        ChartKind::Rules,
    ];

    /// The charts of a pool with this recommendation: all of them, or only the fan when no unit
    /// count pays (one chart that says so).
    pub fn for_verdict(verdict: Verdict) -> &'static [ChartKind] {
        match verdict {
            Verdict::StayOnDemand => &[ChartKind::Fan],
            _ => &ChartKind::ALL,
        }
    }

    /// The start of the file name: `<stem>_<pool>.png`.
    pub fn stem(self) -> &'static str {
        match self {
            ChartKind::Fan => "fan",
            ChartKind::Savings => "savings",
            ChartKind::Distribution => "distribution",
            ChartKind::Breakdown => "breakdown",
            ChartKind::Utilization => "utilization",
            ChartKind::Traffic => "traffic",
            ChartKind::Duration => "duration",
            ChartKind::Rules => "rules",
        }
    }

    fn draw<DB: Backend>(self, root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
        match self {
            ChartKind::Fan => fan::draw(root, ctx),
            ChartKind::Savings => savings::draw(root, ctx),
            ChartKind::Distribution => distribution::draw(root, ctx),
            ChartKind::Breakdown => breakdown::draw(root, ctx),
            ChartKind::Utilization => utilization::draw(root, ctx),
            ChartKind::Traffic => traffic::draw(root, ctx),
            ChartKind::Duration => duration::draw(root, ctx),
            ChartKind::Rules => rules::draw(root, ctx),
        }
    }
}

/// Everything a chart of one pool reads.
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    pub pool: &'a Pool,
    pub report: &'a PoolReport,
    pub load: &'a LoadSample,
    pub headline: Headline,
    pub sizes: Sizes,
}

/// Sizing rules that chose the same k, drawn as one marker or one line.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleGroup {
    pub units: u32,
    /// Some rule wanted more units than the sweep has.
    pub capped: bool,
    pub rules: Vec<Rule>,
}

impl RuleGroup {
    /// "Lowest expected cost, lowest bad-case cost (P90) and …": the rules in plain words.
    pub fn names(&self) -> String {
        let names: Vec<String> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let name = rule_name(*r);
                if i == 0 {
                    name
                } else {
                    let mut chars = name.chars();
                    chars
                        .next()
                        .map_or(String::new(), |f| f.to_lowercase().chain(chars).collect())
                }
            })
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    /// "5 units", "1 unit", "0 units (all on-demand)", "40 units (sweep end)".
    pub fn units_label(&self, product: Product) -> String {
        if self.units == 0 {
            return "no units".to_string();
        }
        let capped = if self.capped { " (sweep end)" } else { "" };
        format!("{}{capped}", count(self.units, product))
    }
}

/// The choices of `rules` grouped by k, in the order of `rules`.
pub fn rule_groups(choices: &[Choice], rules: &[Rule]) -> Vec<RuleGroup> {
    let mut groups: Vec<RuleGroup> = Vec::new();
    for rule in rules {
        let Some(choice) = choices.iter().find(|c| c.rule == *rule) else {
            continue;
        };
        match groups.iter_mut().find(|g| g.units == choice.units) {
            Some(group) => {
                group.rules.push(*rule);
                group.capped |= choice.capped;
            }
            None => groups.push(RuleGroup {
                units: choice.units,
                capped: choice.capped,
                rules: vec![*rule],
            }),
        }
    }
    groups
}

/// Most bytes of bitmaps held at once while charts are drawn in parallel.
const PARALLEL_BITMAP_BYTES: usize = 512 << 20;

/// Every chart of `report` as (file name, bytes): `fan_<pool>.png` and so on, pool by pool, then
/// `portfolio.png` when there are several pools and units pay in one. Runs in the current rayon
/// pool; the order does not depend on the thread count.
pub fn render_charts(
    report: &RunReport,
    options: &ChartOptions,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let Some(extension) = extension(options.format) else {
        return Ok(Vec::new());
    };
    style::register_fonts()?;
    let headlines: Vec<Headline> = report
        .pools
        .iter()
        .map(|p| headline(&report.scenario, p))
        .collect();
    let loads: Vec<LoadSample> = report
        .pools
        .iter()
        .map(|p| load::sample(&report.scenario, p))
        .collect();
    let jobs: Vec<(usize, ChartKind)> = (0..report.pools.len())
        .flat_map(|i| {
            ChartKind::for_verdict(headlines[i].verdict)
                .iter()
                .map(move |&kind| (i, kind))
        })
        .collect();
    let draw = |&(i, kind): &(usize, ChartKind)| {
        let pool = &report.pools[i];
        let ctx = Context {
            scenario: &report.scenario,
            pool: &report.scenario.pools[pool.pool_index],
            report: pool,
            load: &loads[i],
            headline: headlines[i].clone(),
            sizes: Sizes::new(options.width, options.height),
        };
        let name = format!("{}_{}.{extension}", kind.stem(), pool.name);
        let bytes =
            render(kind, &ctx, options).map_err(|e| e.context(format!("drawing {name}")))?;
        Ok((name, bytes))
    };
    // One bitmap per thread at a time; huge canvases (up to 8000 × 8000, 192 MB each) are
    // drawn one after another instead.
    let bitmap_bytes = options.width as usize * options.height as usize * 3;
    let mut files: Vec<(String, Vec<u8>)> =
        if bitmap_bytes.saturating_mul(rayon::current_num_threads()) <= PARALLEL_BITMAP_BYTES {
            jobs.par_iter().map(draw).collect::<anyhow::Result<_>>()?
        } else {
            jobs.iter().map(draw).collect::<anyhow::Result<_>>()?
        };
    if portfolio::shown(&headlines) {
        let chart = portfolio::PortfolioChart::new(report, &headlines, options);
        files.push((
            format!("portfolio.{extension}"),
            render_drawing(&chart, options).map_err(|e| e.context("drawing the portfolio"))?,
        ));
    }
    Ok(files)
}

/// One chart as the bytes of a PNG or SVG file.
pub fn render(kind: ChartKind, ctx: &Context, options: &ChartOptions) -> anyhow::Result<Vec<u8>> {
    struct Run<'a, 'b>(ChartKind, &'a Context<'b>);
    impl Drawing for Run<'_, '_> {
        fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()> {
            self.0.draw(root, self.1)
        }
    }
    render_drawing(&Run(kind, ctx), options)
}

/// A chart that can draw itself on any plotters backend (the charts of other commands use
/// `render_drawing` with the same frame, fonts and encoders as `run`'s).
pub trait Drawing {
    fn draw<DB: Backend>(&self, root: &Area<DB>) -> anyhow::Result<()>;
}

/// A drawing as the bytes of a PNG or SVG file.
pub fn render_drawing(drawing: &impl Drawing, options: &ChartOptions) -> anyhow::Result<Vec<u8>> {
    style::register_fonts()?;
    let (width, height) = (options.width, options.height);
    match options.format {
        ChartFormat::Png => {
            let mut rgb = vec![0u8; width as usize * height as usize * 3];
            {
                let bitmap = BitMapBackend::with_buffer(&mut rgb, (width, height));
                let root = glyphs::Typeset::new(bitmap).into_drawing_area();
                drawing.draw(&root)?;
                root.present()?;
            }
            encode_png(&rgb, width, height)
        }
        ChartFormat::Svg => {
            let mut svg = String::new();
            {
                let root =
                    svg::OutlinedSvg::with_string(&mut svg, (width, height)).into_drawing_area();
                drawing.draw(&root)?;
                root.present()?;
            }
            Ok(svg.into_bytes())
        }
        ChartFormat::None => anyhow::bail!("no chart format to render"),
    }
}

/// The file extension of a chart format, None for no charts.
pub fn extension(format: ChartFormat) -> Option<&'static str> {
    match format {
        ChartFormat::None => None,
        ChartFormat::Png => Some("png"),
        ChartFormat::Svg => Some("svg"),
    }
}

/// An 8-bit RGB buffer as PNG bytes.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(bytes)
}
