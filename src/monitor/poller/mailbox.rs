//! The hand-over of snapshots from the poller to the UI: one slot, newest wins, nothing
//! queues (a UI busy for longer than an interval gets the newest poll, not a backlog).
//!
//! Unlike a `watch` channel, the UI takes the snapshot out of the slot: it owns it without
//! a copy, and the slot holds nothing between polls. A `watch` keeps its value until the
//! next send, so the UI would have to deep-copy every poll (thousands of statement rows)
//! to own it, and one more copy would stay resident all the time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use crate::monitor::snapshot::Snapshot;

#[derive(Debug, Default)]
struct Shared {
    slot: Mutex<Option<Snapshot>>,
    /// Wakes the receiver; a notification sent while nobody waits is kept (one permit),
    /// so a snapshot put between two waits is never missed.
    put: Notify,
    /// The newest sequence put (also once taken): what tests check the pace by.
    sequence: AtomicU64,
    sender_gone: AtomicBool,
    receiver_gone: AtomicBool,
}

/// The poller's end.
#[derive(Debug)]
pub struct SnapshotSender {
    shared: Arc<Shared>,
}

/// The UI's end.
#[derive(Debug)]
pub struct SnapshotReceiver {
    shared: Arc<Shared>,
}

/// The other end is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the other end of the snapshot mailbox is gone")]
pub struct Closed;

/// A connected sender and receiver with an empty slot.
pub fn mailbox() -> (SnapshotSender, SnapshotReceiver) {
    let shared = Arc::new(Shared::default());
    (
        SnapshotSender {
            shared: Arc::clone(&shared),
        },
        SnapshotReceiver { shared },
    )
}

impl SnapshotSender {
    /// Puts `snapshot` in the slot, replacing one the UI has not taken yet. `Err` when
    /// the UI is gone.
    pub fn send(&self, snapshot: Snapshot) -> Result<(), Closed> {
        if self.shared.receiver_gone.load(Ordering::Acquire) {
            return Err(Closed);
        }
        self.shared
            .sequence
            .store(snapshot.sequence, Ordering::Release);
        let replaced = self
            .shared
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(snapshot);
        // Dropped outside the lock: freeing a snapshot takes a while.
        drop(replaced);
        self.shared.put.notify_one();
        Ok(())
    }
}

impl Drop for SnapshotSender {
    fn drop(&mut self) {
        self.shared.sender_gone.store(true, Ordering::Release);
        self.shared.put.notify_one();
    }
}

impl SnapshotReceiver {
    /// Waits until a snapshot is in the slot (at once when one is); `Err` when the slot
    /// is empty and the poller is gone. Cancel-safe: nothing is taken.
    pub async fn changed(&self) -> Result<(), Closed> {
        loop {
            if self.has_snapshot() {
                return Ok(());
            }
            if self.shared.sender_gone.load(Ordering::Acquire) {
                return Err(Closed);
            }
            self.shared.put.notified().await;
        }
    }

    /// The snapshot in the slot, taken out of it.
    pub fn take(&self) -> Option<Snapshot> {
        self.shared
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The sequence of the newest snapshot put, taken or not (0 before the first).
    pub fn latest_sequence(&self) -> u64 {
        self.shared.sequence.load(Ordering::Acquire)
    }

    fn has_snapshot(&self) -> bool {
        self.shared
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}

impl Drop for SnapshotReceiver {
    fn drop(&mut self) {
        self.shared.receiver_gone.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::snapshot_at;

    fn numbered(sequence: u64) -> Snapshot {
        let mut snapshot = snapshot_at(sequence);
        snapshot.sequence = sequence;
        snapshot
    }

    #[tokio::test]
    async fn the_newest_snapshot_wins_and_is_taken_once() {
        let (sender, receiver) = mailbox();
        assert!(sender.send(numbered(1)).is_ok());
        assert!(sender.send(numbered(2)).is_ok());
        assert_eq!(receiver.changed().await, Ok(()));
        assert_eq!(receiver.take().map(|s| s.sequence), Some(2));
        assert!(receiver.take().is_none(), "taken: the slot is empty");
        assert_eq!(receiver.latest_sequence(), 2);
    }

    #[tokio::test]
    async fn a_waiting_receiver_wakes_for_a_snapshot_and_ends_with_the_poller() {
        let (sender, receiver) = mailbox();
        let waiter = tokio::spawn(async move {
            let first = receiver.changed().await.map(|()| receiver.take());
            let after = receiver.changed().await;
            (first.ok().flatten().map(|s| s.sequence), after)
        });
        tokio::task::yield_now().await;
        assert!(sender.send(numbered(7)).is_ok());
        tokio::task::yield_now().await;
        drop(sender);
        let (first, after) = waiter.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, Some(7));
        assert_eq!(after, Err(Closed));
    }

    #[test]
    fn the_poller_stops_when_the_ui_is_gone() {
        let (sender, receiver) = mailbox();
        drop(receiver);
        assert_eq!(sender.send(numbered(1)), Err(Closed));
    }
}
