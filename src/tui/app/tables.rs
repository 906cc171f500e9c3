//! Every table pgpulse shows, by identity: the user's state for it (selection, sort,
//! filter, marks) and the model built from the newest data.

use super::table::{Column, Row, TableModel, TableState};

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
}

impl TableId {
    pub const ALL: [TableId; 15] = [
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
    ];

    fn index(self) -> usize {
        Self::ALL.iter().position(|id| *id == self).unwrap_or(0)
    }
}

/// States and models of all tables.
#[derive(Debug)]
pub struct Tables {
    entries: Vec<(TableState, TableModel)>,
}

impl Tables {
    /// Every table with its default sort column (largest first).
    pub fn new(default_sort: impl Fn(TableId) -> usize) -> Self {
        Self {
            entries: TableId::ALL
                .iter()
                .map(|id| {
                    (
                        TableState::sorted_by(default_sort(*id)),
                        TableModel::default(),
                    )
                })
                .collect(),
        }
    }

    pub fn state(&self, id: TableId) -> &TableState {
        &self.entries[id.index()].0
    }

    pub fn model(&self, id: TableId) -> &TableModel {
        &self.entries[id.index()].1
    }

    pub fn state_mut(&mut self, id: TableId) -> &mut TableState {
        &mut self.entries[id.index()].0
    }

    /// The state to change and the model it applies to, together.
    pub fn pair_mut(&mut self, id: TableId) -> (&mut TableState, &TableModel) {
        let (state, model) = &mut self.entries[id.index()];
        (state, model)
    }

    /// Rebuilds a table's model from fresh rows, keeping the user's state.
    pub fn rebuild(&mut self, id: TableId, columns: Vec<Column>, rows: Vec<Row>, keep_order: bool) {
        let (state, model) = &mut self.entries[id.index()];
        *model = state.build(columns, rows, keep_order);
    }
}
