//! The format's promises, checked on files: round trip, damage at every byte of the last
//! record, a flipped bit, an unknown version, file modes, rotation and retention.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::monitor::snapshot::test_support::{
    SnapshotBuilder, WaitEventType, at, blocking_chain, session, snapshot_at, stmt,
};
use crate::monitor::snapshot::{SlowTier, Snapshot};
use crate::recording::format::{FORMAT_VERSION, MAGIC};
use crate::recording::{Recorder, RecorderConfig, Recording, ServerIdentity};

fn identity() -> ServerIdentity {
    ServerIdentity {
        target: "postgres@/tmp:5432/app".into(),
        server_version: Some("15.8".into()),
    }
}

fn config(dir: &Path) -> RecorderConfig {
    let mut config = RecorderConfig::new(dir.to_path_buf());
    config.keyframe_every = 10;
    config
}

/// Polls like the poller makes them: sessions come and go, one waits on a lock, the slow
/// tier and the statements are re-sent (the same `Arc`) between their reads.
pub(crate) fn polls(count: u64) -> Vec<Snapshot> {
    let mut slow = Arc::new(SlowTier::not_polled(at(0)));
    let mut out: Vec<Snapshot> = Vec::new();
    for secs in 0..count {
        let mut sessions = blocking_chain(2);
        sessions.push(session(1000 + (secs % 7) as i32));
        let mut snapshot = snapshot_at(secs).with_sessions(sessions);
        if secs % 15 == 0 {
            slow = Arc::new(SlowTier::not_polled(at(secs)));
            snapshot = snapshot.with_statement(stmt(secs as i64 + 1));
        } else if let Some(previous) = out.last() {
            snapshot.statements = previous.statements.clone();
        }
        snapshot.slow = Some(Arc::clone(&slow));
        out.push(snapshot);
    }
    out
}

pub(crate) fn record(dir: &Path, snapshots: &[Snapshot]) -> PathBuf {
    let mut recorder = Recorder::open(config(dir), identity()).unwrap();
    for snapshot in snapshots {
        recorder.append(snapshot).unwrap();
    }
    let path = recorder.current_segment().unwrap().to_path_buf();
    recorder.close().unwrap();
    path
}

fn shown(snapshot: &Snapshot) -> String {
    format!("{snapshot:?}")
}

#[test]
fn every_snapshot_comes_back_as_it_was_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let written = polls(45);
    record(dir.path(), &written);
    let recording = Recording::open(dir.path()).unwrap();
    assert_eq!(recording.records(), 45);
    assert!(recording.damage().is_empty());
    assert_eq!(recording.time_range(), Some((at(0), at(44))));
    assert_eq!(
        recording.segments()[0].header.as_ref().unwrap().server,
        identity()
    );
    let read: Vec<Snapshot> = recording.snapshots().map(Result::unwrap).collect();
    assert_eq!(read.len(), written.len());
    for (read, written) in read.iter().zip(&written) {
        assert_eq!(shown(read), shown(written));
    }
    let waiting = read[30].activity.as_ref().unwrap();
    assert!(
        waiting
            .iter()
            .any(|s| s.wait_event_type == Some(WaitEventType::Lock))
    );
}

#[test]
fn a_time_window_starts_at_the_keyframe_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let written = polls(45);
    record(dir.path(), &written);
    let recording = Recording::open(dir.path()).unwrap();
    let window: Vec<Snapshot> = recording
        .snapshots_between(at(17), at(23))
        .map(Result::unwrap)
        .collect();
    let times: Vec<_> = window.iter().map(|s| s.sequence).collect();
    assert_eq!(times, (17..=23).collect::<Vec<_>>());
    assert_eq!(shown(&window[0]), shown(&written[17]));
    let at_time = recording
        .snapshot_at(at(30) + Duration::from_millis(500))
        .unwrap()
        .unwrap();
    assert_eq!(at_time.sequence, 30);
    let before = recording
        .snapshot_at(at(0) - Duration::from_secs(60))
        .unwrap()
        .unwrap();
    assert_eq!(before.sequence, 0);
}

#[test]
fn a_truncated_tail_at_any_byte_keeps_every_record_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(5));
    let bytes = std::fs::read(&path).unwrap();
    let whole = Recording::open(&path).unwrap();
    let last = whole.segments()[0].entries_offsets()[4];
    let cut_dir = tempfile::tempdir().unwrap();
    let cut_path = cut_dir.path().join("pgpulse-cut.pgrec");
    for cut in last..bytes.len() {
        std::fs::write(&cut_path, &bytes[..cut]).unwrap();
        let recording = Recording::open(&cut_path).unwrap();
        assert_eq!(recording.records(), 4, "cut at {cut}");
        let damage = recording.damage();
        if cut == last {
            assert!(damage.is_empty(), "cut at a record boundary is clean");
        } else {
            assert_eq!(damage.len(), 1, "cut at {cut}");
            assert_eq!(damage[0].offset, last as u64);
            assert!(damage[0].what.contains("cut short"), "{}", damage[0].what);
        }
        let read: Vec<_> = recording.snapshots().collect();
        assert_eq!(read.len(), 4);
        assert!(read.iter().all(Result::is_ok));
    }
}

