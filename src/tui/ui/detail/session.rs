//! A session's detail: who and what, timings, whom it blocks and waits for, the locks it
//! holds and waits for (read when the view opened) and its exact query.

use ratatui::text::{Line, Span};

use super::lines::{fetched, field, heading, query_lines};
use crate::monitor::collector::DetailData;
use crate::monitor::collector::detail::SessionDetail;
use crate::monitor::snapshot::Session;
use crate::text::format;
use crate::text::sanitize::sanitize_multiline;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

fn opt_age(age: Option<std::time::Duration>) -> String {
    age.map_or_else(|| "-".into(), format::duration)
}

pub(super) fn detail(app: &App, pid: i32, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let Some(session) = find_session(app, pid) else {
        return (
            format!(" session {pid} "),
            vec![Line::from("this session has ended")],
        );
    };
    let blocking: Vec<String> = app
        .model
        .snapshot()
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
                field(
                    theme,
                    "state",
                    session
                        .state
                        .as_ref()
                        .map_or_else(|| "-".into(), ToString::to_string),
                ),
                field(theme, "wait", wait),
                field(theme, "type", session.backend_type.to_string()),
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

fn join_or_dash(items: Vec<String>) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

fn find_session(app: &App, pid: i32) -> Option<&Session> {
    app.model
        .snapshot()?
        .activity
        .as_ref()
        .ok()?
        .iter()
        .find(|s| s.pid == pid)
}
