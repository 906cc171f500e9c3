//! A snapshot as bytes: serialized with postcard, then compressed with zstd using the
//! previous record's serialized bytes as the prefix (a delta against it, for free: what
//! did not change is a back-reference). A keyframe is compressed without a prefix.
//!
//! The recorded type is [`Snapshot`] itself (it holds no `Instant` and no driver type),
//! so what a replay renders is exactly what the live view rendered. Two parts the poller
//! re-sends unchanged between their reads (the slow tier and the statement counters,
//! thousands of rows on a big database) are written only when they changed
//! ([`Carried::Same`] otherwise): the compressor would find them anyway, but serializing
//! them every second would cost the client CPU for nothing.

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use zstd::zstd_safe;

use crate::monitor::snapshot::governed::ReadPlan;
use crate::monitor::snapshot::{
    DatabaseCounters, ReplicationSnapshot, Section, ServerState, Session, SlowTier, Snapshot,
    StatementCounters, StatementKey, Statements, horizon, host, locks, maintenance, pgbouncer,
};
use crate::pg::probe::Capabilities;

/// zstd's default level: fast, and the delta does most of the work.
const LEVEL: i32 = 3;
/// Large enough for the prefix and the snapshot together (zstd shrinks it to fit).
const WINDOW_LOG: u32 = 27;
/// The first byte of every serialized snapshot: never the start of a zstd dictionary's
/// magic, so the prefix is always taken as raw content when decoding.
const TAG: u8 = 0x50;
/// A snapshot decompresses to no more than this (damage, not a reason to allocate).
const MAX_SNAPSHOT: u64 = 1 << 30;

/// A part written only when it changed since the previous record.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum Carried<T> {
    Same,
    New(T),
}

/// What is serialized: the snapshot's fields, in order, borrowed.
#[derive(serde::Serialize)]
struct RecordOut<'a> {
    sequence: u64,
    taken_at: SystemTime,
    poll_duration: Duration,
    own_transactions: u64,
    capabilities: &'a Option<Arc<Capabilities>>,
    server: &'a Section<ServerState>,
    activity: &'a Section<Vec<Session>>,
    databases: &'a Section<Vec<DatabaseCounters>>,
    statements: Carried<&'a Section<Statements>>,
    progress: &'a Section<Vec<maintenance::Progress>>,
    horizon: &'a Section<horizon::HorizonHolders>,
    locks: &'a Option<Section<locks::Locks>>,
    replication: &'a ReplicationSnapshot,
    pgbouncer: &'a Option<Section<pgbouncer::PgBouncer>>,
    host: &'a Option<host::HostSample>,
    slow: Carried<&'a Option<Arc<SlowTier>>>,
    reads: &'a ReadPlan,
}

/// What is deserialized: the same fields, owned.
#[derive(serde::Deserialize)]
struct RecordIn {
    sequence: u64,
    taken_at: SystemTime,
    poll_duration: Duration,
    own_transactions: u64,
    capabilities: Option<Arc<Capabilities>>,
    server: Section<ServerState>,
    activity: Section<Vec<Session>>,
    databases: Section<Vec<DatabaseCounters>>,
    statements: Carried<Section<Statements>>,
    progress: Section<Vec<maintenance::Progress>>,
    horizon: Section<horizon::HorizonHolders>,
    locks: Option<Section<locks::Locks>>,
    replication: ReplicationSnapshot,
    pgbouncer: Option<Section<pgbouncer::PgBouncer>>,
    host: Option<host::HostSample>,
    slow: Carried<Option<Arc<SlowTier>>>,
    reads: ReadPlan,
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

/// Turns snapshots into zstd frames, each against the one before. Its buffers are kept
/// and reused: a record allocates nothing once they have grown to a snapshot's size.
pub struct Encoder {
    compressor: zstd::bulk::Compressor<'static>,
    previous: Vec<u8>,
    current: Vec<u8>,
    frame: Vec<u8>,
    shared: Shared,
}

impl Encoder {
    pub fn new() -> std::io::Result<Self> {
        let mut compressor = zstd::bulk::Compressor::new(LEVEL)?;
        compressor.set_parameter(zstd_safe::CParameter::WindowLog(WINDOW_LOG))?;
        Ok(Self {
            compressor,
            previous: Vec::new(),
            current: Vec::new(),
            frame: Vec::new(),
            shared: Shared::default(),
        })
    }

