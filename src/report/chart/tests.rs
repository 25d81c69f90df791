//! Structural checks of every chart: it decodes, has the requested size, is not blank, and has
//! text (title pixels) in its top band. Never byte hashes: a font or plotters update may move a
//! pixel without anything being wrong.

use std::sync::OnceLock;

use super::{ChartKind, ChartOptions, render_charts};
use crate::analysis::{RunReport, analyse, plan};
use crate::cli::ChartFormat;
use crate::ratecard::RateCard;
use crate::report::headline::headline;
use crate::scenario::Scenario;

/// The default scenario cut to 50 trials of two weeks, run once for all tests.
fn report() -> &'static RunReport {
    static REPORT: OnceLock<RunReport> = OnceLock::new();
    REPORT.get_or_init(|| {
        let mut scenario = Scenario::builtin_default(&RateCard::shipped()).expect("default");
        scenario.trials = 50;
        scenario.horizon_hours = 336;
        analyse(&scenario, &plan(&scenario, &|| {}), &|| {})
    })
}

fn options(format: ChartFormat, width: u32, height: u32) -> ChartOptions {
    ChartOptions {
        format,
        width,
        height,
    }
}

/// A decoded PNG: (width, height, RGB bytes).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut rgb = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut rgb).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    rgb.truncate(info.buffer_size());
    (info.width, info.height, rgb)
}

/// Share of pixels in rows `rows` that are not white, and whether any is dark (text).
fn ink(rgb: &[u8], width: u32, rows: std::ops::Range<u32>) -> (f64, bool) {
    let row_bytes = width as usize * 3;
    let pixels = &rgb[rows.start as usize * row_bytes..rows.end as usize * row_bytes];
    let (mut coloured, mut dark) = (0usize, false);
    for p in pixels.chunks_exact(3) {
        if p != [255, 255, 255] {
            coloured += 1;
        }
        dark |= p.iter().all(|&c| c < 90);
    }
    (coloured as f64 / (pixels.len() / 3) as f64, dark)
}

fn check_png(name: &str, bytes: &[u8], width: u32, height: u32) {
    let (w, h, rgb) = decode(bytes);
    assert_eq!((w, h), (width, height), "{name}: size");
    let (whole, _) = ink(&rgb, w, 0..h);
    assert!(
        whole > 0.02,
        "{name}: nearly blank ({whole:.4} of pixels drawn)"
    );
    // The title sits in the top 8% of the canvas.
    let (title, dark) = ink(&rgb, w, 0..h * 8 / 100);
    assert!(
        dark && title > 0.005,
        "{name}: no title text in the top band"
    );
}

/// The file names a run's charts should have: every chart of a pool whose units pay, only the fan
/// of one where nothing pays, then the portfolio.
fn expected_names(extension: &str) -> Vec<String> {
    let report = report();
    let mut expected = Vec::new();
    for pool in &report.pools {
        let verdict = headline(&report.scenario, pool).verdict;
        for kind in ChartKind::for_verdict(verdict) {
            expected.push(format!("{}_{}.{extension}", kind.stem(), pool.name));
        }
    }
    expected.push(format!("portfolio.{extension}"));
    expected
}

#[test]
fn a_pool_that_pays_gets_eight_charts_one_that_does_not_gets_the_fan() {
    let files = render_charts(report(), &options(ChartFormat::Png, 800, 450)).expect("charts");
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, expected_names("png"));
    // The default's Sonnet pool pays, its Haiku pool does not.
    assert_eq!(names.len(), 8 + 1 + 1, "{names:?}");
    for (name, bytes) in &files {
        check_png(name, bytes, 800, 450);
    }
}

#[test]
fn default_size_pngs_decode_with_title_and_content() {
    let files = render_charts(report(), &options(ChartFormat::Png, 1600, 900)).expect("charts");
    assert_eq!(files.len(), expected_names("png").len());
    for (name, bytes) in &files {
        check_png(name, bytes, 1600, 900);
    }
}

#[test]
fn the_smallest_allowed_canvas_still_renders() {
    let files = render_charts(report(), &options(ChartFormat::Png, 320, 240)).expect("charts");
    for (name, bytes) in &files {
        let (w, h, _) = decode(bytes);
        assert_eq!((w, h), (320, 240), "{name}");
    }
}

#[test]
fn svg_charts_draw_their_text_as_outlines_and_need_no_font() {
    let files = render_charts(report(), &options(ChartFormat::Svg, 1600, 900)).expect("charts");
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, expected_names("svg"));
    for (name, bytes) in &files {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        assert!(
            text.starts_with("<svg") && text.trim_end().ends_with("</svg>"),
            "{name}"
        );
        // No text node for a viewer to set in a system font: every string is a filled path.
        assert!(
            !text.contains("<text") && !text.contains("font-family") && !text.contains("@font"),
            "{name} depends on a font"
        );
        assert!(
            text.matches("<path d=\"M").count() > 10,
            "{name}: no outlined text"
        );
    }
}

