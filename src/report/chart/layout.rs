//! The frame every chart shares: a title and subtitle on top, then a legend drawn in its own band
//! above the plot (so it can never cover data), both wrapped to the canvas width, and a footnote
//! at the bottom.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Backend, Sizes};

/// A drawing area in pixels.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug)]
pub enum Swatch {
    /// A filled band (the colour already carries its transparency).
    Band(RGBAColor),
    Line(RGBColor),
    Dashed(RGBColor),
    /// A filled circle, as the rule markers.
    Marker(RGBColor),
}

/// One legend entry.
#[derive(Clone, Debug)]
pub struct Entry {
    pub swatch: Swatch,
    pub label: String,
}

impl Entry {
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Self {
        Entry {
            swatch,
            label: label.into(),
        }
    }
}

/// Draws `text` with its capitals starting at `(x, y)`.
pub fn text<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
) -> anyhow::Result<()> {
    let style = style.pos(Pos::new(HPos::Left, VPos::Top));
    area.draw(&Text::new(text.to_string(), (x, y), style))?;
    Ok(())
}

/// Width in pixels of `text` in `style`.
fn width<DB: Backend>(area: &Area<DB>, text: &str, style: &TextStyle) -> anyhow::Result<i32> {
    match super::glyphs::text_width(style, text) {
        Some(w) => Ok(w.ceil() as i32),
        None => Ok(area.estimate_text_size(text, style)?.0 as i32),
    }
}

/// `text` broken at spaces into lines no wider than `max` pixels.
pub fn wrap<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    style: &TextStyle,
    max: i32,
) -> anyhow::Result<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width(area, &candidate, style)? > max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    Ok(lines)
}

/// Fills the canvas white, draws the title and subtitle, and returns the area below them.
pub fn header<DB: Backend>(
    root: &Area<DB>,
    sizes: &Sizes,
    title: &str,
    subtitle: &str,
) -> anyhow::Result<Area<DB>> {
    root.fill(&WHITE)?;
    let margin = sizes.margin();
    let max = root.dim_in_pixel().0 as i32 - 2 * margin;
    let mut y = margin;
    for (style, content, gap) in [
        (sizes.title(), title, 1.25),
        (sizes.subtitle(), subtitle, 1.3),
    ] {
        let size = style.font.get_size();
        for line in wrap(root, content, &style, max)? {
            text(root, &line, (margin, y), &style)?;
            y += (size * gap).round() as i32;
        }
    }
    Ok(root.split_vertically(y + sizes.px(6.0)).1)
}

/// Draws `note` in small muted type along the bottom of `area` and returns the area above it.
pub fn footer<DB: Backend>(area: &Area<DB>, sizes: &Sizes, note: &str) -> anyhow::Result<Area<DB>> {
    let style = sizes.footnote();
    let size = style.font.get_size();
    let margin = sizes.margin();
    let (width, height) = area.dim_in_pixel();
    let lines = wrap(area, note, &style, width as i32 - 2 * margin)?;
    let line_height = (size * 1.3).round() as i32;
    let top = height as i32 - sizes.px(12.0) - line_height * lines.len() as i32;
    for (i, line) in lines.iter().enumerate() {
        text(area, line, (margin, top + i as i32 * line_height), &style)?;
    }
    Ok(area.split_vertically(top - sizes.px(4.0)).0)
}

/// Draws `entries` in rows left to right, wrapping at the canvas width, and returns the area
/// below them.
pub fn legend<DB: Backend>(
    area: &Area<DB>,
    sizes: &Sizes,
    entries: &[Entry],
) -> anyhow::Result<Area<DB>> {
    let style = sizes.legend();
    let size = style.font.get_size();
    let margin = sizes.margin();
    // Swatches and gaps follow the legend font, which stops shrinking at 10 px.
    let em = |f: f64| (f * size).round() as i32;
    let (swatch, gap, spacing) = (em(1.9), em(0.5), em(1.6));
    let row_height = (size * 1.55).round() as i32;
    let right = area.dim_in_pixel().0 as i32 - margin;
    let (mut x, mut y) = (margin, sizes.px(4.0));
    for entry in entries {
        let w = swatch + gap + width(area, &entry.label, &style)?;
        if x > margin && x + w > right {
            x = margin;
            y += row_height;
        }
        // A label wider than the whole row wraps under itself.
        let lines = if x + w > right {
            wrap(area, &entry.label, &style, right - x - swatch - gap)?
        } else {
            vec![entry.label.clone()]
        };
        let mid = y + row_height / 2;
        draw_swatch(area, sizes, entry.swatch, (x, mid), (swatch, em(0.43)))?;
        let mut widest = 0;
        for (i, line) in lines.iter().enumerate() {
            let top = mid - (size * 0.42).round() as i32 + i as i32 * row_height;
            text(area, line, (x + swatch + gap, top), &style)?;
            widest = widest.max(width(area, line, &style)?);
        }
        y += row_height * (lines.len() as i32 - 1);
        x += swatch + gap + widest + spacing;
    }
    Ok(area.split_vertically(y + row_height + sizes.px(8.0)).1)
}

fn draw_swatch<DB: Backend>(
    area: &Area<DB>,
    sizes: &Sizes,
    swatch: Swatch,
    (x, mid): (i32, i32),
    (width, half): (i32, i32),
) -> anyhow::Result<()> {
    let line = sizes.line();
    match swatch {
        Swatch::Band(color) => {
            area.draw(&Rectangle::new(
                [(x, mid - half), (x + width, mid + half)],
                color.filled(),
            ))?;
        }
        Swatch::Line(color) => {
            area.draw(&PathElement::new(
                vec![(x, mid), (x + width, mid)],
                color.stroke_width(line),
            ))?;
        }
        Swatch::Dashed(color) => {
            let dash = width / 5;
            for i in [0, 2, 4] {
                area.draw(&PathElement::new(
                    vec![(x + i * dash, mid), (x + (i + 1) * dash, mid)],
                    color.stroke_width(line),
                ))?;
            }
        }
        Swatch::Marker(color) => {
            let c = (x + width / 2, mid);
            area.draw(&Circle::new(c, half, color.filled()))?;
            area.draw(&Circle::new(c, half, WHITE.stroke_width(2)))?;
        }
    }
    Ok(())
}
