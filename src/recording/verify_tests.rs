//! `verify` on records whose frame and checksum are right but whose
//! snapshot does not decode: what replay would stop at, `verify` must name.

use std::path::Path;

use crate::recording::Recording;
use crate::recording::format::{self, Kind};
use crate::recording::tests::{polls, record};

/// The segment at `path` rewritten with `replace(index, record bytes)` deciding each
/// record's new bytes (empty drops it): the header and the framing stay valid.
fn rewrite(path: &Path, replace: impl Fn(usize, &[u8]) -> Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let offsets = Recording::open(path).unwrap().segments()[0].entries_offsets();
    let mut out = bytes[..offsets[0]].to_vec();
    for (index, &start) in offsets.iter().enumerate() {
        let end = offsets.get(index + 1).copied().unwrap_or(bytes.len());
        out.extend(replace(index, &bytes[start..end]));
    }
    std::fs::write(path, out).unwrap();
}

/// A record with a right checksum whose zstd frame is valid but holds no snapshot.
fn garbage_record(original: &[u8]) -> Vec<u8> {
    let record = format::decode_record(original, 0).unwrap().unwrap();
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let frame = zstd::bulk::compress(&garbage, 3).unwrap();
    let mut out = Vec::new();
    format::encode_record(&mut out, Kind::Keyframe, record.taken_at, &frame);
    out
}

#[test]
fn a_healthy_recording_decodes_to_the_last_record() {
    let dir = tempfile::tempdir().unwrap();
    record(dir.path(), &polls(25));
    let recording = Recording::open(dir.path()).unwrap();
    let verified = recording.verify();
    assert_eq!(verified.replayable(), 25);
    assert_eq!(verified.undecodable().count(), 0);
    assert!(!recording.loses_snapshots(&verified));
}

#[test]
fn a_record_with_a_right_checksum_that_does_not_decode_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(25));
    let offsets = Recording::open(&path).unwrap().segments()[0].entries_offsets();
    rewrite(&path, |index, bytes| {
        if index == 12 {
            garbage_record(bytes)
        } else {
            bytes.to_vec()
        }
    });
    let recording = Recording::open(dir.path()).unwrap();
    // The framing alone finds nothing wrong: this is what `info` used to say.
    assert_eq!(recording.records(), 25);
    assert!(recording.damage().is_empty());

    let verified = recording.verify();
    assert_eq!(verified.replayable(), 12);
    let bad: Vec<_> = verified.undecodable().collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].index, 12);
    assert_eq!(bad[0].offset, offsets[12] as u64);
    assert_eq!(bad[0].taken_at, polls(25)[12].taken_at);
    assert_eq!(bad[0].what, "unknown snapshot encoding");
    // Replay agrees: twelve snapshots, then the segment ends at that record.
    let replayed: Vec<_> = recording.snapshots().collect();
    assert_eq!(replayed.iter().filter(|s| s.is_ok()).count(), 12);
    assert_eq!(
        replayed.last().unwrap().as_ref().unwrap_err().offset,
        offsets[12] as u64
    );

    assert!(recording.loses_snapshots(&verified));
}

#[test]
fn a_delta_whose_keyframe_is_gone_is_damage_at_the_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(5));
    rewrite(&path, |index, bytes| {
        if index == 0 {
            Vec::new()
        } else {
            bytes.to_vec()
        }
    });
    let recording = Recording::open(&path).unwrap();
    assert_eq!(recording.records(), 4);
    assert!(recording.damage().is_empty());
    let verified = recording.verify();
    assert_eq!(verified.replayable(), 0);
    let bad = verified.undecodable().next().unwrap();
    assert_eq!(bad.index, 0);
    assert_eq!(bad.what, "a delta with no record before it");
    assert!(recording.snapshots().next().unwrap().is_err());
    assert!(recording.loses_snapshots(&verified));
}

#[test]
fn a_cut_tail_is_reported_but_a_flipped_bit_loses_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let path = record(dir.path(), &polls(5));
    let bytes = std::fs::read(&path).unwrap();
    let offsets = Recording::open(&path).unwrap().segments()[0].entries_offsets();

    // What SIGKILL leaves: the last record half written.
    std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
    let recording = Recording::open(&path).unwrap();
    let verified = recording.verify();
    assert!(recording.damage()[0].cut_short);
    assert_eq!(verified.replayable(), 4);
    assert!(!recording.loses_snapshots(&verified));

    let mut flipped = bytes.clone();
    flipped[offsets[2] + 20] ^= 0x10;
    std::fs::write(&path, &flipped).unwrap();
    let recording = Recording::open(&path).unwrap();
    let verified = recording.verify();
    assert!(!recording.damage()[0].cut_short);
    assert_eq!(verified.replayable(), 2);
    assert!(recording.loses_snapshots(&verified));
}
