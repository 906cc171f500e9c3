//! Render snapshots of the Replication & WAL screen at 80x24 and wide, from builder-made
//! snapshots: a primary with a standby, slots, archive failures and `pg_stat_io`; its
//! standby (paused replay, conflicts); a role that may not see the senders; PostgreSQL 13
//! (no `pg_stat_io`, no `pg_stat_wal`). Plus the per-panel view models drawn alone and
//! cell-style checks where colour carries the verdict.

use std::sync::Arc;
use std::time::Duration;

use super::test_render::{assert_role, draw, style_of, text};
use crate::monitor::snapshot::replication::{
    Archiver, Checkpoints, IoCounters, IoTotals, RecoveryConflicts, ReplayPause, ReplicationSlot,
    StandbyStatus, WalActivity, WalReceiver, WalSender, WalStats,
};
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{ReplicationSnapshot, SectionError, Snapshot};
use crate::pg::probe::sample_capabilities;
use crate::tui::app::App;
use crate::tui::app::test_support::{feed, new_app, paint};
use crate::tui::screen::Screen;
use crate::tui::theme::{Role, Theme};

const SIZES: [(u16, u16); 3] = [(80, 24), (160, 48), (200, 50)];
const MIB: i64 = 1 << 20;

fn sender(pid: i32, name: &str, replay_behind: i64, lag_ms: Option<u64>) -> WalSender {
    WalSender {
        pid,
        user: Some("replicator".into()),
        application_name: name.into(),
        client_addr: Some("10.0.0.2".into()),
        client_hostname: None,
        state: Some("streaming".into()),
        sync_state: Some("async".into()),
        backend_start: Some(at(0)),
        sent_behind_bytes: Some(0),
        write_behind_bytes: Some(replay_behind / 4),
        flush_behind_bytes: Some(replay_behind / 2),
        replay_behind_bytes: Some(replay_behind),
        write_lag: lag_ms.map(|ms| Duration::from_millis(ms / 4)),
        flush_lag: lag_ms.map(|ms| Duration::from_millis(ms / 2)),
        replay_lag: lag_ms.map(Duration::from_millis),
        reply_time: Some(at(100)),
        xmin_age: Some(12),
        hidden: false,
    }
}

fn slot(name: &str, active: Option<i32>, retained: i64, status: &str) -> ReplicationSlot {
    ReplicationSlot {
        name: name.into(),
        slot_type: "physical".into(),
        plugin: None,
        database: None,
        temporary: false,
        active: active.is_some(),
        active_pid: active,
        restart_lsn: Some("0/3000000".into()),
        confirmed_flush_lsn: None,
        retained_bytes: Some(retained),
        wal_status: Some(status.into()),
        safe_wal_size: None,
        xmin_age: None,
        catalog_xmin_age: None,
        inactive_since: active.is_none().then(|| at(40)),
        invalidation_reason: None,
    }
}

fn wal(secs: u64, position: i64, requested: i64, failed: i64, stats: bool) -> WalActivity {
    WalActivity {
        now: at(secs),
        in_recovery: false,
        lsn: Some(format!("0/{:X}", position)),
        position_bytes: Some(position),
        stats: stats.then_some(WalStats {
            records: position / 120,
            full_page_images: position / 9000,
            bytes: position,
            buffers_full: 0,
            stats_reset: None,
        }),
        archiver: Archiver {
            mode: "on".into(),
            archived_count: 40,
            last_archived_wal: Some("000000010000000000000027".into()),
            last_archived_time: Some(at(secs) - Duration::from_secs(300)),
            failed_count: 127 + failed,
            last_failed_wal: Some("000000010000000000000028".into()),
            last_failed_time: Some(at(secs - 2)),
            stats_reset: None,
        },
        checkpoints: Checkpoints {
            timed: 3,
            requested,
            write_time_ms: 1200.0,
            sync_time_ms: 40.0,
            buffers_checkpoint: 4000 + 100 * requested,
            buffers_clean: 0,
            buffers_backend: None,
            stats_reset: None,
        },
    }
}

fn io(kind: &str, context: &str, scale: i64) -> IoTotals {
    IoTotals {
        backend_type: kind.into(),
        context: context.into(),
        counters: IoCounters {
            reads: 10 * scale,
            read_bytes: 81_920 * scale,
            read_time_ms: 0.5 * scale as f64,
            writes: 2 * scale,
            write_bytes: 16_384 * scale,
            write_time_ms: 0.2 * scale as f64,
            writebacks: 0,
            extends: scale,
            extend_bytes: 8192 * scale,
            hits: 900 * scale,
            evictions: scale,
            reuses: 0,
            fsyncs: 0,
            fsync_time_ms: 0.0,
        },
        stats_reset: None,
    }
}

