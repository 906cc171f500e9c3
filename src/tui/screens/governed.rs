//! What a panel says when the cost governor reads its source less often than its tier:
//! "every 2m: a read costs 90 ms — pgpulse doctor explains", shorter on narrow terminals,
//! appended to the title like the stale note.

use std::time::Duration;

use crate::monitor::snapshot::governed::GovernedSource;
use crate::text::format;
use crate::tui::app::App;

/// From this terminal width on the note also names `pgpulse doctor`.
const WIDE: u16 = 140;

/// `every 2m: a read costs 90 ms` (wide: `— pgpulse doctor explains` after it) when the
/// budget slowed `source` down; nothing otherwise.
pub fn note(app: &App, source: GovernedSource) -> Option<String> {
    let read = app.model().snapshot()?.reads.get(source);
    if !read.slowed() {
        return None;
    }
    let every = format::duration(Duration::from_secs(read.interval.as_secs()));
    let mut note = match read.cost {
        Some(cost) => format!("every {every}: a read costs {}", format::whole_millis(cost)),
        None => format!("every {every}"),
    };
    if app.size().0 >= WIDE {
        note.push_str(" — pgpulse doctor explains");
    }
    Some(note)
}

/// ` · every 2m: a read costs 90 ms` for a title, or nothing.
pub fn suffix(app: &App, source: GovernedSource) -> String {
    note(app, source)
        .map(|note| format!(" · {note}"))
        .unwrap_or_default()
}
