//! The tables of every screen by name, the screen each is on, its default sort, and each
//! screen's tables in focus order.

use crate::tui::screen::Screen;

/// One table on one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableId {
    Activity,
    Statements,
    Latency,
    CacheTables,
    Indexes,
    TableScans,
    Maintenance,
    Progress,
    Wraparound,
    TaskHistory,
    PoolApplications,
    PoolUsers,
    PoolClients,
    PgBouncerPools,
    Journal,
    /// The standbys streaming from this server (`pg_stat_replication`).
    Standbys,
    ReplicationSlots,
    /// `pg_stat_io` per backend type and context.
    Io,
    /// Who holds the xmin horizon (Maintenance).
    Horizon,
    /// The lock view (Activity, when toggled on).
    Locks,
    /// Every database's connections, rates and size (Pool).
    PoolDatabases,
}

impl TableId {
    /// Every table.
    pub const ALL: [TableId; 21] = [
        TableId::Activity,
        TableId::Statements,
        TableId::Latency,
        TableId::CacheTables,
        TableId::Indexes,
        TableId::TableScans,
        TableId::Maintenance,
        TableId::Progress,
        TableId::Wraparound,
        TableId::TaskHistory,
        TableId::PoolApplications,
        TableId::PoolUsers,
        TableId::PoolClients,
        TableId::PgBouncerPools,
        TableId::Journal,
        TableId::Standbys,
        TableId::ReplicationSlots,
        TableId::Io,
        TableId::Horizon,
        TableId::Locks,
        TableId::PoolDatabases,
    ];

    /// Its position in [`TableId::ALL`] (where the screens keep its state).
    pub(super) fn index(self) -> usize {
        Self::ALL.iter().position(|id| *id == self).unwrap_or(0)
    }

    /// The column the table is sorted by until the user chooses (largest first): the
    /// rows that most need a look come first.
    pub fn default_sort(self) -> usize {
        match self {
            // Longest running query.
            TableId::Activity => 8,
            // Most time.
            TableId::Statements => 2,
            // Slowest p95.
            TableId::Latency => 3,
            // Heap blocks read: the tables that actually go to disk (or the OS cache).
            TableId::CacheTables => 4,
            // FLAGS: its sort key is the index's "badness", so flagged indexes come first.
            TableId::Indexes => 7,
            // SEQ ROWS: where a missing index costs the most.
            TableId::TableScans => 2,
            // ELAPSED: longest running first.
            TableId::Progress => 6,
            // TOTAL: the biggest users of connection slots first.
            TableId::PoolApplications | TableId::PoolUsers | TableId::PoolClients => 1,
            // CL WAIT: pools where clients queue come first.
            TableId::PgBouncerPools => 3,
            // REPLAY: the standby furthest behind first.
            TableId::Standbys => 6,
            // RETAINED: the slot holding the most WAL first.
            TableId::ReplicationSlots => 5,
            // BYTES: the busiest backend type and context first.
            TableId::Io => 1,
            // CONN: the databases holding the most connection slots first.
            TableId::PoolDatabases => 2,
            // The attention rank (`!!`), or an order that is the meaning (oldest holder
            // first; waited-on locks first).
            TableId::Horizon
            | TableId::Locks
            | TableId::Maintenance
            | TableId::Wraparound
            | TableId::TaskHistory
            | TableId::Journal => 0,
        }
    }

    /// The screen the table is on.
    pub fn screen(self) -> Screen {
        Screen::ALL
            .into_iter()
            .find(|screen| tables_of(*screen).contains(&self))
            .unwrap_or(Screen::Dashboard)
    }
}

/// The tables of a screen, in focus order (`f` moves between them).
pub fn tables_of(screen: Screen) -> &'static [TableId] {
    match screen {
        Screen::Dashboard => &[],
        // The lock view replaces the sessions while it is on: its toggle moves the focus.
        Screen::Activity => &[TableId::Activity, TableId::Locks],
        Screen::Queries => &[TableId::Statements, TableId::Latency],
        Screen::Cache => &[TableId::CacheTables],
        Screen::Pool => &[
            TableId::PoolApplications,
            TableId::PoolUsers,
            TableId::PoolClients,
            TableId::PoolDatabases,
            TableId::PgBouncerPools,
        ],
        Screen::Indexes => &[TableId::Indexes, TableId::TableScans],
        Screen::Maintenance => &[
            TableId::Maintenance,
            TableId::Horizon,
            TableId::Progress,
            TableId::Wraparound,
            TableId::TaskHistory,
            TableId::Journal,
        ],
        Screen::Replication => &[TableId::Standbys, TableId::ReplicationSlots, TableId::Io],
        Screen::Waits => &[],
    }
}
