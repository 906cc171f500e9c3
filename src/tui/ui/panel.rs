//! Draws the screens' boxes: a [`Panel`] of text lines, and a [`Plot`] (one braille line
//! chart with optional axis labels).

use ratatui::Frame;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Wrap};

use crate::tui::screens::plot::{Panel, Plot};
use crate::tui::theme::{Role, Theme};

/// Draws `panel`.
pub fn render_panel(frame: &mut Frame, panel: &Panel, theme: &Theme) {
    let mut block = match panel.border {
        Some(role) => Block::bordered().border_style(theme.style(role)),
        None => Block::new(),
    };
    if !panel.title.spans.is_empty() {
        block = block.title(panel.title.clone());
    }
    let mut paragraph = Paragraph::new(panel.lines.clone()).block(block);
    if let Some(trim) = panel.wrap {
        paragraph = paragraph.wrap(Wrap { trim });
    }
    frame.render_widget(paragraph, panel.area);
}

/// Draws `plot`.
pub fn render_plot(frame: &mut Frame, plot: &Plot, theme: &Theme) {
    let axis = |bounds: [f64; 2], names: &Option<[String; 2]>| {
        let axis = Axis::default().bounds(bounds);
        match names {
            Some(names) => axis
                .labels(names.clone().map(Line::from))
                .style(theme.style(Role::Muted)),
            None => axis,
        }
    };
    // A single point has no line to draw between points: show it as a dot.
    let graph = if plot.dot_when_single && plot.points.len() == 1 {
        GraphType::Scatter
    } else {
        GraphType::Line
    };
    let dataset = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(graph)
        .style(theme.style(plot.role))
        .data(&plot.points);
    let block = if plot.bordered {
        Block::bordered().border_style(theme.style(Role::Border))
    } else {
        Block::new()
    }
    .title(plot.title.clone());
    frame.render_widget(
        Chart::new(vec![dataset])
            .block(block)
            .x_axis(axis(plot.x_bounds, &plot.x_labels))
            .y_axis(axis(plot.y_bounds, &plot.y_labels)),
        plot.area,
    );
}
