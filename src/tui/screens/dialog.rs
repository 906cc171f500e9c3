//! The confirmation dialog: the exact SQL, the target, the lock it takes, and Yes/No with
//! the real keys from the keymap. The EXPLAIN output view lives here too.
//!
//! ```text
//! ┌ Terminate session ───────────────────────────────────────────────┐
//! │ Target  pid 4242 · psql · alice · query running 2m 3s            │
//! │         select pg_sleep(600)                                     │
//! │ Lock    none (sends a signal to the backend)                     │
//! │ SQL     SELECT pg_catalog.pg_terminate_backend(pid) FROM ...     │
//! │                  [ Yes  y ]   [ No  n ]     Enter: focused · Esc │
//! └──────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::detail::TextOverlay;
use crate::actions::{BackendTarget, Plan, Target};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::app::{Dialog, Purpose};
use crate::tui::fit;
use crate::tui::keymap::Action;
use crate::tui::theme::{Role, Theme};

/// Targets listed one by one before "… and N more".
const LISTED_TARGETS: usize = 5;
/// The label column ("Target  ", "SQL     ").
const LABEL_WIDTH: usize = 8;
/// SQL lines shown before "…".
const SQL_LINES: usize = 12;

/// A confirmation dialog as drawn: a box centred in the body, what it will do, and the
/// buttons on its last line.
#[derive(Debug, Clone, PartialEq)]
pub struct DialogView {
    pub area: Rect,
    pub title: Line<'static>,
    /// Destructive: the border says so.
    pub danger: bool,
    pub lines: Vec<Line<'static>>,
    pub buttons: Line<'static>,
}

/// The dialog `dialog` over `body`.
pub fn view(app: &App, dialog: &Dialog, body: Rect) -> DialogView {
    let theme = app.theme();
    let width = body.width.saturating_sub(4).clamp(40, 100);
    let inner_width = usize::from(width.saturating_sub(2));
    let (title, lines, danger) = match &dialog.purpose {
        Purpose::Run(plan) => (
            format!(" {} ", plan.kind.title()),
            plan_lines(plan, theme, inner_width),
            plan.kind.destructive(),
        ),
        Purpose::Stop { title, sql, .. } => (
            format!(" Stop {title}? "),
            vec![
                label_line(theme, "Running", first_line(sql)),
                Line::from(Span::styled(
                    "Cancels the statement on the server. A stopped REINDEX CONCURRENTLY \
                     can leave an invalid index behind (pgpulse reports it).",
                    theme.style(Role::Warn),
                )),
            ],
            true,
        ),
    };
    // The buttons always show, on the last line: on a small terminal the lines above
    // give way (ending in "…"), never Yes/No.
    let mut content: Vec<Line<'static>> = lines
        .iter()
        .flat_map(|line| fit::wrap_line(&owned(line), inner_width))
        .collect();
    let room = usize::from(body.height.saturating_sub(4)).max(1);
    if content.len() > room {
        let hidden = content.len() - room + 1;
        content.truncate(room - 1);
        let more = fit::fit_title(
            &format!("… {hidden} more lines · a larger terminal shows them"),
            inner_width,
        );
        content.push(Line::from(Span::styled(more, theme.style(Role::Muted))));
    }
    let height = u16::try_from(content.len() + 4)
        .unwrap_or(u16::MAX)
        .min(body.height);
    DialogView {
        area: super::overlay::centered(body, width, height),
        title: Line::from(Span::styled(title, theme.style(Role::Title))),
        danger,
        lines: content,
        buttons: buttons(app, dialog, danger, inner_width),
    }
}

