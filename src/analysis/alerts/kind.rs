//! The conditions pgpulse alerts on, in the order the alerts list shows them.

/// Every condition pgpulse alerts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertKind {
    /// The monitoring connection is down (critical).
    ConnectionFailure,
    /// Overall p95 from `query_performance_log` at or above its limit (warning).
    StatementP95,
    /// The oldest active client query has run too long (warning at 5 s, critical at 30 s).
    LongRunningQuery,
    /// A session has waited for a lock too long (warning at 10 s, critical at 60 s).
    LockWait,
    /// A session has sat idle in an open transaction too long (60 s / 5 min).
    IdleInTransaction,
    /// Deadlocks in the recent window (warning from the first).
    Deadlocks,
    /// Bytes written to temporary files in the recent window (warning).
    TempFiles,
    /// Server-wide cache hit ratio in the last interval below target.
    CacheHitRatio,
    /// Client connections against the slots ordinary roles may use.
    ConnectionUtilisation,
    /// Index scans among all scans of the user tables below target (warning).
    IndexUsage,
    /// Dead tuples among all tuples of the user tables.
    DeadTuples,
    /// The local machine's CPU (warning).
    HostCpu,
    /// The file system of the data directory is filling up (critical).
    DataDisk,
    /// A standby's replay lag, on a primary (per standby) or on the standby (critical).
    ReplicationLag,
    /// A slot about to lose or lost its WAL (critical), or an inactive one retaining a
    /// lot of it (warning).
    ReplicationSlot,
    /// WAL archiving failed within the window (critical).
    ArchiverFailures,
    /// Requested checkpoints are too large a share of all in the window (warning).
    RequestedCheckpoints,
}

impl AlertKind {
    /// Every kind, in the order alerts are listed.
    pub const ALL: [AlertKind; 17] = [
        AlertKind::ConnectionFailure,
        AlertKind::StatementP95,
        AlertKind::LongRunningQuery,
        AlertKind::LockWait,
        AlertKind::IdleInTransaction,
        AlertKind::Deadlocks,
        AlertKind::TempFiles,
        AlertKind::CacheHitRatio,
        AlertKind::ConnectionUtilisation,
        AlertKind::IndexUsage,
        AlertKind::DeadTuples,
        AlertKind::HostCpu,
        AlertKind::DataDisk,
        AlertKind::ReplicationLag,
        AlertKind::ReplicationSlot,
        AlertKind::ArchiverFailures,
        AlertKind::RequestedCheckpoints,
    ];

    /// The metric's name in the alerts list.
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::ConnectionFailure => "connection",
            AlertKind::StatementP95 => "statement p95",
            AlertKind::LongRunningQuery => "long-running query",
            AlertKind::LockWait => "lock wait",
            AlertKind::IdleInTransaction => "idle in transaction",
            AlertKind::Deadlocks => "deadlocks",
            AlertKind::TempFiles => "temp files",
            AlertKind::CacheHitRatio => "cache hit ratio",
            AlertKind::ConnectionUtilisation => "connection utilisation",
            AlertKind::IndexUsage => "index usage",
            AlertKind::DeadTuples => "dead tuples",
            AlertKind::HostCpu => "host CPU",
            AlertKind::DataDisk => "data disk",
            AlertKind::ReplicationLag => "replication lag",
            AlertKind::ReplicationSlot => "replication slot",
            AlertKind::ArchiverFailures => "WAL archiving",
            AlertKind::RequestedCheckpoints => "requested checkpoints",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_with_its_own_label() {
        let mut labels: Vec<_> = AlertKind::ALL.iter().map(|k| k.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), AlertKind::ALL.len());
        let mut kinds = AlertKind::ALL.to_vec();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            AlertKind::ALL.to_vec(),
            "ALL is in declaration order"
        );
    }
}
