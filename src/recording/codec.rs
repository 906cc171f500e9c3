//! A snapshot as bytes: serialized with postcard, then compressed with zstd against what
//! the previous records held (a delta, for free: what did not change is a back-reference).
//! A keyframe is compressed on its own.
//!
//! The recorded type is [`Snapshot`] itself (it holds no `Instant` and no driver type),
//! so what a replay renders is exactly what the live view rendered. Two parts the poller
//! re-sends unchanged between their reads (the statements and the slow tier: thousands
//! of rows on a big database) are written only when they changed: serializing them every
//! second would cost CPU, and the reader shares them between snapshots (one copy in
//! memory, as in the live view) instead of decoding a copy per record.
//!
//! Uncompressed, a record is `TAG | len u32 | fast part | [len u32 | statements]
//! | [len u32 | slow tier]`, the last two when the fast part says they follow. The zstd
//! prefix of a delta is the previous record; that of a record carrying a re-read part
//! ([`Kind::DeltaOnParts`]) is the last statements written, the last slow tier written
//! and the previous record, so a re-read that changed a few counters costs a few bytes,
//! not the whole list again, while the other records do not pay for hashing the lists.

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use zstd::zstd_safe;

use crate::monitor::snapshot::governed::ReadPlan;
use crate::monitor::snapshot::{
    DatabaseCounters, ReplicationSnapshot, Section, ServerState, Session, SlowTier, Snapshot,
    StatementCounters, StatementKey, Statements, horizon, host, locks, maintenance, pgbouncer,
};
use crate::pg::probe::Capabilities;
use crate::recording::format::Kind;

/// zstd's default level: in the budget experiment (`reencode_a_recording_for_the_budget`)
/// higher levels saved under 10% for several times the CPU.
const LEVEL: i32 = 3;
/// Large enough for the prefix and the snapshot together (zstd shrinks it to fit).
const WINDOW_LOG: u32 = 27;
/// The first byte of every serialized snapshot. A prefix starts with it or with a
/// `Result`'s variant (0 or 1), never with a zstd dictionary's magic (0x37 first), so
/// zstd always takes the prefix as raw content.
const TAG: u8 = 0x51;
/// A snapshot decompresses to no more than this (damage, not a reason to allocate).
const MAX_SNAPSHOT: u64 = 1 << 30;

/// The fast part, serialized: the snapshot's fields in order, borrowed.
#[derive(serde::Serialize)]
struct FastOut<'a> {
    sequence: u64,
    taken_at: SystemTime,
    poll_duration: Duration,
    own_transactions: u64,
    capabilities: &'a Option<Arc<Capabilities>>,
    server: &'a Section<ServerState>,
    activity: &'a Section<Vec<Session>>,
    databases: &'a Section<Vec<DatabaseCounters>>,
    statements_follow: bool,
    progress: &'a Section<Vec<maintenance::Progress>>,
    horizon: &'a Section<horizon::HorizonHolders>,
    locks: &'a Option<Section<locks::Locks>>,
    replication: &'a ReplicationSnapshot,
    pgbouncer: &'a Option<Section<pgbouncer::PgBouncer>>,
    host: &'a Option<host::HostSample>,
    slow_follows: bool,
    reads: &'a ReadPlan,
}

/// The fast part, deserialized: the same fields, owned.
#[derive(serde::Deserialize)]
struct FastIn {
    sequence: u64,
    taken_at: SystemTime,
    poll_duration: Duration,
    own_transactions: u64,
    capabilities: Option<Arc<Capabilities>>,
    server: Section<ServerState>,
    activity: Section<Vec<Session>>,
    databases: Section<Vec<DatabaseCounters>>,
    statements_follow: bool,
    progress: Section<Vec<maintenance::Progress>>,
    horizon: Section<horizon::HorizonHolders>,
    locks: Option<Section<locks::Locks>>,
    replication: ReplicationSnapshot,
    pgbouncer: Option<Section<pgbouncer::PgBouncer>>,
    host: Option<host::HostSample>,
    slow_follows: bool,
    reads: ReadPlan,
}

/// The serialized bytes of the last statements and slow tier written: part of the next
/// delta's prefix, on both sides.
#[derive(Debug, Default)]
struct Parts {
    statements: Vec<u8>,
    slow: Vec<u8>,
}

impl Parts {
    /// `parts ++ previous` into `prefix` (zstd wants one contiguous prefix).
    fn prefix<'a>(&self, previous: &[u8], prefix: &'a mut Vec<u8>) -> &'a [u8] {
        prefix.clear();
        prefix.extend_from_slice(&self.statements);
        prefix.extend_from_slice(&self.slow);
        prefix.extend_from_slice(previous);
        prefix
    }
}

/// Appends a length slot and `value` serialized; returns the range of the value.
fn append_part<T: serde::Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> std::io::Result<std::ops::Range<usize>> {
    let slot = out.len();
    out.extend_from_slice(&[0; 4]);
    let taken = std::mem::take(out);
    *out = postcard::to_extend(value, taken).map_err(std::io::Error::other)?;
    let length = u32::try_from(out.len() - slot - 4).map_err(std::io::Error::other)?;
    out[slot..slot + 4].copy_from_slice(&length.to_le_bytes());
    Ok(slot + 4..out.len())
}

