//! Recordings: snapshots written to compact, crash-safe segment files (`pgpulse record`,
//! the TUI's `--record`) and read back in time order (replay, history, report).
//!
//! `format` is the bytes of a segment, `codec` a snapshot as a delta-compressed frame,
//! `segments` the files in a directory, `writer` appending with rotation and retention,
//! `background` the writer on its own thread, `reader` opening, iterating and reporting
//! damage, `verify` decoding every record.
//!
//! Layer rule: imports only `text`, `settings`, `pg`, `cluster` and `monitor`.

pub mod background;
pub mod codec;
pub mod format;
pub mod memory;
pub mod reader;
pub mod segments;
pub mod verify;
pub mod writer;

pub use background::{BackgroundRecorder, Closed, Sent};
pub use format::{SegmentHeader, ServerIdentity};
pub use reader::{Damage, OpenError, Recording, SegmentInfo, Snapshots};
pub use verify::{SegmentCheck, Undecodable, Verified};
pub use writer::{RecordError, Recorder, RecorderConfig};

#[cfg(test)]
mod background_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod verify_tests;
