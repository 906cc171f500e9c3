//! The Dashboard's top offenders: the slowest running queries, the statements that took
//! the most time in the interval, the blocked sessions; what the role cannot see is said.
//!
//! ```text
//! ┌ Top offenders ─────────────────────────────────────────────┐
//! │ running  4242  4m02s  UPDATE accounts SET ...              │
//! │ stmt     35%   12 ms  SELECT * FROM ...                    │
//! │ blocked  4243  waits on 4242 for 12s                       │
//! ```

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::activity::collapse_spaces;
use super::plot::Panel;
use super::table::Severity;
use crate::analysis::metrics::DeltaStatus;
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{BackendType, SessionState};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::Role;

/// The top offenders: one panel per kind on wide terminals, one shared panel otherwise.
pub fn panels(app: &App, area: Rect) -> Vec<Panel> {
    let theme = app.theme();
    let kinds: [(&str, &str, OffenderLines, SectionId); 3] = [
        (
            "running",
            "Slowest running queries",
            running_lines,
            SectionId::Activity,
        ),
        (
            "stmt",
            "Top statements in the interval",
            statement_lines,
            SectionId::Statements,
        ),
        (
            "blocked",
            "Blocked sessions",
            blocked_lines,
            SectionId::Activity,
        ),
    ];
    let inner_height = usize::from(area.height.saturating_sub(2)).max(1);
    let hidden = hidden_line(app);
    // Wide terminals get one panel per kind; narrow ones share a panel, a label per line.
    if area.width >= 150 {
        let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(area);
        let mut panels = Vec::new();
        for ((label, title, lines_of, section), column) in kinds.into_iter().zip(columns.iter()) {
            let width = usize::from(column.width.saturating_sub(2));
            let mut lines = lines_of(app, inner_height, None);
            // What the role cannot see is not "none": said once, in the running panel.
            match (&hidden, label) {
                (Some(_), "running") => {
                    let mut with_hidden = hidden_lines(app);
                    with_hidden.append(&mut lines);
                    lines = with_hidden;
                }
                (Some(_), "blocked") if lines.is_empty() => lines.push(Line::from(Span::styled(
                    "none among the visible sessions",
                    theme.style(Role::Muted),
                ))),
                (_, "stmt") if lines.is_empty() && !sees_all_stats(app) => {
                    lines.push(Line::from(Span::styled(
                        "none of this role's; other roles' are hidden",
                        theme.style(Role::Muted),
                    )));
                }
                _ if lines.is_empty() => {
                    lines.push(Line::from(Span::styled("none", theme.style(Role::Muted))));
                }
                _ => {}
            }
            let lines: Vec<Line> = lines
                .into_iter()
                .map(|line| crate::tui::fit::fit_line(line, width))
                .collect();
            let stale = stale_suffix(app, section);
            let title = match (label, statements_span(app)) {
                ("stmt", Some(span)) => format!("Top statements, last {span}"),
                _ => title.to_string(),
            };
            panels.push(Panel::bordered(
                *column,
                Line::from(Span::styled(
                    format!(" {title}{stale} "),
                    theme.style(Role::Title),
                )),
                lines,
            ));
        }
        return panels;
    }
    let per_kind = (inner_height / 3).max(1);
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = hidden.clone().into_iter().collect();
    lines.extend(
        kinds
            .into_iter()
            .flat_map(|(label, _, lines_of, _)| lines_of(app, per_kind, Some(label))),
    );
    let mut lines: Vec<Line> = lines
        .into_iter()
        .map(|line| crate::tui::fit::fit_line(line, width))
        .collect();
    if lines.is_empty() {
        // One read of the statements has no rates yet: "no activity" would be false.
        let first_read = app.model().shown_metrics().is_some_and(|m| {
            matches!(
                m.statements.status,
                crate::analysis::metrics::RateStatus::FirstPoll
            )
        });
        let text = if first_read {
            "nothing running, nobody blocked; statements after their next read"
        } else {
            "nothing running, no statement activity, nobody blocked"
        };
        lines.push(Line::from(Span::styled(text, theme.style(Role::Muted))));
    }
    let stale = stale_suffix(app, SectionId::Activity);
    let span = statements_span(app)
        .map(|span| format!(" · stmt: last {span}"))
        .unwrap_or_default();
    vec![Panel::bordered(
        area,
        Line::from(Span::styled(
            format!(" Top offenders{span}{stale} "),
            theme.style(Role::Title),
        )),
        lines,
    )]
}

/// Whether the role sees other roles' statements (their `pg_stat_statements` rows come
/// without a query id otherwise).
fn sees_all_stats(app: &App) -> bool {
    app.model()
        .snapshot()
        .and_then(|s| s.capabilities.as_ref())
        .is_none_or(|caps| caps.sees_all_stats())
}

/// How long the statements' interval is, when the cost governor made it longer than two
/// refreshes (reads of pg_stat_statements are spaced out off the Queries screen): the
/// panel must not pass a minute's totals off as the last second's.
fn statements_span(app: &App) -> Option<String> {
    let DeltaStatus::Ready(interval) = app.model().statement_deltas().status else {
        return None;
    };
    (interval.length() >= app.refresh() * 2).then(|| {
        format::duration(std::time::Duration::from_secs(
            interval.length().as_secs_f64().round() as u64,
        ))
    })
}

