//! `pgpulse recording info PATH`: what a recording holds, for a person and for tests.
//! Every record is decoded (as replay decodes it), so a recording `info` calls healthy
//! is one replay and report can read to the end.

use std::path::Path;
use std::process::ExitCode;

use crate::recording::{Recording, Verified};
use crate::text::sanitize::sanitized;
use crate::text::timefmt::rfc3339_millis;

/// The exit status when snapshots are lost to damage: sysexits' EX_DATAERR, beside
/// `record`'s EX_IOERR (74), so a script can tell it from a recording it cannot open (1).
pub const DAMAGED: u8 = 65;

/// Prints the segments, time range, record count, bytes, damage and how many snapshots
/// replay can show. Exit status 0 when every record decodes, or when all that is missing
/// is a tail cut short (the record a killed recorder was writing: the loss the format
/// allows); [`DAMAGED`] when damage inside a file or a record that does not decode loses
/// snapshots; 1 when the recording cannot be opened.
pub fn run(path: &Path) -> anyhow::Result<ExitCode> {
    let recording = Recording::open(path)?;
    let verified = recording.verify();
    print!("{}", render(&recording, &verified));
    Ok(if recording.loses_snapshots(&verified) {
        ExitCode::from(DAMAGED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The report as text.
pub fn render(recording: &Recording, verified: &Verified) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let range = |range: Option<(std::time::SystemTime, std::time::SystemTime)>| match range {
        Some((first, last)) => format!("{} .. {}", rfc3339_millis(first), rfc3339_millis(last)),
        None => "no records".to_string(),
    };
    let bytes: u64 = recording.segments().iter().map(|s| s.bytes).sum();
    let first = recording.segments().iter().find_map(|s| s.header.as_ref());
    let _ = writeln!(
        out,
        "server: {} ({})",
        first.map_or(String::new(), |h| sanitized(&h.server.target)),
        first
            .and_then(|h| h.server.server_version.as_deref())
            .map_or("version unknown".to_string(), sanitized)
    );
    let _ = writeln!(out, "time: {}", range(recording.time_range()));
    let _ = writeln!(
        out,
        "records: {}, segments: {}, bytes: {bytes}",
        recording.records(),
        recording.segments().len()
    );
    let _ = writeln!(
        out,
        "replay can show: {} of {} snapshots",
        verified.replayable(),
        recording.records()
    );
    for (segment, check) in recording.segments().iter().zip(&verified.segments) {
        let undecodable = match &check.undecodable {
            Some(_) => format!(" ({} decode)", check.decodable),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "segment {}: {} records{undecodable}, {} bytes, {}",
            sanitized(&segment.path.display().to_string()),
            segment.records(),
            segment.bytes,
            range(segment.time_range())
        );
    }
    let damage = recording.damage();
    if damage.is_empty() && verified.undecodable().next().is_none() {
        let _ = writeln!(out, "damage: none");
    }
    for damage in damage {
        let tail = if damage.cut_short {
            " (the record being written when the recorder stopped; nothing before it is lost)"
        } else {
            ""
        };
        let _ = writeln!(out, "damage: {}{tail}", sanitized(&damage.to_string()));
    }
    for bad in verified.undecodable() {
        let line = format!(
            "{}: record {} of {} at byte {} ({}) does not decode: {}; replay shows none after it in this segment",
            bad.segment.display(),
            bad.index + 1,
            segment_records(recording, &bad.segment),
            bad.offset,
            rfc3339_millis(bad.taken_at),
            bad.what
        );
        let _ = writeln!(out, "damage: {}", sanitized(&line));
    }
    out
}

fn segment_records(recording: &Recording, path: &Path) -> usize {
    recording
        .segments()
        .iter()
        .find(|segment| segment.path == path)
        .map_or(0, |segment| segment.records())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::format::{self, Kind};
    use crate::recording::tests::{polls, record};

    #[test]
    fn a_healthy_recording_says_so() {
        let dir = tempfile::tempdir().unwrap();
        record(dir.path(), &polls(25));
        let recording = Recording::open(dir.path()).unwrap();
        let text = render(&recording, &recording.verify());
        assert!(
            text.contains("replay can show: 25 of 25 snapshots"),
            "{text}"
        );
        assert!(text.contains("damage: none"), "{text}");
    }

    #[test]
    fn an_undecodable_record_is_named_with_its_place_time_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = record(dir.path(), &polls(25));
        let bytes = std::fs::read(&path).unwrap();
        let offsets = Recording::open(&path).unwrap().segments()[0].entries_offsets();
        // Record 13 replaced by one with a right checksum and a frame of no snapshot.
        let frame = zstd::bulk::compress(&[7u8; 512], 3).unwrap();
        let mut out = bytes[..offsets[12]].to_vec();
        format::encode_record(&mut out, Kind::Keyframe, polls(25)[12].taken_at, &frame);
        out.extend_from_slice(&bytes[offsets[13]..]);
        std::fs::write(&path, out).unwrap();

        let recording = Recording::open(dir.path()).unwrap();
        let text = render(&recording, &recording.verify());
        assert!(
            text.contains("replay can show: 12 of 25 snapshots"),
            "{text}"
        );
        assert!(text.contains("25 records (12 decode)"), "{text}");
        let expected = format!(
            "record 13 of 25 at byte {} ({}) does not decode: unknown snapshot encoding",
            offsets[12],
            rfc3339_millis(polls(25)[12].taken_at)
        );
        assert!(text.contains(&expected), "{text}");
        assert!(!text.contains("damage: none"), "{text}");
    }

    #[test]
    fn a_cut_tail_is_reported_as_the_record_a_stopped_recorder_was_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = record(dir.path(), &polls(5));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        let recording = Recording::open(&path).unwrap();
        let text = render(&recording, &recording.verify());
        assert!(text.contains("replay can show: 4 of 4 snapshots"), "{text}");
        assert!(text.contains("cut short"), "{text}");
        assert!(text.contains("recorder stopped"), "{text}");
    }
}