/// A line with owned text, for wrapping.
fn owned(line: &Line<'_>) -> Line<'static> {
    Line::from(
        line.spans
            .iter()
            .map(|s| Span::styled(s.content.to_string(), s.style))
            .collect::<Vec<_>>(),
    )
    .style(line.style)
}

fn plan_lines<'a>(plan: &'a Plan, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let sessions: Vec<&BackendTarget> = plan
        .steps
        .iter()
        .filter_map(|step| match &step.target {
            Target::Backend(b) => Some(b),
            _ => None,
        })
        .collect();
    if sessions.len() > 1 {
        // Marked sessions: every one is listed, never "… and N more".
        lines.extend(session_list(&sessions, theme, width));
    } else {
        for step in plan.steps.iter().take(LISTED_TARGETS) {
            lines.extend(target_lines(&step.target, theme, width));
        }
        if plan.steps.len() > LISTED_TARGETS {
            lines.push(label_line(
                theme,
                "",
                format!("… and {} more", plan.steps.len() - LISTED_TARGETS),
            ));
        }
    }
    lines.extend(wrapped(theme, "Lock", plan.kind.lock(), Role::Text, width));
    if let Some(note) = &plan.note {
        lines.extend(wrapped(theme, "Note", note, Role::Warn, width));
    }
    // Several sessions: one statement each, alike but for the identity; the first shows.
    let shown_sql = if sessions.len() > 1 {
        1
    } else {
        LISTED_TARGETS
    };
    let sql_lines: Vec<Line> = plan
        .steps
        .iter()
        .take(shown_sql)
        .flat_map(|step| sql_display(&step.sql))
        .flat_map(|text| wrapped(theme, "", &text, Role::Text, width))
        .collect();
    let total = sql_lines.len();
    for (index, mut line) in sql_lines.into_iter().take(SQL_LINES).enumerate() {
        if index == 0 {
            line.spans[0] = Span::styled(format!("{:<8}", "SQL"), theme.style(Role::Muted));
        }
        lines.push(line);
    }
    if total > SQL_LINES {
        lines.push(label_line(theme, "", "…".into()));
    }
    if sessions.len() > 1 {
        lines.push(label_line(
            theme,
            "",
            format!(
                "… one such statement for each of the {} sessions",
                sessions.len()
            ),
        ));
    }
    lines
}

/// Sessions listed beyond this many go on shared lines (pid and query start only), so
/// the dialog keeps its buttons on screen.
const SESSION_LINES: usize = 8;

/// Every marked session with its query start: one line each, or packed when many.
fn session_list<'a>(sessions: &[&BackendTarget], theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let room = width.saturating_sub(LABEL_WIDTH);
    if sessions.len() <= SESSION_LINES {
        for b in sessions {
            let mut facts = vec![format!("pid {}", b.pid), query_started(b)];
            if !b.application.is_empty() {
                facts.push(b.application.clone());
            }
            facts.push(first_line(&b.query));
            let label = if lines.is_empty() { "Target" } else { "" };
            lines.push(label_line(
                theme,
                label,
                format::truncate(&facts.join(" · "), room),
            ));
        }
        return lines;
    }
    let packed: Vec<String> = sessions
        .iter()
        .map(|b| {
            let at = b
                .query_start
                .map(|t| format!(" {}", clock(t)))
                .unwrap_or_default();
            format!("pid {}{at}", b.pid)
        })
        .collect();
    lines.extend(wrapped(
        theme,
        "Target",
        &packed.join(", "),
        Role::Text,
        width,
    ));
    lines
}

/// `query started 18:05:12 UTC (2m 5s ago)`; the age is as of the last poll.
fn query_started(b: &BackendTarget) -> String {
    match (b.query_start, b.query_age) {
        (Some(start), Some(age)) => format!(
            "query started {} UTC ({} ago)",
            clock(start),
            format::duration(age)
        ),
        (Some(start), None) => format!("query started {} UTC", clock(start)),
        (None, Some(age)) => format!("query started {} ago", format::duration(age)),
        (None, None) => "no query yet".to_string(),
    }
}

/// `18:05:12` (UTC, like the journal).
fn clock(at: std::time::SystemTime) -> String {
    let text = crate::text::timefmt::rfc3339_millis(at);
    text.get(11..19).unwrap_or(&text).to_string()
}

/// The SQL without its header comments, one line per source line.
fn sql_display(sql: &str) -> Vec<String> {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--") && !l.trim().is_empty())
        .map(|l| crate::text::sanitize::sanitized(l.trim_end()))
        .collect()
}

