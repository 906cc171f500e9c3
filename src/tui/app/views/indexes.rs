//! Rows for the Indexes screen's tables: every user index with what is wrong with it,
//! and the tables read by sequential scans with a missing-index hint.

use std::collections::HashMap;

use super::super::table::{Cell, Column, Row, RowId, Severity, SortKey};
use super::super::{App, TableId};
use super::cells::{cell, number};
use crate::analysis::index_flags::IndexFlags;
use crate::analysis::tables::missing_index_hint;
use crate::monitor::snapshot::SlowTier;
use crate::monitor::snapshot::indexes::{IndexInfo, TableScans};
use crate::text::format;

/// The Indexes table's FLAGS column: its sort key is the index's "badness", so flagged
/// indexes come first (rows arrive sorted by size, and sorting keeps ties in order).
pub const INDEXES_DEFAULT_SORT: usize = 7;
/// The TableScans table's SEQ ROWS column: the tables whose sequential scans read the
/// most rows, where a missing index costs the most.
pub const TABLE_SCANS_DEFAULT_SORT: usize = 2;

/// The column a table of this screen is sorted by until the user chooses (largest
/// first), for `views::default_sort`.
pub fn default_sort(id: TableId) -> usize {
    match id {
        TableId::Indexes => INDEXES_DEFAULT_SORT,
        TableId::TableScans => TABLE_SCANS_DEFAULT_SORT,
        _ => 0,
    }
}

/// Columns and rows of one of this screen's tables; `true` keeps the rows' order.
pub fn build(app: &App, id: TableId) -> (Vec<Column>, Vec<Row>, bool) {
    let slow = app.model.snapshot().and_then(|s| s.slow.as_deref());
    match id {
        TableId::Indexes => (
            index_columns(slow),
            slow.map(|slow| index_rows(slow, app.model.index_flags()))
                .unwrap_or_default(),
            false,
        ),
        TableId::TableScans => (
            scan_columns(slow),
            slow.map(scan_rows).unwrap_or_default(),
            false,
        ),
        _ => (vec![], vec![], false),
    }
}

fn index_columns(slow: Option<&SlowTier>) -> Vec<Column> {
    let indexes = slow.and_then(|s| s.indexes.as_ref().ok());
    let longest = |name: fn(&IndexInfo) -> usize| {
        indexes.map_or(0, |list| list.iter().map(name).max().unwrap_or(0))
    };
    vec![
        Column::fitted(
            "TABLE",
            longest(|i| i.schema.chars().count() + i.table.chars().count() + 1),
            16,
            1,
        ),
        Column::fitted("INDEX", longest(|i| i.name.chars().count()), 18, 0),
        Column::text("KEY", 3, 2),
        Column::number("SCANS", 9, 0),
        Column::number("TUP READ", 9, 2),
        Column::number("TUP FETCH", 10, 3),
        Column::number("SIZE", 9, 0),
        Column::text("FLAGS", 16, 0),
    ]
}

fn index_rows(slow: &SlowTier, flags: &HashMap<u32, IndexFlags>) -> Vec<Row> {
    let Ok(indexes) = &slow.indexes else {
        return vec![];
    };
    let names: HashMap<u32, &str> = indexes
        .iter()
        .map(|i| (i.indexrelid, i.name.as_str()))
        .collect();
    let mut rows: Vec<(f64, i64, Row)> = indexes
        .iter()
        .map(|index| {
            let flags = flags.get(&index.indexrelid).copied().unwrap_or_default();
            let badness = badness(&flags);
            (
                badness,
                index.size_bytes,
                index_row(index, &flags, badness, &names),
            )
        })
        .collect();
    // Worst first, then largest: the order FLAGS▼ keeps for ties (the sort is stable).
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    rows.into_iter().map(|(_, _, row)| row).collect()
}

fn index_row(
    index: &IndexInfo,
    flags: &IndexFlags,
    badness: f64,
    names: &HashMap<u32, &str>,
) -> Row {
    let table = format!("{}.{}", index.schema, index.table);
    let kind = if index.is_primary {
        "PK"
    } else if index.is_unique {
        "U"
    } else {
        ""
    };
    Row::new(
        RowId::Relation(index.indexrelid),
        vec![
            (cell(table.clone()), SortKey::Text(table)),
            (cell(index.name.clone()), SortKey::Text(index.name.clone())),
            (cell(kind), SortKey::Text(kind.into())),
            count(index.idx_scan),
            count(index.idx_tup_read),
            count(index.idx_tup_fetch),
            (
                cell(format::bytes(index.size_bytes)),
                SortKey::Number(index.size_bytes as f64),
            ),
            (
                Cell {
                    text: flag_words(flags, names),
                    severity: flag_severity(flags),
                },
                SortKey::Number(badness),
            ),
        ],
    )
}

