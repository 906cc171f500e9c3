//! The latency window the model keeps: each incremental `query_performance_log` read is
//! folded into the [`LatencyStore`] once, and the slow tier gets `performance_log` (and
//! the hash list's cap) merged from the whole window, before anything else reads it
//! (alerts, the kept values, the screens), as if the poller had read the window whole.

use std::sync::Arc;

use crate::analysis::latency_store::LatencyStore;
use crate::monitor::snapshot::{CappedList, SlowTier, Snapshot};

#[derive(Debug, Default)]
pub(super) struct LatencyWindow {
    store: LatencyStore,
    /// The sequence of the read absorbed last.
    absorbed: Option<u64>,
    /// The poller re-sends one tier until its next slow poll: the tier as it came and as
    /// filled, so a re-sent tier is filled once and stays the same `Arc`.
    last: Option<(Arc<SlowTier>, Arc<SlowTier>)>,
}

impl LatencyWindow {
    /// Replaces the snapshot's slow tier by one with the merged window, when it carries
    /// an incremental read. `true` when a read before it never arrived (snapshots are
    /// handed over on a watch channel, which keeps only the newest: a UI stopped for
    /// longer than a slow interval misses one): the window lacks what that read had, and
    /// the poller must read the whole window again ([`crate::monitor::poller::PollerCommand::RereadLatency`]).
    pub fn fill(&mut self, snapshot: &mut Snapshot) -> bool {
        let Some(tier) = snapshot.slow.as_ref() else {
            return false;
        };
        let Some(read) = tier.latency_read.as_ref() else {
            return false;
        };
        if let Some((raw, filled)) = &self.last
            && Arc::ptr_eq(raw, tier)
        {
            snapshot.slow = Some(Arc::clone(filled));
            return false;
        }
        let mut missed = false;
        if self.absorbed != Some(read.sequence) {
            missed = !read.full && self.absorbed != read.sequence.checked_sub(1);
            self.store.absorb(read);
            self.absorbed = Some(read.sequence);
        }
        let (log, cap) = self.store.summary(read);
        let mut filled = (**tier).clone();
        filled.performance_log = Ok(log);
        filled.caps.insert(CappedList::QueryHashes, cap);
        // Merged: the raw read is not kept with what is shown.
        filled.latency_read = None;
        let filled = Arc::new(filled);
        self.last = Some((Arc::clone(tier), Arc::clone(&filled)));
        snapshot.slow = Some(filled);
        missed
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::monitor::snapshot::latency::{LatencyBucket, LatencyRead};
    use crate::monitor::snapshot::test_support::*;

    fn tier_with(sequence: u64, from: i64, ms: &[(i64, f64)]) -> Arc<SlowTier> {
        let read = LatencyRead {
            sequence,
            window: Duration::from_secs(900),
            slow_threshold: Duration::from_secs(5),
            width_s: 60,
            window_bucket: 0,
            from_bucket: from,
            now_bucket: from + 1,
            full: from == 0,
            buckets: ms
                .iter()
                .map(|(bucket, v)| LatencyBucket {
                    bucket: *bucket,
                    query_hash: "q".into(),
                    count: 1,
                    sum_ms: *v,
                    max_ms: *v,
                    slow_count: 0,
                    rows_examined: 0,
                    rows_returned: 0,
                    histogram: vec![(*v as u16, 1)],
                })
                .collect(),
            search: None,
        };
        Arc::new(SlowTier {
            latency_read: Some(Arc::new(read)),
            ..SlowTier::not_polled(at(0))
        })
    }

    #[test]
    fn each_read_is_absorbed_once_and_a_resent_tier_stays_one_arc() {
        let mut window = LatencyWindow::default();
        let first = tier_with(1, 0, &[(3, 10.0)]);
        let mut a = snapshot_at(1);
        a.slow = Some(Arc::clone(&first));
        window.fill(&mut a);
        let mut b = snapshot_at(2);
        b.slow = Some(Arc::clone(&first));
        window.fill(&mut b);
        assert!(Arc::ptr_eq(
            a.slow.as_ref().unwrap(),
            b.slow.as_ref().unwrap()
        ));
        let mut c = snapshot_at(3);
        c.slow = Some(tier_with(2, 4, &[(4, 20.0)]));
        window.fill(&mut c);
        let log = c.slow.unwrap().performance_log.clone().unwrap();
        assert_eq!(log.overall.unwrap().count, 2);
        assert_eq!(log.queries.len(), 1);
    }

    #[test]
    fn a_read_that_never_arrived_asks_for_the_whole_window_again() {
        let mut window = LatencyWindow::default();
        let mut a = snapshot_at(1);
        a.slow = Some(tier_with(1, 0, &[(3, 10.0)]));
        assert!(!window.fill(&mut a));
        // Read 2 was replaced on the watch channel by read 3 before the UI took it.
        let mut c = snapshot_at(3);
        c.slow = Some(tier_with(3, 5, &[(5, 20.0)]));
        assert!(window.fill(&mut c));
        // The whole window again: nothing is missing any more.
        let mut d = snapshot_at(4);
        d.slow = Some(tier_with(4, 0, &[(3, 10.0), (4, 15.0), (5, 20.0)]));
        assert!(!window.fill(&mut d));
        let log = d.slow.unwrap().performance_log.clone().unwrap();
        assert_eq!(log.overall.unwrap().count, 3);
    }
}
