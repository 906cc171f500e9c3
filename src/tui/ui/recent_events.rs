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
    let Some(recent) = app.model.alerts().recent_events() else {
        return Line::from(muted(
            " deadlocks, temp files: known after two polls".into(),
        ));
    };
    let limits = app.model.alerts().incidents();
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
