//! The detail of plain records (tables, indexes, pools, journal entries): every column of
//! the row, an index's definition (read when the view opened), a journal entry's SQL and
//! notices; and the latency of a `query_performance_log` hash.

use ratatui::text::{Line, Span};

use super::lines::{fetched, field, heading};
use crate::monitor::collector::DetailData;
use crate::monitor::collector::detail::IndexDetail;
use crate::text::format;
use crate::text::sanitize::sanitized;
use crate::tui::app::App;
use crate::tui::screens::table::RowId;
use crate::tui::theme::{Role, Theme};

/// Every column of the selected row, one per line: the detail of screens whose rows
/// are plain records (tables, indexes, applications, pools). An index adds its
/// definition.
pub(super) fn row_detail(app: &App, id: &RowId) -> (String, Vec<Line<'static>>) {
    let theme = app.theme();
    let Some(table) = app.focused_table_id() else {
        return (" detail ".into(), vec![]);
    };
    let Some((columns, row)) = crate::tui::screens::sources::row(app, table, id) else {
        return (" detail ".into(), vec![Line::from("no longer listed")]);
    };
    let width = columns
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = columns
        .iter()
        .zip(&row.cells)
        .map(|(column, cell)| {
            Line::from(vec![
                Span::styled(
                    format!("{:<width$}  ", column.title),
                    theme.style(Role::Muted),
                ),
                Span::styled(
                    cell.text.trim().to_string(),
                    theme.style(cell.severity.role()),
                ),
            ])
        })
        .collect::<Vec<_>>();
    lines.extend(journal_extra(app, id, width));
    if let (crate::tui::screens::state::TableId::Maintenance, RowId::Relation(relid)) = (table, id)
        && let Some(holder) = crate::tui::screens::maintenance::held_by(app, *relid)
    {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<width$}  ", "HELD BY"), theme.style(Role::Muted)),
            Span::styled(holder, theme.style(Role::Warn)),
        ]));
    }
    if table == crate::tui::screens::state::TableId::Indexes {
        lines.extend(index_lines(theme, fetched(app)));
    }
    // The first text column names the row (numeric columns like `!!` come before it).
    let title = columns
        .iter()
        .zip(&row.cells)
        .find(|(column, _)| !column.numeric)
        .map_or_else(
            || " detail ".into(),
            |(_, c)| format!(" {} ", c.text.trim()),
        );
    (title, lines)
}

/// The index's definition, read when the view opened.
fn index_lines(theme: &Theme, answer: Option<&Result<DetailData, String>>) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from("")];
    match answer {
        None => lines.push(heading(
            theme,
            "Definition: reading pg_get_indexdef…".into(),
        )),
        Some(Err(error)) => {
            lines.push(heading(theme, "Definition".into()));
            lines.push(Line::from(Span::styled(
                format!("could not be read: {error}"),
                theme.style(Role::Crit),
            )));
        }
        Some(Ok(DetailData::Index(IndexDetail {
            definition,
            constraint,
            valid,
        }))) => {
            lines.push(heading(theme, "Definition".into()));
            match definition {
                Some(definition) => lines.extend(
                    definition
                        .lines()
                        .map(|l| Line::from(Span::styled(l.to_string(), theme.style(Role::Text)))),
                ),
                None => lines.push(Line::from("the index no longer exists")),
            }
            if let Some(constraint) = constraint {
                lines.push(Line::from(vec![
                    Span::styled("backs the constraint ", theme.style(Role::Muted)),
                    Span::styled(constraint.clone(), theme.style(Role::Text)),
                ]));
            }
            if *valid == Some(false) {
                lines.push(Line::from(Span::styled(
                    "INVALID: not used by queries, still maintained on every write",
                    theme.style(Role::Crit),
                )));
            }
        }
        Some(Ok(_)) => {}
    }
    lines
}

/// A journal entry's detail adds what the table has no room for: the full time, who ran
/// it where, the exact SQL and the server's notices.
fn journal_extra(app: &App, id: &RowId, width: usize) -> Vec<Line<'static>> {
    let entry = match id {
        RowId::Name(name) => name
            .strip_prefix("journal#")
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| app.journal().get(index)),
        _ => None,
    };
    let Some(entry) = entry else {
        return vec![];
    };
    let theme = app.theme();
    let line = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<width$}  "), theme.style(Role::Muted)),
            Span::styled(value, theme.style(Role::Text)),
        ])
    };
    let mut lines = vec![
        line("at", entry.time.clone()),
        line("by", format!("{} on {}", entry.role, entry.server)),
        line("SQL", sanitized(&entry.sql)),
    ];
    for notice in &entry.notices {
        lines.push(line("notice", sanitized(notice)));
    }
    lines
}

pub(super) fn latency_detail(app: &App, hash: &str, theme: &Theme) -> Vec<Line<'static>> {
    let Some(q) = app
        .model()
        .snapshot()
        .and_then(|s| s.slow.as_ref())
        .and_then(|slow| slow.performance_log.as_ref().ok())
        .and_then(|log| {
            log.queries
                .iter()
                .find(|q| q.query_hash.as_deref() == Some(hash))
        })
    else {
        return vec![Line::from("no longer in the window")];
    };
    vec![
        Line::from(
            [
                field(theme, "count", format::thousands(q.count)),
                field(theme, "mean", format::millis_unit(q.mean_ms)),
                field(theme, "slow", format::thousands(q.slow_count)),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(theme, "p50", format::millis_unit(q.p50_ms)),
                field(theme, "p95", format::millis_unit(q.p95_ms)),
                field(theme, "p99", format::millis_unit(q.p99_ms)),
                field(theme, "max", format::millis_unit(q.max_ms)),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(theme, "rows examined", format::thousands(q.rows_examined)),
                field(theme, "rows returned", format::thousands(q.rows_returned)),
            ]
            .concat(),
        ),
    ]
}
