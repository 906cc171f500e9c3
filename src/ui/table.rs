//! Draws a [`TableModel`] with its [`TableState`]: columns that don't fit are dropped by
//! priority, numbers right-aligned, the sort column marked, the selection highlighted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell as UiCell, Row as UiRow, Table, TableState as UiTableState};

use crate::app::table::{Severity, TableModel, TableState};
use crate::theme::{Role, Theme};

/// What a table needs besides its data.
pub struct TableView<'a> {
    pub title: String,
    pub focused: bool,
    /// Shown instead of rows when there are none (why, and how to fix).
    pub empty_message: &'a str,
}

pub fn role_for(severity: Severity) -> Role {
    match severity {
        Severity::Normal => Role::Text,
        Severity::Muted => Role::Muted,
        Severity::Warn => Role::Warn,
        Severity::Crit => Role::Crit,
    }
}

/// Indexes of the columns that fit in `width`, dropping the highest priority numbers
/// first; the last text column takes what is left.
pub fn visible_columns(model: &TableModel, width: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..model.columns.len()).collect();
    let needed =
        |shown: &[usize]| -> u16 { shown.iter().map(|&i| model.columns[i].width + 1).sum() };
    while needed(&shown) > width && shown.len() > 1 {
        let Some(drop_at) = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| model.columns[**i].priority > 0)
            .max_by_key(|(pos, i)| (model.columns[**i].priority, *pos))
            .map(|(pos, _)| pos)
        else {
            break;
        };
        shown.remove(drop_at);
    }
    shown
}

pub fn render_table(
    frame: &mut Frame,
    area: Rect,
    model: &TableModel,
    state: &TableState,
    view: &TableView<'_>,
    theme: &Theme,
) {
    let count = if model.rows.len() == model.total_rows {
        format!("{}", model.rows.len())
    } else {
        format!("{} of {}", model.rows.len(), model.total_rows)
    };
    let filter = if state.filter.is_empty() {
        String::new()
    } else {
        format!(" /{}", state.filter)
    };
    let border = if view.focused {
        Role::BorderFocused
    } else {
        Role::Border
    };
    let block = Block::bordered()
        .border_style(theme.style(border))
        .title(Span::styled(
            format!(" {} ({count}){filter} ", view.title),
            theme.style(Role::Title),
        ));
    if model.rows.is_empty() {
        let message = Text::from(
            view.empty_message
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
        return;
    }
    let inner_width = area.width.saturating_sub(2);
    let shown = visible_columns(model, inner_width);
    let last_text = shown.iter().rposition(|&i| !model.columns[i].numeric);
    let widths: Vec<Constraint> = shown
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            if Some(pos) == last_text {
                Constraint::Fill(1)
            } else {
                Constraint::Length(model.columns[i].width)
            }
        })
        .collect();
    let header = UiRow::new(shown.iter().map(|&i| {
        let column = &model.columns[i];
        let sorted_here = state.sort_column == Some(i) && !model.fixed_order;
        let marker = match (sorted_here, state.descending) {
            (true, true) => "▼",
            (true, false) => "▲",
            _ => "",
        };
        let title = format!("{}{marker}", column.title);
        let line = if column.numeric {
            Line::from(title).right_aligned()
        } else {
            Line::from(title)
        };
        UiCell::from(line)
    }))
    .style(theme.style(Role::Header));
    let rows = model.rows.iter().map(|row| {
        let marked = state.marked.contains(&row.id);
        let cells = shown.iter().map(|&i| {
            let (text, severity) = row
                .cells
                .get(i)
                .map_or((String::new(), Severity::Normal), |c| {
                    (c.text.clone(), c.severity)
                });
            let line = if model.columns[i].numeric {
                Line::from(text).right_aligned()
            } else {
                Line::from(text)
            };
            UiCell::from(line).style(theme.style(role_for(severity)))
        });
        let ui_row = UiRow::new(cells);
        if marked {
            ui_row.style(theme.style(Role::Marked))
        } else {
            ui_row
        }
    });
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected));
    let mut ui_state = UiTableState::default()
        .with_offset(state.offset)
        .with_selected(view.focused.then_some(state.selected));
    frame.render_stateful_widget(table, area, &mut ui_state);
}
