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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::governed::{GovernedRead, ReadPlan};
    use crate::tui::app::test_support::*;

    fn app_with_slowed_cache(width: u16) -> App {
        let mut app = new_app();
        resize(&mut app, width, 40);
        let mut snapshot = snapshot_at(0);
        let mut plan = ReadPlan::new(Duration::from_millis(60), Duration::from_secs(30));
        plan.set(
            GovernedSource::Cache,
            GovernedRead {
                interval: Duration::from_secs(120),
                desired: Duration::from_secs(15),
                cost: Some(Duration::from_millis(90)),
            },
        );
        snapshot.reads = plan;
        feed(&mut app, snapshot);
        app
    }

    #[test]
    fn a_slowed_source_says_how_often_and_what_a_read_costs() {
        let app = app_with_slowed_cache(80);
        assert_eq!(
            suffix(&app, GovernedSource::Cache),
            " · every 2m: a read costs 90 ms"
        );
        assert_eq!(suffix(&app, GovernedSource::Indexes), "", "not slowed");
        let wide = app_with_slowed_cache(160);
        assert_eq!(
            note(&wide, GovernedSource::Cache).as_deref(),
            Some("every 2m: a read costs 90 ms — pgpulse doctor explains")
        );
    }
}