/// A primary at `secs` with one streaming standby, an inactive slot holding 1.4 GiB, an
/// active one, failing archiving and a requested checkpoint.
fn primary_poll(secs: u64, step: i64) -> Snapshot {
    let mut s = snapshot_at(secs);
    s.capabilities = Some(Arc::new(sample_capabilities()));
    s.replication = ReplicationSnapshot {
        senders: Ok(vec![sender(4242, "standby1", 3 * MIB * step, Some(42_000))]),
        slots: Ok(vec![
            slot("standby1", Some(4242), 3 * MIB, "reserved"),
            ReplicationSlot {
                slot_type: "logical".into(),
                plugin: Some("test_decoding".into()),
                database: Some("app".into()),
                catalog_xmin_age: Some(1_532),
                ..slot("old_slot", None, 1_503_238_554, "extended")
            },
        ]),
        wal: Ok(wal(
            secs,
            0x3A00_0000 + 2 * MIB * step,
            step,
            3 * step,
            true,
        )),
        io: Ok(vec![
            io("client backend", "normal", 4 * step),
            io("checkpointer", "normal", step),
            io("autovacuum worker", "vacuum", 2 * step),
        ]),
        standby: Err(SectionError::Unavailable {
            reason: "not a standby: this server is not in recovery".into(),
            fix: None,
        }),
    };
    s
}

fn app_with(polls: Vec<Snapshot>, width: u16, height: u16) -> App {
    let mut app = new_app();
    crate::tui::app::test_support::resize(&mut app, width, height);
    app.set_screen(Screen::Replication);
    for poll in polls {
        feed(&mut app, poll);
    }
    app
}

fn primary(width: u16, height: u16) -> App {
    app_with(
        vec![primary_poll(100, 1), primary_poll(101, 2)],
        width,
        height,
    )
}

/// The standby of [`primary`]: streaming, replay paused 45 s behind, a few conflicts.
fn standby_poll(secs: u64, paused: bool) -> Snapshot {
    let mut s = snapshot_at(secs);
    let mut caps = sample_capabilities();
    caps.in_recovery = true;
    caps.server_version_num = 170_002;
    s.capabilities = Some(Arc::new(caps));
    let mut activity = wal(secs, 0x3A00_0000 + 2 * MIB * secs as i64, 0, 0, true);
    activity.in_recovery = true;
    activity.archiver.failed_count = 0;
    activity.archiver.last_failed_time = None;
    s.replication = ReplicationSnapshot {
        senders: Ok(Vec::new()),
        slots: Ok(Vec::new()),
        wal: Ok(activity),
        io: Ok(vec![io("startup", "normal", secs as i64)]),
        standby: Ok(StandbyStatus {
            now: at(secs),
            receive_lsn: Some("0/3A400000".into()),
            replay_lsn: Some("0/3A000000".into()),
            replay_behind_bytes: Some(4 * MIB),
            last_replay_time: Some(at(secs - 45)),
            replay_paused: if paused {
                ReplayPause::Paused
            } else {
                ReplayPause::NotPaused
            },
            receiver: Some(WalReceiver {
                pid: 77,
                status: Some("streaming".into()),
                sender_host: Some("10.0.0.1".into()),
                sender_port: Some(5432),
                slot_name: Some("standby1".into()),
                flushed_lsn: Some("0/3A400000".into()),
                last_msg_receipt_time: Some(at(secs)),
                hidden: false,
            }),
            conflicts: RecoveryConflicts {
                snapshot: 3,
                lock: 1,
                total: 4,
                ..RecoveryConflicts::default()
            },
        }),
    };
    s
}

fn standby(width: u16, height: u16) -> App {
    app_with(
        vec![standby_poll(100, true), standby_poll(101, true)],
        width,
        height,
    )
}

#[test]
fn primary_shows_its_standby_slots_wal_archiver_checkpoints_and_io() {
    for (w, h) in SIZES {
        let mut app = primary(w, h);
        let screen = text(&draw(&mut app, w, h));
        insta::assert_snapshot!(format!("replication_primary_{w}x{h}"), screen);
        assert!(screen.contains("standby1"), "{screen}");
        assert!(screen.contains("42s"), "the replay lag: {screen}");
        assert!(screen.contains("old_slot"), "{screen}");
        assert!(
            screen.contains("+3 in 5m"),
            "the archiver's growth: {screen}"
        );
    }
}

#[test]
fn lag_past_the_limit_and_an_inactive_slot_retaining_too_much_are_coloured() {
    let mut app = primary(160, 48);
    // The focus on pg_stat_io: the standby and slot rows are drawn unselected.
    app.set_focus(Screen::Replication, 2);
    let buffer = draw(&mut app, 160, 48);
    assert_role(
        style_of(&buffer, "10.0.0.2", "42s"),
        Role::Crit,
        "replay lag ≥ 30 s",
    );
    assert_role(
        style_of(&buffer, "old_slot", "1.4 GiB"),
        Role::Warn,
        "inactive slot over 1 GiB",
    );
    assert_role(
        style_of(&buffer, "archiver on", "133 failed"),
        Role::Crit,
        "failures growing",
    );
}

