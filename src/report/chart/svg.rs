//! An SVG drawing backend whose text is outlines: every string is laid out with the embedded
//! DejaVu Sans (the same layout as the PNG charts) and written as one filled `<path>`, so the file
//! has no `<text>` element and looks the same in a browser, Inkscape or slide software without
//! any font installed. Everything else is written as plotters' own SVG backend writes it.

use std::fmt::Write as _;

use ab_glyph::{Font, OutlineCurve, PxScale, ScaleFont};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

use super::glyphs::{NoFont, face, layout};

/// An SVG document drawn into a string; `present` closes it.
pub struct OutlinedSvg<'a> {
    size: (u32, u32),
    body: &'a mut String,
    closed: bool,
}

/// Nothing can fail while writing to a string.
#[derive(Debug, thiserror::Error)]
#[error("SVG output failed")]
pub struct SvgError;

type Result = std::result::Result<(), DrawingErrorKind<SvgError>>;

fn color(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// `opacity` only when the colour is not opaque.
fn opacity(c: BackendColor) -> String {
    if c.alpha >= 1.0 {
        String::new()
    } else {
        format!(r#" opacity="{:.3}""#, c.alpha)
    }
}

/// The fill, or the outline, of a shape.
fn paint(c: BackendColor, fill: bool, stroke_width: u32) -> String {
    if fill {
        format!(r#"fill="{}""#, color(c))
    } else {
        format!(
            r#"fill="none" stroke="{}" stroke-width="{stroke_width}""#,
            color(c)
        )
    }
}

fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    let mut out = String::new();
    for (x, y) in path {
        let _ = write!(out, "{x},{y} ");
    }
    out.trim_end().to_string()
}

/// A number with at most one decimal, no trailing zero: path coordinates.
fn num(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl<'a> OutlinedSvg<'a> {
    /// A `width` × `height` document written into `body`.
    pub fn with_string(body: &'a mut String, size: (u32, u32)) -> Self {
        let (w, h) = size;
        let _ = writeln!(
            body,
            r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">"#
        );
        OutlinedSvg {
            size,
            body,
            closed: false,
        }
    }

    /// Writes the element `<{shape} opacity/>` in colour `c`; a transparent colour draws nothing.
    fn element(&mut self, c: BackendColor, shape: &str) -> Result {
        if c.alpha > 0.0 {
            let _ = writeln!(self.body, "<{shape}{}/>", opacity(c));
        }
        Ok(())
    }

    /// The outline of `text` as path data, positioned as `Typeset` draws it.
    fn text_path(
        &self,
        text: &str,
        style: &impl BackendTextStyle,
        (x0, y0): BackendCoord,
    ) -> Option<String> {
        let font = face(style.style())?;
        let size = style.size() as f32;
        let anchor = style.anchor();
        let laid = layout(font, size, text, anchor.h_pos, anchor.v_pos);
        let scaled = font.as_scaled(PxScale::from(size));
        let (hs, vs) = (scaled.h_scale_factor(), scaled.v_scale_factor());
        let transform = style.transform();
        let place = |x: f32, y: f32| {
            let (x, y) = match transform {
                FontTransform::None => (x, y),
                FontTransform::Rotate90 => (-y, x),
                FontTransform::Rotate180 => (-x, -y),
                FontTransform::Rotate270 => (y, -x),
            };
            format!("{} {}", num(x0 as f32 + x), num(y0 as f32 + y))
        };
        let mut d = String::new();
        for glyph in &laid.glyphs {
            let Some(outline) = font.outline(glyph.id) else {
                continue;
            };
            let origin = glyph.position.x + laid.dx;
            let at = |p: ab_glyph::Point| place(origin + p.x * hs, laid.baseline - p.y * vs);
            let mut last = None;
            for curve in &outline.curves {
                let (start, end) = match curve {
                    OutlineCurve::Line(a, b) => (*a, *b),
                    OutlineCurve::Quad(a, _, c) => (*a, *c),
                    OutlineCurve::Cubic(a, _, _, d) => (*a, *d),
                };
                if last != Some(start) {
                    if last.is_some() {
                        d.push('Z');
                    }
                    let _ = write!(d, "M{}", at(start));
                }
                let _ = match curve {
                    OutlineCurve::Line(_, b) => write!(d, "L{}", at(*b)),
                    OutlineCurve::Quad(_, b, c) => write!(d, "Q{} {}", at(*b), at(*c)),
                    OutlineCurve::Cubic(_, b, c, e) => {
                        write!(d, "C{} {} {}", at(*b), at(*c), at(*e))
                    }
                };
                last = Some(end);
            }
            if last.is_some() {
                d.push('Z');
            }
        }
        Some(d)
    }
}

impl DrawingBackend for OutlinedSvg<'_> {
    type ErrorType = SvgError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result {
        Ok(())
    }

    fn present(&mut self) -> Result {
        if !self.closed {
            self.body.push_str("</svg>\n");
            self.closed = true;
        }
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, c: BackendColor) -> Result {
        let shape = format!(
            r#"rect x="{x}" y="{y}" width="1" height="1" fill="{}""#,
            color(c)
        );
        self.element(c, &shape)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
    ) -> Result {
        let c = style.color();
        let shape = format!(
            r#"line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{}" stroke-width="{}""#,
            color(c),
            style.stroke_width()
        );
        self.element(c, &shape)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result {
        let c = style.color();
        let shape = format!(
            r#"rect x="{x1}" y="{y1}" width="{}" height="{}" {}"#,
            x2 - x1,
            y2 - y1,
            paint(c, fill, style.stroke_width())
        );
        self.element(c, &shape)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result {
        let c = style.color();
        let shape = format!(
            r#"polyline points="{}" fill="none" stroke="{}" stroke-width="{}""#,
            points(path),
            color(c),
            style.stroke_width()
        );
        self.element(c, &shape)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result {
        let c = style.color();
        let shape = format!(r#"polygon points="{}" fill="{}""#, points(path), color(c));
        self.element(c, &shape)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (cx, cy): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result {
        let c = style.color();
        let shape = format!(
            r#"circle cx="{cx}" cy="{cy}" r="{radius}" {}"#,
            paint(c, fill, style.stroke_width())
        );
        self.element(c, &shape)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result {
        let c = style.color();
        if c.alpha == 0.0 || text.trim().is_empty() {
            return Ok(());
        }
        let d = self
            .text_path(text, style, pos)
            .ok_or(DrawingErrorKind::FontError(Box::new(NoFont)))?;
        self.element(c, &format!(r#"path d="{d}" fill="{}""#, color(c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn text_becomes_outlines_and_nothing_names_a_font() {
        super::super::style::register_fonts().expect("fonts");
        let mut doc = String::new();
        {
            let root = OutlinedSvg::with_string(&mut doc, (200, 100)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            root.draw(&Text::new(
                "Buy 5 units",
                (10, 10),
                (super::super::style::FAMILY, 20.0).into_font(),
            ))
            .unwrap();
            root.present().unwrap();
        }
        assert!(doc.starts_with("<svg") && doc.ends_with("</svg>\n"));
        assert!(
            !doc.contains("<text") && !doc.contains("font-family"),
            "{doc}"
        );
        // One path for the string, with a contour per glyph part (B has three, the space none).
        let path = doc
            .lines()
            .find(|l| l.starts_with("<path"))
            .expect("a path");
        assert!(path.matches('M').count() >= 10, "{path}");
        // The outline sits where the text was drawn: capitals from y = 10 down about 15 px.
        let ys: Vec<f32> = path
            .split(|c: char| c.is_ascii_alphabetic())
            .filter_map(|pair| pair.split_whitespace().nth(1)?.parse().ok())
            .collect();
        let (top, bottom) = ys
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), &y| (a.min(y), b.max(y)));
        assert!((9.0..=11.0).contains(&top), "top {top}");
        assert!((23.0..=30.0).contains(&bottom), "bottom {bottom}");
    }
}
