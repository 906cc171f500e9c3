//! Reading a recording: a directory of segments or one segment file. Opening it checks
//! every record's length and checksum (no decompression) and notes where each segment's
//! intact records end; iterating decodes snapshots in time order from the nearest
//! keyframe. Damage never panics and never hides the records before it: it is reported
//! with the segment, the byte offset and what was wrong.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::monitor::snapshot::Snapshot;
use crate::recording::codec::Decoder;
use crate::recording::format::{self, HeaderError, Kind, SegmentHeader};
use crate::recording::segments;

/// Where a segment stops being readable, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: damaged at byte {offset}: {what}", segment.display())]
pub struct Damage {
    pub segment: PathBuf,
    pub offset: u64,
    pub what: String,
    /// The file simply ends inside its last record or its header: what a recorder killed
    /// mid-write leaves (the one record the format allows a crash to lose), not a sign
    /// that the file was damaged after it was written.
    pub cut_short: bool,
}

/// Why a recording could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Header { path: PathBuf, source: HeaderError },
    #[error("{} holds no pgpulse recording (no pgpulse-*.pgrec segment)", .0.display())]
    Empty(PathBuf),
}

/// One record's place in its segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Entry {
    pub(super) offset: usize,
    pub(super) kind: Kind,
    pub(super) taken_at: SystemTime,
}

/// A segment as opened.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentInfo {
    pub path: PathBuf,
    /// `None` when the header itself is cut short or damaged (a recorder killed as it
    /// started the segment): the segment then has no records and says so in `damage`.
    pub header: Option<SegmentHeader>,
    pub bytes: u64,
    entries: Vec<Entry>,
    /// Where its intact records end, when they end before the file does.
    pub damage: Option<Damage>,
}

impl SegmentInfo {
    pub fn records(&self) -> usize {
        self.entries.len()
    }

    /// The first and last record's times.
    pub fn time_range(&self) -> Option<(SystemTime, SystemTime)> {
        Some((
            self.entries.first()?.taken_at,
            self.entries.last()?.taken_at,
        ))
    }

    fn open(path: &Path) -> Result<Self, OpenError> {
        let bytes = std::fs::read(path).map_err(|source| OpenError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &bytes).map_err(|source| OpenError::Header {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Indexes the records of a segment's bytes, up to the first damage.
    fn parse(path: &Path, bytes: &[u8]) -> Result<Self, HeaderError> {
        let (header, mut offset) = match format::decode_header(bytes) {
            Ok(found) => found,
            // Cut inside the magic (an empty file included) or inside the header: damage
            // of this segment, not a reason to refuse the whole recording.
            Err(HeaderError::NotARecording) if format::MAGIC.starts_with(bytes) => {
                return Ok(Self::unreadable(path, bytes, "header cut short", true));
            }
            Err(HeaderError::CutShort) => {
                return Ok(Self::unreadable(
                    path,
                    bytes,
                    "damaged header: cut short",
                    true,
                ));
            }
            Err(HeaderError::Damaged(what)) => {
                let what = format!("damaged header: {what}");
                return Ok(Self::unreadable(path, bytes, &what, false));
            }
            Err(other) => return Err(other),
        };
        let mut entries = Vec::new();
        let mut damage = None;
        loop {
            match format::decode_record(bytes, offset) {
                Ok(None) => break,
                Ok(Some(record)) => {
                    entries.push(Entry {
                        offset,
                        kind: record.kind,
                        taken_at: record.taken_at,
                    });
                    offset = record.next;
                }
                Err(what) => {
                    damage = Some(Damage {
                        segment: path.to_path_buf(),
                        offset: offset as u64,
                        what,
                        cut_short: format::is_cut_short(bytes, offset),
                    });
                    break;
                }
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            header: Some(header),
            bytes: bytes.len() as u64,
            entries,
            damage,
        })
    }

    fn unreadable(path: &Path, bytes: &[u8], what: &str, cut_short: bool) -> Self {
        Self {
            path: path.to_path_buf(),
            header: None,
            bytes: bytes.len() as u64,
            entries: Vec::new(),
            damage: Some(Damage {
                segment: path.to_path_buf(),
                offset: 0,
                what: what.to_string(),
                cut_short,
            }),
        }
    }

    /// Its intact records, in file order (for `verify`).
    pub(super) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Where each record starts (tests cut and flip bytes there).
    #[cfg(test)]
    pub(crate) fn entries_offsets(&self) -> Vec<usize> {
        self.entries.iter().map(|e| e.offset).collect()
    }
}

/// Reads a segment from bytes the way a recording is read, decoding every record: for
/// the fuzz target and its corpus test. It must return (with whatever damage), never panic.
pub fn read_bytes_for_fuzzing(bytes: &[u8]) -> (usize, Option<String>) {
    let info = match SegmentInfo::parse(Path::new("fuzz"), bytes) {
        Ok(info) => info,
        Err(error) => return (0, Some(error.to_string())),
    };
    let mut decoder = Decoder::default();
    let mut decoded = 0;
    for entry in &info.entries {
        let result = match format::decode_record(bytes, entry.offset) {
            Ok(Some(record)) => decoder.decode(record.zstd_frame, entry.kind),
            _ => Err("record vanished".into()),
        };
        match result {
            Ok(_) => decoded += 1,
            Err(what) => return (decoded, Some(what)),
        }
    }
    (decoded, info.damage.map(|d| d.what))
}

/// A recording: its segments, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    segments: Vec<SegmentInfo>,
}

impl Recording {
    /// Opens a recording directory or a single segment file. A segment of a newer or
    /// unknown format is an error (one, naming the file); damage inside a segment is not
    /// (see [`SegmentInfo::damage`]).
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let files = if path.is_dir() {
            segments::list(path)
                .map_err(|source| OpenError::Io {
                    path: path.to_path_buf(),
                    source,
                })?
                .into_iter()
                .map(|found| found.path)
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        let mut segments = Vec::with_capacity(files.len());
        for file in &files {
            segments.push(SegmentInfo::open(file)?);
        }
        if segments.is_empty() {
            return Err(OpenError::Empty(path.to_path_buf()));
        }
        // Names sort by start time; a renamed file still goes by its first record.
        segments.sort_by_key(|segment| segment.time_range().map(|(first, _)| first));
        Ok(Self { segments })
    }

    pub fn segments(&self) -> &[SegmentInfo] {
        &self.segments
    }

    /// The first and last snapshot's times.
    pub fn time_range(&self) -> Option<(SystemTime, SystemTime)> {
        let first = self.segments.iter().find_map(|s| s.time_range())?.0;
        let last = self.segments.iter().rev().find_map(|s| s.time_range())?.1;
        Some((first, last))
    }

    pub fn records(&self) -> usize {
        self.segments.iter().map(SegmentInfo::records).sum()
    }

    /// Every damaged segment's damage.
    pub fn damage(&self) -> Vec<&Damage> {
        self.segments
            .iter()
            .filter_map(|s| s.damage.as_ref())
            .collect()
    }

    /// Every snapshot, in time order.
    pub fn snapshots(&self) -> Snapshots<'_> {
        self.snapshots_between(
            SystemTime::UNIX_EPOCH,
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(u32::MAX.into()) * 64,
        )
    }

    /// The snapshots taken from `from` to `to` (both included), in time order; decoding
    /// starts at the nearest keyframe before `from`. A record that cannot be decoded comes
    /// as an `Err` and ends its segment.
    pub fn snapshots_between(&self, from: SystemTime, to: SystemTime) -> Snapshots<'_> {
        Snapshots {
            segments: self
                .segments
                .iter()
                .filter(|s| {
                    s.time_range()
                        .is_some_and(|(first, last)| first <= to && last >= from)
                })
                .collect(),
            from,
            to,
            current: None,
        }
    }

