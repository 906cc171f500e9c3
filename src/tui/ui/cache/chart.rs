//! One braille line chart with optional axis labels, as the Dashboard draws them, for
//! the Cache screen's ten-minute ratio and the per-table history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

use crate::tui::theme::{Role, Theme};

/// What to plot and how to label it.
pub struct Plot<'a> {
    /// `(x, y)` oldest first; x is seconds relative to "now" (≤ 0).
    pub points: &'a [(f64, f64)],
    pub role: Role,
    pub x_bounds: [f64; 2],
    pub y_bounds: [f64; 2],
    /// Labels for the ends of each axis, drawn only when the chart has room for them.
    pub x_labels: [String; 2],
    pub y_labels: [String; 2],
}

/// Charts shorter than this get no axis labels: the plot itself matters more.
const MIN_HEIGHT_FOR_LABELS: u16 = 8;

pub fn render_plot(frame: &mut Frame, area: Rect, block: Block<'_>, plot: Plot<'_>, theme: &Theme) {
    let labels = area.height >= MIN_HEIGHT_FOR_LABELS;
    let axis = |bounds: [f64; 2], names: [String; 2]| {
        let axis = Axis::default().bounds(bounds);
        if labels {
            axis.labels(names.map(Line::from))
                .style(theme.style(Role::Muted))
        } else {
            axis
        }
    };
    // A single point has no line to draw between points: show it as a dot.
    let graph = if plot.points.len() == 1 {
        GraphType::Scatter
    } else {
        GraphType::Line
    };
    let dataset = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(graph)
        .style(theme.style(plot.role))
        .data(plot.points);
    frame.render_widget(
        Chart::new(vec![dataset])
            .block(block)
            .x_axis(axis(plot.x_bounds, plot.x_labels))
            .y_axis(axis(plot.y_bounds, plot.y_labels)),
        area,
    );
}

/// The data's own y range with some headroom, so variation is visible; ratios stay
/// within 0–100 % and nothing goes below zero (sizes, rows and ratios never do).
pub fn padded_bounds(points: &[(f64, f64)], ratio: bool) -> [f64; 2] {
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, v)| {
            (lo.min(v), hi.max(v))
        });
    if !min.is_finite() || !max.is_finite() {
        return [0.0, 1.0];
    }
    let span = (max - min).max(max.abs() * 0.05).max(1e-6);
    let (low, high) = ((min - span * 0.2).max(0.0), max + span * 0.2);
    if ratio {
        [low.min(0.999), high.min(1.0)]
    } else {
        [low, high]
    }
}