#[test]
fn a_flipped_bit_is_damage_at_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(5));
    let offsets = Recording::open(&path).unwrap().segments()[0].entries_offsets();
    let mut bytes = std::fs::read(&path).unwrap();
    let inside = offsets[2] + 20;
    bytes[inside] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    let recording = Recording::open(&path).unwrap();
    assert_eq!(recording.records(), 2);
    let damage = recording.damage();
    assert_eq!(damage[0].offset, offsets[2] as u64);
    assert_eq!(damage[0].what, "checksum mismatch");
    assert!(
        damage[0]
            .to_string()
            .contains(&format!("damaged at byte {}", offsets[2]))
    );
    assert_eq!(recording.snapshots().filter(Result::is_ok).count(), 2);
}

#[test]
fn a_newer_or_unknown_format_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(2));
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[MAGIC.len()..MAGIC.len() + 2].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let error = Recording::open(dir.path()).unwrap_err().to_string();
    assert!(
        error.contains("newer pgpulse") && error.contains("format 2"),
        "{error}"
    );
    bytes[MAGIC.len()..MAGIC.len() + 2].copy_from_slice(&0u16.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let error = Recording::open(&path).unwrap_err().to_string();
    assert!(
        error.contains("unknown recording format version 0"),
        "{error}"
    );
    std::fs::write(&path, b"hello").unwrap();
    let error = Recording::open(&path).unwrap_err().to_string();
    assert!(error.contains("not a pgpulse recording"), "{error}");
}

#[test]
fn a_segment_cut_inside_its_header_is_damage_not_an_unreadable_recording() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(3));
    let bytes = std::fs::read(&path).unwrap();
    let header_end = Recording::open(&path).unwrap().segments()[0].entries_offsets()[0];
    let cut = dir.path().join("pgpulse-20991231T000000.000Z.pgrec");
    for len in 0..header_end {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let recording = Recording::open(dir.path()).unwrap();
        assert_eq!(recording.records(), 3, "cut at {len}");
        let damage = recording.damage();
        assert_eq!(damage.len(), 1, "cut at {len}");
        assert_eq!(
            (damage[0].segment.as_path(), damage[0].offset),
            (cut.as_path(), 0)
        );
    }
}

#[test]
fn files_are_private_and_hold_no_password() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("new");
    let path = record(&dir, &polls(3));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn segments_rotate_by_size_and_the_oldest_go_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    config.segment_max = 1;
    config.max_size = 3_000;
    let mut recorder = Recorder::open(config, identity()).unwrap();
    for snapshot in polls(12) {
        recorder.append(&snapshot).unwrap();
    }
    recorder.close().unwrap();
    let recording = Recording::open(dir.path()).unwrap();
    let total: u64 = recording.segments().iter().map(|s| s.bytes).sum();
    assert!(recording.segments().len() > 1);
    assert!(
        total <= 3_000 + recording.segments().last().unwrap().bytes,
        "{total}"
    );
    // The newest snapshots are the ones kept, each segment readable on its own.
    assert_eq!(recording.time_range().unwrap().1, at(11));
    assert!(recording.records() < 12);
    assert!(recording.snapshots().all(|s| s.is_ok()));
}

#[test]
fn a_failed_write_stops_with_the_path_and_reason() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("gone");
    let mut config = config(&dir);
    config.segment_max = 1;
    let mut recorder = Recorder::open(config, identity()).unwrap();
    let snapshots = polls(2);
    recorder.append(&snapshots[0]).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let error = recorder.append(&snapshots[1]).unwrap_err().to_string();
    assert!(error.contains("gone"), "{error}");
}

/// The committed fuzz corpus (tests/fuzz_corpus/segment_reader: under tests/ so the
/// packaged crate has it; `fuzz/` is a package of its own): the reader reports, never panics.
#[test]
fn the_fuzz_corpus_never_panics_the_reader() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/segment_reader");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let (decoded, damage) = crate::recording::reader::read_bytes_for_fuzzing(&bytes);
        if path.ends_with("valid-3-records") {
            assert_eq!((decoded, damage), (3, None));
        } else if path.ends_with("header-only") {
            assert_eq!((decoded, damage), (0, None));
        } else {
            assert!(damage.is_some(), "{}: no damage reported", path.display());
        }
        seen += 1;
    }
    assert!(seen >= 5, "the corpus has {seen} files");
}