    /// The snapshot at `at`: the last one taken at or before it (the first one when `at`
    /// is before the recording).
    pub fn snapshot_at(&self, at: SystemTime) -> Option<Result<Snapshot, Damage>> {
        // The index knows the time of every record: decode only from the keyframe before it.
        let found = self
            .segments
            .iter()
            .flat_map(|segment| segment.entries.iter())
            .map(|entry| entry.taken_at)
            .filter(|taken_at| *taken_at <= at)
            .max();
        match found {
            Some(taken_at) => self.snapshots_between(taken_at, taken_at).last(),
            None => self.snapshots().next(),
        }
    }
}

/// The segment being decoded.
struct Open<'a> {
    info: &'a SegmentInfo,
    bytes: Vec<u8>,
    decoder: Decoder,
    next: usize,
}

/// Snapshots of a recording in time order, see [`Recording::snapshots_between`].
pub struct Snapshots<'a> {
    segments: std::collections::VecDeque<&'a SegmentInfo>,
    from: SystemTime,
    to: SystemTime,
    current: Option<Open<'a>>,
}

impl Iterator for Snapshots<'_> {
    type Item = Result<Snapshot, Damage>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.current.is_none() {
                let info = self.segments.pop_front()?;
                let bytes = match std::fs::read(&info.path) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        return Some(Err(Damage {
                            segment: info.path.clone(),
                            offset: 0,
                            what: format!("cannot read it again: {error}"),
                            cut_short: false,
                        }));
                    }
                };
                // From the last keyframe at or before `from`.
                let start = info
                    .entries
                    .iter()
                    .rposition(|e| e.kind == Kind::Keyframe && e.taken_at <= self.from)
                    .unwrap_or(0);
                self.current = Some(Open {
                    info,
                    bytes,
                    decoder: Decoder::default(),
                    next: start,
                });
            }
            let open = self.current.as_mut()?;
            let Some(entry) = open.info.entries.get(open.next).copied() else {
                self.current = None;
                continue;
            };
            open.next += 1;
            if entry.taken_at > self.to {
                self.current = None;
                continue;
            }
            let decoded = match format::decode_record(&open.bytes, entry.offset) {
                Ok(Some(record)) => open.decoder.decode(record.zstd_frame, entry.kind),
                Ok(None) => Err("the record is gone (the file changed)".to_string()),
                Err(what) => Err(format!("{what} (the file changed)")),
            };
            match decoded {
                Ok(snapshot) if entry.taken_at < self.from => drop(snapshot),
                Ok(snapshot) => return Some(Ok(snapshot)),
                Err(what) => {
                    let segment = open.info.path.clone();
                    self.current = None;
                    return Some(Err(Damage {
                        segment,
                        offset: entry.offset as u64,
                        what,
                        cut_short: false,
                    }));
                }
            }
        }
    }
}
