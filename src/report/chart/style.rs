//! The shared look of the charts: the embedded DejaVu Sans, sizes that scale with the canvas,
//! the palette (one colour per sizing rule, the same in every chart), the subtitle and the
//! footnote every chart carries. Fonts come from `assets/fonts/`, never from the system: no fontconfig needed.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

pub use crate::report::format::grouped;
use crate::report::words::{capacity_words, pool_title};
use crate::scenario::{Pool, Scenario};
use crate::stats::sizing::Rule;

/// The embedded faces (DejaVu Sans, licence in assets/fonts/LICENSE-DejaVu.txt).
pub const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The font family every chart asks for. SVG files name it too, so a viewer that lacks DejaVu
/// falls back to its own sans-serif rather than a serif.
pub const FAMILY: &str = "sans-serif";

/// A plotters backend whose errors can travel in `anyhow`.
pub trait Backend: DrawingBackend<ErrorType: 'static> {}
impl<T: DrawingBackend<ErrorType: 'static>> Backend for T {}

/// Registers the embedded fonts with plotters (once per process).
pub fn register_fonts() -> anyhow::Result<()> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR)
            .map_err(|_| "the embedded DejaVuSans.ttf is not a valid font".to_string())?;
        register_font(FAMILY, FontStyle::Bold, BOLD)
            .map_err(|_| "the embedded DejaVuSans-Bold.ttf is not a valid font".to_string())
    })
    .clone()
    .map_err(anyhow::Error::msg)
}

/// The Okabe–Ito palette, safe for colour-blind readers.
pub mod okabe_ito {
    use plotters::style::RGBColor;

    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
}

/// Text body colour.
pub const INK: RGBColor = RGBColor(33, 37, 41);
/// Subtitles, axis lines and secondary text.
pub const MUTED: RGBColor = RGBColor(95, 99, 104);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(226, 228, 231);
/// Simulated data: P50 lines and the bands around them.
pub const DATA: RGBColor = RGBColor(38, 70, 120);
/// Reference lines (all on-demand, zero savings, break-even).
pub const REFERENCE: RGBColor = RGBColor(70, 70, 70);
/// The recommended count: its marker, line and callout (Okabe–Ito bluish green, as min_mean).
pub const RECOMMENDED: RGBColor = okabe_ito::GREEN;
/// The break-even utilization u*.
pub const BREAK_EVEN: RGBColor = RGBColor(150, 40, 40);
/// Losses and what goes against the recommendation (Okabe–Ito vermillion).
pub const LOSS: RGBColor = okabe_ito::VERMILLION;

/// Each rule's colour (Okabe–Ito, safe for colour-blind readers).
pub fn rule_color(rule: Rule) -> RGBColor {
    match rule {
        Rule::P50Floor => okabe_ito::BLUE,
        Rule::PeakFraction => okabe_ito::VERMILLION,
        Rule::UtilizationTarget => okabe_ito::PURPLE,
        Rule::MinMean => okabe_ito::GREEN,
        Rule::MinP90 => okabe_ito::ORANGE,
        Rule::MinCvar95 => okabe_ito::SKY,
    }
}

/// Pixel sizes for a canvas, scaled from the 1600×900 design.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    scale: f64,
}

impl Sizes {
    /// Sizes for a `width` × `height` canvas.
    pub fn new(width: u32, height: u32) -> Self {
        let scale = (f64::from(width) / 1600.0).min(f64::from(height) / 900.0);
        Sizes { scale }
    }

    /// `base` pixels at 1600×900, scaled, at least 1.
    pub fn px(&self, base: f64) -> i32 {
        (base * self.scale).round().max(1.0) as i32
    }

    /// A font of `base` pixels at 1600×900, scaled, never below 10 px.
    fn font(&self, base: f64, style: FontStyle) -> TextStyle<'static> {
        (FAMILY, (base * self.scale).max(10.0), style)
            .into_font()
            .color(&INK)
    }

    pub fn title(&self) -> TextStyle<'static> {
        self.font(38.0, FontStyle::Bold)
    }

    pub fn subtitle(&self) -> TextStyle<'static> {
        self.font(23.0, FontStyle::Normal).color(&MUTED)
    }

    /// Axis descriptions ("Units bought").
    pub fn axis(&self) -> TextStyle<'static> {
        self.font(23.0, FontStyle::Normal)
    }

    /// Tick labels.
    pub fn tick(&self) -> TextStyle<'static> {
        self.font(20.0, FontStyle::Normal)
    }

    pub fn legend(&self) -> TextStyle<'static> {
        self.font(21.0, FontStyle::Normal)
    }

    /// Labels on the data (values beside bars, callouts).
    pub fn label(&self) -> TextStyle<'static> {
        self.font(20.0, FontStyle::Normal)
    }

    /// A label in `color`.
    pub fn label_in(&self, color: RGBColor) -> TextStyle<'static> {
        let mut style = self.label();
        style.color = color.to_backend_color();
        style
    }

    /// The bold first line of a callout.
    pub fn label_bold(&self) -> TextStyle<'static> {
        self.font(21.0, FontStyle::Bold)
    }

    /// The bold first line of a callout in `color`.
    pub fn label_bold_in(&self, color: RGBColor) -> TextStyle<'static> {
        let mut style = self.label_bold();
        style.color = color.to_backend_color();
        style
    }

    /// The footnote: scenario, trials, seed.
    pub fn footnote(&self) -> TextStyle<'static> {
        self.font(16.0, FontStyle::Normal).color(&MUTED)
    }

    /// Outer margin of the canvas.
    pub fn margin(&self) -> i32 {
        self.px(28.0)
    }

    /// Width of data lines.
    pub fn line(&self) -> u32 {
        self.px(3.0) as u32
    }
}

/// The subtitle of a pool's charts: "Claude Sonnet 4.5 · model units, 1-month term".
pub fn subtitle(pool: &Pool) -> String {
    format!("{} · {}", pool_title(pool), capacity_words(pool))
}

/// The footnote every chart of a run carries: scenario, trials, horizon, start and seed.
pub fn footnote(scenario: &Scenario) -> String {
    let start = scenario.start.get(..10).unwrap_or(&scenario.start);
    format!(
        "Scenario {} · {} simulated trials of {} hours from {start} · seed {} · rate card {} · \
         ptsim {}",
        scenario.name,
        grouped(u64::from(scenario.trials)),
        grouped(scenario.horizon_hours as u64),
        scenario.seed,
        scenario.rate_card_date,
        env!("CARGO_PKG_VERSION")
    )
}
