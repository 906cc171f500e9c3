//! Drawing. `render` reads `&App` and never mutates it or does IO.
//!
//! ```text
//! ┌ pgpulse ─ user@host:port/db ─ PostgreSQL 15 primary ─ up 3h ─ 1s ─ [STALE 12s] ┐
//! │ Connections  ██████░░░░░░░░  12 / 97  active 3  idle in tx 1  waiting 0      │
//! │ Capabilities (pgpulse doctor)                                                 │
//! │  ok   pg_stat_statements 1.10 installed                                       │
//! └ q quit ───────────────────────────────────────────────────────────────────────┘
//! ```

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Wrap};

use crate::app::App;
use crate::doctor::{self, Status};

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let [header, gauge, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(Paragraph::new(header_line(app)), header);
    render_connections(app, frame, gauge);
    render_capabilities(app, frame, body);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" q ", Style::new().add_modifier(Modifier::REVERSED)),
            Span::raw(" quit"),
        ])),
        footer,
    );
}

fn header_line(app: &App) -> Line<'_> {
    let mut spans = vec![
        Span::styled(" pgpulse ", Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(app.target.as_str()),
    ];
    if let Some(caps) = app.latest.as_ref().and_then(|s| s.capabilities.as_ref()) {
        let state = if caps.in_recovery {
            "standby"
        } else {
            "primary"
        };
        let uptime = app
            .now
            .duration_since(caps.postmaster_start_time)
            .unwrap_or_default();
        spans.push(Span::raw(format!(
            "  PG {} {state}  up {}",
            caps.short_version(),
            human_duration(uptime)
        )));
    }
    spans.push(Span::raw(format!(
        "  every {}",
        human_duration(app.refresh)
    )));
    if let Some(age) = app.staleness() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            format!(" STALE {} ", human_duration(age)),
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        ));
    } else if app.last_success.is_none() {
        spans.push(Span::raw("  connecting…"));
    }
    Line::from(spans)
}

fn render_connections(app: &App, frame: &mut Frame, area: ratatui::layout::Rect) {
    let block = Block::bordered().title(" Connections ");
    let counts = app.latest.as_ref().map(|s| &s.connections);
    match counts {
        Some(Ok(c)) => {
            let ratio = f64::from(c.total) / f64::from(c.available());
            let colour = match ratio {
                r if r >= 0.95 => Color::Red,
                r if r >= 0.80 => Color::Yellow,
                _ => Color::Green,
            };
            let label = format!(
                "{} / {} used  active {}  idle {}  idle in tx {}  waiting on lock {}",
                c.total,
                c.available(),
                c.active,
                c.idle,
                c.idle_in_transaction,
                c.waiting_on_lock
            );
            frame.render_widget(
                Gauge::default()
                    .block(block)
                    .gauge_style(Style::new().fg(colour))
                    .ratio(ratio.clamp(0.0, 1.0))
                    .label(label),
                area,
            );
        }
        Some(Err(error)) => frame.render_widget(
            Paragraph::new(format!("poll failed: {error}")).block(block),
            area,
        ),
        None => frame.render_widget(
            Paragraph::new("waiting for the first poll…").block(block),
            area,
        ),
    }
}