#[test]
fn the_header_of_a_primary_counts_its_standbys() {
    let mut app = primary(160, 48);
    let screen = text(&draw(&mut app, 160, 48));
    let header = screen.lines().nth(1).unwrap_or_default();
    assert!(header.contains("1 standby, max lag 42s"), "{header}");
}

#[test]
fn a_long_target_is_cut_before_the_role_and_standbys_leave_an_80_column_header() {
    let mut app = primary(80, 24);
    app.settings_mut()
        .set_target("monitoring@db-prod-eu-west-1.internal.example.com:5432/app");
    let screen = text(&draw(&mut app, 80, 24));
    let header = screen.lines().nth(1).unwrap_or_default();
    assert!(header.contains("ALERT"), "the fixture has alerts: {header}");
    assert!(header.contains("primary"), "{header}");
    assert!(header.contains("1 standby"), "{header}");
    assert!(
        header.contains(" monitoring@db-prod-eu-") && header.contains("…  PG 15.18 primary"),
        "the target keeps its floor, cut visibly: {header}"
    );
}

#[test]
fn a_standby_shows_its_upstream_replay_lag_and_paused_replay() {
    for (w, h) in SIZES {
        let mut app = standby(w, h);
        let buffer = draw(&mut app, w, h);
        let screen = text(&buffer);
        insta::assert_snapshot!(format!("replication_standby_{w}x{h}"), screen);
        let header = screen.lines().nth(1).unwrap_or_default();
        assert!(header.contains("standby"), "{header}");
        assert!(header.contains("REPLAY PAUSED"), "{header}");
        assert!(screen.contains("replay lag 45s"), "{screen}");
        assert!(screen.contains("10.0.0.1:5432"), "{screen}");
        assert_role(
            style_of(&buffer, "replay lag 45s", "replay lag"),
            Role::Crit,
            "lag past the limit",
        );
    }
}

#[test]
fn hidden_senders_read_hidden_never_zero() {
    let hide = |mut s: Snapshot| {
        if let Ok(senders) = &mut s.replication.senders {
            for sender in senders.iter_mut() {
                *sender = WalSender {
                    pid: sender.pid,
                    user: None,
                    application_name: sender.application_name.clone(),
                    hidden: true,
                    state: None,
                    sync_state: None,
                    client_addr: None,
                    sent_behind_bytes: None,
                    write_behind_bytes: None,
                    flush_behind_bytes: None,
                    replay_behind_bytes: None,
                    write_lag: None,
                    flush_lag: None,
                    replay_lag: None,
                    xmin_age: None,
                    ..sender.clone()
                };
            }
        }
        s
    };
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = app_with(
            vec![hide(primary_poll(100, 1)), hide(primary_poll(101, 2))],
            w,
            h,
        );
        let screen = text(&draw(&mut app, w, h));
        insta::assert_snapshot!(format!("replication_hidden_{w}x{h}"), screen);
        let row = screen
            .lines()
            .find(|l| l.contains("standby1") && l.contains("hidden"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(!row.contains(" 0 "), "hidden is not zero: {row}");
    }
}

#[test]
fn postgresql_13_says_what_it_does_not_have() {
    let old = |secs: u64, step: i64| {
        let mut s = primary_poll(secs, step);
        let mut caps = sample_capabilities();
        caps.server_version_num = 130_016;
        s.capabilities = Some(Arc::new(caps));
        s.replication.io = Err(SectionError::Unavailable {
            reason: "pg_stat_io exists from PostgreSQL 16".into(),
            fix: None,
        });
        if let Ok(w) = &mut s.replication.wal {
            w.stats = None;
        }
        s
    };
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = app_with(vec![old(100, 1), old(101, 2)], w, h);
        let screen = text(&draw(&mut app, w, h));
        insta::assert_snapshot!(format!("replication_pg13_{w}x{h}"), screen);
        assert!(
            screen.contains("not on this version (PostgreSQL 13)"),
            "{screen}"
        );
        assert!(screen.contains("not on 13"), "{screen}");
    }
}

#[test]
fn a_failed_read_keeps_the_standbys_marked_stale() {
    let mut third = primary_poll(105, 3);
    third.replication.senders = Err(SectionError::Failed(
        "canceling statement due to statement timeout".into(),
    ));
    let mut app = app_with(
        vec![primary_poll(100, 1), primary_poll(101, 2), third],
        80,
        24,
    );
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("Standbys"), "{screen}");
    assert!(screen.contains("stale 4s"), "{screen}");
    assert!(screen.contains("standby1"), "kept on screen: {screen}");
}

#[test]
fn the_summary_panel_alone_drops_whole_facts_when_narrow() {
    let app = primary(80, 24);
    let view =
        crate::tui::screens::replication_view::view(&app, ratatui::layout::Rect::new(0, 0, 60, 18));
    let buffer = paint(60, 18, |frame| {
        super::replication::render(frame, &view, &Theme::default());
    });
    let screen = text(&buffer);
    insta::assert_snapshot!("panel_replication_60x18", screen);
    for line in screen.lines() {
        assert!(!line.contains("· …") && !line.ends_with("·│"), "{line}");
    }
}
