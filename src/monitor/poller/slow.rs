//! The governed reads besides the statement counters: latency buckets, table totals, the
//! Cache / Indexes / Maintenance groups and the database sizes. Only the sources the
//! cost governor says are due are read; the others keep their previous results (and the
//! time they were read), and each read's round trip is the governor's measure of its
//! cost.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use super::{LatencyCursor, Poller};
use crate::monitor::collector;
use crate::monitor::snapshot::governed::GovernedSource;
use crate::monitor::snapshot::latency::bucket_width_s;
use crate::monitor::snapshot::{Capped, CappedList, ListCap, Section, SectionError, SlowTier};
use crate::pg::probe::Capabilities;

impl Poller {
    /// A new slow tier: the `due` sources read now, the others as read before.
    pub(super) async fn poll_slow_tier(
        &mut self,
        caps: &Capabilities,
        due: &[GovernedSource],
    ) -> SlowTier {
        let mut tier = match self.slow.clone() {
            Some(previous) => (*previous).clone(),
            None => SlowTier::not_polled(SystemTime::now()),
        };
        tier.taken_at = SystemTime::now();
        for source in due {
            let started = Instant::now();
            let round_trips = self.session.transactions();
            match source {
                GovernedSource::Statements => continue,
                GovernedSource::Latency => self.read_latency(caps, &mut tier).await,
                GovernedSource::TableTotals => {
                    tier.read_at.table_totals = Some(SystemTime::now());
                    tier.table_totals = collector::collect_table_totals(&mut self.session).await;
                }
                GovernedSource::Cache => self.read_cache(caps, &mut tier).await,
                GovernedSource::Indexes => self.read_indexes(&mut tier).await,
                GovernedSource::Maintenance => self.read_maintenance(caps, &mut tier).await,
                GovernedSource::DatabaseSizes => {
                    tier.read_at.database_sizes = Some(SystemTime::now());
                    tier.database_sizes =
                        collector::collect_database_sizes(&mut self.session).await;
                }
            }
            let cost = self
                .network
                .server_time(started.elapsed(), self.session.transactions() - round_trips);
            self.governor.record(*source, cost, started);
        }
        tier
    }

    fn searched(&self, list: CappedList) -> Option<&str> {
        self.searches.get(&list).map(String::as_str)
    }

    async fn read_latency(&mut self, caps: &Capabilities, tier: &mut SlowTier) {
        tier.read_at.every_poll = Some(SystemTime::now());
        let window = self.config.latency_window;
        let width_s = bucket_width_s(window);
        let connects = self.session.connect_count();
        // Only what was logged since the last read, from one bucket before its high-water
        // mark (late commits, see the SQL); the whole window when the buckets kept do not
        // cover it: first read, a wider window, another width or threshold, a new connection.
        let since_bucket = self
            .latency
            .filter(|c| {
                c.window >= window
                    && c.width_s == width_s
                    && c.slow_threshold == self.config.slow_query_threshold
                    && c.connect_count == connects
            })
            .map(|c| c.now_bucket - 1);
        // Successful reads are numbered without gaps: a gap is a read the model missed.
        let ask = collector::LatencyAsk {
            sequence: self.latency_reads + 1,
            window,
            slow_threshold: self.config.slow_query_threshold,
            width_s,
            since_bucket,
            search: self.searched(CappedList::QueryHashes).map(str::to_string),
        };
        match collector::collect_latency_buckets(&mut self.session, caps, &ask).await {
            Ok(read) => {
                self.latency_reads = read.sequence;
                self.latency = Some(LatencyCursor {
                    window,
                    width_s,
                    slow_threshold: ask.slow_threshold,
                    now_bucket: read.now_bucket,
                    connect_count: connects,
                });
                // The model merges the read into the window it keeps and fills
                // `performance_log` (and the list's cap) from it.
                tier.latency_read = Some(Arc::new(read));
                tier.performance_log = Err(SectionError::Failed("not merged yet".into()));
            }
            Err(error) => {
                // Nothing kept changes: the next read asks again from the same mark.
                tier.latency_read = None;
                tier.caps.remove(&CappedList::QueryHashes);
                tier.performance_log = Err(error);
            }
        }
    }

    async fn read_cache(&mut self, caps: &Capabilities, tier: &mut SlowTier) {
        tier.read_at.cache = Some(SystemTime::now());
        let search = self.searched(CappedList::CacheTables).map(str::to_string);
        let read =
            collector::collect_table_cache_capped(&mut self.session, search.as_deref()).await;
        tier.table_cache = uncap(read, &mut tier.caps, CappedList::CacheTables).map(Arc::new);
        tier.snapshot_history = collector::collect_snapshot_history(
            &mut self.session,
            caps,
            self.config.history_window,
        )
        .await;
    }

    async fn read_indexes(&mut self, tier: &mut SlowTier) {
        tier.read_at.indexes = Some(SystemTime::now());
        tier.indexes = self.index_catalog.read(&mut self.session).await;
        let search = self.searched(CappedList::TableScans).map(str::to_string);
        let read =
            collector::collect_table_scans_capped(&mut self.session, search.as_deref()).await;
        tier.table_scans = uncap(read, &mut tier.caps, CappedList::TableScans).map(Arc::new);
    }

    async fn read_maintenance(&mut self, caps: &Capabilities, tier: &mut SlowTier) {
        tier.read_at.maintenance = Some(SystemTime::now());
        let search = self.searched(CappedList::Maintenance).map(str::to_string);
        let read =
            collector::collect_table_maintenance_capped(&mut self.session, caps, search.as_deref())
                .await;
        tier.maintenance = uncap(read, &mut tier.caps, CappedList::Maintenance).map(Arc::new);
        tier.statistics_since = collector::collect_statistics_since(&mut self.session).await;
        let search = self
            .searched(CappedList::WraparoundTables)
            .map(str::to_string);
        let read = collector::collect_wraparound_capped(&mut self.session, search.as_deref()).await;
        tier.wraparound = uncap(read, &mut tier.caps, CappedList::WraparoundTables);
        let search = self.searched(CappedList::TaskHistory).map(str::to_string);
        let read =
            collector::collect_task_history_capped(&mut self.session, caps, search.as_deref())
                .await;
        tier.task_history = uncap(read, &mut tier.caps, CappedList::TaskHistory);
    }
}

/// A capped read's section, its cap noted in `caps` (and forgotten when the read failed).
fn uncap<T>(
    read: Section<Capped<T>>,
    caps: &mut std::collections::HashMap<CappedList, ListCap>,
    list: CappedList,
) -> Section<T> {
    match read {
        Ok(Capped { value, cap }) => {
            caps.insert(list, cap);
            Ok(value)
        }
        Err(error) => {
            caps.remove(&list);
            Err(error)
        }
    }
}
