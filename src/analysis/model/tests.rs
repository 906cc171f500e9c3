//! The model as a recorder would feed it: snapshots in, what the screens read out.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::analysis::metrics::RateStatus;
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{SectionError, SlowTier};

fn model() -> Model {
    Model::new(ModelSettings::new(Duration::from_secs(1)))
}

fn lost(mut snapshot: Snapshot, error: &str) -> Snapshot {
    let failed = SectionError::Failed(error.into());
    snapshot.server = Err(failed.clone());
    snapshot.activity = Err(failed.clone());
    snapshot.databases = Err(failed.clone());
    snapshot.statements = Err(failed.clone());
    snapshot.progress = Err(failed);
    snapshot
}

#[test]
fn one_absorb_computes_rates_usage_and_figures_from_the_snapshots_times() {
    let mut model = model();
    let first = model.absorb(snapshot_at(10).with_database(db(5).commits(100)));
    assert_eq!(first.taken_at, at(10));
    assert_eq!(first.poll_error, None);
    let mut second = snapshot_at(12)
        .with_database(db(5).commits(300))
        .with_sessions(vec![session(7), session(8)]);
    second.slow = Some(Arc::new(SlowTier {
        table_totals: Ok(tables(10, 30, 900, 100)),
        ..SlowTier::not_polled(at(12))
    }));
    model.absorb(second);
    // Rates over the snapshots' own interval (2 s), whatever the clock of the machine.
    match model.shown_metrics().map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => assert!((rates.tps - 100.0).abs() < 1e-9, "{rates:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(model.pool_usage().map(|u| u.used), Some(2));
    assert_eq!(model.figures().dead_tuples, Some(0.1));
    assert_eq!(model.figures().index_usage, Some(0.75));
    assert_eq!(model.last_success(), Some(at(12)));
}

#[test]
fn a_failed_poll_keeps_the_last_good_values_with_their_time_and_error() {
    let mut model = model();
    model.absorb(snapshot_at(0).with_sessions(vec![session(7)]));
    let absorbed = model.absorb(lost(snapshot_at(12), "connection refused"));
    assert_eq!(absorbed.poll_error.as_deref(), Some("connection refused"));
    let pids: Vec<i32> = model
        .sessions()
        .map_or(vec![], |s| s.iter().map(|s| s.pid).collect());
    assert_eq!(pids, vec![7], "the last sessions stay on screen");
    let stale = model.stale(SectionId::Activity, at(12), false);
    assert_eq!(
        stale.map(|s| (s.age(at(12)), s.reason)),
        Some((Some(Duration::from_secs(12)), "connection refused"))
    );
    assert_eq!(model.connection_lost(), Some("connection refused"));
    assert_eq!(model.last_success(), Some(at(0)));
    assert_eq!(
        model.staleness(at(12), false),
        Some(Duration::from_secs(12))
    );
    // Back: fresh again.
    model.absorb(snapshot_at(13));
    assert_eq!(model.stale(SectionId::Activity, at(13), false), None);
    assert_eq!(model.last_error(), None);
}

#[test]
fn silence_is_stale_unless_paused() {
    let mut model = model();
    model.absorb(snapshot_at(0));
    assert_eq!(model.staleness(at(2), false), None);
    assert_eq!(model.staleness(at(5), false), Some(Duration::from_secs(5)));
    assert_eq!(model.staleness(at(5), true), None);
    assert!(model.stale(SectionId::Server, at(5), false).is_some());
}