/// How much an index needs attention: invalid ones cost every write and serve no read,
/// duplicates cost writes for nothing, a redundant prefix usually does too, and an
/// unused index may only be waiting for a monthly report. Weights are powers of two so
/// an index with several flags ranks above one with only its worst.
fn badness(flags: &IndexFlags) -> f64 {
    [
        (flags.invalid || flags.ccnew_leftover, 8.0),
        (flags.duplicate_of.is_some(), 4.0),
        (flags.redundant_prefix_of.is_some(), 2.0),
        (flags.unused, 1.0),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, weight)| weight)
    .sum()
}

/// Short words for the FLAGS column, worst first.
fn flag_words(flags: &IndexFlags, names: &HashMap<u32, &str>) -> String {
    let name_of = |oid: u32| {
        names
            .get(&oid)
            .map_or_else(|| format!("oid {oid}"), |name| (*name).to_string())
    };
    let mut words = Vec::new();
    // A `_ccnew` leftover is invalid too; its name says why and what to do (drop it).
    if flags.ccnew_leftover {
        words.push("_ccnew leftover".to_string());
    } else if flags.invalid {
        words.push("INVALID".to_string());
    }
    if let Some(oid) = flags.duplicate_of {
        words.push(format!("DUP of {}", name_of(oid)));
    }
    if let Some(oid) = flags.redundant_prefix_of {
        words.push(format!("PREFIX of {}", name_of(oid)));
    }
    if flags.unused {
        words.push("UNUSED".to_string());
    }
    words.join(", ")
}

fn flag_severity(flags: &IndexFlags) -> Severity {
    if flags.invalid || flags.ccnew_leftover {
        Severity::Crit
    } else if flags.any() {
        Severity::Warn
    } else {
        Severity::Normal
    }
}

fn count(value: i64) -> (Cell, SortKey) {
    number(Some(value as f64), format::quantity, Severity::Normal)
}

fn scan_columns(slow: Option<&SlowTier>) -> Vec<Column> {
    let longest = slow
        .and_then(|s| s.table_scans.as_ref().ok())
        .and_then(|list| {
            list.iter()
                .map(|t| t.schema.chars().count() + t.table.chars().count() + 1)
                .max()
        })
        .unwrap_or(0);
    vec![
        Column::fitted("TABLE", longest, 18, 0),
        Column::number("SEQ SCANS", 10, 2),
        Column::number("SEQ ROWS", 9, 0),
        Column::number("IDX SCANS", 10, 1),
        Column::number("SEQ %", 6, 0),
        Column::number("LIVE ROWS", 10, 2),
        Column::text("MISSING INDEX?", 15, 0),
    ]
}

fn scan_rows(slow: &SlowTier) -> Vec<Row> {
    let Ok(tables) = &slow.table_scans else {
        return vec![];
    };
    tables.iter().map(scan_row).collect()
}

fn scan_row(t: &TableScans) -> Row {
    let name = format!("{}.{}", t.schema, t.table);
    let hint = missing_index_hint(t);
    let scans = t.seq_scan.saturating_add(t.idx_scan);
    let seq_share = (scans > 0).then(|| t.seq_scan as f64 / scans as f64);
    let idx_scans = if t.has_indexes {
        count(t.idx_scan)
    } else {
        // The view's idx_scan is NULL then: "no index" is the fact, not zero scans.
        (
            Cell {
                text: "no index".into(),
                severity: Severity::Muted,
            },
            SortKey::Missing,
        )
    };
    let hint_cell = match (hint, t.rows_per_seq_scan()) {
        (true, Some(per_scan)) => (
            Cell {
                text: format!("likely: {}/scan", format::quantity(per_scan)),
                severity: Severity::Warn,
            },
            SortKey::Number(per_scan),
        ),
        _ => (cell(""), SortKey::Missing),
    };
    Row::new(
        RowId::Relation(t.relid),
        vec![
            (cell(name.clone()), SortKey::Text(name)),
            count(t.seq_scan),
            count(t.seq_tup_read),
            idx_scans,
            number(
                seq_share,
                |r| format::percent(Some(r)),
                if hint {
                    Severity::Warn
                } else {
                    Severity::Normal
                },
            ),
            count(t.n_live_tup),
            hint_cell,
        ],
    )
}