/// ` · stale 12s` when the section on screen is from an earlier poll.
fn stale_suffix(app: &App, section: SectionId) -> String {
    app.stale(section)
        .map(|stale| stale.title_suffix(app.now()))
        .unwrap_or_default()
}

/// `hidden   24 sessions: GRANT pg_read_all_stats TO "mon"` when the role cannot see
/// into other roles' sessions: they may be running, waiting or blocking.
fn hidden_line(app: &App) -> Option<Line<'static>> {
    let blind = app.model().unjudged().cloned()?;
    let fix = blind
        .fix
        .unwrap_or_else(|| "GRANT pg_read_all_stats".into());
    Some(Line::from(vec![
        Span::styled(format!("{:<9}", "hidden"), app.theme().style(Role::KeyHint)),
        Span::styled(
            format!("{} sessions: {fix}", blind.hidden_sessions),
            app.theme().style(Role::Warn),
        ),
    ]))
}

/// The same on two lines, for a narrow panel of its own.
fn hidden_lines(app: &App) -> Vec<Line<'static>> {
    let Some(blind) = app.model().unjudged().cloned() else {
        return vec![];
    };
    let fix = blind
        .fix
        .unwrap_or_else(|| "GRANT pg_read_all_stats".into());
    let warn = app.theme().style(Role::Warn);
    vec![
        Line::from(Span::styled(
            format!("{} sessions hidden from this role:", blind.hidden_sessions),
            warn,
        )),
        Line::from(Span::styled(fix, warn)),
    ]
}

/// Up to `limit` lines of one kind of offender, each prefixed with `label` if given.
type OffenderLines = fn(&App, usize, Option<&'static str>) -> Vec<Line<'static>>;

fn labelled(
    app: &App,
    label: Option<&'static str>,
    mut spans: Vec<Span<'static>>,
) -> Line<'static> {
    if let Some(label) = label {
        spans.insert(
            0,
            Span::styled(format!("{label:<9}"), app.theme().style(Role::KeyHint)),
        );
    }
    Line::from(spans)
}

fn running_lines(app: &App, limit: usize, label: Option<&'static str>) -> Vec<Line<'static>> {
    let Some(Ok(sessions)) = app.model().snapshot().map(|s| &s.activity) else {
        return vec![];
    };
    let mut running: Vec<_> = sessions
        .iter()
        .filter(|s| {
            s.state == Some(SessionState::Active) && s.backend_type == BackendType::ClientBackend
        })
        .filter_map(|s| s.query_age.map(|age| (age, s)))
        .collect();
    running.sort_by_key(|r| std::cmp::Reverse(r.0));
    running
        .into_iter()
        .take(limit)
        .map(|(age, session)| {
            let role = Severity::of_level(app.model().thresholds().running_query_level(age)).role();
            labelled(
                app,
                label,
                vec![
                    Span::styled(
                        format!("{:>7} {:>7}  ", session.pid, format::age(age)),
                        app.theme().style(role),
                    ),
                    Span::styled(
                        collapse_spaces(&session.query),
                        app.theme().style(Role::Text),
                    ),
                ],
            )
        })
        .collect()
}

fn statement_lines(app: &App, limit: usize, label: Option<&'static str>) -> Vec<Line<'static>> {
    let texts = app
        .model()
        .snapshot()
        .and_then(|s| s.statements.as_ref().ok())
        .map(|s| s.texts.clone());
    let text_of = |key| texts.as_ref().and_then(|t| t.get(&key));
    app.model()
        .statement_deltas()
        .rows
        .iter()
        // pgpulse's own polling is not among the rows (see `analysis::metrics::statement_deltas`).
        .take(limit)
        .map(|delta| {
            let text = text_of(delta.key)
                .map_or_else(|| "(text not fetched yet)".into(), |t| collapse_spaces(t));
            labelled(
                app,
                label,
                vec![
                    Span::styled(
                        format!(
                            "{:>7} {:>7}  ",
                            format::percent(Some(delta.share_of_total_time)),
                            delta.mean_ms.map_or("-".into(), format::millis)
                        ),
                        app.theme().style(Role::Text),
                    ),
                    Span::styled(text, app.theme().style(Role::Text)),
                ],
            )
        })
        .collect()
}

fn blocked_lines(app: &App, limit: usize, label: Option<&'static str>) -> Vec<Line<'static>> {
    let Some(Ok(sessions)) = app.model().snapshot().map(|s| &s.activity) else {
        return vec![];
    };
    let mut blocked: Vec<_> = sessions
        .iter()
        .filter(|s| !s.blocked_by.is_empty())
        .collect();
    blocked.sort_by_key(|s| std::cmp::Reverse(s.query_age));
    blocked
        .into_iter()
        .take(limit)
        .map(|session| {
            let by = session
                .blocked_by
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            labelled(
                app,
                label,
                vec![
                    Span::styled(
                        format!(
                            "{:>7} waits on {by} for {}  ",
                            session.pid,
                            session.query_age.map_or("-".into(), format::age)
                        ),
                        app.theme().style(Role::Crit),
                    ),
                    Span::styled(
                        collapse_spaces(&session.query),
                        app.theme().style(Role::Text),
                    ),
                ],
            )
        })
        .collect()
}
