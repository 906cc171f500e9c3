//! Checking that every record decodes, not only that it is framed and checksummed: a
//! record can carry a correct CRC and still not decode (written by a buggy or foreign
//! encoder, a delta whose base is gone), and replay and report stop a segment at it.
//! The check decodes each segment from its start with the decoder replay uses, so the
//! count it gives is what replay from the start can show.

use std::path::PathBuf;
use std::time::SystemTime;

use crate::recording::codec::Decoder;
use crate::recording::format;
use crate::recording::reader::{Recording, SegmentInfo};

/// The first record of a segment that frames correctly but does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    pub segment: PathBuf,
    /// Its place among the segment's records, from 0.
    pub index: usize,
    /// Where it starts in the file.
    pub offset: u64,
    pub taken_at: SystemTime,
    pub what: String,
}

/// One segment, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentCheck {
    /// Records that decode before the first one that does not (all of them when none).
    pub decodable: usize,
    /// Where decoding stops; replay shows nothing of this segment from there on.
    pub undecodable: Option<Undecodable>,
}

/// Every segment of a recording, decoded, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub segments: Vec<SegmentCheck>,
}

impl Verified {
    /// The snapshots replay can show from the start of the recording.
    pub fn replayable(&self) -> usize {
        self.segments.iter().map(|s| s.decodable).sum()
    }

    /// Each segment's first undecodable record.
    pub fn undecodable(&self) -> impl Iterator<Item = &Undecodable> {
        self.segments.iter().filter_map(|s| s.undecodable.as_ref())
    }
}

impl Recording {
    /// Whether damage costs more than a killed recorder's last record: damage inside a
    /// file, or a record that does not decode (`recording info` exits non-zero then).
    pub fn loses_snapshots(&self, verified: &Verified) -> bool {
        self.damage().iter().any(|damage| !damage.cut_short)
            || verified.undecodable().next().is_some()
    }

    /// Decodes every intact record of every segment (see the module comment). A segment
    /// that can no longer be read counts as undecodable at its first record.
    pub fn verify(&self) -> Verified {
        Verified {
            segments: self.segments().iter().map(check_segment).collect(),
        }
    }
}

fn check_segment(info: &SegmentInfo) -> SegmentCheck {
    let entries = info.entries();
    let undecodable = |index: usize, what: String| {
        let entry = entries.get(index);
        Some(Undecodable {
            segment: info.path.clone(),
            index,
            offset: entry.map_or(0, |e| e.offset as u64),
            taken_at: entry.map_or(SystemTime::UNIX_EPOCH, |e| e.taken_at),
            what,
        })
    };
    if entries.is_empty() {
        return SegmentCheck {
            decodable: 0,
            undecodable: None,
        };
    }
    let bytes = match std::fs::read(&info.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return SegmentCheck {
                decodable: 0,
                undecodable: undecodable(0, format!("cannot read it again: {error}")),
            };
        }
    };
    // One decoder per segment, fed in file order: exactly what replay does from the start.
    let mut decoder = Decoder::default();
    for (index, entry) in entries.iter().enumerate() {
        let decoded = match format::decode_record(&bytes, entry.offset) {
            Ok(Some(record)) => decoder.decode(record.zstd_frame, entry.kind).map(drop),
            Ok(None) => Err("the record is gone (the file changed)".to_string()),
            Err(what) => Err(format!("{what} (the file changed)")),
        };
        if let Err(what) = decoded {
            return SegmentCheck {
                decodable: index,
                undecodable: undecodable(index, what),
            };
        }
    }
    SegmentCheck {
        decodable: entries.len(),
        undecodable: None,
    }
}
