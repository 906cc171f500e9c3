//! The header line: who and what we are connected to, and whether the numbers are fresh.
//!
//! ```text
//! postgres@db1:5432/app  PG 15.18 primary  up 3d 4h  every 1s  polled 0.4s ago   PAUSED STALE 12s
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::format;
use crate::theme::Role;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let mut left = vec![Span::styled(
        format!(" {}", app.target),
        theme.style(Role::Title),
    )];
    let caps = app.latest.as_ref().and_then(|s| s.capabilities.as_deref());
    if let Some(caps) = caps {
        let role = if caps.in_recovery {
            "standby"
        } else {
            "primary"
        };
        left.push(Span::styled(
            format!("  PG {} {role}", caps.short_version()),
            theme.style(Role::Text),
        ));
        let uptime = app
            .latest
            .as_ref()
            .and_then(|s| s.server.as_ref().ok())
            .map(|server| {
                server
                    .now
                    .duration_since(server.postmaster_start_time)
                    .unwrap_or_default()
            });
        if let Some(uptime) = uptime {
            left.push(Span::styled(
                format!("  up {}", format::duration(uptime)),
                theme.style(Role::Muted),
            ));
        }
    }
    left.push(Span::styled(
        format!("  every {}", format::duration(app.refresh)),
        theme.style(Role::Muted),
    ));
    if let Some(last) = app.last_success {
        let age = app.now.duration_since(last).unwrap_or_default();
        left.push(Span::styled(
            format!("  polled {} ago", format::duration(age)),
            theme.style(Role::Muted),
        ));
    }

    let mut badges = Vec::new();
    if let Some(badge) = &app.badge {
        badges.push(Span::styled(
            format!(" {badge} "),
            theme
                .style(Role::Title)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
        badges.push(Span::raw(" "));
    }
    let alerts = app.alerts.active().len();
    if alerts > 0 {
        let role = match app.alerts.worst() {
            crate::metrics::Level::Crit => Role::Crit,
            _ => Role::Warn,
        };
        let label = if alerts == 1 { "ALERT" } else { "ALERTS" };
        badges.push(Span::styled(
            format!(" {alerts} {label} "),
            theme
                .style(role)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
        badges.push(Span::raw(" "));
    }
    for badge in crate::app::dialog::running_badges(app) {
        badges.push(Span::styled(
            badge,
            theme
                .style(Role::Warn)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
        badges.push(Span::raw(" "));
    }
    if app.read_only {
        badges.push(Span::styled(" READ-ONLY ", theme.style(Role::BadgeStale)));
        badges.push(Span::raw(" "));
    }
    if app.paused {
        badges.push(Span::styled(" PAUSED ", theme.style(Role::BadgeAlert)));
        badges.push(Span::raw(" "));
    }
    match (app.staleness(), app.last_success) {
        (Some(age), _) => badges.push(Span::styled(
            format!(" STALE {} ", format::duration(age)),
            theme.style(Role::BadgeStale),
        )),
        (None, None) => badges.push(Span::styled(" connecting… ", theme.style(Role::Muted))),
        (None, Some(_)) => {}
    }
    let badges = Line::from(badges);
    let [left_area, right_area] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(badges.width() as u16),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), left_area);
    frame.render_widget(Paragraph::new(badges), right_area);
}