/// The fan chart's title is the recommendation sentence, and it names the recommended count and
/// its P50 saving as the curve holds them.
#[test]
fn the_fan_title_names_the_recommended_count_and_its_saving() {
    let report = report();
    let pool = &report.pools[0];
    let units = pool
        .choices
        .iter()
        .find(|c| c.rule == crate::stats::sizing::Rule::MinMean)
        .expect("min_mean")
        .units;
    let saving = crate::report::format::usd3(pool.row_at(units).savings_p50);
    let sizes = crate::report::chart::style::Sizes::new(1600, 900);
    let loads = super::load::sample(&report.scenario, pool);
    let ctx = super::Context {
        scenario: &report.scenario,
        pool: &report.scenario.pools[pool.pool_index],
        report: pool,
        load: &loads,
        headline: headline(&report.scenario, pool),
        sizes,
    };
    let title = super::fan::title(&ctx);
    assert_eq!(title, headline(&report.scenario, pool).sentence());
    assert!(
        title.starts_with(&format!("Buy {units} units: saves {saving} over 2 weeks")),
        "{title}"
    );
}

#[test]
fn no_charts_are_written_for_format_none() {
    let files = render_charts(report(), &options(ChartFormat::None, 1600, 900)).expect("none");
    assert!(files.is_empty());
}

/// The commitment-risk charts (issue 5) pass the same structural checks, at the default size
/// and the smallest canvas.
#[test]
fn terms_regret_and_tornado_charts_decode_with_title_and_content() {
    use crate::risk::analyse_terms;
    use crate::risk::sensitivity::SensitivityRow;
    let mut scenario = report().scenario.clone();
    scenario.risk.switch_probability_per_month = 0.3;
    scenario.risk.terms = Some(vec![
        crate::ratecard::Term::OneMonth,
        crate::ratecard::Term::ThreeMonth,
    ]);
    scenario.pools.truncate(1);
    let terms = analyse_terms(&scenario, 8, &[]);
    let rows: Vec<SensitivityRow> = [("a", 10.0, -5.0), ("b", 2.0, 3.0)]
        .iter()
        .map(|&(input, low, high)| SensitivityRow {
            input: if input == "a" {
                "unit_throughput_factor"
            } else {
                "noise_cv_factor"
            },
            low: 0.5,
            high: 1.5,
            metric_at_low: low,
            metric_at_high: high,
            swing: (high - low).abs(),
            pool: scenario.pools[0].name.clone(),
            metric_base: 1.0,
            units_at_low: 1,
            units_at_high: 2,
            units_base: 1,
        })
        .collect();
    for (w, h) in [(1600, 900), (320, 240)] {
        let opts = options(ChartFormat::Png, w, h);
        let mut files = super::risk::terms_charts(&terms, &opts).expect("terms charts");
        files.extend(super::risk::tornado_charts(&scenario, 8, &rows, &opts).expect("tornado"));
        assert_eq!(files.len(), 3, "terms, regret and one tornado");
        for (name, bytes) in &files {
            if w == 1600 {
                check_png(name, bytes, w, h);
            } else {
                assert_eq!(decode(bytes).0, w, "{name}");
            }
        }
    }
}

/// The commitment-plan charts (issue 15) pass the same structural checks, at the default size
/// and the smallest canvas.
#[test]
fn plan_charts_decode_with_title_and_content() {
    use crate::plan::{Layer, ListedPlan, Plan, PlanSettings, Resize, analyse_plans};
    use crate::ratecard::Term;
    let mut scenario = report().scenario.clone();
    scenario.risk.switch_probability_per_month = 0.2;
    scenario.pools.truncate(1);
    let settings = PlanSettings {
        months: 3,
        trials: 6,
        plans: vec![ListedPlan {
            pool: scenario.pools[0].name.clone(),
            plan: Plan {
                name: "rolling".to_string(),
                layers: vec![Layer {
                    units: 1,
                    term: Term::OneMonth,
                    start_month: 0,
                    resize: Some(Resize::P50),
                }],
            },
        }],
        ..PlanSettings::default()
    };
    let report = analyse_plans(&scenario, &settings, crate::plan::Watch::NONE).expect("plans");
    for (w, h) in [(1600, 900), (320, 240)] {
        let files =
            super::risk::plan_charts(&report, &options(ChartFormat::Png, w, h)).expect("charts");
        assert_eq!(files.len(), 2);
        for (name, bytes) in &files {
            if w == 1600 {
                check_png(name, bytes, w, h);
            } else {
                assert_eq!(decode(bytes).0, w, "{name}");
            }
        }
    }
}
