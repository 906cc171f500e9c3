//! The bytes of a segment file, version 1.
//!
//! ```text
//! header  magic "\x89PGPULSE\r\n\x1a\n" (12) | format version u16 LE | body length u32 LE
//!         | CRC-32 of the body u32 LE | body: JSON (SegmentHeader)
//! record  payload length u32 LE | CRC-32 of the payload u32 LE
//!         | payload: kind u8 (1 keyframe, 2 delta, 3 delta on parts) | taken_at i64 LE
//!         (µs since the epoch)
//!         | one zstd frame (the snapshot, see `codec`)
//! ```
//!
//! Records are appended with one write each, so a killed recorder leaves at most one
//! partial record at the end; the checksum catches it, and a flipped bit anywhere else.
//! The header is JSON so a newer pgpulse can add fields an older one ignores; the format
//! version changes only when an older reader could not read the records.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Starts every segment; the `\r\n\x1a\n` tail shows a file mangled by a text-mode copy.
pub const MAGIC: &[u8; 12] = b"\x89PGPULSE\r\n\x1a\n";
/// The version this pgpulse writes and the newest it reads.
pub const FORMAT_VERSION: u16 = 1;
/// Bytes before the header body.
pub const HEADER_PREFIX: usize = MAGIC.len() + 2 + 4 + 4;
/// Bytes before a record's payload.
pub const FRAME_PREFIX: usize = 8;
/// Bytes of a payload before its zstd frame.
pub const PAYLOAD_PREFIX: usize = 1 + 8;
/// No header body is this large; a length past it is damage, not a reason to allocate.
pub const MAX_HEADER: u32 = 1 << 20;
/// No record is this large (a snapshot of a 10,000-table database is a few MiB).
pub const MAX_RECORD: u32 = 256 << 20;

/// What a segment says about itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentHeader {
    /// The pgpulse that wrote it (`CARGO_PKG_VERSION`).
    pub pgpulse_version: String,
    /// The server recorded: conninfo as displayed (never a password) and what it said it is.
    pub server: ServerIdentity,
    /// When the segment was started (RFC 3339, UTC).
    pub started_at: String,
    /// A keyframe (a record that needs no other) starts the segment and comes at least
    /// this often.
    pub keyframe_every: u32,
}

/// Which server a recording is of.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ServerIdentity {
    /// Host, port, database and user as `display_target` shows them: no password.
    pub target: String,
    /// `server_version`, when the first connection was probed.
    #[serde(default)]
    pub server_version: Option<String>,
}

/// The kind of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Decodes on its own.
    Keyframe,
    /// Decodes against the record before it.
    Delta,
    /// Carries a re-read statements or slow tier: decodes against the last ones written
    /// and the record before (a larger prefix, so only these records pay for it).
    DeltaOnParts,
}

impl Kind {
    pub fn byte(self) -> u8 {
        match self {
            Self::Keyframe => 1,
            Self::Delta => 2,
            Self::DeltaOnParts => 3,
        }
    }

    fn of(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Keyframe),
            2 => Some(Self::Delta),
            3 => Some(Self::DeltaOnParts),
            _ => None,
        }
    }
}

/// The segment header's bytes.
pub fn encode_header(header: &SegmentHeader) -> Vec<u8> {
    // A struct of strings and numbers always serializes.
    let body = serde_json::to_vec(header).unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_PREFIX + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Why a segment's header could not be read: the whole segment is unreadable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("not a pgpulse recording (no pgpulse segment header)")]
    NotARecording,
    #[error(
        "written by a newer pgpulse (recording format {found}; this pgpulse reads format {FORMAT_VERSION}): \
         read it with that version or newer"
    )]
    NewerVersion { found: u16 },
    #[error(
        "unknown recording format version {found} (this pgpulse reads format {FORMAT_VERSION})"
    )]
    UnknownVersion { found: u16 },
    /// The file ends inside the header: a recorder killed as it started the segment.
    #[error("damaged header: cut short")]
    CutShort,
    #[error("damaged header: {0}")]
    Damaged(String),
}