/// Writes the seed corpus of the fuzz target: `cargo test --lib write_fuzz_corpus --
/// --ignored` (then commit tests/fuzz_corpus/segment_reader).
#[test]
#[ignore]
fn write_fuzz_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/segment_reader");
    std::fs::create_dir_all(&corpus).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(3));
    let bytes = std::fs::read(&path).unwrap();
    let offsets = Recording::open(&path).unwrap().segments()[0].entries_offsets();
    let mut flipped = bytes.clone();
    flipped[offsets[1] + 30] ^= 1;
    let mut newer = bytes.clone();
    newer[MAGIC.len()] = 9;
    // Checksums intact, contents wrong: these reach the decoder.
    let resealed = |index: usize, change: &dyn Fn(&mut Vec<u8>)| {
        let record = crate::recording::format::decode_record(&bytes, offsets[index])
            .unwrap()
            .unwrap();
        let mut frame = record.zstd_frame.to_vec();
        change(&mut frame);
        let mut out = bytes[..offsets[0]].to_vec();
        crate::recording::format::encode_record(&mut out, record.kind, record.taken_at, &frame);
        out
    };
    let bad_zstd = resealed(0, &|frame| {
        let middle = frame.len() / 2;
        frame[middle] ^= 0xff;
    });
    let not_zstd = resealed(0, &|frame| frame.truncate(3));
    let mut delta_first = bytes[..offsets[0]].to_vec();
    delta_first.extend_from_slice(&bytes[offsets[1]..]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("bad-zstd-valid-crc", bad_zstd),
        ("not-zstd-valid-crc", not_zstd),
        ("delta-first", delta_first),
        ("valid-3-records", bytes.clone()),
        ("header-only", bytes[..offsets[0]].to_vec()),
        ("cut-in-last-record", bytes[..bytes.len() - 7].to_vec()),
        ("cut-in-frame-prefix", bytes[..offsets[2] + 3].to_vec()),
        ("flipped-bit", flipped),
        ("newer-version", newer),
        ("magic-only", MAGIC.to_vec()),
        ("empty", Vec::new()),
    ];
    for (name, bytes) in cases {
        std::fs::write(corpus.join(name), bytes).unwrap();
    }
}

/// Re-encodes a real recording (`PGPULSE_REENCODE=DIR`) at several zstd levels and
/// keyframe spacings and prints the bytes and encoding time of each: how the defaults
/// were chosen against the 10 MiB/hour budget (`bench/record_size --keep-recording`).
#[test]
#[ignore]
fn reencode_a_recording_for_the_budget() {
    let Some(dir) = std::env::var_os("PGPULSE_REENCODE") else {
        return;
    };
    let recording = Recording::open(Path::new(&dir)).unwrap();
    let snapshots: Vec<Snapshot> = recording.snapshots().map(Result::unwrap).collect();
    let (first, last) = recording.time_range().unwrap();
    let span = last.duration_since(first).unwrap().as_secs_f64().max(1.0);
    for level in [3, 6, 9, 12, 15, 19] {
        for every in [60, 120, 300] {
            let mut encoder = crate::recording::codec::Encoder::with_level(level).unwrap();
            let started = std::time::Instant::now();
            let (mut keys, mut deltas) = (0usize, 0usize);
            for (n, snapshot) in snapshots.iter().enumerate() {
                let keyframe = n % every == 0;
                let len = encoder.encode(snapshot, keyframe).unwrap().1.len() + 17;
                if keyframe { keys += len } else { deltas += len }
            }
            let per_hour = (keys + deltas) as f64 * 3600.0 / span / f64::from(1 << 20);
            println!(
                "level {level:2} keyframe every {every:3}: {per_hour:6.2} MiB/h (keyframes {keys}, deltas {deltas}), {:.1} ms/record",
                started.elapsed().as_secs_f64() * 1000.0 / snapshots.len() as f64
            );
        }
    }
}

/// A re-read of the statement counters that changed a few of 2,000 costs a few bytes: the
/// delta's prefix holds the last counters written, not only the record before (which
/// re-sent nothing).
#[test]
fn a_reread_list_costs_what_changed_not_the_whole_list() {
    let mut first = snapshot_at(0);
    for id in 1..=2000 {
        let mut counters = stmt(id);
        // Counters as varied as a real server's.
        counters.calls = id * 7919 % 1_000_003;
        counters.total_exec_time_ms = (id * 104_729 % 999_983) as f64 / 7.0;
        counters.rows = id * 15_485_863 % 10_007;
        first = first.with_statement(counters);
    }
    let mut encoder = crate::recording::codec::Encoder::new().unwrap();
    let whole = encoder.encode(&first, true).unwrap().1.len();
    let mut between = snapshot_at(1);
    between.statements = first.statements.clone();
    let (kind, carried) = encoder.encode(&between, false).unwrap();
    assert_eq!(kind, crate::recording::format::Kind::Delta);
    let carried = carried.len();
    let mut reread = snapshot_at(2);
    let mut statements = first.statements.clone().unwrap();
    let mut counters = (*statements.counters).clone();
    for counter in counters.iter_mut().step_by(400) {
        counter.calls += 1;
        counter.total_exec_time_ms += 1.5;
    }
    statements.counters = Arc::new(counters);
    statements.read_at = at(2);
    reread.statements = Ok(statements);
    let (kind, changed) = encoder.encode(&reread, false).unwrap();
    assert_eq!(kind, crate::recording::format::Kind::DeltaOnParts);
    let changed = changed.len();
    assert!(whole > 10_000, "{whole}");
    assert!(carried < 300, "{carried}");
    assert!(
        changed < whole / 20,
        "a re-read with 5 changes took {changed} of {whole} bytes"
    );
}
