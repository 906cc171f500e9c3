//! The Dashboard's line of recent incidents: deadlocks and temporary files over the alert
//! window, from `pg_stat_database` (they are counters, so one second's worth is nearly
//! always zero; the window is what the deadlock and temp-file alerts judge too).
//!
//! ```text
//!  last 5m: 2 deadlocks, newest 1m 10s ago · 14 temp files, 230.0 MiB
//!  last 2m (40s unread): no deadlocks · no temp files · stale 12s
//! ```

use std::time::Duration;

use ratatui::text::{Line, Span};

use crate::analysis::metrics::Level;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::Role;

/// The line, in words a DBA reads at a glance; it says so when nothing is known yet or
/// when the counts are held from before the connection was lost.
pub fn line(app: &App) -> Line<'static> {
    let theme = &app.theme;
    let muted = |text: String| Span::styled(text, theme.style(Role::Muted));
    let Some(recent) = app.alerts.recent_events() else {
        return Line::from(muted(
            " deadlocks, temp files: known after two polls".into(),
        ));
    };
    let limits = app.alerts.incidents();
    // The time the counts span, and how much of it was not read (an outage, a reset).
    let span = recent
        .newest
        .duration_since(recent.oldest_start)
        .unwrap_or_default()
        .min(limits.window);
    let unread = span.saturating_sub(recent.covered);
    let level_role = |level: Level| match level {
        Level::Ok => Role::Text,
        Level::Warn => Role::Warn,
        Level::Crit => Role::Crit,
    };
    let deadlocks = u64::try_from(recent.deadlocks).unwrap_or(0);
    let temp_bytes = u64::try_from(recent.temp_bytes).unwrap_or(0);
    let mut spans = vec![muted(format!(" last {}", whole_seconds(span)))];
    if unread >= Duration::from_secs(2) {
        spans.push(muted(format!(" ({} unread)", whole_seconds(unread))));
    }
    spans.push(muted(": ".into()));
    spans.push(Span::styled(
        plural(recent.deadlocks, "deadlock", "deadlocks"),
        theme.style(level_role(limits.deadlocks.high_is_bad(deadlocks))),
    ));
    if let Some(at) = recent.last_deadlock {
        let ago = recent.newest.duration_since(at).unwrap_or_default()
            + app.now.duration_since(recent.newest).unwrap_or_default();
        spans.push(muted(format!(", newest {} ago", whole_seconds(ago))));
    }
    spans.push(muted(" · ".into()));
    let mut temp = plural(recent.temp_files, "temp file", "temp files");
    if recent.temp_files > 0 {
        temp.push_str(&format!(", {}", format::bytes(recent.temp_bytes)));
    }
    spans.push(Span::styled(
        temp,
        theme.style(level_role(limits.temp_bytes.high_is_bad(temp_bytes))),
    ));
    // Fresh data arrives every refresh; older counts are what was known before an outage.
    let age = app.now.duration_since(recent.newest).unwrap_or_default();
    if age > app.refresh * 2 + Duration::from_secs(1) {
        spans.push(Span::styled(
            format!(" · stale {}", whole_seconds(age)),
            theme.style(Role::Warn),
        ));
    }
    Line::from(spans)
}

fn plural(n: i64, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{} {many}", format::thousands(n)),
    }
}

/// Intervals are a few milliseconds off whole seconds; the line shows seconds.
fn whole_seconds(d: Duration) -> String {
    format::duration(Duration::from_secs(d.as_secs_f64().round() as u64))
}

#[cfg(test)]
mod tests {
    use super::super::test_render::{draw, style_of, text};
    use crate::analysis::metrics::test_support::*;
    use crate::monitor::snapshot::{SectionError, Snapshot};
    use crate::tui::app::{App, Event};
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::{Role, Theme};
    use std::time::Duration;

    fn feed(app: &mut App, snapshot: Snapshot) {
        app.update(Event::Snapshot(Box::new(snapshot)));
    }

    fn counters(t: u64, deadlocks: i64, temp_files: i64) -> Snapshot {
        snapshot_at(t).with_database(
            db(1)
                .deadlocks(deadlocks)
                .temp_files(temp_files)
                .temp_bytes(temp_files * (3 << 20)),
        )
    }

    fn lost(t: u64) -> Snapshot {
        let mut snapshot = snapshot_at(t);
        let failed = SectionError::Failed("connection refused".into());
        snapshot.server = Err(failed.clone());
        snapshot.activity = Err(failed.clone());
        snapshot.databases = Err(failed);
        snapshot
    }

    fn line(app: &App) -> String {
        text(&draw(app, 100, 30))
            .lines()
            .find(|l| l.starts_with(" last ") || l.starts_with(" deadlocks"))
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn the_line_counts_the_window_says_what_it_did_not_see_and_colours_by_threshold() {
        let mut app = App::new(
            "t".into(),
            Duration::from_secs(1),
            at(0),
            Keymap::default(),
            Theme::default(),
        );
        feed(&mut app, counters(0, 0, 0));
        assert_eq!(line(&app), " deadlocks, temp files: known after two polls");
        feed(&mut app, counters(1, 0, 0));
        assert_eq!(line(&app), " last 1s: no deadlocks · no temp files");
        feed(&mut app, counters(2, 1, 2));
        assert_eq!(
            line(&app),
            " last 2s: 1 deadlock, newest 0s ago · 2 temp files, 6.0 MiB"
        );
        let buffer = draw(&app, 100, 30);
        let theme = Theme::default();
        assert_eq!(
            style_of(&buffer, " last ", "1 deadlock").fg,
            theme.style(Role::Warn).fg
        );
        assert_eq!(
            style_of(&buffer, " last ", "2 temp files").fg,
            theme.style(Role::Text).fg,
            "6 MiB is far below 1 GB"
        );
        // Ten seconds without a connection: the counts are held, and say how old.
        for t in 3..=12 {
            feed(&mut app, lost(t));
        }
        assert_eq!(
            line(&app),
            " last 2s: 1 deadlock, newest 10s ago · 2 temp files, 6.0 MiB · stale 10s"
        );
        // Back: a first poll, then an interval; the 10 s not read are named.
        feed(&mut app, counters(13, 1, 2));
        feed(&mut app, counters(14, 1, 2));
        assert_eq!(
            line(&app),
            " last 14s (11s unread): 1 deadlock, newest 12s ago · 2 temp files, 6.0 MiB"
        );
    }
}
