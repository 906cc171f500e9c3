//! Draws a [`TableView`]: columns that don't fit are dropped by priority, numbers
//! right-aligned, the sort column marked, the selection highlighted, marked rows in their
//! own colour; the view's rows are the ones that fit, so nothing here sorts or formats.

use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell as UiCell, Row as UiRow, Table, TableState as UiTableState};

use crate::tui::fit;
use crate::tui::screens::drawn::DrawnTable;
use crate::tui::screens::table::{Column, Severity, TableView, rows_in};
use crate::tui::theme::{Role, Theme};

/// The columns a column takes: its minimum width, and never less than its title plus
/// one for the sort marker (`BLOCKS▼` must not lose its B to the marker).
pub fn column_width(column: &Column) -> u16 {
    let title = u16::try_from(fit::width(column.title)).unwrap_or(u16::MAX);
    column.width.max(title.saturating_add(1))
}

/// Indexes of the columns that fit in `width`, dropping the highest priority numbers
/// first; the last text column takes what is left.
pub fn visible_columns(columns: &[Column], width: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let needed =
        |shown: &[usize]| -> u16 { shown.iter().map(|&i| column_width(&columns[i]) + 1).sum() };
    while needed(&shown) > width + 1 && shown.len() > 1 {
        let Some(drop_at) = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].priority > 0)
            .max_by_key(|(pos, i)| (columns[**i].priority, *pos))
            .map(|(pos, _)| pos)
        else {
            break;
        };
        shown.remove(drop_at);
    }
    shown
}

/// The width of each shown column: their own, and the rest of the line for the last
/// text column (or the last column when all are numbers).
fn resolved_widths(columns: &[Column], shown: &[usize], inner_width: u16) -> Vec<u16> {
    let mut widths: Vec<u16> = shown.iter().map(|&i| column_width(&columns[i])).collect();
    let stretch = shown
        .iter()
        .rposition(|&i| !columns[i].numeric)
        .or(shown.len().checked_sub(1));
    if let Some(stretch) = stretch {
        let spacing = u16::try_from(shown.len().saturating_sub(1)).unwrap_or(u16::MAX);
        let others: u16 = widths
            .iter()
            .enumerate()
            .filter(|(pos, _)| *pos != stretch)
            .map(|(_, w)| *w)
            .sum();
        widths[stretch] = inner_width.saturating_sub(others.saturating_add(spacing));
    }
    widths
}

/// Draws `view` and says what was drawn where.
pub fn render(frame: &mut Frame, view: &TableView, theme: &Theme) -> DrawnTable {
    let area = view.area;
    let drawn = DrawnTable {
        id: view.id,
        area,
        offset: view.offset,
        rows: rows_in(area).max(1),
    };
    let border = if view.focused {
        Role::BorderFocused
    } else {
        Role::Border
    };
    // The title is cut on a word boundary when the panel is narrow; the count stays.
    let room = usize::from(area.width.saturating_sub(4));
    let title = fit::fit_title(&view.title, room.saturating_sub(fit::width(&view.count)));
    let title = fit::fit(&format!(" {title}{} ", view.count), room + 2);
    let mut block = Block::bordered()
        .border_style(theme.style(border))
        .title(Span::styled(title, theme.style(Role::Title)));
    if let Some(position) = &view.position {
        block = block.title_bottom(
            Line::from(Span::styled(position.clone(), theme.style(Role::Muted))).right_aligned(),
        );
    }
    if view.rows.is_empty() {
        let message = Text::from(
            view.empty
                .lines()
                .map(|l| Line::from(Span::styled(l.to_string(), theme.style(Role::Muted))))
                .collect::<Vec<_>>(),
        );
        frame.render_widget(
            ratatui::widgets::Paragraph::new(message)
                .block(block)
                .wrap(ratatui::widgets::Wrap { trim: false }),
            area,
        );
        return drawn;
    }
    let inner_width = area.width.saturating_sub(2);
    let shown = visible_columns(&view.columns, inner_width);
    let widths = resolved_widths(&view.columns, &shown, inner_width);
    let header = UiRow::new(shown.iter().zip(&widths).map(|(&i, &width)| {
        let column = &view.columns[i];
        let marker = match view.sort {
            Some((sorted, true)) if sorted == i => "▼",
            Some((sorted, false)) if sorted == i => "▲",
            _ => "",
        };
        let title = fit::fit(&format!("{}{marker}", column.title), usize::from(width));
        let line = if column.numeric {
            Line::from(title).right_aligned()
        } else {
            Line::from(title)
        };
        UiCell::from(line)
    }))
    .style(theme.style(Role::Header));
    let rows = view.rows.iter().map(|row| {
        let cells = shown.iter().zip(&widths).map(|(&i, &width)| {
            let (text, severity) = row
                .cells
                .get(i)
                .map_or(("", Severity::Normal), |c| (c.text.as_str(), c.severity));
            // A cut value says so with `…`: a name that silently loses its end reads
            // as another name.
            let text = fit::fit(text.trim_end(), usize::from(width));
            let line = if view.columns[i].numeric {
                Line::from(text).right_aligned()
            } else {
                Line::from(text)
            };
            UiCell::from(line).style(theme.style(severity.role()))
        });
        let ui_row = UiRow::new(cells);
        if row.marked {
            ui_row.style(theme.style(Role::Marked))
        } else {
            ui_row
        }
    });
    let constraints: Vec<Constraint> = widths.iter().copied().map(Constraint::Length).collect();
    let table = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected));
    let mut ui_state = UiTableState::default().with_selected(view.selected);
    frame.render_stateful_widget(table, area, &mut ui_state);
    drawn
}
