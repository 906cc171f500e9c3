//! Appending snapshots to a recording directory: one segment at a time, a new one every
//! hour or when it reaches its size, the oldest ones pruned by age and total size.
//!
//! Every record goes to the file in one `write` (the page cache keeps it through a killed
//! process, so a SIGKILL loses at most the record being written); a segment is synced when
//! it is closed. Files are created 0600 and a directory this creates 0700: a recording
//! holds query texts.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::monitor::snapshot::Snapshot;
use crate::recording::codec::Encoder;
use crate::recording::format::{self, SegmentHeader, ServerIdentity};
use crate::recording::segments;

/// How a recording is cut and kept.
#[derive(Debug, Clone, PartialEq)]
pub struct RecorderConfig {
    pub dir: PathBuf,
    /// The oldest segments are deleted while all of them together are larger.
    pub max_size: u64,
    /// Segments that ended longer ago are deleted.
    pub keep: Duration,
    /// A segment is closed after this long...
    pub segment_span: Duration,
    /// ...or once it is this large.
    pub segment_max: u64,
    /// A keyframe at least every this many records (reading from a time decodes from the
    /// keyframe before it).
    pub keyframe_every: u32,
}

impl RecorderConfig {
    /// The defaults for `dir`: 1 GiB, 7 days, hourly segments.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            max_size: 1 << 30,
            keep: Duration::from_secs(7 * 86_400),
            segment_span: Duration::from_secs(3600),
            segment_max: 64 << 20,
            keyframe_every: 300,
        }
    }
}

/// A write that failed: recording stops (the server is not touched by any of this).
#[derive(Debug, thiserror::Error)]
#[error("{what} {}: {source}", path.display())]
pub struct RecordError {
    pub what: &'static str,
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl RecordError {
    fn at(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self + use<> {
        let path = path.to_path_buf();
        move |source| Self { what, path, source }
    }
}

/// The open segment.
struct Segment {
    path: PathBuf,
    file: File,
    started: SystemTime,
    bytes: u64,
    records: u32,
}

/// Writes snapshots into a recording directory.
pub struct Recorder {
    config: RecorderConfig,
    identity: ServerIdentity,
    encoder: Encoder,
    segment: Option<Segment>,
    /// The record being written, reused.
    buffer: Vec<u8>,
}

impl Recorder {
    /// Creates the directory if needed (0700) and prunes what retention says is too old;
    /// the first segment is opened by the first snapshot.
    pub fn open(config: RecorderConfig, identity: ServerIdentity) -> Result<Self, RecordError> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&config.dir)
            .map_err(RecordError::at(
                "cannot create the recording directory",
                &config.dir,
            ))?;
        let encoder =
            Encoder::new().map_err(RecordError::at("cannot start zstd for", &config.dir))?;
        let recorder = Self {
            config,
            identity,
            encoder,
            segment: None,
            buffer: Vec::new(),
        };
        recorder.prune(SystemTime::now())?;
        Ok(recorder)
    }

    /// The server identity in the next segment's header (e.g. once the version is known).
    pub fn set_identity(&mut self, identity: ServerIdentity) {
        self.identity = identity;
    }

    /// The recording directory.
    pub fn dir(&self) -> &Path {
        &self.config.dir
    }

    /// The segment being written.
    pub fn current_segment(&self) -> Option<&Path> {
        self.segment.as_ref().map(|segment| segment.path.as_path())
    }

    /// Appends `snapshot`, first starting a new segment when the current one is full.
    pub fn append(&mut self, snapshot: &Snapshot) -> Result<(), RecordError> {
        let now = SystemTime::now();
        let full = self.segment.as_ref().is_some_and(|segment| {
            segment.bytes >= self.config.segment_max
                || now.duration_since(segment.started).unwrap_or_default()
                    >= self.config.segment_span
        });
        if full {
            self.close()?;
            self.prune(now)?;
        }
        if self.segment.is_none() {
            self.segment = Some(self.start(now)?);
        }
        let Some(segment) = self.segment.as_mut() else {
            return Ok(());
        };
        let keyframe = segment.records % self.config.keyframe_every.max(1) == 0;
        let (kind, frame) = self
            .encoder
            .encode(snapshot, keyframe)
            .map_err(RecordError::at(
                "cannot encode a snapshot for",
                &segment.path,
            ))?;
        self.buffer.clear();
        format::encode_record(&mut self.buffer, kind, snapshot.taken_at, frame);
        segment
            .file
            .write_all(&self.buffer)
            .map_err(RecordError::at("cannot write", &segment.path))?;
        segment.bytes += self.buffer.len() as u64;
        segment.records += 1;
        // A big buffer (a keyframe of a large database) is not kept between records.
        if self.buffer.capacity() > 4 << 20 {
            self.buffer = Vec::new();
        }
        Ok(())
    }

    /// Syncs and closes the current segment (on rotation and on a clean stop).
    pub fn close(&mut self) -> Result<(), RecordError> {
        if let Some(segment) = self.segment.take() {
            segment
                .file
                .sync_all()
                .map_err(RecordError::at("cannot sync", &segment.path))?;
        }
        Ok(())
    }

    fn start(&self, now: SystemTime) -> Result<Segment, RecordError> {
        let path = segments::unused_name(&self.config.dir, now);
        let header = SegmentHeader {
            pgpulse_version: env!("CARGO_PKG_VERSION").to_string(),
            server: self.identity.clone(),
            started_at: crate::text::timefmt::rfc3339_millis(now),
            keyframe_every: self.config.keyframe_every,
        };
        let bytes = format::encode_header(&header);
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(RecordError::at("cannot create", &path))?;
        file.write_all(&bytes)
            .map_err(RecordError::at("cannot write", &path))?;
        Ok(Segment {
            path,
            file,
            started: now,
            bytes: bytes.len() as u64,
            records: 0,
        })
    }

    /// Deletes the segments retention no longer keeps (never the one being written).
    fn prune(&self, now: SystemTime) -> Result<(), RecordError> {
        let dir = &self.config.dir;
        let list = segments::list(dir).map_err(RecordError::at("cannot list", dir))?;
        let current = self.current_segment();
        let mut total: u64 = list.iter().map(|s| s.bytes).sum();
        for found in &list {
            if Some(found.path.as_path()) == current {
                continue;
            }
            let expired = now.duration_since(found.modified).unwrap_or_default() > self.config.keep;
            if expired || total > self.config.max_size {
                std::fs::remove_file(&found.path)
                    .map_err(RecordError::at("cannot delete old segment", &found.path))?;
                tracing::info!(segment = %found.path.display(), expired, "recording: pruned a segment");
                total = total.saturating_sub(found.bytes);
            }
        }
        Ok(())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Err(error) = self.close() {
            tracing::warn!("recording: {error}");
        }
    }
}