/// Reads a length-prefixed part at `at`; returns it and where the next one starts.
fn take_part(bytes: &[u8], at: usize) -> Result<(&[u8], usize), String> {
    let cut = || "a part is cut short".to_string();
    let length = bytes.get(at..at + 4).ok_or_else(cut)?;
    let length = u32::from_le_bytes([length[0], length[1], length[2], length[3]]) as usize;
    let end = (at + 4).checked_add(length).ok_or_else(cut)?;
    Ok((bytes.get(at + 4..end).ok_or_else(cut)?, end))
}

type StatementTexts = std::collections::HashMap<StatementKey, Arc<str>>;

/// Which shared parts the previous record held (weak: the recorder keeps nothing alive).
#[derive(Debug, Default)]
struct Shared {
    slow: Option<Weak<SlowTier>>,
    /// Counters, texts and the read time of the statements.
    statements: Option<(
        Weak<Vec<StatementCounters>>,
        Weak<StatementTexts>,
        SystemTime,
    )>,
}

impl Shared {
    fn same_slow(&self, slow: &Option<Arc<SlowTier>>) -> bool {
        match (&self.slow, slow) {
            (None, None) => true,
            (Some(was), Some(now)) => Weak::ptr_eq(was, &Arc::downgrade(now)),
            _ => false,
        }
    }

    fn same_statements(&self, statements: &Section<Statements>) -> bool {
        match (&self.statements, statements) {
            (Some((counters, texts, read_at)), Ok(now)) => {
                Weak::ptr_eq(counters, &Arc::downgrade(&now.counters))
                    && Weak::ptr_eq(texts, &Arc::downgrade(&now.texts))
                    && *read_at == now.read_at
            }
            _ => false,
        }
    }

    fn remember(&mut self, snapshot: &Snapshot) {
        self.slow = snapshot.slow.as_ref().map(Arc::downgrade);
        self.statements = snapshot.statements.as_ref().ok().map(|s| {
            (
                Arc::downgrade(&s.counters),
                Arc::downgrade(&s.texts),
                s.read_at,
            )
        });
    }
}

/// Turns snapshots into zstd frames, each against the ones before. Its buffers are kept
/// and reused: a record allocates nothing once they have grown to a snapshot's size.
pub struct Encoder {
    compressor: zstd::bulk::Compressor<'static>,
    previous: Vec<u8>,
    current: Vec<u8>,
    prefix: Vec<u8>,
    parts: Parts,
    frame: Vec<u8>,
    shared: Shared,
}

impl Encoder {
    pub fn new() -> std::io::Result<Self> {
        Self::with_level(LEVEL)
    }

    /// An encoder at another zstd level (the budget experiment).
    pub fn with_level(level: i32) -> std::io::Result<Self> {
        let mut compressor = zstd::bulk::Compressor::new(level)?;
        compressor.set_parameter(zstd_safe::CParameter::WindowLog(WINDOW_LOG))?;
        Ok(Self {
            compressor,
            previous: Vec::new(),
            current: Vec::new(),
            prefix: Vec::new(),
            parts: Parts::default(),
            frame: Vec::new(),
            shared: Shared::default(),
        })
    }

    /// The zstd frame of `snapshot` and how to decode it: standalone when `keyframe`, else
    /// against the previous calls' snapshots.
    pub fn encode(
        &mut self,
        snapshot: &Snapshot,
        keyframe: bool,
    ) -> std::io::Result<(Kind, &[u8])> {
        let statements_follow = keyframe || !self.shared.same_statements(&snapshot.statements);
        let slow_follows = keyframe || !self.shared.same_slow(&snapshot.slow);
        let fast = FastOut {
            sequence: snapshot.sequence,
            taken_at: snapshot.taken_at,
            poll_duration: snapshot.poll_duration,
            own_transactions: snapshot.own_transactions,
            capabilities: &snapshot.capabilities,
            server: &snapshot.server,
            activity: &snapshot.activity,
            databases: &snapshot.databases,
            statements_follow,
            progress: &snapshot.progress,
            horizon: &snapshot.horizon,
            locks: &snapshot.locks,
            replication: &snapshot.replication,
            pgbouncer: &snapshot.pgbouncer,
            host: &snapshot.host,
            slow_follows,
            reads: &snapshot.reads,
        };
        std::mem::swap(&mut self.previous, &mut self.current);
        self.current.clear();
        self.current.push(TAG);
        append_part(&mut self.current, &fast)?;
        let statements = if statements_follow {
            Some(append_part(&mut self.current, &snapshot.statements)?)
        } else {
            None
        };
        let slow = if slow_follows {
            Some(append_part(&mut self.current, &snapshot.slow)?)
        } else {
            None
        };
        self.frame.clear();
        self.frame
            .reserve(zstd_safe::compress_bound(self.current.len()));
        let kind = if keyframe {
            self.compressor
                .compress_to_buffer(&self.current, &mut self.frame)?;
            Kind::Keyframe
        } else if statements.is_some() || slow.is_some() {
            let prefix = self.parts.prefix(&self.previous, &mut self.prefix);
            self.compressor.compress_to_buffer_with_prefix(
                &self.current,
                &mut self.frame,
                prefix,
            )?;
            Kind::DeltaOnParts
        } else {
            self.compressor.compress_to_buffer_with_prefix(
                &self.current,
                &mut self.frame,
                &self.previous,
            )?;
            Kind::Delta
        };
        if let Some(range) = statements {
            self.parts.statements.clear();
            self.parts
                .statements
                .extend_from_slice(&self.current[range]);
        }
        if let Some(range) = slow {
            self.parts.slow.clear();
            self.parts.slow.extend_from_slice(&self.current[range]);
        }
        self.shared.remember(snapshot);
        Ok((kind, &self.frame))
    }
}