    /// The zstd frame of `snapshot`: standalone when `keyframe`, else against the
    /// previous call's snapshot.
    pub fn encode(&mut self, snapshot: &Snapshot, keyframe: bool) -> std::io::Result<&[u8]> {
        let carried_statements = !keyframe && self.shared.same_statements(&snapshot.statements);
        let carried_slow = !keyframe && self.shared.same_slow(&snapshot.slow);
        let record = RecordOut {
            sequence: snapshot.sequence,
            taken_at: snapshot.taken_at,
            poll_duration: snapshot.poll_duration,
            own_transactions: snapshot.own_transactions,
            capabilities: &snapshot.capabilities,
            server: &snapshot.server,
            activity: &snapshot.activity,
            databases: &snapshot.databases,
            statements: if carried_statements {
                Carried::Same
            } else {
                Carried::New(&snapshot.statements)
            },
            progress: &snapshot.progress,
            horizon: &snapshot.horizon,
            locks: &snapshot.locks,
            replication: &snapshot.replication,
            pgbouncer: &snapshot.pgbouncer,
            host: &snapshot.host,
            slow: if carried_slow {
                Carried::Same
            } else {
                Carried::New(&snapshot.slow)
            },
            reads: &snapshot.reads,
        };
        std::mem::swap(&mut self.previous, &mut self.current);
        let mut current = std::mem::take(&mut self.current);
        current.clear();
        current.push(TAG);
        let current = postcard::to_extend(&record, current).map_err(std::io::Error::other)?;
        self.current = current;
        self.frame.clear();
        self.frame
            .reserve(zstd_safe::compress_bound(self.current.len()));
        if keyframe {
            self.compressor
                .compress_to_buffer(&self.current, &mut self.frame)?;
        } else {
            self.compressor.compress_to_buffer_with_prefix(
                &self.current,
                &mut self.frame,
                &self.previous,
            )?;
        }
        self.shared.remember(snapshot);
        Ok(&self.frame)
    }
}

/// Turns zstd frames back into snapshots, in the order they were written.
pub struct Decoder {
    context: zstd_safe::DCtx<'static>,
    previous: Vec<u8>,
    current: Vec<u8>,
    last: Option<(Section<Statements>, Option<Arc<SlowTier>>)>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self {
            context: zstd_safe::DCtx::create(),
            previous: Vec::new(),
            current: Vec::new(),
            last: None,
        }
    }
}

impl Decoder {
    /// The snapshot in `frame` (against the previous call's unless `keyframe`); `Err`
    /// says what is wrong with it.
    pub fn decode(&mut self, frame: &[u8], keyframe: bool) -> Result<Snapshot, String> {
        if !keyframe && self.last.is_none() {
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
        let written = if keyframe {
            self.context.decompress(&mut self.current, frame)
        } else {
            self.context
                .decompress_using_dict(&mut self.current, frame, &self.previous)
        };
        if let Err(code) = written {
            // The next delta cannot be decoded against a failed one.
            self.last = None;
            return Err(format!(
                "decompression failed: {}",
                zstd_safe::get_error_name(code)
            ));
        }
        let decoded = match self.current.split_first() {
            Some((&TAG, body)) => postcard::from_bytes::<RecordIn>(body).map_err(|e| e.to_string()),
            _ => Err("unknown snapshot encoding".into()),
        };
        let record = match decoded {
            Ok(record) => record,
            Err(error) => {
                self.last = None;
                return Err(format!("undecodable snapshot: {error}"));
            }
        };
        let (last_statements, last_slow) = self.last.take().unzip();
        let statements = match record.statements {
            Carried::New(statements) => statements,
            Carried::Same => last_statements.ok_or("statements refer to a missing record")?,
        };
        let slow = match record.slow {
            Carried::New(slow) => slow,
            Carried::Same => last_slow.ok_or("slow tier refers to a missing record")?,
        };
        self.last = Some((statements.clone(), slow.clone()));
        Ok(Snapshot {
            sequence: record.sequence,
            taken_at: record.taken_at,
            poll_duration: record.poll_duration,
            own_transactions: record.own_transactions,
            capabilities: record.capabilities,
            server: record.server,
            activity: record.activity,
            databases: record.databases,
            statements,
            progress: record.progress,
            horizon: record.horizon,
            locks: record.locks,
            replication: record.replication,
            pgbouncer: record.pgbouncer,
            host: record.host,
            slow,
            reads: record.reads,
        })
    }
}
