//! The live view's own recording: the last hour of snapshots kept in memory as the same
//! delta-compressed frames a recording file holds (a few KiB each instead of a whole
//! snapshot), so history mode can rebuild any moment of the hour without a server.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use super::codec::{Decoder, Encoder};
use super::format::Kind;
use crate::monitor::snapshot::Snapshot;

/// How long the live view remembers.
pub const KEEP: Duration = Duration::from_secs(3600);
/// A frame that starts afresh every this many: decoding a moment starts at the keyframe
/// before it, so this bounds the work of one jump.
const KEYFRAME_EVERY: usize = 30;
/// At most this many bytes of frames, whatever the hour holds (a busy server's snapshots
/// are larger): the oldest go first.
const MAX_BYTES: usize = 32 << 20;

struct Frame {
    taken_at: SystemTime,
    kind: Kind,
    bytes: Box<[u8]>,
}

impl Frame {
    fn keyframe(&self) -> bool {
        self.kind == Kind::Keyframe
    }
}

/// The frames of the last hour, oldest first.
pub struct MemoryRecording {
    encoder: Option<Encoder>,
    frames: VecDeque<Frame>,
    bytes: usize,
    /// Frames since the last keyframe was written.
    since_keyframe: usize,
}

impl Default for MemoryRecording {
    fn default() -> Self {
        Self {
            // Without an encoder (zstd could not allocate its context) nothing is kept:
            // history mode then says there is no history.
            encoder: Encoder::new().ok(),
            frames: VecDeque::new(),
            bytes: 0,
            since_keyframe: 0,
        }
    }
}

impl MemoryRecording {
    /// Keeps `snapshot` and forgets what is older than [`KEEP`] or over the byte cap.
    pub fn push(&mut self, snapshot: &Snapshot) {
        // Forget first: when nothing is left, the new frame must not be a delta against
        // a frame that is gone.
        let oldest = snapshot
            .taken_at
            .checked_sub(KEEP)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        while self
            .frames
            .front()
            .is_some_and(|f| f.taken_at < oldest || self.bytes > MAX_BYTES)
        {
            self.drop_oldest();
        }
        if self.frames.is_empty() {
            self.since_keyframe = 0;
        }
        let Some(encoder) = self.encoder.as_mut() else {
            return;
        };
        let keyframe = self.since_keyframe == 0 || self.since_keyframe >= KEYFRAME_EVERY;
        let Ok((kind, frame)) = encoder.encode(snapshot, keyframe) else {
            // Next time starts afresh: a delta needs the frame before it.
            self.since_keyframe = 0;
            return;
        };
        let bytes: Box<[u8]> = frame.into();
        self.bytes += bytes.len();
        self.frames.push_back(Frame {
            taken_at: snapshot.taken_at,
            kind,
            bytes,
        });
        self.since_keyframe = if keyframe { 1 } else { self.since_keyframe + 1 };
    }

    /// Drops the oldest frame, and the deltas after it up to the next keyframe (they
    /// cannot be decoded without it).
    fn drop_oldest(&mut self) {
        if let Some(frame) = self.frames.pop_front() {
            self.bytes -= frame.bytes.len();
        }
        while self.frames.front().is_some_and(|f| !f.keyframe()) {
            if let Some(frame) = self.frames.pop_front() {
                self.bytes -= frame.bytes.len();
            }
        }
    }

    /// How many snapshots are kept.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Bytes of frames kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// When the kept snapshot `index` (0: the oldest) was taken.
    pub fn taken_at(&self, index: usize) -> Option<SystemTime> {
        self.frames.get(index).map(|f| f.taken_at)
    }

    /// The index of the newest snapshot taken at or before `at` (the oldest when `at`
    /// is before them all).
    pub fn index_at(&self, at: SystemTime) -> Option<usize> {
        if self.frames.is_empty() {
            return None;
        }
        let after = self.frames.partition_point(|f| f.taken_at <= at);
        Some(after.saturating_sub(1))
    }

    /// The snapshots `from..=to` by index, decoded from the keyframe before `from`.
    pub fn decode(&self, from: usize, to: usize) -> Vec<Snapshot> {
        let to = to.min(self.frames.len().saturating_sub(1));
        let start = (0..=from.min(to))
            .rev()
            .find(|i| self.frames.get(*i).is_some_and(Frame::keyframe))
            .unwrap_or(0);
        let mut decoder = Decoder::default();
        let mut out = Vec::with_capacity(to + 1 - from.min(to));
        for index in start..=to {
            let Some(frame) = self.frames.get(index) else {
                break;
            };
            match decoder.decode(&frame.bytes, frame.kind) {
                Ok(snapshot) if index >= from => out.push(snapshot),
                Ok(_) => {}
                // Frames made by this process from its own snapshots: a failure is a bug,
                // and what decoded so far is still the truth up to it.
                Err(_) => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::{at, snapshot_at};

    #[test]
    fn any_kept_poll_decodes_as_it_was_and_the_hour_is_bounded() {
        let mut memory = MemoryRecording::default();
        for t in 0..100 {
            memory.push(&snapshot_at(t));
        }
        assert_eq!(memory.len(), 100);
        // From the middle of a keyframe interval: decoded from the keyframe before it.
        let decoded: Vec<u64> = memory.decode(45, 47).iter().map(|s| s.sequence).collect();
        assert_eq!(decoded, [45, 46, 47]);
        assert_eq!(memory.index_at(at(50)), Some(50));
        assert_eq!(memory.index_at(at(0) - Duration::from_secs(5)), Some(0));
        // An hour later the old polls are gone, with the deltas that needed them: what is
        // kept still starts with a keyframe and decodes.
        memory.push(&snapshot_at(100 + KEEP.as_secs()));
        assert_eq!(memory.len(), 1);
        let decoded: Vec<u64> = memory.decode(0, 0).iter().map(|s| s.sequence).collect();
        assert_eq!(decoded, [100 + KEEP.as_secs()]);
    }
}
