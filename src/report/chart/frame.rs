//! The plotting frame every chart shares: a Cartesian panel with ticks exactly where the chart
//! asks, label areas sized from the fonts and the widest tick label (fonts stop shrinking at
//! 10 px, so a small canvas must not squeeze them), and the house grid and axis style.

use std::ops::Range;

use plotters::prelude::*;

use super::axis::{Ticked, ticked};
use super::layout::Area;
use super::style::{self, Backend, Sizes};

/// A chart panel: both axes linear with chosen ticks.
pub type Panel<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// One axis: its range, its ticks, how a tick reads, and its title ("" for none).
pub struct Axis<'f> {
    pub range: Range<f64>,
    pub ticks: Vec<f64>,
    pub label: &'f dyn Fn(f64) -> String,
    pub title: String,
    /// A title for when `title` is longer than the axis.
    pub short_title: Option<String>,
}

impl<'f> Axis<'f> {
    pub fn new(
        range: Range<f64>,
        ticks: Vec<f64>,
        label: &'f dyn Fn(f64) -> String,
        title: impl Into<String>,
    ) -> Self {
        Axis {
            range,
            ticks,
            label,
            title: title.into(),
            short_title: None,
        }
    }

    /// The same axis with a short title for small canvases.
    pub fn or_short(mut self, short: &str) -> Self {
        self.short_title = Some(short.to_string());
        self
    }

    /// The title that fits along `pixels`.
    fn title_within<DB: Backend>(
        &self,
        area: &Area<DB>,
        sizes: &Sizes,
        pixels: i32,
    ) -> anyhow::Result<String> {
        let long = area.estimate_text_size(&self.title, &sizes.axis())?.0 as i32;
        Ok(match &self.short_title {
            Some(short) if long > pixels => short.clone(),
            _ => self.title.clone(),
        })
    }
}

/// How a panel departs from the plain frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Tick marks without labels under the x axis (a panel stacked above another).
    pub hide_x_labels: bool,
    /// No y labels, and only this much room for them (a panel beside another).
    pub hide_y_labels: bool,
    /// No horizontal grid lines (bars and whiskers mark their own rows).
    pub no_y_grid: bool,
    /// Room for y labels, to line up panels stacked one above another.
    pub y_label_width: Option<i32>,
    /// Left margin in pixels [default: the canvas margin].
    pub left: Option<i32>,
    /// Top margin in pixels.
    pub top: i32,
    /// Shift of the x labels to the right, in pixels (labels between ticks).
    pub x_label_offset: i32,
}

/// How many tick labels about `ems` font sizes wide (or tall) fit along `pixels`; at least 2.
pub fn ticks_that_fit(sizes: &Sizes, pixels: u32, ems: f64) -> usize {
    let per_label = ems * sizes.tick().font.get_size();
    ((f64::from(pixels) / per_label).floor() as usize).max(2)
}

/// Room for the y labels of `axis`: its widest tick label and its title.
pub fn y_label_width<DB: Backend>(
    area: &Area<DB>,
    sizes: &Sizes,
    axis: &Axis,
) -> anyhow::Result<i32> {
    let tick = sizes.tick();
    let mut widest = 0;
    for &t in &axis.ticks {
        widest = widest.max(area.estimate_text_size(&(axis.label)(t), &tick)?.0 as i32);
    }
    let title = if axis.title.is_empty() {
        0
    } else {
        (sizes.axis().font.get_size() * 1.9).round() as i32
    };
    Ok(widest + title + sizes.px(14.0).max(6))
}

/// Builds the panel on `area` and draws its grid, axes, tick labels and titles.
pub fn panel<'a, DB: Backend>(
    area: &'a Area<DB>,
    sizes: &Sizes,
    x: Axis,
    y: Axis,
    options: Options,
) -> anyhow::Result<Panel<'a, DB>> {
    let tick = sizes.tick().font.get_size();
    let axis_font = sizes.axis().font.get_size();
    let x_area = if options.hide_x_labels {
        sizes.px(12.0)
    } else if x.title.is_empty() {
        (tick * 2.0).round() as i32
    } else {
        (tick * 1.9 + axis_font * 1.9).round() as i32
    };
    let y_area = match (options.y_label_width, options.hide_y_labels) {
        (Some(width), _) => width,
        (None, true) => sizes.px(8.0),
        (None, false) => y_label_width(area, sizes, &y)?,
    };
    let (width, height) = area.dim_in_pixel();
    let x_title = x.title_within(area, sizes, width as i32 - y_area)?;
    let y_title = y.title_within(area, sizes, height as i32 - x_area)?;
    let mut chart = ChartBuilder::on(area)
        .margin_left(options.left.unwrap_or(sizes.margin()))
        .margin_right(sizes.px(40.0).max((tick * 1.6) as i32))
        .margin_top(options.top)
        .margin_bottom(sizes.margin())
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(ticked(x.range, x.ticks), ticked(y.range, y.ticks))?;
    let x_label = |v: &f64| {
        if options.hide_x_labels {
            String::new()
        } else {
            (x.label)(*v)
        }
    };
    let y_label = |v: &f64| {
        if options.hide_y_labels {
            String::new()
        } else {
            (y.label)(*v)
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(style::GRID)
        .axis_style(style::MUTED)
        .label_style(sizes.tick())
        .axis_desc_style(sizes.axis())
        .set_all_tick_mark_size(sizes.px(6.0))
        .x_label_offset(options.x_label_offset)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label);
    if options.no_y_grid {
        mesh.disable_y_mesh();
    }
    if !x_title.is_empty() {
        mesh.x_desc(x_title);
    }
    if !y_title.is_empty() {
        mesh.y_desc(y_title);
    }
    mesh.draw()?;
    Ok(chart)
}
