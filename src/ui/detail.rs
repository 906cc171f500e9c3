//! The detail view (Enter): everything about the selected session or statement, with the
//! full query formatted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::App;
use crate::app::table::RowId;
use crate::format;
use crate::sanitize::sanitized;
use crate::snapshot::Session;
use crate::theme::{Role, Theme};

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let area = super::centered(
        body,
        body.width.saturating_sub(4).max(40),
        body.height.saturating_sub(2).max(10),
    );
    let theme = &app.theme;
    let (title, lines) = match selected(app) {
        Some(RowId::Pid(pid)) => session_detail(app, pid),
        Some(RowId::Statement(key)) => statement_detail(app, key),
        Some(RowId::QueryHash(hash)) => (
            format!(" query_hash {hash} "),
            latency_detail(app, &hash, theme),
        ),
        Some(id @ (RowId::Relation(_) | RowId::Name(_))) => row_detail(app, &id),
        None => (" detail ".into(), vec![Line::from("nothing selected")]),
    };
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Span::styled(title, theme.style(Role::Title)))
        .title_bottom(Span::styled(
            " Esc back · y copy query ",
            theme.style(Role::Muted),
        ));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.style(Role::Dialog))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn selected(app: &App) -> Option<RowId> {
    app.tables
        .state(app.focused_table_id()?)
        .selected_id
        .clone()
}

fn field<'a>(theme: &Theme, name: &'a str, value: String) -> Vec<Span<'a>> {
    vec![
        Span::styled(format!("{name} "), theme.style(Role::Muted)),
        Span::styled(value, theme.style(Role::Text)),
        Span::raw("   "),
    ]
}

fn opt_age(age: Option<std::time::Duration>) -> String {
    age.map_or_else(|| "-".into(), format::duration)
}

fn session_detail(app: &App, pid: i32) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let Some(session) = find_session(app, pid) else {
        return (
            format!(" pid {pid} "),
            vec![Line::from("this session has ended")],
        );
    };
    let blocking: Vec<String> = app
        .latest
        .as_ref()
        .and_then(|s| s.activity.as_ref().ok())
        .map(|all| {
            all.iter()
                .filter(|s| s.blocked_by.contains(&pid))
                .map(|s| s.pid.to_string())
                .collect()
        })
        .unwrap_or_default();
    let wait = match (&session.wait_event_type, &session.wait_event) {
        (Some(kind), Some(event)) => format!("{kind}:{event}"),
        _ => "-".into(),
    };
    let mut lines = vec![
        Line::from(
            [
                field(
                    theme,
                    "user",
                    session.user.clone().unwrap_or_else(|| "-".into()),
                ),
                field(
                    theme,
                    "db",
                    session.database.clone().unwrap_or_else(|| "-".into()),
                ),
                field(theme, "app", session.application.clone()),
                field(
                    theme,
                    "client",
                    session.client.clone().unwrap_or_else(|| "-".into()),
                ),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(
                    theme,
                    "state",
                    session.state.clone().unwrap_or_else(|| "-".into()),
                ),
                field(theme, "wait", wait),
                field(theme, "type", session.backend_type.clone()),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(theme, "backend", format::duration(session.backend_age)),
                field(theme, "xact", opt_age(session.xact_age)),
                field(theme, "query", opt_age(session.query_age)),
                field(theme, "state changed", opt_age(session.state_age)),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(
                    theme,
                    "blocked by",
                    join_or_dash(session.blocked_by.iter().map(i32::to_string).collect()),
                ),
                field(theme, "blocking", join_or_dash(blocking)),
                field(
                    theme,
                    "xmin age",
                    session
                        .xmin_age
                        .map_or("-".into(), |a| format::thousands(i64::from(a))),
                ),
                field(
                    theme,
                    "query id",
                    session.query_id.map_or("-".into(), |q| q.to_string()),
                ),
            ]
            .concat(),
        ),
        Line::from(""),
    ];
    lines.extend(formatted_query(&session.query, theme));
    (format!(" session {pid} "), lines)
}

