//! `pgpulse record` as systemd would run it: it records a lock wait, is killed with
//! SIGKILL, and the reader still returns every snapshot it wrote, the lock wait included,
//! with at most a damaged tail.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::binary::pgpulse_async;
use common::live::{backend_pid, eventually, exec, must, spawn_sql};
use pgpulse::monitor::snapshot::WaitEventType;
use pgpulse::recording::Recording;

/// A password the conninfo carries (trust auth ignores it): no recorded byte may hold it.
const PASSWORD: &str = "hunter2-must-not-be-recorded";

/// The recorder with an environment that cannot leak in from the machine.
fn recorder(conninfo: &str, dir: &Path, home: &Path) -> tokio::process::Child {
    let mut command = pgpulse_async(home, &["record", "-w", "--refresh", "0.5", "--dir"]);
    command
        .arg(dir)
        .arg(conninfo)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    must(command.spawn(), "starting pgpulse record")
}

/// Whether any readable snapshot shows `waiter` waiting on a lock held by `holder`.
fn shows_lock_wait(recording: &Recording, waiter: i32, holder: i32) -> bool {
    recording
        .snapshots()
        .filter_map(Result::ok)
        .any(|snapshot| {
            snapshot.activity.is_ok_and(|sessions| {
                sessions.iter().any(|s| {
                    s.pid == waiter
                        && s.wait_event_type == Some(WaitEventType::Lock)
                        && s.blocked_by.contains(&holder)
                })
            })
        })
}

#[tokio::test]
async fn a_killed_recorder_leaves_every_snapshot_but_the_last_readable() {
    let db = common::shared().create_database().await;
    exec(&db.client().await, "CREATE TABLE recorded (id int)").await;
    let holder = db.client().await;
    let holder_pid = backend_pid(&holder).await;
    exec(
        &holder,
        "BEGIN; LOCK TABLE recorded IN ACCESS EXCLUSIVE MODE",
    )
    .await;
    let waiter = db.client().await;
    let waiter_pid = backend_pid(&waiter).await;
    let wait = spawn_sql(waiter, "SELECT * FROM recorded".into());

    let home = must(tempfile::tempdir(), "temp home");
    let dir = home.path().join("recording");
    let conninfo = format!("{} sslmode=disable password={PASSWORD}", db.conninfo());
    let mut child = recorder(&conninfo, &dir, home.path());
    eventually(
        "the recording to hold the lock wait and 4 snapshots",
        async || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the recorder exited early: {status}");
            }
            let recording = Recording::open(&dir).map_err(|e| e.to_string())?;
            let records = recording.records();
            if records >= 4 && shows_lock_wait(&recording, waiter_pid, holder_pid) {
                Ok(())
            } else {
                Err(format!("{records} records"))
            }
        },
    )
    .await;
    must(child.start_kill(), "SIGKILL to the recorder");
    let status = must(
        tokio::time::timeout(Duration::from_secs(10), child.wait())
            .await
            .map_err(|e| e.to_string()),
        "the recorder to exit",
    );
    assert!(!must(status, "recorder status").success());
    exec(&holder, "ROLLBACK").await;
    must(wait.await, "the waiter").ok();

    let recording = must(Recording::open(&dir), "opening the recording");
    assert!(recording.records() >= 4);
    assert!(shows_lock_wait(&recording, waiter_pid, holder_pid));
    // At most the record being written when it was killed is lost.
    let damage = recording.damage();
    assert!(damage.len() <= 1, "{damage:?}");
    if let Some(damage) = damage.first() {
        let last = recording.segments().last().unwrap();
        assert_eq!(damage.segment, last.path);
        assert!(damage.what.contains("cut short"), "{damage}");
    }
    assert!(recording.snapshots().all(|s| s.is_ok()));
    let header = recording.segments()[0].header.as_ref().unwrap();
    assert!(header.server.target.contains(&db.name), "{header:?}");
    assert!(header.server.server_version.is_some());

    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for segment in recording.segments() {
        assert_eq!(mode(&segment.path), 0o600);
        let bytes = std::fs::read(&segment.path).unwrap();
        assert!(
            !bytes
                .windows(PASSWORD.len())
                .any(|w| w == PASSWORD.as_bytes())
        );
    }

    // The user's view of it.
    let info = must(
        pgpulse_async(home.path(), &["recording", "info"])
            .arg(&dir)
            .output()
            .await,
        "pgpulse recording info",
    );
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{text}");
    assert!(
        text.contains(&format!("records: {}", recording.records())),
        "{text}"
    );
    assert!(text.contains("damage: "), "{text}");
    // Every intact record decodes: replay can show them all.
    let records = recording.records();
    assert!(
        text.contains(&format!(
            "replay can show: {records} of {records} snapshots"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_recorder_cleanly() {
    let db = common::shared().create_database().await;
    let home = must(tempfile::tempdir(), "temp home");
    let dir = home.path().join("recording");
    let conninfo = format!("{} sslmode=disable", db.conninfo());
    let mut child = recorder(&conninfo, &dir, home.path());
    eventually("two snapshots recorded", async || {
        let records = Recording::open(&dir).map(|r| r.records()).unwrap_or(0);
        if records >= 2 {
            Ok(())
        } else {
            Err(format!("{records} records"))
        }
    })
    .await;
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id().unwrap()).unwrap());
    must(
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM),
        "SIGTERM",
    );
    let status = must(
        tokio::time::timeout(Duration::from_secs(10), child.wait())
            .await
            .map_err(|e| e.to_string()),
        "the recorder to stop",
    );
    assert!(must(status, "recorder status").success());
    let recording = must(Recording::open(&dir), "opening the recording");
    assert!(recording.damage().is_empty(), "{:?}", recording.damage());
    assert!(recording.records() >= 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_live_view_records_on_its_own_thread_and_closes_the_recording_on_q() {
    let db = common::shared().create_database().await;
    let home = must(tempfile::tempdir(), "temp home");
    let dir = home.path().join("recording");
    let dir_arg = dir.to_string_lossy().into_owned();
    let mut pgpulse = crate::pty::Pgpulse::start(
        &format!("{} sslmode=disable", db.conninfo()),
        &["--refresh", "0.5", "--record", &dir_arg],
        &[],
    );
    pgpulse.shows("Dashboard").await;
    eventually("the live view to record three snapshots", async || {
        let records = Recording::open(&dir).map(|r| r.records()).unwrap_or(0);
        if records >= 3 {
            Ok(())
        } else {
            Err(format!("{records} records"))
        }
    })
    .await;
    // It still answers keys while it records.
    pgpulse.keys("2");
    pgpulse.shows("Sessions").await;
    pgpulse.keys("q");
    assert_eq!(pgpulse.exited().await, 0);
    let recording = must(Recording::open(&dir), "opening the recording");
    assert!(recording.damage().is_empty(), "{:?}", recording.damage());
    let verified = recording.verify();
    assert!(recording.records() >= 3);
    assert_eq!(verified.replayable(), recording.records());
}
