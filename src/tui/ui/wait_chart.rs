//! Draws a [`StackedChart`]: each column's bands bottom-up in block characters, a band
//! boundary inside a cell as a partial block in the lower band's colour on the upper
//! band's, so the bands keep an eighth of a cell of precision.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Paragraph};

use crate::tui::screens::wait_chart::StackedChart;
use crate::tui::theme::{Role, Theme};

/// The lower-block characters, by eighths filled (index 0 is unused: an empty cell).
const LOWER: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// Draws `chart`.
pub fn render_stacked(frame: &mut Frame, chart: &StackedChart, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(chart.title.clone());
    let inner = block.inner(chart.area);
    frame.render_widget(block, chart.area);
    let legend_rows = u16::from(chart.legend.is_some());
    let plot = Rect {
        height: inner.height.saturating_sub(legend_rows),
        ..inner
    };
    if let Some(legend) = &chart.legend {
        let row = Rect {
            y: plot.y + plot.height,
            height: legend_rows,
            ..inner
        };
        frame.render_widget(Paragraph::new(legend.clone()), row);
    }
    let buffer = frame.buffer_mut();
    for (x, column) in (plot.x..plot.x + plot.width).zip(&chart.columns) {
        let Some(bands) = column else {
            continue;
        };
        for row in 0..plot.height {
            let (filled, lower, upper) = cell(bands, u32::from(row) * 8);
            if filled == 0 {
                break;
            }
            let mut style = lower.map(|r| theme.style(r)).unwrap_or_default();
            if let Some(upper) = upper.and_then(|r| theme.style(r).fg) {
                style = style.bg(upper);
            }
            let y = plot.y + plot.height - 1 - row;
            if let Some(target) = buffer.cell_mut((x, y)) {
                target
                    .set_symbol(LOWER[usize::from(filled)])
                    .set_style(style);
            }
        }
    }
}

/// The cell whose bottom is `base` eighths up: how many of its eighths the lower band
/// fills, that band and the band above it inside the cell (if any).
fn cell(bands: &[(Role, u16)], base: u32) -> (u8, Option<Role>, Option<Role>) {
    let top = base + 8;
    let mut start = 0u32;
    let mut lower: Option<(Role, u32)> = None;
    let mut upper = None;
    for (role, height) in bands {
        let end = start + u32::from(*height);
        let overlap = end.min(top).saturating_sub(start.max(base));
        if overlap > 0 {
            match lower {
                None => lower = Some((*role, end.min(top) - base)),
                Some(_) if upper.is_none() => upper = Some(*role),
                Some(_) => {}
            }
        }
        start = end;
    }
    match lower {
        None => (0, None, None),
        // The lower band ends inside the cell and another fills (part of) the rest: the
        // cell is whole, split at the boundary.
        Some((role, filled)) if upper.is_some() => {
            (u8::try_from(filled.min(8)).unwrap_or(8), Some(role), upper)
        }
        Some((role, filled)) => (u8::try_from(filled.min(8)).unwrap_or(8), Some(role), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boundary_inside_a_cell_splits_it_between_the_two_bands() {
        let bands = [(Role::WaitCpu, 3), (Role::WaitLock, 9)];
        assert_eq!(
            cell(&bands, 0),
            (3, Some(Role::WaitCpu), Some(Role::WaitLock))
        );
        assert_eq!(cell(&bands, 8), (4, Some(Role::WaitLock), None));
        assert_eq!(cell(&bands, 16), (0, None, None));
    }
}