fn target_lines<'a>(target: &Target, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    match target {
        Target::Backend(b) => {
            let mut facts = vec![format!("pid {}", b.pid)];
            if !b.application.is_empty() {
                facts.push(b.application.clone());
            }
            if let Some(user) = &b.user {
                facts.push(user.clone());
            }
            facts.push(query_started(b));
            let query = format::truncate(
                first_line(&b.query).as_str(),
                width.saturating_sub(LABEL_WIDTH),
            );
            vec![
                label_line(theme, "Target", facts.join(" · ")),
                label_line(theme, "", query),
            ]
        }
        Target::Relation(r) => {
            let mut text = crate::actions::sql::qualified(&r.schema, &r.name);
            if let Some(table) = &r.table {
                text.push_str(&format!(" on {table}"));
            }
            match r.size_bytes {
                Some(size) => text.push_str(&format!(" · ≈ {}", format::bytes(size))),
                // An index left by a failed build has no estimate: say so, not "never vacuumed".
                None if r.table.is_some() => text.push_str(" · size unknown"),
                None => text.push_str(" · size not estimated yet (never vacuumed or analyzed)"),
            }
            vec![label_line(theme, "Target", text)]
        }
        Target::Statement(s) => vec![label_line(
            theme,
            "Target",
            format!("queryid {}", s.queryid),
        )],
        // The horizon panel's targets: the line the journal records; the plan's note
        // carries the rest (retained WAL, database, prepared time).
        target @ (Target::Prepared(_) | Target::Slot(_)) => {
            vec![label_line(theme, "Target", target.describe())]
        }
        Target::Server => vec![],
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

fn label_line<'a>(theme: &Theme, label: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<8}"), theme.style(Role::Muted)),
        Span::styled(value, theme.style(Role::Text)),
    ])
}

/// A labelled value wrapped under its label's indent, so long SQL stays readable.
fn wrapped<'a>(theme: &Theme, label: &str, value: &str, role: Role, width: usize) -> Vec<Line<'a>> {
    wrap(value, width.saturating_sub(LABEL_WIDTH).max(10))
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let label = if index == 0 { label } else { "" };
            Line::from(vec![
                Span::styled(format!("{label:<8}"), theme.style(Role::Muted)),
                Span::styled(piece, theme.style(role)),
            ])
        })
        .collect()
}

/// Splits at spaces to fit `width` columns; words longer than that are cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = if line.is_empty() { 0 } else { 1 } + word.chars().count();
        if !line.is_empty() && line.chars().count() + needed > width {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while rest.chars().count() > width {
            let cut = rest
                .char_indices()
                .nth(width)
                .map_or(rest.len(), |(i, _)| i);
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(rest);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `[ Yes  y ]   [ No  n ]   Enter: focused · Esc: cancel`, indented under the values when
/// there is room; the key hint goes first when there is not.
fn buttons(app: &App, dialog: &Dialog, danger: bool, width: usize) -> Line<'static> {
    let theme = app.theme();
    let keys = |action| app.keymap().keys_for(action).join("/");
    let button = |label: &str, key: String, focused: bool, role: Role| {
        let style = theme.style(role);
        let style = if focused {
            style.add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            style
        };
        Span::styled(format!("[ {label}  {key} ]"), style)
    };
    let yes_role = if danger { Role::Danger } else { Role::Ok };
    let yes = button("Yes", keys(Action::Confirm), dialog.yes_focused, yes_role);
    let no = button("No", keys(Action::Deny), !dialog.yes_focused, Role::Text);
    let hint = format!(
        "   {}: focused · {}: cancel",
        keys(Action::Accept),
        keys(Action::Back)
    );
    let buttons_width = yes.width() + 3 + no.width();
    let indent = if buttons_width + fit::width(&hint) + LABEL_WIDTH <= width {
        " ".repeat(LABEL_WIDTH)
    } else {
        String::new()
    };
    let mut spans = vec![Span::raw(indent.clone()), yes, Span::raw("   "), no];
    if indent.len() + buttons_width + fit::width(&hint) <= width {
        spans.push(Span::styled(hint, theme.style(Role::Muted)));
    }
    Line::from(spans)
}

/// The EXPLAIN output view over `body`: the lines from the scroll position on, wrapped
/// (under themselves) rather than ended at the border.
pub fn output(app: &App, title: &str, lines: &[String], body: Rect) -> TextOverlay {
    let width = usize::from(body.width.saturating_sub(2));
    let text: Vec<Line<'static>> = lines
        .iter()
        .skip(usize::from(app.output_scroll()))
        .flat_map(|l| {
            fit::wrap_line(
                &Line::styled(l.clone(), app.theme().style(Role::Text)),
                width,
            )
        })
        .collect();
    let page = body.height.saturating_sub(2);
    TextOverlay {
        area: body,
        title: Line::from(Span::styled(
            format!(" {title} "),
            app.theme().style(Role::Title),
        )),
        hint: super::overlay::hints(app.keymap(), true, Some("copy text and plan")),
        // Wrapped above, never cut: the planned text and long filter lines must read
        // whole; the view scrolls by source line.
        position: None,
        lines: text,
        scroll: super::drawn::OverlayScroll {
            first: 0,
            limit: 0,
            page,
        },
    }
}