fn render_capabilities(app: &App, frame: &mut Frame, area: ratatui::layout::Rect) {
    let block = Block::bordered().title(" Capabilities (pgpulse doctor) ");
    let Some(caps) = app.latest.as_ref().and_then(|s| s.capabilities.as_ref()) else {
        frame.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let mut lines = Vec::new();
    // Gaps first: on a small terminal they are what must stay visible.
    let mut checks = doctor::checks(caps);
    checks.sort_by_key(|c| match c.status {
        Status::Fix => 0,
        Status::Warn => 1,
        Status::Ok => 2,
    });
    for check in checks {
        let (label, colour) = match check.status {
            Status::Ok => ("ok  ", Color::Green),
            Status::Warn => ("WARN", Color::Yellow),
            Status::Fix => ("FIX ", Color::Red),
        };
        lines.push(Line::from(vec![
            Span::styled(label, Style::new().fg(colour).add_modifier(Modifier::BOLD)),
            Span::raw(" "),
            Span::raw(check.summary),
        ]));
        if let Some(fix) = check.fix {
            lines.push(Line::from(Span::styled(
                format!("     fix: {fix}"),
                Style::new().fg(Color::DarkGray),
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// `3d 4h`, `5h 12m`, `4m 2s`, `12s`, `0.5s`.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 if d.as_millis() > 0 => format!("{:.1}s", d.as_secs_f64()),
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::Event;
    use crate::poller::{ConnectionCounts, Snapshot};
    use crate::probe::sample_capabilities;

    fn draw(app: &App, width: u16, height: u16) -> ratatui::buffer::Buffer {
        let mut terminal =
            Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
        terminal
            .draw(|frame| render(app, frame))
            .unwrap_or_else(|e| panic!("{e}"));
        terminal.backend().buffer().clone()
    }

    fn text(buffer: &ratatui::buffer::Buffer) -> String {
        let area = buffer.area;
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn app_with(counts: Result<ConnectionCounts, String>, at: SystemTime) -> App {
        let mut app = App::new("postgres@/tmp:5432/app".into(), Duration::from_secs(1), at);
        let mut caps = sample_capabilities();
        caps.pgss_installed_version = None;
        app.update(Event::Snapshot(Box::new(Snapshot {
            sequence: 1,
            taken_at: at,
            capabilities: Some(caps),
            connections: counts,
        })));
        app
    }

    fn counts(total: i32) -> ConnectionCounts {
        ConnectionCounts {
            total,
            active: 3,
            idle: total - 3,
            idle_in_transaction: 0,
            waiting_on_lock: 0,
            unknown: 0,
            max_connections: 100,
            superuser_reserved: 3,
        }
    }

    #[test]
    fn the_live_view_fits_80x24_with_gaps_first() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(4_600);
        let screen = text(&draw(&app_with(Ok(counts(12)), at), 80, 24));
        assert!(screen.contains("PG 15.18 primary  up 1h 0m"), "{screen}");
        assert!(screen.contains("12 / 97 used"), "{screen}");
        let fix = screen.find("FIX").unwrap_or(usize::MAX);
        let ok = screen.find("ok   connected").unwrap_or(0);
        assert!(fix < ok, "gaps must come first:\n{screen}");
        assert!(!screen.contains("STALE"), "{screen}");
    }

    #[test]
    fn a_failed_poll_shows_stale_in_red_and_the_reason() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(4_600);
        let mut app = app_with(Ok(counts(12)), at);
        app.update(Event::Snapshot(Box::new(Snapshot {
            sequence: 2,
            taken_at: at + Duration::from_secs(5),
            capabilities: None,
            connections: Err("no answer within 3s: query cancelled, reconnecting".into()),
        })));
        let buffer = draw(&app, 80, 24);
        let screen = text(&buffer);
        assert!(screen.contains("STALE 5s"), "{screen}");
        assert!(
            screen.contains("poll failed: no answer within 3s"),
            "{screen}"
        );
        let x = screen
            .lines()
            .next()
            .and_then(|l| l.find("STALE"))
            .unwrap_or(0);
        let cell = &buffer[(u16::try_from(x).unwrap_or(0), 0)];
        assert_eq!(cell.bg, Color::Red, "STALE must stand out");
    }

    #[test]
    fn usage_over_the_seed_thresholds_changes_the_gauge_colour() {
        let at = SystemTime::UNIX_EPOCH;
        for (total, colour) in [(50, Color::Green), (80, Color::Yellow), (95, Color::Red)] {
            let buffer = draw(&app_with(Ok(counts(total)), at), 80, 24);
            // First cell inside the gauge's border.
            assert_eq!(buffer[(1, 2)].fg, colour, "{total} of 97");
        }
    }

    #[test]
    fn durations_read_like_a_human_wrote_them() {
        let cases = [
            (Duration::from_millis(500), "0.5s"),
            (Duration::from_secs(12), "12s"),
            (Duration::from_secs(242), "4m 2s"),
            (Duration::from_secs(5 * 3600 + 720), "5h 12m"),
            (Duration::from_secs(3 * 86_400 + 4 * 3600), "3d 4h"),
        ];
        for (d, expected) in cases {
            assert_eq!(human_duration(d), expected);
        }
    }
}
