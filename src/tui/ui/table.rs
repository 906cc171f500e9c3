//! Draws a [`TableModel`] with its [`TableState`]: columns that don't fit are dropped by
//! priority, numbers right-aligned, the sort column marked, the selection highlighted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell as UiCell, Row as UiRow, Table, TableState as UiTableState};

use crate::tui::app::table::{Column, Severity, TableModel, TableState};
use crate::tui::theme::{Role, Theme};

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

/// The columns a column takes: its minimum width, and never less than its title plus
/// one for the sort marker (`BLOCKS▼` must not lose its B to the marker).
pub fn column_width(column: &Column) -> u16 {
    let title = u16::try_from(super::text::width(column.title)).unwrap_or(u16::MAX);
    column.width.max(title.saturating_add(1))
}

/// Indexes of the columns that fit in `width`, dropping the highest priority numbers
/// first; the last text column takes what is left.
pub fn visible_columns(model: &TableModel, width: u16) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..model.columns.len()).collect();
    let needed = |shown: &[usize]| -> u16 {
        shown
            .iter()
            .map(|&i| column_width(&model.columns[i]) + 1)
            .sum()
    };
    while needed(&shown) > width + 1 && shown.len() > 1 {
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

/// The width of each shown column: their own, and the rest of the line for the last
/// text column (or the last column when all are numbers).
fn resolved_widths(model: &TableModel, shown: &[usize], inner_width: u16) -> Vec<u16> {
    let mut widths: Vec<u16> = shown
        .iter()
        .map(|&i| column_width(&model.columns[i]))
        .collect();
    let stretch = shown
        .iter()
        .rposition(|&i| !model.columns[i].numeric)
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

/// Where the view is in a long table: `21–40 of 124`, on the bottom border.
pub fn position(offset: usize, visible: usize, rows: usize) -> Option<String> {
    (rows > visible).then(|| {
        let first = offset.min(rows.saturating_sub(1)) + 1;
        let last = (offset + visible).min(rows);
        format!(" {first}–{last} of {rows} ")
    })
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
    let visible = crate::tui::layout::table_rows(area).max(1);
    // Never lines left empty below while rows are hidden above (the stored offset may be
    // from a longer list or a taller area).
    let offset = state.offset.min(model.rows.len().saturating_sub(visible));
    // The title is cut on a word boundary when the panel is narrow; the count stays.
    let room = usize::from(area.width.saturating_sub(4));
    let suffix = format!(" ({count}){filter}");
    let title = super::text::fit_title(
        &view.title,
        room.saturating_sub(super::text::width(&suffix)),
    );
    let title = super::text::fit(&format!(" {title}{suffix} "), room + 2);
    let mut block = Block::bordered()
        .border_style(theme.style(border))
        .title(Span::styled(title, theme.style(Role::Title)));
    if let Some(position) = position(offset, visible, model.rows.len()) {
        block = block.title_bottom(
            Line::from(Span::styled(position, theme.style(Role::Muted))).right_aligned(),
        );
    }
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
    let widths = resolved_widths(model, &shown, inner_width);
    let header = UiRow::new(shown.iter().zip(&widths).map(|(&i, &width)| {
        let column = &model.columns[i];
        let sorted_here = state.sort_column == Some(i) && !model.fixed_order;
        let marker = match (sorted_here, state.descending) {
            (true, true) => "▼",
            (true, false) => "▲",
            _ => "",
        };
        let title = super::text::fit(&format!("{}{marker}", column.title), usize::from(width));
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
        let cells = shown.iter().zip(&widths).map(|(&i, &width)| {
            let (text, severity) = row
                .cells
                .get(i)
                .map_or(("", Severity::Normal), |c| (c.text.as_str(), c.severity));
            // A cut value says so with `…`: a name that silently loses its end reads
            // as another name.
            let text = super::text::fit(text.trim_end(), usize::from(width));
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
    let constraints: Vec<Constraint> = widths.iter().copied().map(Constraint::Length).collect();
    let table = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected));
    let mut ui_state = UiTableState::default()
        .with_offset(offset)
        .with_selected(view.focused.then_some(state.selected));
    frame.render_stateful_widget(table, area, &mut ui_state);
}
