//! The detail view (Enter): everything about the selected row. Sessions add the locks they
//! hold and wait for; statements every counter of their extension version, with role and
//! database by name; indexes their definition (the three read once when the view opens).
//! Query texts keep their line breaks; everything wraps to the popup and scrolls (j/k,
//! PgUp/PgDn, g/G).
//!
//! ```text
//! ┌ session 4242 ────────────────────────────────────────────────────────────┐
//! │user app   db app   app learning-api   client 10.0.0.7                    │
//! │Locks when the view opened: 2 held, waits for 1                           │
//! │  waits  ShareLock          transaction 748 · since 10:00:01              │
//! │  held   RowExclusiveLock   public.learning_sessions                      │
//! │Query (exact text)                                                        │
//! │UPDATE learning_sessions                                                  │
//! │   SET completed = true -- from the app                                   │
//! │ WHERE user_id = $1                                                       │
//! └ Esc back · j/k scroll · y copy ───────────────────────────── 1–20 of 42 ─┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::App;
use crate::app::table::RowId;
use crate::collector::DetailData;
use crate::collector::detail::{IndexDetail, SessionDetail, StatementDetail};
use crate::format;
use crate::sanitize::{sanitize_multiline, sanitized};
use crate::snapshot::{Session, StatementKey};
use crate::theme::{Role, Theme};

/// The view takes the whole body: on a small terminal every line counts.
fn area(body: Rect) -> Rect {
    body
}

/// The view's title and its lines, wrapped to `width` columns.
fn content(app: &App, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let (title, lines) = match selected(app) {
        Some(RowId::Pid(pid)) => session_detail(app, pid, width),
        Some(RowId::Statement(key)) => statement_detail(app, key, width),
        Some(RowId::QueryHash(hash)) => (
            format!(" query_hash {} ", sanitized(&hash)),
            latency_detail(app, &hash, theme),
        ),
        Some(id @ (RowId::Relation(_) | RowId::Name(_))) => row_detail(app, &id),
        None => (" detail ".into(), vec![Line::from("nothing selected")]),
    };
    let wrapped = lines
        .iter()
        .flat_map(|line| super::text::wrap_line(line, width))
        .collect();
    (title, wrapped)
}

/// How far the view can scroll and how many lines a page has.
pub(super) fn scroll_limit(app: &App, body: Rect) -> (u16, u16) {
    let area = area(body);
    let page = area.height.saturating_sub(2);
    let (_, lines) = content(app, usize::from(area.width.saturating_sub(2)));
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    (total.saturating_sub(page), page)
}

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let theme = &app.theme;
    super::cover(frame, body);
    let area = area(body);
    let page = usize::from(area.height.saturating_sub(2));
    let (title, lines) = content(app, usize::from(area.width.saturating_sub(2)));
    let (limit, _) = scroll_limit(app, body);
    let scroll = app.overlay_scroll.min(limit);
    let mut hints = vec!["Esc back".to_string()];
    if lines.len() > page {
        hints.push("j/k scroll".into());
    }
    hints.push("y copy".into());
    let hint = format!(" {} ", hints.join(" · "));
    let mut block = Block::bordered()
        .border_style(theme.style(Role::BorderFocused))
        .title(Span::styled(
            super::text::fit(&title, usize::from(area.width.saturating_sub(2))),
            theme.style(Role::Title),
        ))
        .title_bottom(Span::styled(hint, theme.style(Role::Muted)));
    if let Some(position) = super::table::position(usize::from(scroll), page, lines.len()) {
        block = block.title_bottom(
            Line::from(Span::styled(position, theme.style(Role::Muted))).right_aligned(),
        );
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.style(Role::Dialog))
            .scroll((scroll, 0)),
        area,
    );
}

fn selected(app: &App) -> Option<RowId> {
    app.tables
        .state(app.focused_table_id()?)
        .selected_id
        .clone()
}

/// A `name value` pair; pairs on one line wrap between pairs, not inside them (no-break
/// spaces hold a pair together; they are drawn as spaces).
fn field(theme: &Theme, name: &str, value: String) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("{name}\u{a0}"), theme.style(Role::Muted)),
        Span::styled(value.replace(' ', "\u{a0}"), theme.style(Role::Text)),
        Span::raw("   "),
    ]
}

