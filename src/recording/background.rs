//! Recording off the async thread: a [`Recorder`] on its own thread, fed by a bounded
//! channel. Encoding and file writes are blocking work; on the poller's or the TUI's
//! runtime (current-thread in places) a slow or stalled disk would delay polling and
//! drawing. Here a full channel drops the snapshot and counts it (the disk is not keeping
//! up; the recording has a gap, the live view none), and a failed write ends the thread
//! with its error, reported once through [`BackgroundRecorder::failed`].

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::monitor::snapshot::Snapshot;
use crate::recording::format::ServerIdentity;
use crate::recording::writer::{RecordError, Recorder};

/// Snapshots waiting for the disk: at a 1 s refresh, a disk may stall this many seconds
/// before snapshots are dropped. Each holds a poll's sessions (the statements and slow
/// tier are shared with the live view), so the memory this may hold stays small.
pub const QUEUE: usize = 8;

/// How long a clean stop waits for the queued snapshots to be written and synced: a
/// stalled disk must not keep a quitting pgpulse (or a recorder under SIGTERM) forever.
pub const CLOSE_WAIT: Duration = Duration::from_secs(10);

/// Said once, at the first snapshot the disk could not take in time.
pub const DROPPING: &str = "recording: the disk is not keeping up; snapshots are dropped until it does (polling is not delayed)";

/// What the writer thread is sent.
struct Message {
    snapshot: Box<Snapshot>,
    /// The server identity for the next segment's header, when it changed.
    identity: Option<ServerIdentity>,
}

/// What happened to a snapshot handed to [`BackgroundRecorder::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Queued,
    /// The queue was full: the snapshot is not recorded. `first` is true only for the
    /// first one dropped, so the caller can say so once.
    Dropped {
        first: bool,
    },
    /// The writer has stopped (its error comes from [`BackgroundRecorder::failed`]).
    Stopped,
}

/// How a recording ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// Snapshots dropped because the disk did not keep up.
    pub dropped: u64,
    /// False when the writer did not finish within [`CLOSE_WAIT`].
    pub finished: bool,
}

/// A recorder writing on its own thread; see the module comment.
pub struct BackgroundRecorder {
    sender: SyncSender<Message>,
    /// Signalled (by dropping it) when the writer thread has written, synced and closed.
    done: Receiver<()>,
    failure: Option<oneshot::Receiver<RecordError>>,
    /// The recording directory, to name in the error of a writer that panicked.
    dir: PathBuf,
    identity: Option<ServerIdentity>,
    dropped: u64,
}

impl BackgroundRecorder {
    /// Starts the writer thread.
    pub fn start(recorder: Recorder) -> std::io::Result<Self> {
        Self::spawn(recorder, QUEUE, Box::new(|| {}))
    }

    /// `before_write` runs on the writer thread before each snapshot is written: the test
    /// that a stalled disk does not stall the caller blocks in it.
    pub(super) fn spawn(
        mut recorder: Recorder,
        queue: usize,
        mut before_write: Box<dyn FnMut() + Send>,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Message>(queue);
        let (done_tx, done) = std::sync::mpsc::channel::<()>();
        let (failure_tx, failure) = oneshot::channel();
        let dir = recorder.dir().to_path_buf();
        std::thread::Builder::new()
            .name("pgpulse-recorder".into())
            .spawn(move || {
                // Dropped last, once the segment is closed: the clean stop's signal.
                let _done = done_tx;
                if let Err(error) = write_all(receiver, &mut recorder, &mut *before_write) {
                    // The channel is closed by now, so whoever is told of the error
                    // finds `send` refused too.
                    let _ = failure_tx.send(error);
                }
            })?;
        Ok(Self {
            sender,
            done,
            failure: Some(failure),
            dir,
            identity: None,
            dropped: 0,
        })
    }

    /// The identity for the next segment's header (sent with the next snapshot).
    pub fn set_identity(&mut self, identity: ServerIdentity) {
        self.identity = Some(identity);
    }

    /// Queues `snapshot` for writing; never waits.
    pub fn send(&mut self, snapshot: Snapshot) -> Sent {
        let message = Message {
            snapshot: Box::new(snapshot),
            identity: self.identity.take(),
        };
        match self.sender.try_send(message) {
            Ok(()) => Sent::Queued,
            Err(TrySendError::Full(message)) => {
                // Not sent: the identity goes with the next one.
                if message.identity.is_some() {
                    self.identity = message.identity;
                }
                self.dropped += 1;
                Sent::Dropped {
                    first: self.dropped == 1,
                }
            }
            Err(TrySendError::Disconnected(_)) => Sent::Stopped,
        }
    }

    /// Snapshots dropped so far because the disk did not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Resolves with the error that stopped the writer (disk full, directory removed, a
    /// writer that panicked); never resolves while it writes, nor again once it has.
    pub async fn failed(&mut self) -> RecordError {
        match self.failure.as_mut() {
            Some(failure) => match failure.await {
                Ok(error) => {
                    self.failure = None;
                    error
                }
                // The writer ended without a word while this end still sends: only a
                // panic (a bug) does that, and the recording has stopped all the same.
                Err(_) => {
                    self.failure = None;
                    RecordError {
                        what: "the recording thread stopped unexpectedly writing",
                        path: self.dir.clone(),
                        source: std::io::Error::other("see the log for the panic"),
                    }
                }
            },
            None => std::future::pending().await,
        }
    }

    /// [`failed`](Self::failed) of an optional recorder: pending when there is none.
    pub async fn failed_of(recorder: &mut Option<Self>) -> RecordError {
        match recorder {
            Some(recorder) => recorder.failed().await,
            None => std::future::pending().await,
        }
    }

    /// Writes what is queued, syncs and closes the segment, waiting at most
    /// [`CLOSE_WAIT`]: blocking, so call it from `spawn_blocking` or at exit. The error
    /// is the write or sync that failed, unless [`failed`](Self::failed) reported it.
    pub fn close(self) -> Result<Closed, RecordError> {
        let Self {
            sender,
            done,
            mut failure,
            dropped,
            ..
        } = self;
        drop(sender);
        let finished = match done.recv_timeout(CLOSE_WAIT) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => true,
            Err(RecvTimeoutError::Timeout) => false,
        };
        if let Some(Ok(error)) = failure.as_mut().map(oneshot::Receiver::try_recv) {
            return Err(error);
        }
        Ok(Closed { dropped, finished })
    }
}

/// Writes each message until the sender is dropped (then closes the segment) or a write
/// fails. Takes the receiver so that it is dropped, closing the channel, on return.
fn write_all(
    receiver: Receiver<Message>,
    recorder: &mut Recorder,
    before_write: &mut dyn FnMut(),
) -> Result<(), RecordError> {
    for message in receiver.iter() {
        before_write();
        if let Some(identity) = message.identity {
            recorder.set_identity(identity);
        }
        recorder.append(&message.snapshot)?;
    }
    recorder.close()
}
