//! Text for the PNG charts. plotters' ab_glyph renderer drops each glyph's side bearing and
//! sits text a fifth of its size above its anchor, so "4.5" prints as "4 .5" and labels float.
//! `Typeset` wraps the bitmap backend and lays glyphs out itself — advance, kerning, bearing,
//! sub-pixel position — with the same embedded fonts and the same widths plotters measures.
//! The SVG backend (`svg`) draws the same layout as outlines, so neither format needs a font on the
//! machine that shows it.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, Glyph, GlyphId, PxScale, ScaleFont, point};
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};

use super::style::{BOLD, REGULAR};

/// The embedded regular and bold faces, parsed once.
fn faces() -> Option<&'static (FontRef<'static>, FontRef<'static>)> {
    static FACES: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some((
                FontRef::try_from_slice(REGULAR).ok()?,
                FontRef::try_from_slice(BOLD).ok()?,
            ))
        })
        .as_ref()
}

#[derive(Debug, thiserror::Error)]
#[error("the embedded chart font cannot be read")]
pub(super) struct NoFont;

/// A drawing backend that draws text itself and everything else through `inner`.
pub struct Typeset<B> {
    inner: B,
}

impl<B> Typeset<B> {
    pub fn new(inner: B) -> Self {
        Typeset { inner }
    }
}

/// `text` laid out on one line: its glyphs positioned along the baseline, and the offset that
/// puts the anchor at the origin — the capitals' top (`Top`), their middle (`Center`) or the
/// descenders' bottom (`Bottom`), the left end, centre or right end.
pub(super) struct Layout {
    pub glyphs: Vec<Glyph>,
    pub dx: f32,
    pub baseline: f32,
}

/// Lays `text` out in `font` at `size` pixels: advance, kerning, anchor.
pub(super) fn layout(font: &FontRef<'static>, size: f32, text: &str, h: HPos, v: VPos) -> Layout {
    let scale = PxScale::from(size);
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::new();
    let (mut pen, mut previous): (f32, Option<GlyphId>) = (0.0, None);
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            pen += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(pen, 0.0)));
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    let cap_height = scaled
        .outline_glyph(scaled.scaled_glyph('H'))
        .map_or(size * 0.63, |o| -o.px_bounds().min.y);
    let dx = match h {
        HPos::Left => 0.0,
        HPos::Center => -pen / 2.0,
        HPos::Right => -pen,
    };
    let baseline = match v {
        VPos::Top => cap_height,
        VPos::Center => cap_height / 2.0,
        VPos::Bottom => scaled.descent(),
    };
    Layout {
        glyphs,
        dx: dx.round(),
        baseline: baseline.round(),
    }
}

/// Width in pixels of `text` as `Typeset` and the SVG backend lay it out (plotters' own estimate
/// measures bold text in the regular face).
pub fn text_width(style: &plotters::style::TextStyle, text: &str) -> Option<f64> {
    let font = face(style.font.get_style())?;
    let size = style.font.get_size() as f32;
    let scaled = font.as_scaled(PxScale::from(size));
    let laid = layout(font, size, text, HPos::Left, VPos::Top);
    let last = laid.glyphs.last()?;
    Some(f64::from(last.position.x + scaled.h_advance(last.id)))
}

/// Pixels (x, y, coverage) of `text` relative to its anchor, before rotation.
fn rasterize(
    font: &FontRef<'static>,
    size: f32,
    text: &str,
    h: HPos,
    v: VPos,
) -> Vec<(i32, i32, f32)> {
    let scaled = font.as_scaled(PxScale::from(size));
    let Layout {
        glyphs,
        dx,
        baseline,
    } = layout(font, size, text, h, v);
    let (dx, baseline) = (dx as i32, baseline as i32);
    let mut pixels = Vec::new();
    for glyph in glyphs {
        if let Some(outline) = scaled.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x as i32 + dx, bounds.min.y as i32 + baseline);
            outline.draw(|x, y, coverage| {
                if coverage > 0.0 {
                    pixels.push((x0 + x as i32, y0 + y as i32, coverage.min(1.0)));
                }
            });
        }
    }
    pixels
}

/// The face of a text style: bold or regular.
pub(super) fn face(style: FontStyle) -> Option<&'static FontRef<'static>> {
    let (regular, bold) = faces()?;
    Some(match style {
        FontStyle::Bold => bold,
        _ => regular,
    })
}

impl<B: DrawingBackend> DrawingBackend for Typeset<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let font = face(style.style()).ok_or(DrawingErrorKind::FontError(Box::new(NoFont)))?;
        let anchor = style.anchor();
        let transform = style.transform();
        for (x, y, coverage) in
            rasterize(font, style.size() as f32, text, anchor.h_pos, anchor.v_pos)
        {
            let (x, y) = transform.transform(x, y);
            self.inner
                .draw_pixel((pos.0 + x, pos.1 + y), color.mix(f64::from(coverage)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns of `pixels` that hold ink.
    fn inked_columns(pixels: &[(i32, i32, f32)]) -> Vec<i32> {
        let mut columns: Vec<i32> = pixels.iter().filter(|p| p.2 > 0.3).map(|p| p.0).collect();
        columns.sort_unstable();
        columns.dedup();
        columns
    }

    #[test]
    fn a_decimal_point_sits_between_its_digits() {
        // Regression: plotters' renderer dropped side bearings and drew "4.5" as "4 .5".
        let (regular, _) = faces().expect("embedded fonts");
        let columns = inked_columns(&rasterize(regular, 40.0, "4.5", HPos::Left, VPos::Top));
        let gaps: Vec<i32> = columns
            .windows(2)
            .map(|w| w[1] - w[0] - 1)
            .filter(|&g| g > 0)
            .collect();
        assert_eq!(gaps.len(), 2, "three separate glyphs: {gaps:?}");
        assert!(
            (gaps[0] - gaps[1]).abs() <= 2,
            "even spacing around the dot: {gaps:?}"
        );
    }

    #[test]
    fn centred_text_is_centred_on_its_anchor() {
        let (regular, _) = faces().expect("embedded fonts");
        let pixels = rasterize(regular, 40.0, "HH", HPos::Center, VPos::Center);
        let (min_y, max_y) = pixels.iter().fold((i32::MAX, i32::MIN), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
        let (min_x, max_x) = pixels.iter().fold((i32::MAX, i32::MIN), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
        assert!((min_y + max_y).abs() <= 2, "vertical: {min_y}..{max_y}");
        assert!((min_x + max_x).abs() <= 4, "horizontal: {min_x}..{max_x}");
    }
}