fn heading(theme: &Theme, text: String) -> Line<'static> {
    Line::from(Span::styled(text, theme.style(Role::Header)))
}

fn opt_age(age: Option<std::time::Duration>) -> String {
    age.map_or_else(|| "-".into(), format::duration)
}

/// What the poller answered for the open view, if it is about this row.
fn fetched(app: &App) -> Option<&Result<DetailData, String>> {
    app.detail.as_ref()?.answer.as_ref()
}

fn session_detail(app: &App, pid: i32, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let Some(session) = find_session(app, pid) else {
        return (
            format!(" session {pid} "),
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
    let dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    let mut lines = vec![
        Line::from(
            [
                field(theme, "user", dash(&session.user)),
                field(theme, "db", dash(&session.database)),
                field(theme, "app", session.application.clone()),
                field(theme, "client", dash(&session.client)),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(theme, "state", dash(&session.state)),
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
    let answer = match fetched(app) {
        Some(Ok(DetailData::Session(detail))) => Some(Ok(detail)),
        Some(Err(error)) => Some(Err(error)),
        _ => None,
    };
    lines.extend(lock_lines(theme, answer));
    lines.push(Line::from(""));
    let text = if session.raw_query.is_empty() {
        session.query.clone()
    } else {
        sanitize_multiline(&session.raw_query).into_owned()
    };
    let limit = match answer {
        Some(Ok(detail)) => detail.query_size_limit,
        _ => None,
    };
    let mut note = String::new();
    if let Some(limit) = limit
        && session.raw_query.len() + 1 >= limit
    {
        note = format!(" · cut by the server at {limit} bytes (track_activity_query_size)");
    }
    lines.extend(query_lines(theme, &text, &note, width));
    (format!(" session {pid} "), lines)
}

/// `Locks: 2 held, waits for 1`, then one line per lock, the awaited ones first.
fn lock_lines(
    theme: &Theme,
    answer: Option<Result<&SessionDetail, &String>>,
) -> Vec<Line<'static>> {
    let detail = match answer {
        None => return vec![heading(theme, "Locks: reading pg_locks…".into())],
        Some(Err(error)) => {
            return vec![
                heading(theme, "Locks".into()),
                Line::from(Span::styled(
                    format!("could not be read: {error}"),
                    theme.style(Role::Crit),
                )),
            ];
        }
        Some(Ok(detail)) => detail,
    };
    if !detail.same_session {
        return vec![heading(
            theme,
            "Locks: the session has ended (its pid now belongs to another one)".into(),
        )];
    }
    let held = detail.locks.iter().filter(|l| l.granted).count();
    let waiting = detail.locks.len() - held;
    // Read once, when the view opened: the rest of the view follows the polls.
    let mut summary = format!("Locks when the view opened: {held} held");
    if waiting > 0 {
        summary.push_str(&format!(", waits for {waiting}"));
    }
    let mut lines = vec![heading(theme, summary)];
    let mode_width = detail
        .locks
        .iter()
        .map(|l| l.mode.chars().count())
        .max()
        .unwrap_or(0);
    for lock in &detail.locks {
        let (state, role) = if lock.granted {
            ("held ", Role::Text)
        } else {
            ("waits", Role::Crit)
        };
        let mut object = format!("{} ({})", lock.object, lock.locktype);
        if let Some(since) = &lock.wait_start {
            object.push_str(&format!(" · since {since}"));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {state}  "), theme.style(role)),
            Span::styled(
                format!("{:<mode_width$}  ", lock.mode),
                theme.style(Role::Text),
            ),
            Span::styled(object, theme.style(Role::Text)),
        ]));
    }
    lines
}

/// The text under a `Query` heading: as sent when it has line breaks of its own; laid out
/// by a formatter (whitespace only) when it is one line too long for the view.
fn query_lines(theme: &Theme, text: &str, note: &str, width: usize) -> Vec<Line<'static>> {
    let one_long_line = !text.contains('\n') && super::text::width(text) > width;
    let (label, shown) = if one_long_line {
        (
            "Query (laid out for reading; y copies it as sent)",
            laid_out(text),
        )
    } else {
        ("Query (exact text)", text.to_string())
    };
    let mut lines = vec![heading(theme, format!("{label}{note}"))];
    // A line too long for the view goes on after `↪ `, so a wrap never reads as a line
    // break of the text.
    for source in shown.lines() {
        let fits = super::text::width(source) <= width && !source.contains('\t');
        let source = Line::from(Span::styled(source.to_string(), theme.style(Role::Text)));
        if fits {
            lines.push(source);
            continue;
        }
        let pieces = super::text::wrap_line(&source, width.saturating_sub(2).max(10));
        for (index, piece) in pieces.into_iter().enumerate() {
            if index == 0 {
                lines.push(piece);
            } else {
                let mut spans = vec![Span::styled("↪ ", theme.style(Role::Muted))];
                spans.extend(piece.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    lines
}

/// One long line of SQL over several: sqlformat changes only whitespace here (keywords
/// keep their case). Its input is already display-safe, and its output is sanitized again
/// (keeping line breaks) all the same.
fn laid_out(text: &str) -> String {
    let options = sqlformat::FormatOptions {
        indent: sqlformat::Indent::Spaces(2),
        uppercase: None,
        ..sqlformat::FormatOptions::default()
    };
    let pretty = sqlformat::format(text, &sqlformat::QueryParams::None, &options);
    sanitize_multiline(&pretty).into_owned()
}

/// Every column of the selected row, one per line: the detail of screens whose rows
/// are plain records (tables, indexes, applications, pools). An index adds its
/// definition.
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
    let mut lines = model
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
    lines.extend(journal_extra(app, id, width));
    if app.focused_table_id() == Some(crate::app::TableId::Indexes) {
        lines.extend(index_lines(theme, fetched(app)));
    }
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

fn statement_detail(app: &App, key: StatementKey, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let detail = match fetched(app) {
        Some(Ok(DetailData::Statement(detail))) => Some(Ok(detail)),
        Some(Err(error)) => Some(Err(error)),
        _ => None,
    };
    let database = detail
        .and_then(|d| d.ok())
        .and_then(|d| d.database.clone())
        .or_else(|| database_name(app, key.dbid));
    // Names, not OIDs: the role's comes with the counters (the OID only if they failed).
    let role = match detail {
        Some(Ok(d)) => d.role.clone(),
        Some(Err(_)) => None,
        None => Some("(reading…)".into()),
    };
    let mut lines = vec![Line::from(
        [
            field(
                theme,
                "role",
                role.unwrap_or_else(|| format!("oid {}", key.userid)),
            ),
            field(
                theme,
                "database",
                database.unwrap_or_else(|| format!("oid {}", key.dbid)),
            ),
            field(theme, "queryid", key.queryid.to_string()),
            field(
                theme,
                "top level",
                if key.toplevel { "yes" } else { "no (nested)" }.into(),
            ),
        ]
        .concat(),
    )];
    if let Some(d) = app.derived.statements.rows.iter().find(|d| d.key == key) {
        lines.push(Line::from(
            [
                vec![Span::styled(
                    format!("last {}:   ", format::duration(app.refresh)),
                    theme.style(Role::Header),
                )],
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
    lines.push(Line::from(""));
    match detail {
        None => lines.push(heading(
            theme,
            "Since the entry started: reading pg_stat_statements…".into(),
        )),
        Some(Err(error)) => {
            lines.push(heading(theme, "Since the entry started".into()));
            lines.push(Line::from(Span::styled(
                format!("could not be read: {error}"),
                theme.style(Role::Crit),
            )));
        }
        Some(Ok(detail)) => {
            let io_timing = app
                .latest
                .as_ref()
                .and_then(|s| s.capabilities.as_ref())
                .is_some_and(|c| c.track_io_timing);
            lines.extend(counter_lines(theme, detail, io_timing));
        }
    }
    lines.push(Line::from(""));
    let text = crate::app::detail::statement_text(app, key);
    // The cached text is cut at 8 KiB; the whole one comes with the counters.
    let cut = text.as_ref().is_some_and(|t| t.ends_with('…'));
    let note = match detail {
        Some(Ok(_)) => "",
        None if cut => " · its first 8 KiB, reading the whole text…",
        Some(Err(_)) if cut => " · only its first 8 KiB: the whole text could not be read",
        _ => "",
    };
    match text {
        Some(text) => lines.extend(query_lines(theme, &text, note, width)),
        None => lines.push(heading(theme, "Query: text not fetched yet".into())),
    }
    (format!(" statement {} ", key.queryid), lines)
}

/// The counters of one entry, grouped the way a DBA reads them; groups the installed
/// extension version does not have are left out.
fn counter_lines(
    theme: &Theme,
    detail: &StatementDetail,
    track_io_timing: bool,
) -> Vec<Line<'static>> {
    let ms = |name: &str| detail.counter(name).map(format::millis_unit);
    let count = |name: &str| detail.counter(name).map(format::quantity);
    let mut lines = Vec::new();
    let since = detail
        .stats_since
        .as_ref()
        .map_or_else(String::new, |s| format!(" (since {s})"));
    lines.push(heading(theme, format!("Since the entry started{since}")));
    let group = |label: &str, pairs: Vec<(&str, Option<String>)>| -> Option<Line<'static>> {
        let present: Vec<Span<'static>> = pairs
            .into_iter()
            .filter_map(|(name, value)| Some(field(theme, name, value?)))
            .flatten()
            .collect();
        (!present.is_empty()).then(|| {
            Line::from(
                [
                    vec![Span::styled(
                        format!("{label:<10}"),
                        theme.style(Role::Muted),
                    )],
                    present,
                ]
                .concat(),
            )
        })
    };
    let exec = group(
        "execution",
        vec![
            ("calls", count("calls")),
            ("total", ms("total_exec_time")),
            ("mean", ms("mean_exec_time")),
            ("min", ms("min_exec_time")),
            ("max", ms("max_exec_time")),
            ("stddev", ms("stddev_exec_time")),
            ("rows", count("rows")),
        ],
    );
    lines.extend(exec);
    // Planning is counted only with pg_stat_statements.track_planning = on: zeros
    // otherwise, which must not read as "no planning time".
    let not_counted = |label: &str, why: &str| {
        Line::from(vec![
            Span::styled(format!("{label:<10}"), theme.style(Role::Muted)),
            Span::styled(format!("not counted ({why})"), theme.style(Role::Muted)),
        ])
    };
    match (detail.counter("plans"), detail.track_planning) {
        (None, _) => {}
        (Some(_), Some(false)) => lines.push(not_counted(
            "planning",
            "pg_stat_statements.track_planning = off",
        )),
        (Some(_), _) => lines.extend(group(
            "planning",
            vec![
                ("plans", count("plans")),
                ("total", ms("total_plan_time")),
                ("mean", ms("mean_plan_time")),
                ("stddev", ms("stddev_plan_time")),
            ],
        )),
    }
    lines.extend(group(
        "shared",
        vec![
            ("hit", count("shared_blks_hit")),
            ("read", count("shared_blks_read")),
            ("dirtied", count("shared_blks_dirtied")),
            ("written", count("shared_blks_written")),
        ],
    ));
    let local = ["local_blks_hit", "local_blks_read", "local_blks_written"]
        .iter()
        .any(|name| detail.counter(name).is_some_and(|v| v > 0.0));
    if local {
        lines.extend(group(
            "local",
            vec![
                ("hit", count("local_blks_hit")),
                ("read", count("local_blks_read")),
                ("written", count("local_blks_written")),
            ],
        ));
    }
    lines.extend(group(
        "temp",
        vec![
            ("read", count("temp_blks_read")),
            ("written", count("temp_blks_written")),
        ],
    ));
    // 1.11 renamed blk_*_time to shared_blk_*_time; zeros without track_io_timing.
    if track_io_timing {
        let read_time = ms("shared_blk_read_time").or_else(|| ms("blk_read_time"));
        let write_time = ms("shared_blk_write_time").or_else(|| ms("blk_write_time"));
        lines.extend(group(
            "I/O time",
            vec![("read", read_time), ("write", write_time)],
        ));
    } else {
        lines.push(not_counted("I/O time", "track_io_timing = off"));
    }
    lines.extend(group(
        "WAL",
        vec![
            ("records", count("wal_records")),
            ("full-page images", count("wal_fpi")),
            (
                "bytes",
                detail.counter("wal_bytes").map(|b| format::bytes(b as i64)),
            ),
            ("buffers full", count("wal_buffers_full")),
        ],
    ));
    lines
}

/// A database's name from the polled counters.
fn database_name(app: &App, dbid: u32) -> Option<String> {
    app.latest
        .as_ref()?
        .databases
        .as_ref()
        .ok()?
        .iter()
        .find(|d| d.datid == dbid)
        .map(|d| d.name.clone())
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
