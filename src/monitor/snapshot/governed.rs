//! How often each governed source is read, and what a read of it costs: the poller's cost
//! governor decides, every snapshot carries it, so a panel whose source was slowed down
//! can say so ("every 2m: a read costs 90 ms") and `pgpulse doctor` can explain why.

use std::time::Duration;

/// A source whose reads the cost governor spaces out (everything but the fast
/// essentials: server state, activity, database counters, progress, horizon,
/// replication and WAL, locks while the lock view is on).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum GovernedSource {
    /// `pg_stat_statements` counters (and the texts of new entries).
    Statements,
    /// `query_performance_log` latency buckets.
    Latency,
    /// Table statistics summed over the connected database.
    TableTotals,
    /// Per-table cache hits and the statistics snapshot history.
    Cache,
    /// Index usage and sequential versus index scans per table.
    Indexes,
    /// Vacuum and analyze state, wraparound, the task history.
    Maintenance,
    /// Every database's size.
    DatabaseSizes,
}

impl GovernedSource {
    pub const ALL: [GovernedSource; 7] = [
        GovernedSource::Statements,
        GovernedSource::Latency,
        GovernedSource::TableTotals,
        GovernedSource::Cache,
        GovernedSource::Indexes,
        GovernedSource::Maintenance,
        GovernedSource::DatabaseSizes,
    ];

    /// What the source reads, in a user's words (doctor, panel notes).
    pub fn label(self) -> &'static str {
        match self {
            GovernedSource::Statements => "pg_stat_statements counters",
            GovernedSource::Latency => "query_performance_log latency",
            GovernedSource::TableTotals => "table statistics totals",
            GovernedSource::Cache => "per-table cache statistics",
            GovernedSource::Indexes => "index and table scan statistics",
            GovernedSource::Maintenance => "vacuum, wraparound and task history",
            GovernedSource::DatabaseSizes => "database sizes",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One governed source's schedule as the governor set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct GovernedRead {
    /// How often it is read now.
    pub interval: Duration,
    /// How often it would be read without the budget (its tier, or the fast interval
    /// for a source on view that follows the refresh).
    pub desired: Duration,
    /// What one read costs, smoothed over the recent reads (round trip measured by the
    /// poller); `None` before the first read.
    pub cost: Option<Duration>,
}

impl GovernedRead {
    /// Whether the budget made it slower than it would be.
    pub fn slowed(&self) -> bool {
        self.interval > self.desired
    }
}

/// Every governed source's schedule, and the budget it was set against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ReadPlan {
    reads: [GovernedRead; 7],
    /// The server-time budget per [`ReadPlan::window`].
    pub budget: Duration,
    /// What the budget is per (30 s).
    pub window: Duration,
    /// What the fast essentials cost per window (they always run).
    pub fixed_per_window: Duration,
}

impl ReadPlan {
    pub fn new(budget: Duration, window: Duration) -> Self {
        Self {
            reads: [GovernedRead::default(); 7],
            budget,
            window,
            fixed_per_window: Duration::ZERO,
        }
    }

    pub fn get(&self, source: GovernedSource) -> GovernedRead {
        self.reads[source.index()]
    }

    pub fn set(&mut self, source: GovernedSource, read: GovernedRead) {
        self.reads[source.index()] = read;
    }

    /// The sources the budget slowed down, with their schedule.
    pub fn slowed(&self) -> impl Iterator<Item = (GovernedSource, GovernedRead)> + '_ {
        GovernedSource::ALL
            .into_iter()
            .map(|s| (s, self.get(s)))
            .filter(|(_, read)| read.slowed())
    }
}
