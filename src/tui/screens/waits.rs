//! The Waits screen (active session history): what the active sessions waited on over
//! the chosen window (`[`/`]`: 1m, 5m, 15m, 1h), stacked by wait class, and who made the
//! load: the top wait events, statements (by query id on 14+, by text before), users and
//! applications, each as average active sessions and share of the load.
//!
//! ```text
//! ┌ Load by wait · last 15m · now 3.0 · avg 2.2 · top 5 sessions ────────────────┐
//! │        ▂▄█▆▄▂     ▁▂▂▃▃▃▃▃▃▃▂▁                                               │
//! │■ CPU 1.4  ■ Lock 0.6  ■ IO 0.2                                               │
//! ┌ Top statements · avg sessions · share ───────────────────────────────────────┐
//! │■   1.2  55%  UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE …    │
//! ┌ Top waits ──────────┐┌ Top users ─────────────┐┌ Top applications ──────────┐
//! ```

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::plot::Panel;
use super::wait_chart::{ChartSpec, StackedChart, chart, role_of, sessions};
use crate::analysis::wait_load::Ranked;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

/// How many rows a ranking keeps: more than any panel shows.
const RANKED: usize = 50;

/// The Waits screen as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitsView {
    pub chart: StackedChart,
    pub statements: Panel,
    pub events: Panel,
    pub users: Panel,
    pub applications: Panel,
}

/// The view of the Waits screen in `body`.
pub fn view(app: &App, body: Rect) -> WaitsView {
    let window = app.screens().wait_window();
    let chart_height = (body.height * 2 / 5).max(7).min(body.height);
    // The statements and the three rankings below them share the rest evenly.
    let statements_height = (body.height.saturating_sub(chart_height) / 2).max(3);
    let [chart_area, statements_area, bottom] = Layout::vertical([
        Constraint::Length(chart_height),
        Constraint::Length(statements_height),
        Constraint::Min(0),
    ])
    .areas(body);
    // Wait event names are the longest labels here (`LWLock:BufferMapping`).
    let [events_area, users_area, applications_area] = Layout::horizontal([
        Constraint::Ratio(2, 5),
        Constraint::Ratio(3, 10),
        Constraint::Ratio(3, 10),
    ])
    .areas(bottom);
    let load = app.wait_load();
    let window_label = format!("last {}", format::duration(window));
    let chart = chart(
        &ChartSpec {
            load,
            theme: app.theme(),
            until: app.now(),
            window,
            refresh: app.refresh(),
            label: &format!("Load by wait · {window_label}"),
            legend: true,
        },
        chart_area,
    );
    let from = app.now().checked_sub(window).unwrap_or(app.now());
    let breakdown = load.breakdown(from, app.now(), RANKED);
    let empty = if load.span().is_none() {
        "waiting for the first poll of pg_stat_activity".to_string()
    } else if breakdown.samples == 0 {
        format!("no poll in the {window_label}")
    } else {
        format!(
            "no active session in {} polls of the {window_label}",
            breakdown.samples
        )
    };
    let theme = app.theme();
    let ranking = |area: Rect, title: &'static str, rows: &[Ranked], unnamed: &'static str| {
        ranking_panel(
            theme,
            area,
            Ranking {
                title,
                unnamed,
                empty: &empty,
            },
            rows,
        )
    };
    WaitsView {
        chart,
        statements: ranking(
            statements_area,
            "Top statements · avg active sessions · share",
            &breakdown.statements,
            "(no query text)",
        ),
        events: ranking(events_area, "Top waits", &breakdown.events, "(none)"),
        // Autovacuum and other background workers run as no user.
        users: ranking(users_area, "Top users", &breakdown.users, "(background)"),
        applications: ranking(
            applications_area,
            "Top applications",
            &breakdown.applications,
            "(no application_name)",
        ),
    }
}

/// What a ranking panel says besides its rows.
struct Ranking<'a> {
    title: &'static str,
    /// The label of a row with an empty name.
    unnamed: &'static str,
    /// Said when there are no rows.
    empty: &'a str,
}

/// A bordered ranking: `■ 1.2  55%  label`, the square in the row's (dominant) wait
/// class colour, as many rows as fit. The share column is left out when that lets every
/// short label (a wait event, a user) fit whole; long free text (a statement) is cut
/// with `…` either way, so it keeps its share column.
fn ranking_panel(theme: &Theme, area: Rect, ranking: Ranking, rows: &[Ranked]) -> Panel {
    let Ranking {
        title,
        unnamed,
        empty,
    } = ranking;
    let inner_width = usize::from(area.width.saturating_sub(2));
    let room = usize::from(area.height.saturating_sub(2));
    let shown = &rows[..rows.len().min(room)];
    let figure_width = shown
        .iter()
        .map(|row| sessions(row.average_sessions).len())
        .max()
        .unwrap_or(3);
    let longest = shown
        .iter()
        .map(|row| crate::tui::fit::width(&row.label).max(unnamed.len()))
        .max()
        .unwrap_or(0);
    // ■, figure, "  " label; the share column is 5 more.
    let without_share = 1 + 1 + figure_width + 2 + longest;
    let with_share =
        inner_width >= 30 && (without_share + 5 <= inner_width || without_share > inner_width);
    let lines: Vec<Line<'static>> = if rows.is_empty() {
        vec![crate::tui::fit::fit_line(
            Line::from(Span::styled(empty.to_string(), theme.style(Role::Muted))),
            inner_width,
        )]
    } else {
        shown
            .iter()
            .map(|row| {
                let mut spans = vec![
                    Span::styled("■", theme.style(role_of(row.class))),
                    Span::styled(
                        format!(" {:>figure_width$}", sessions(row.average_sessions)),
                        theme.style(Role::Text),
                    ),
                ];
                if with_share {
                    spans.push(Span::styled(
                        format!(" {:>4}", format!("{:.0}%", row.share * 100.0)),
                        theme.style(Role::Muted),
                    ));
                }
                let label = if row.label.is_empty() {
                    Span::styled(format!("  {unnamed}"), theme.style(Role::Muted))
                } else {
                    Span::styled(format!("  {}", row.label), theme.style(Role::Text))
                };
                spans.push(label);
                crate::tui::fit::fit_line(Line::from(spans), inner_width)
            })
            .collect()
    };
    let room_for_title = usize::from(area.width.saturating_sub(4));
    let title = crate::tui::fit::fit_title(title, room_for_title);
    Panel::bordered(
        area,
        Line::from(Span::styled(format!(" {title} "), theme.style(Role::Title))),
        lines,
    )
}
