//! What a backend is, what it is doing and what it waits on, as `pg_stat_activity` names
//! them: parsed once, where the rows are read, so no layer above compares strings. Values
//! a newer server (or an extension's background worker) may add are kept as `Other`.

use std::fmt;

/// `pg_stat_activity.state`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SessionState {
    Active,
    Idle,
    IdleInTransaction,
    IdleInTransactionAborted,
    FastpathFunctionCall,
    /// `track_activities` is off for the session.
    Disabled,
    Other(String),
}

impl SessionState {
    /// The state as the server spells it.
    pub fn parse(text: &str) -> Self {
        match text {
            "active" => Self::Active,
            "idle" => Self::Idle,
            "idle in transaction" => Self::IdleInTransaction,
            "idle in transaction (aborted)" => Self::IdleInTransactionAborted,
            "fastpath function call" => Self::FastpathFunctionCall,
            "disabled" => Self::Disabled,
            other => Self::Other(other.to_string()),
        }
    }

    /// The server's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Idle => "idle",
            Self::IdleInTransaction => "idle in transaction",
            Self::IdleInTransactionAborted => "idle in transaction (aborted)",
            Self::FastpathFunctionCall => "fastpath function call",
            Self::Disabled => "disabled",
            Self::Other(text) => text,
        }
    }

    /// Idle inside an open transaction, aborted or not: it holds locks and the xmin
    /// horizon while doing nothing.
    pub fn is_idle_in_transaction(&self) -> bool {
        matches!(
            self,
            Self::IdleInTransaction | Self::IdleInTransactionAborted
        )
    }
}

impl fmt::Display for SessionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `pg_stat_activity.backend_type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BackendType {
    ClientBackend,
    AutovacuumLauncher,
    AutovacuumWorker,
    BackgroundWriter,
    Checkpointer,
    Walwriter,
    Archiver,
    Startup,
    LogicalReplicationLauncher,
    LogicalReplicationWorker,
    ParallelWorker,
    Walsender,
    Walreceiver,
    Walsummarizer,
    IoWorker,
    /// NULL: the role may not see the session (see
    /// [`crate::analysis::metrics::is_hidden_session`]).
    Unknown,
    /// A background worker's own name, or a type a newer server added.
    Other(String),
}

impl BackendType {
    /// The type as the server spells it (empty for NULL).
    pub fn parse(text: &str) -> Self {
        match text {
            "client backend" => Self::ClientBackend,
            "autovacuum launcher" => Self::AutovacuumLauncher,
            "autovacuum worker" => Self::AutovacuumWorker,
            "background writer" => Self::BackgroundWriter,
            "checkpointer" => Self::Checkpointer,
            "walwriter" => Self::Walwriter,
            "archiver" => Self::Archiver,
            "startup" => Self::Startup,
            "logical replication launcher" => Self::LogicalReplicationLauncher,
            "logical replication worker" => Self::LogicalReplicationWorker,
            "parallel worker" => Self::ParallelWorker,
            "walsender" => Self::Walsender,
            "walreceiver" => Self::Walreceiver,
            "walsummarizer" => Self::Walsummarizer,
            "io worker" => Self::IoWorker,
            "" => Self::Unknown,
            other => Self::Other(other.to_string()),
        }
    }

    /// The server's spelling (empty when unknown).
    pub fn as_str(&self) -> &str {
        match self {
            Self::ClientBackend => "client backend",
            Self::AutovacuumLauncher => "autovacuum launcher",
            Self::AutovacuumWorker => "autovacuum worker",
            Self::BackgroundWriter => "background writer",
            Self::Checkpointer => "checkpointer",
            Self::Walwriter => "walwriter",
            Self::Archiver => "archiver",
            Self::Startup => "startup",
            Self::LogicalReplicationLauncher => "logical replication launcher",
            Self::LogicalReplicationWorker => "logical replication worker",
            Self::ParallelWorker => "parallel worker",
            Self::Walsender => "walsender",
            Self::Walreceiver => "walreceiver",
            Self::Walsummarizer => "walsummarizer",
            Self::IoWorker => "io worker",
            Self::Unknown => "",
            Self::Other(text) => text,
        }
    }

    /// The server's housekeeping processes: not sessions a DBA acts on.
    pub fn is_housekeeping(&self) -> bool {
        matches!(
            self,
            Self::Checkpointer
                | Self::BackgroundWriter
                | Self::Walwriter
                | Self::Archiver
                | Self::Startup
                | Self::AutovacuumLauncher
                | Self::LogicalReplicationLauncher
                | Self::IoWorker
                | Self::Walsummarizer
        )
    }
}

impl fmt::Display for BackendType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `pg_stat_activity.wait_event_type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WaitEventType {
    /// A heavyweight lock: a row, a table, a transaction id.
    Lock,
    /// A lightweight lock inside the server (`WALWrite`, `BufferContent`...).
    LWLock,
    BufferPin,
    Activity,
    Client,
    Extension,
    IO,
    IPC,
    Timeout,
    InjectionPoint,
    Other(String),
}

impl WaitEventType {
    /// The type as the server spells it.
    pub fn parse(text: &str) -> Self {
        match text {
            "Lock" => Self::Lock,
            "LWLock" => Self::LWLock,
            "BufferPin" => Self::BufferPin,
            "Activity" => Self::Activity,
            "Client" => Self::Client,
            "Extension" => Self::Extension,
            "IO" => Self::IO,
            "IPC" => Self::IPC,
            "Timeout" => Self::Timeout,
            "InjectionPoint" => Self::InjectionPoint,
            other => Self::Other(other.to_string()),
        }
    }

    /// The server's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Lock => "Lock",
            Self::LWLock => "LWLock",
            Self::BufferPin => "BufferPin",
            Self::Activity => "Activity",
            Self::Client => "Client",
            Self::Extension => "Extension",
            Self::IO => "IO",
            Self::IPC => "IPC",
            Self::Timeout => "Timeout",
            Self::InjectionPoint => "InjectionPoint",
            Self::Other(text) => text,
        }
    }
}

impl fmt::Display for WaitEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_parses_back_to_itself_and_unknown_ones_are_kept() {
        for text in [
            "active",
            "idle",
            "idle in transaction",
            "idle in transaction (aborted)",
            "fastpath function call",
            "disabled",
            "something new",
        ] {
            assert_eq!(SessionState::parse(text).as_str(), text);
        }
        for text in [
            "client backend",
            "autovacuum worker",
            "walsender",
            "io worker",
            "",
            "pg_wait_sampling collector",
        ] {
            assert_eq!(BackendType::parse(text).as_str(), text);
        }
        for text in ["Lock", "LWLock", "IO", "Client", "Brand new"] {
            assert_eq!(WaitEventType::parse(text).as_str(), text);
        }
        assert_eq!(
            BackendType::parse("pg_cron scheduler"),
            BackendType::Other("pg_cron scheduler".into())
        );
        assert!(SessionState::IdleInTransactionAborted.is_idle_in_transaction());
        assert!(!SessionState::Idle.is_idle_in_transaction());
    }
}
