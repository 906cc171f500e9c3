//! The recorder's thread: a disk that stalls costs the recording snapshots, never the
//! caller (the poller's and the TUI's loop) its time; a failed write is reported once.

use std::sync::mpsc;
use std::time::Duration;

use crate::monitor::snapshot::Snapshot;
use crate::recording::background::{BackgroundRecorder, Closed, Sent};
use crate::recording::tests::polls;
use crate::recording::{Recorder, RecorderConfig, Recording, ServerIdentity};

/// Long enough for any machine; reached only when the code under test is broken.
const BOUND: Duration = Duration::from_secs(30);

fn recorder(dir: &std::path::Path) -> Recorder {
    Recorder::open(
        RecorderConfig::new(dir.to_path_buf()),
        ServerIdentity::default(),
    )
    .unwrap()
}

#[test]
fn a_stalled_disk_drops_snapshots_and_never_stalls_the_loop_that_produces_them() {
    let dir = tempfile::tempdir().unwrap();
    let (entered_tx, entered) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let mut stalled = false;
    // The disk stalls on the first write until the test lets it go.
    let stall = Box::new(move || {
        if !stalled {
            stalled = true;
            let _ = entered_tx.send(());
            let _ = released.recv_timeout(BOUND);
        }
    });
    let mut background = BackgroundRecorder::spawn(recorder(dir.path()), 4, stall).unwrap();
    let snapshots = polls(20);
    assert_eq!(background.send(snapshots[0].clone()), Sent::Queued);
    entered
        .recv_timeout(BOUND)
        .expect("the writer to take the first snapshot");

    // A poller and the loop that takes its snapshots, on a current-thread runtime as in
    // `pgpulse record`: every snapshot reaches the loop while the disk is stalled. The
    // loop runs on its own thread so a loop that blocked fails the test, not hangs it.
    let rest: Vec<Snapshot> = snapshots[1..].to_vec();
    let (finished, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let results = runtime.block_on(async move {
            let (poll_tx, mut polled) = tokio::sync::mpsc::channel::<Snapshot>(1);
            tokio::spawn(async move {
                for snapshot in rest {
                    if poll_tx.send(snapshot).await.is_err() {
                        return;
                    }
                }
            });
            let mut results = Vec::new();
            while let Some(snapshot) = polled.recv().await {
                results.push(background.send(snapshot));
            }
            (background, results)
        });
        let _ = finished.send(results);
    });
    let (background, results) = outcome
        .recv_timeout(BOUND)
        .expect("the loop to take all 19 snapshots while the disk is stalled");
    assert_eq!(results.len(), 19);
    assert!(
        results[..4].iter().all(|sent| *sent == Sent::Queued),
        "{results:?}"
    );
    assert_eq!(results[4], Sent::Dropped { first: true });
    assert!(
        results[5..]
            .iter()
            .all(|sent| *sent == Sent::Dropped { first: false })
    );
    assert_eq!(background.dropped(), 15);

    // The disk comes back: what was queued is written, synced and readable.
    release.send(()).unwrap();
    assert_eq!(
        background.close().unwrap(),
        Closed {
            dropped: 15,
            finished: true
        }
    );
    let recording = Recording::open(dir.path()).unwrap();
    assert!(recording.damage().is_empty());
    let sequences: Vec<u64> = recording.snapshots().map(|s| s.unwrap().sequence).collect();
    let written: Vec<u64> = snapshots[..5].iter().map(|s| s.sequence).collect();
    assert_eq!(sequences, written);
}

#[tokio::test]
async fn a_failed_write_is_reported_once_and_stops_the_writer() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("gone");
    let mut config = RecorderConfig::new(dir.clone());
    // Every record starts a segment: the one after the directory is removed cannot.
    config.segment_max = 1;
    let recorder = Recorder::open(config, ServerIdentity::default()).unwrap();
    let mut background = BackgroundRecorder::start(recorder).unwrap();
    let snapshots = polls(3);
    assert_eq!(background.send(snapshots[0].clone()), Sent::Queued);
    // The first record is on disk before the directory goes.
    tokio::time::timeout(BOUND, async {
        while Recording::open(&dir).map_or(0, |r| r.records()) == 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the first record to be written");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(background.send(snapshots[1].clone()), Sent::Queued);
    let error = tokio::time::timeout(BOUND, background.failed())
        .await
        .expect("the failure to be reported");
    assert!(error.to_string().contains("gone"), "{error}");
    assert_eq!(background.send(snapshots[2].clone()), Sent::Stopped);
    // Reported once: it does not come again.
    assert!(
        tokio::time::timeout(Duration::from_millis(50), background.failed())
            .await
            .is_err()
    );
    let closed = tokio::task::spawn_blocking(move || background.close())
        .await
        .unwrap();
    assert!(closed.is_ok());
}

#[tokio::test]
async fn a_writer_that_panics_is_a_stopped_recording_not_a_silent_one() {
    let dir = tempfile::tempdir().unwrap();
    let panics = Box::new(|| panic!("a bug in the writer (this test panics on purpose)"));
    let mut background = BackgroundRecorder::spawn(recorder(dir.path()), 4, panics).unwrap();
    assert_eq!(background.send(polls(1)[0].clone()), Sent::Queued);
    let error = tokio::time::timeout(BOUND, background.failed())
        .await
        .expect("the stop to be reported");
    assert!(
        error.to_string().contains("stopped unexpectedly"),
        "{error}"
    );
    assert_eq!(background.send(polls(1)[0].clone()), Sent::Stopped);
}