/// Reads a header from the start of `bytes`: the header and where the records begin.
pub fn decode_header(bytes: &[u8]) -> Result<(SegmentHeader, usize), HeaderError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(HeaderError::NotARecording);
    }
    let prefix = bytes.get(..HEADER_PREFIX).ok_or(HeaderError::CutShort)?;
    let version = u16::from_le_bytes([prefix[12], prefix[13]]);
    if version > FORMAT_VERSION {
        return Err(HeaderError::NewerVersion { found: version });
    }
    if version != FORMAT_VERSION {
        return Err(HeaderError::UnknownVersion { found: version });
    }
    let length = u32_at(prefix, 14);
    let crc = u32_at(prefix, 18);
    if length > MAX_HEADER {
        return Err(HeaderError::Damaged(format!(
            "body length {length} is implausible"
        )));
    }
    let end = HEADER_PREFIX + length as usize;
    let body = bytes.get(HEADER_PREFIX..end).ok_or(HeaderError::CutShort)?;
    if crc32fast::hash(body) != crc {
        return Err(HeaderError::Damaged("checksum mismatch".into()));
    }
    let header = serde_json::from_slice(body)
        .map_err(|error| HeaderError::Damaged(format!("unreadable: {error}")))?;
    Ok((header, end))
}

/// Appends one record (frame prefix and payload) to `out`.
pub fn encode_record(out: &mut Vec<u8>, kind: Kind, taken_at: SystemTime, zstd_frame: &[u8]) {
    let payload_len = PAYLOAD_PREFIX + zstd_frame.len();
    let start = out.len();
    out.extend_from_slice(&u32::try_from(payload_len).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.push(kind.byte());
    out.extend_from_slice(&micros(taken_at).to_le_bytes());
    out.extend_from_slice(zstd_frame);
    let crc = crc32fast::hash(&out[start + FRAME_PREFIX..]);
    out[start + 4..start + FRAME_PREFIX].copy_from_slice(&crc.to_le_bytes());
}

/// One record as it lies in a segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record<'a> {
    pub kind: Kind,
    pub taken_at: SystemTime,
    pub zstd_frame: &'a [u8],
    /// Where the next record starts.
    pub next: usize,
}

/// Reads the record at `offset` of `bytes`: `Ok(None)` at the clean end, `Err(what)` when
/// the bytes there are not a whole, intact record.
pub fn decode_record(bytes: &[u8], offset: usize) -> Result<Option<Record<'_>>, String> {
    let rest = bytes.get(offset..).unwrap_or(&[]);
    if rest.is_empty() {
        return Ok(None);
    }
    let Some(prefix) = rest.get(..FRAME_PREFIX) else {
        return Err(format!(
            "record cut short: {} of {FRAME_PREFIX} prefix bytes",
            rest.len()
        ));
    };
    let length = u32_at(prefix, 0);
    if length > MAX_RECORD || (length as usize) < PAYLOAD_PREFIX {
        return Err(format!("implausible record length {length}"));
    }
    let end = FRAME_PREFIX + length as usize;
    let Some(payload) = rest.get(FRAME_PREFIX..end) else {
        return Err(format!(
            "record cut short: {} of {length} bytes",
            rest.len() - FRAME_PREFIX
        ));
    };
    if crc32fast::hash(payload) != u32_at(prefix, 4) {
        return Err("checksum mismatch".into());
    }
    let kind = Kind::of(payload[0]).ok_or_else(|| format!("unknown record kind {}", payload[0]))?;
    let mut time = [0; 8];
    time.copy_from_slice(&payload[1..PAYLOAD_PREFIX]);
    Ok(Some(Record {
        kind,
        taken_at: from_micros(i64::from_le_bytes(time)),
        zstd_frame: &payload[PAYLOAD_PREFIX..],
        next: offset + end,
    }))
}

/// Whether the file ends inside the record at `offset` (a plausible prefix, or part of
/// one, then fewer bytes than it announces): the tail a recorder killed mid-write leaves,
/// since every record is one write. Anything else that stops the reader is damage inside
/// the file (a flipped bit, an overwritten block) and loses records a crash would not.
pub fn is_cut_short(bytes: &[u8], offset: usize) -> bool {
    let rest = bytes.get(offset..).unwrap_or(&[]);
    let Some(prefix) = rest.get(..FRAME_PREFIX) else {
        return !rest.is_empty();
    };
    let length = u32_at(prefix, 0);
    length <= MAX_RECORD
        && length as usize >= PAYLOAD_PREFIX
        && rest.len() < FRAME_PREFIX + length as usize
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

fn micros(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_micros()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

fn from_micros(micros: i64) -> SystemTime {
    let magnitude = Duration::from_micros(micros.unsigned_abs());
    if micros >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}
