//! The header line: who and what we are connected to, and whether the numbers are fresh.
//!
//! ```text
//! postgres@db1:5432/app  PG 15.18 primary  up 3d 4h  every 1s  polled 0.4s ago   PAUSED STALE 12s
//! ```
//!
//! The badges on the right always get their room; the facts on the left are dropped
//! whole, least useful first (uptime, then the interval, then the version), when the line
//! is too narrow: nothing is cut in the middle or drawn over.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::Role;

/// One fact on the left: its text, style and how early it goes when space is short
/// (higher goes first; 0 always stays).
struct Fact {
    text: String,
    style: Style,
    drop_order: u8,
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let badges = badges(app);
    let badge_width: usize = badges
        .iter()
        .map(|(text, _)| text.chars().count() + 1)
        .sum();
    let badge_width = badge_width.min(usize::from(area.width));
    let left_room = usize::from(area.width).saturating_sub(badge_width);
    let left = fit_facts(facts(app), left_room);
    let [left_area, right_area] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(badge_width).unwrap_or(u16::MAX)),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), left_area);
    let badges: Vec<Span> = badges
        .into_iter()
        .flat_map(|(text, style)| [Span::styled(text, style), Span::raw(" ")])
        .collect();
    frame.render_widget(Paragraph::new(Line::from(badges)), right_area);
}

/// Every text the header may show, whole (for the layout checks in tests).
#[cfg(test)]
pub(super) fn labels(app: &App) -> Vec<String> {
    facts(app)
        .into_iter()
        .map(|f| f.text.trim().to_string())
        .chain(badges(app).into_iter().map(|(t, _)| t.trim().to_string()))
        .collect()
}

/// The facts that fit in `room` columns, in their order; the target is cut with `…` only
/// when nothing else is left.
fn fit_facts(mut facts: Vec<Fact>, room: usize) -> Vec<Span<'static>> {
    let width = |facts: &[Fact]| -> usize { facts.iter().map(|f| f.text.chars().count()).sum() };
    while width(&facts) > room {
        let Some(drop_at) = facts
            .iter()
            .enumerate()
            .filter(|(_, f)| f.drop_order > 0)
            .max_by_key(|(_, f)| f.drop_order)
            .map(|(index, _)| index)
        else {
            break;
        };
        facts.remove(drop_at);
    }
    facts
        .into_iter()
        .map(|fact| {
            let text = if fact.drop_order == 0 {
                super::text::fit(&fact.text, room)
            } else {
                fact.text
            };
            Span::styled(text, fact.style)
        })
        .collect()
}

fn facts(app: &App) -> Vec<Fact> {
    let theme = &app.theme;
    let mut facts = vec![Fact {
        text: format!(" {}", app.target),
        style: theme.style(Role::Title),
        drop_order: 0,
    }];
    let caps = app.model.snapshot().and_then(|s| s.capabilities.as_deref());
    if let Some(caps) = caps {
        let role = if caps.in_recovery {
            "standby"
        } else {
            "primary"
        };
        facts.push(Fact {
            text: format!("  PG {} {role}", caps.short_version()),
            style: theme.style(Role::Text),
            drop_order: 2,
        });
        let uptime = app
            .model
            .snapshot()
            .and_then(|s| s.server.as_ref().ok())
            .map(|server| {
                server
                    .now
                    .duration_since(server.postmaster_start_time)
                    .unwrap_or_default()
            });
        if let Some(uptime) = uptime {
            facts.push(Fact {
                text: format!("  up {}", format::duration(uptime)),
                style: theme.style(Role::Muted),
                drop_order: 4,
            });
        }
    }
    facts.push(Fact {
        text: format!("  every {}", format::duration(app.refresh)),
        style: theme.style(Role::Muted),
        drop_order: 3,
    });
    if let Some(last) = app.model.last_success() {
        let age = app.now.duration_since(last).unwrap_or_default();
        facts.push(Fact {
            text: format!("  polled {} ago", format::duration(age)),
            style: theme.style(Role::Muted),
            drop_order: 1,
        });
    }
    facts
}

/// The badges, most important last (nearest the right edge): they always get their room.
fn badges(app: &App) -> Vec<(String, Style)> {
    let theme = &app.theme;
    let mut badges = Vec::new();
    if let Some(badge) = &app.badge {
        badges.push((
            format!(" {badge} "),
            theme.style(Role::Title).add_modifier(Modifier::REVERSED),
        ));
    }
    let alerts = app.model.alerts().active().len();
    if alerts > 0 {
        let role = match app.model.alerts().worst() {
            crate::analysis::metrics::Level::Crit => Role::Crit,
            _ => Role::Warn,
        };
        let label = if alerts == 1 { "ALERT" } else { "ALERTS" };
        badges.push((
            format!(" {alerts} {label} "),
            theme.style(role).add_modifier(Modifier::REVERSED),
        ));
    }
    for badge in crate::tui::app::dialog::running_badges(app) {
        badges.push((
            badge,
            theme.style(Role::Warn).add_modifier(Modifier::REVERSED),
        ));
    }
    if app.read_only {
        badges.push((" READ-ONLY ".into(), theme.style(Role::BadgeStale)));
    }
    if app.paused {
        badges.push((" PAUSED ".into(), theme.style(Role::BadgeAlert)));
    }
    match (app.staleness(), app.model.last_success()) {
        (Some(age), _) => badges.push((
            format!(" STALE {} ", format::duration(age)),
            theme.style(Role::BadgeStale),
        )),
        (None, None) => badges.push((" connecting… ".into(), theme.style(Role::Muted))),
        (None, Some(_)) => {}
    }
    badges
}
