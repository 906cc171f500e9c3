//! The Dashboard's line of recent incidents: deadlocks and temporary files over the alert
//! window, from `pg_stat_database` (they are counters, so one second's worth is nearly
//! always zero; the window is what the deadlock and temp-file alerts judge too).
//!
//! ```text
//!  last 5m: 2 deadlocks, newest 1m 10s ago · 14 temp files, 230.0 MiB
//! ```

use std::time::Duration;

use ratatui::text::{Line, Span};

use crate::app::App;
use crate::format;
use crate::metrics::Level;
use crate::theme::Role;

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
    let span = recent.covered.min(limits.window);
    let level_role = |level: Level| match level {
        Level::Ok => Role::Text,
        Level::Warn => Role::Warn,
        Level::Crit => Role::Crit,
    };
    let deadlocks = u64::try_from(recent.deadlocks).unwrap_or(0);
    let temp_bytes = u64::try_from(recent.temp_bytes).unwrap_or(0);
    let mut spans = vec![muted(format!(" last {}: ", whole_seconds(span)))];
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
