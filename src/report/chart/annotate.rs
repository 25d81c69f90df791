//! Labels on the data: lines of text on a white box beside, above or below a point, flipped to
//! the other side and then shifted so that they stay inside the plot. Values beside bars and the
//! callout at the recommended count are both drawn with it.

use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Backend, Sizes};

/// Where a note sits relative to its point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Right,
    Left,
    Above,
    Below,
}

/// Lines of text, each in its own style, with an optional coloured border.
pub struct Note<'s> {
    pub lines: Vec<(String, TextStyle<'s>)>,
    pub border: Option<RGBColor>,
    pub place: Place,
}

impl<'s> Note<'s> {
    /// One line of `style` beside the point, no border.
    pub fn value(text: impl Into<String>, style: TextStyle<'s>, place: Place) -> Self {
        Note {
            lines: vec![(text.into(), style)],
            border: None,
            place,
        }
    }
}

/// Draws `note` at the data point `at` of `chart`.
pub fn note<DB, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    sizes: &Sizes,
    at: (f64, f64),
    note: &Note,
) -> anyhow::Result<()>
where
    DB: Backend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let area = chart.plotting_area();
    let (pad, gap) = (sizes.px(5.0).max(2), sizes.px(12.0).max(4));
    let mut width = 0;
    let mut heights = Vec::new();
    for (text, style) in &note.lines {
        let measured = match super::glyphs::text_width(style, text) {
            Some(w) => w.ceil() as i32,
            None => area.estimate_text_size(text, style)?.0 as i32,
        };
        width = width.max(measured);
        heights.push((style.font.get_size() * 1.28).round() as i32);
    }
    let (w, h) = (width + 2 * pad, heights.iter().sum::<i32>() + 2 * pad);
    let (px, py) = chart.backend_coord(&at);
    let (xs, ys) = area.get_pixel_range();
    let origin = |place: Place| match place {
        Place::Right => (px + gap, py - h / 2),
        Place::Left => (px - gap - w, py - h / 2),
        Place::Above => (px - w / 2, py - gap - h),
        Place::Below => (px - w / 2, py + gap),
    };
    let place = match note.place {
        Place::Right if px + gap + w > xs.end => Place::Left,
        Place::Left if px - gap - w < xs.start => Place::Right,
        Place::Above if py - gap - h < ys.start => Place::Below,
        Place::Below if py + gap + h > ys.end => Place::Above,
        p => p,
    };
    let (left, top) = origin(place);
    let left = left.min(xs.end - w).max(xs.start);
    let top = top.min(ys.end - h).max(ys.start);
    let (dx, dy) = (left - px, top - py);
    let corners = [(dx, dy), (dx + w, dy + h)];
    chart
        .draw_series([EmptyElement::at(at) + Rectangle::new(corners, WHITE.mix(0.92).filled())])?;
    if let Some(color) = note.border {
        let stroke = color.stroke_width(sizes.px(2.0) as u32);
        chart.draw_series([EmptyElement::at(at) + Rectangle::new(corners, stroke)])?;
    }
    let mut y = dy + pad;
    for ((text, style), height) in note.lines.iter().zip(heights) {
        let style = style.pos(Pos::new(HPos::Left, VPos::Top));
        let line =
            EmptyElement::at(at) + Text::new(text.clone(), (dx + pad, y + height / 8), style);
        chart.draw_series([line])?;
        y += height;
    }
    Ok(())
}