/// Turns zstd frames back into snapshots, in the order they were written.
pub struct Decoder {
    context: zstd_safe::DCtx<'static>,
    previous: Vec<u8>,
    current: Vec<u8>,
    prefix: Vec<u8>,
    parts: Parts,
    /// The statements and slow tier in force, shared by the snapshots that re-send them.
    last: Option<(Section<Statements>, Option<Arc<SlowTier>>)>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self {
            context: zstd_safe::DCtx::create(),
            previous: Vec::new(),
            current: Vec::new(),
            prefix: Vec::new(),
            parts: Parts::default(),
            last: None,
        }
    }
}

impl Decoder {
    /// The snapshot in `frame` (against the previous calls' unless `keyframe`); `Err`
    /// says what is wrong with it, and the next delta is refused until a keyframe.
    pub fn decode(&mut self, frame: &[u8], kind: Kind) -> Result<Snapshot, String> {
        let decoded = self.decode_inner(frame, kind);
        if decoded.is_err() {
            self.last = None;
        }
        decoded
    }

    fn decode_inner(&mut self, frame: &[u8], kind: Kind) -> Result<Snapshot, String> {
        if kind == Kind::Keyframe {
            self.last = None;
        } else if self.last.is_none() {
            return Err("a delta with no record before it".into());
        }
        let size = match zstd_safe::get_frame_content_size(frame) {
            Ok(Some(size)) if size <= MAX_SNAPSHOT => size as usize,
            Ok(Some(size)) => return Err(format!("implausible snapshot size {size}")),
            _ => return Err("not a compressed snapshot".into()),
        };
        std::mem::swap(&mut self.previous, &mut self.current);
        self.current.clear();
        self.current.reserve(size);
        let written = match kind {
            Kind::Keyframe => self.context.decompress(&mut self.current, frame),
            Kind::Delta => {
                self.context
                    .decompress_using_dict(&mut self.current, frame, &self.previous)
            }
            Kind::DeltaOnParts => {
                let prefix = self.parts.prefix(&self.previous, &mut self.prefix);
                self.context
                    .decompress_using_dict(&mut self.current, frame, prefix)
            }
        };
        if let Err(code) = written {
            return Err(format!(
                "decompression failed: {}",
                zstd_safe::get_error_name(code)
            ));
        }
        let bytes = &self.current[..];
        if bytes.first() != Some(&TAG) {
            return Err("unknown snapshot encoding".into());
        }
        let undecodable = |e: postcard::Error| format!("undecodable snapshot: {e}");
        let (fast, mut at) = take_part(bytes, 1)?;
        let fast: FastIn = postcard::from_bytes(fast).map_err(undecodable)?;
        let (last_statements, last_slow) = self.last.take().unzip();
        let mut new_statements = None;
        let statements = if fast.statements_follow {
            let (part, next) = take_part(bytes, at)?;
            at = next;
            new_statements = Some(part);
            postcard::from_bytes(part).map_err(undecodable)?
        } else {
            last_statements.ok_or("statements refer to a missing record")?
        };
        let mut new_slow = None;
        let slow = if fast.slow_follows {
            let (part, _) = take_part(bytes, at)?;
            new_slow = Some(part);
            postcard::from_bytes(part).map_err(undecodable)?
        } else {
            last_slow.ok_or("slow tier refers to a missing record")?
        };
        if let Some(part) = new_statements {
            self.parts.statements.clear();
            self.parts.statements.extend_from_slice(part);
        }
        if let Some(part) = new_slow {
            self.parts.slow.clear();
            self.parts.slow.extend_from_slice(part);
        }
        self.last = Some((statements.clone(), slow.clone()));
        Ok(Snapshot {
            sequence: fast.sequence,
            taken_at: fast.taken_at,
            poll_duration: fast.poll_duration,
            own_transactions: fast.own_transactions,
            capabilities: fast.capabilities,
            server: fast.server,
            activity: fast.activity,
            databases: fast.databases,
            statements,
            progress: fast.progress,
            horizon: fast.horizon,
            locks: fast.locks,
            replication: fast.replication,
            pgbouncer: fast.pgbouncer,
            host: fast.host,
            slow,
            reads: fast.reads,
        })
    }
}
