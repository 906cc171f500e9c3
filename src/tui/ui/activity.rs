//! The Activity screen: sessions, in one of four modes, with the xmin horizon holder.
//!
//! ```text
//! ┌ Sessions: all (42) · oldest xmin: pid 4242 (1,234 xacts) ──────────────────────┐
//! │ PID   USER  DB  STATE   WAIT       QUERY AGE  QUERY                           │
//! │ 4242  app   db  active  Lock:tuple     12s    UPDATE accounts SET ...         │
//! └───────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;

use super::table::{TableView, render_table};
use crate::analysis::model::SectionId;
use crate::text::format;
use crate::tui::app::{App, TableId};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let mut title = format!("Sessions: {}", app.activity_mode.label());
    if app.hide_idle {
        title.push_str(", idle hidden");
    }
    // The marks decide what cancel/terminate act on: they lead the title.
    let marked = app.tables.state(TableId::Activity).marked.len();
    if marked > 0 {
        title = format!("{marked} marked · {title}");
    }
    if let Some(holder) = app.model.oldest_xmin() {
        title.push_str(&format!(
            " · oldest xmin: {} ({} xacts)",
            holder.label(),
            format::thousands(i64::from(holder.xid_age))
        ));
    }
    // Other roles' sessions without pg_read_all_stats: counted, and how to see them.
    if let Some(blind) = app.model.unjudged().cloned() {
        title.push_str(&format!(" · {} hidden", blind.hidden_sessions));
        if let Some(fix) = blind.fix {
            title.push_str(&format!(": {fix}"));
        }
    }
    if let Some(stale) = app.stale(SectionId::Activity) {
        title.push_str(&stale.title_suffix(app.now));
    }
    let empty = match app.model.snapshot().map(|s| &s.activity) {
        None => "waiting for the first poll…".to_string(),
        Some(Err(error)) if app.model.connection_lost().is_some() => {
            format!("no connection: {error}")
        }
        Some(Err(error)) => format!("pg_stat_activity could not be read: {error}"),
        Some(Ok(_)) if !app.tables.state(TableId::Activity).filter.is_empty() => {
            crate::tui::app::views::no_match("session", &app.keymap)
        }
        Some(Ok(_)) => match app.activity_mode {
            crate::tui::app::views::ActivityMode::BlockingTree => {
                "no session is blocking another".into()
            }
            crate::tui::app::views::ActivityMode::Waiting => {
                "no session is waiting on a lock".into()
            }
            _ => "no sessions".into(),
        },
    };
    render_table(
        frame,
        area,
        app.tables.model(TableId::Activity),
        app.tables.state(TableId::Activity),
        &TableView {
            title,
            focused: true,
            empty_message: &empty,
        },
        &app.theme,
    );
}