/// Every column of the selected row, one per line: the detail of screens whose rows
/// are plain records (tables, indexes, applications, pools).
fn row_detail(app: &App, id: &RowId) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let Some(model) = app.focused_table_id().map(|t| app.tables.model(t)) else {
        return (" detail ".into(), vec![]);
    };
    let Some(row) = model.rows.iter().find(|r| &r.id == id) else {
        return (" detail ".into(), vec![Line::from("no longer listed")]);
    };
    let width = model
        .columns
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(0);
    let lines = model
        .columns
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
                    theme.style(super::table::role_for(cell.severity)),
                ),
            ])
        })
        .collect::<Vec<_>>();
    let mut lines = lines;
    lines.extend(journal_extra(app, id, width));
    // The first text column names the row (numeric columns like `!!` come before it).
    let title = model
        .columns
        .iter()
        .zip(&row.cells)
        .find(|(column, _)| !column.numeric)
        .map_or_else(
            || " detail ".into(),
            |(_, c)| format!(" {} ", c.text.trim()),
        );
    (title, lines)
}

/// A journal entry's detail adds what the table has no room for: the full time, who ran
/// it where, the exact SQL and the server's notices.
fn journal_extra(app: &App, id: &RowId, width: usize) -> Vec<Line<'static>> {
    let entry = match id {
        RowId::Name(name) => name
            .strip_prefix("journal#")
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| app.journal.get(index)),
        _ => None,
    };
    let Some(entry) = entry else {
        return vec![];
    };
    let theme = &app.theme;
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

fn join_or_dash(items: Vec<String>) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

fn find_session(app: &App, pid: i32) -> Option<&Session> {
    app.latest
        .as_ref()?
        .activity
        .as_ref()
        .ok()?
        .iter()
        .find(|s| s.pid == pid)
}

fn statement_detail(app: &App, key: crate::snapshot::StatementKey) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let mut lines = Vec::new();
    if let Some(d) = app.derived.statements.rows.iter().find(|d| d.key == key) {
        lines.push(Line::from(
            [
                field(theme, "calls/s", format::quantity(d.calls_per_sec)),
                field(
                    theme,
                    "mean",
                    d.mean_ms.map_or("-".into(), format::millis_unit),
                ),
                field(
                    theme,
                    "% time",
                    format::percent(Some(d.share_of_total_time)),
                ),
                field(theme, "rows/s", format::quantity(d.rows_per_sec)),
                field(theme, "hit", format::percent(d.shared_hit_ratio)),
            ]
            .concat(),
        ));
    }
    if let Some(t) = app.derived.cumulative.iter().find(|t| t.key == key) {
        lines.push(Line::from(
            [
                field(theme, "calls", format::thousands(t.calls)),
                field(theme, "total", format::millis_unit(t.total_exec_time_ms)),
                field(
                    theme,
                    "mean",
                    t.mean_ms.map_or("-".into(), format::millis_unit),
                ),
                field(theme, "rows", format::thousands(t.rows)),
                field(theme, "temp blocks", format::thousands(t.temp_blks)),
            ]
            .concat(),
        ));
    }
    lines.push(Line::from(
        [
            field(theme, "queryid", key.queryid.to_string()),
            field(theme, "userid", key.userid.to_string()),
            field(theme, "dbid", key.dbid.to_string()),
            field(theme, "toplevel", key.toplevel.to_string()),
        ]
        .concat(),
    ));
    lines.push(Line::from(""));
    let text = app
        .latest
        .as_ref()
        .and_then(|s| s.statements.as_ref().ok())
        .and_then(|s| s.texts.get(&key).cloned())
        .unwrap_or_else(|| "(text not fetched yet)".into());
    lines.extend(formatted_query(&text, theme));
    (format!(" statement {} ", key.queryid), lines)
}

fn latency_detail(app: &App, hash: &str, theme: &Theme) -> Vec<Line<'static>> {
    let Some(q) = app
        .latest
        .as_ref()
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

/// The query pretty-printed. Formatting works on already sanitized text, so nothing the
/// server sent can reintroduce control characters; sqlformat's output is sanitized again
/// per line all the same.
fn formatted_query(query: &str, theme: &Theme) -> Vec<Line<'static>> {
    let options = sqlformat::FormatOptions {
        indent: sqlformat::Indent::Spaces(2),
        uppercase: Some(true),
        ..sqlformat::FormatOptions::default()
    };
    let pretty = sqlformat::format(query, &sqlformat::QueryParams::None, &options);
    pretty
        .lines()
        .map(|l| {
            Line::from(Span::styled(
                crate::sanitize::sanitized(l),
                theme.style(Role::Text),
            ))
        })
        .collect()
}
