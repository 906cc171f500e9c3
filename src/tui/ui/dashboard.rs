//! Draws the Dashboard: the KPI tiles (wrapping to as many rows as the width needs), the
//! recent-events line, the xmin horizon line, the three charts, the alerts and the top offenders.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::panel::{render_panel, render_plot};
use crate::analysis::metrics::Level;
use crate::tui::fit;
use crate::tui::screens::dashboard::DashboardView;
use crate::tui::screens::kpi::Tile;
use crate::tui::screens::table::Severity;
use crate::tui::theme::{Role, Theme};

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &DashboardView, theme: &Theme) {
    render_tiles(frame, view.tiles_area, &view.tiles, view.per_row, theme);
    let (events_area, events) = &view.recent_events;
    frame.render_widget(Paragraph::new(events.clone()), *events_area);
    let (horizon_area, horizon) = &view.horizon;
    frame.render_widget(Paragraph::new(horizon.clone()), *horizon_area);
    for chart in &view.charts {
        render_plot(frame, chart, theme);
    }
    super::wait_chart::render_stacked(frame, &view.load, theme);
    if let Some(alerts) = &view.alerts {
        render_panel(frame, alerts, theme);
    }
    for panel in &view.offenders {
        render_panel(frame, panel, theme);
    }
}

/// A tile's level as a role: none is plain text.
fn tile_role(level: Option<Level>) -> Role {
    level.map_or(Role::Text, |level| Severity::of_level(level).role())
}

fn render_tiles(frame: &mut Frame, area: Rect, tiles: &[Tile], per_row: usize, theme: &Theme) {
    let per_row = per_row.max(1);
    let rows =
        Layout::vertical(vec![Constraint::Length(3); tiles.len().div_ceil(per_row)]).split(area);
    for (row_index, chunk) in tiles.chunks(per_row).enumerate() {
        let Some(row_area) = rows.get(row_index) else {
            break;
        };
        let cells = Layout::horizontal(vec![Constraint::Ratio(1, per_row as u32); per_row])
            .split(*row_area);
        for (tile, cell) in chunk.iter().zip(cells.iter()) {
            let role = tile_role(tile.level);
            let block = Block::bordered()
                .border_style(theme.style(
                    if matches!(tile.level, Some(Level::Warn | Level::Crit)) {
                        role
                    } else {
                        Role::Border
                    },
                ))
                .title(Span::styled(tile.label, theme.style(Role::Title)));
            let mut spans = vec![Span::styled(tile.value.clone(), theme.style(role))];
            if let Some(note) = &tile.note {
                // The note gives way on a word boundary; a single long word keeps its
                // start and shows it is cut.
                let room = usize::from(cell.width.saturating_sub(2))
                    .saturating_sub(fit::width(&tile.value) + 1);
                let note = fit::fit_words(note, room)
                    .filter(|n| n.contains(' '))
                    .unwrap_or_else(|| fit::fit(note, room));
                if !note.is_empty() {
                    spans.push(Span::styled(format!(" {note}"), theme.style(Role::Muted)));
                }
            }
            frame.render_widget(Paragraph::new(Line::from(spans)).block(block), *cell);
        }
    }
}
