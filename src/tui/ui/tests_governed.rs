//! The notes of sources the cost governor slowed down, as panel titles show them.

use std::time::Duration;

use crate::monitor::snapshot::governed::GovernedSource;
use crate::monitor::snapshot::governed::{GovernedRead, ReadPlan};
use crate::tui::app::App;
use crate::tui::app::test_support::*;
use crate::tui::screens::governed::{note, suffix};

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
