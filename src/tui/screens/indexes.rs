//! The Indexes screen: how much of the reading goes through indexes, which indexes are
//! unused, duplicate, redundant or invalid, and which tables look like they miss one.

use std::collections::HashMap;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::rows::{RowWriter, TableRows, cell};
use super::state::TableId;
use super::table::{Cell, Column, RowId, Severity, SortKey, TableView};
use crate::analysis::index_flags::IndexFlags;
use crate::analysis::model::SectionId;
use crate::analysis::tables::missing_index_hint;
use crate::monitor::snapshot::indexes::{IndexInfo, TableScans};
use crate::monitor::snapshot::{SectionError, SlowTier};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::theme::Role;

/// The Indexes screen as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexesView {
    /// ` Index usage 87.3% (target ≥90%) · 2 unused · …`, on its own line.
    pub summary: (Rect, Line<'static>),
    pub indexes: TableView,
    pub scans: TableView,
}

/// The view of the Indexes screen in `body`: summary line, indexes (the larger share),
/// tables by sequential scans.
pub fn view(app: &App, body: Rect) -> IndexesView {
    let [summary, indexes, scans] = layout::indexes_bands(body);
    let slow = app.model().slow();
    let index_rows = IndexRows::new(app);
    let scan_rows = ScanRows::new(app);
    let indexes_title = format!(
        "Indexes, flagged first (usage since the stats reset){}{}",
        app.stale(SectionId::Indexes)
            .map(|stale| stale.title_suffix(app.now()))
            .unwrap_or_default(),
        super::governed::suffix(
            app,
            crate::monitor::snapshot::governed::GovernedSource::Indexes
        )
    );
    IndexesView {
        summary: (summary, summary_line(app, slow)),
        indexes: super::tables::view(
            app,
            TableId::Indexes,
            indexes,
            &index_rows,
            super::tables::focused(app, TableId::Indexes),
        )
        .titled(indexes_title, indexes_message(app, slow)),
        scans: super::tables::view(
            app,
            TableId::TableScans,
            scans,
            &scan_rows,
            super::tables::focused(app, TableId::TableScans),
        )
        .titled(scans_title(app), scans_message(app, slow)),
    }
}

/// ` Index usage 87.3% (target ≥90%) · 2 unused · 1 dup · 1 prefix · 1 invalid`: the usage ratio
/// coloured by its threshold, and each kind of flagged index counted.
fn summary_line(app: &App, slow: Option<&SlowTier>) -> Line<'static> {
    let theme = app.theme();
    let thresholds = app.model().thresholds();
    let target = format!(" (target ≥{:.0}%)", thresholds.index_usage.warn * 100.0);
    let mut spans = vec![Span::styled(" Index usage ", theme.style(Role::Title))];
    let Some(slow) = slow else {
        spans.push(Span::styled(
            format!("- {}", Empty::FirstSlowPoll.message(app.keymap())),
            theme.style(Role::Muted),
        ));
        return Line::from(spans);
    };
    match &slow.table_totals {
        Ok(_) => match app.model().figures().index_usage {
            Some(ratio) => spans.push(Span::styled(
                format::percent(Some(ratio)),
                theme.style(Severity::of_level(thresholds.index_usage_level(ratio)).role()),
            )),
            None => spans.push(Span::styled("- no scans yet", theme.style(Role::Muted))),
        },
        Err(_) => spans.push(Span::styled(
            "- table statistics unavailable",
            theme.style(Role::Muted),
        )),
    }
    spans.push(Span::styled(target, theme.style(Role::Muted)));
    if slow.indexes.is_err() {
        spans.push(Span::styled(
            " · index flags unavailable",
            theme.style(Role::Muted),
        ));
        return Line::from(spans);
    }
    let flagged = app.model().figures().flagged_indexes;
    let counts = [
        (flagged.unused, "unused", Role::Warn),
        (flagged.duplicate, "dup", Role::Warn),
        (flagged.prefix, "prefix", Role::Warn),
        (flagged.invalid, "invalid", Role::Crit),
    ];
    if flagged.none() {
        spans.push(Span::styled(
            " · no flagged index",
            theme.style(Role::Muted),
        ));
        return Line::from(spans);
    }
    for (count, what, role) in counts {
        spans.push(Span::styled(" · ", theme.style(Role::Muted)));
        // Zero is good news: it should not draw the eye.
        let role = if count > 0 { role } else { Role::Muted };
        spans.push(Span::styled(format!("{count} {what}"), theme.style(role)));
    }
    Line::from(spans)
}

/// Why the indexes table is empty, and how to fix it when that is possible.
fn indexes_message(app: &App, slow: Option<&SlowTier>) -> String {
    let filtered = !app.screens().table(TableId::Indexes).filter.is_empty();
    let why = match slow.map(|s| &s.indexes) {
        None => Empty::FirstSlowPoll,
        Some(Err(error @ SectionError::Failed(_))) => Empty::CouldNotRead {
            source: "pg_stat_user_indexes",
            error,
        },
        Some(Err(error)) => Empty::Section(error),
        Some(Ok(_)) if filtered => Empty::Filtered { what: "index" },
        Some(Ok(_)) => Empty::Nothing(
            "no user indexes in this database (system catalogs are not listed)".into(),
        ),
    };
    why.message(app.keymap())
}

/// Which tables of how many (the cap is never silent), and whether they are stale.
fn scans_title(app: &App) -> String {
    let mut title = "Tables read by sequential scans, most rows first".to_string();
    if let Some(cap) = super::capped::cap_title(app, TableId::TableScans) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(SectionId::TableScans) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title.push_str(&super::governed::suffix(
        app,
        crate::monitor::snapshot::governed::GovernedSource::Indexes,
    ));
    title
}

fn scans_message(app: &App, slow: Option<&SlowTier>) -> String {
    let why = match slow.map(|s| &s.table_scans) {
        None => Empty::FirstSlowPoll,
        Some(Err(error @ SectionError::Failed(_))) => Empty::CouldNotRead {
            source: "pg_stat_user_tables",
            error,
        },
        Some(Err(error)) => Empty::Section(error),
        Some(Ok(_)) if !app.screens().table(TableId::TableScans).filter.is_empty() => {
            return super::capped::no_match_message(app, TableId::TableScans)
                .unwrap_or_else(|| super::empty::no_match("table", app.keymap()));
        }
        Some(Ok(_)) => Empty::Nothing("no user tables in this database".into()),
    };
    why.message(app.keymap())
}

/// Every user index with what is wrong with it, worst first, then largest.
pub struct IndexRows<'a> {
    indexes: &'a [IndexInfo],
    flags: &'a HashMap<u32, IndexFlags>,
}

impl<'a> IndexRows<'a> {
    /// The indexes of the slow tier on screen, with the model's flags.
    pub fn new(app: &'a App) -> Self {
        Self {
            indexes: app
                .model()
                .slow()
                .and_then(|s| s.indexes.as_ref().ok())
                .map_or(&[], |v| v.as_slice()),
            flags: app.model().index_flags(),
        }
    }

    fn flags(&self, index: &IndexInfo) -> IndexFlags {
        self.flags
            .get(&index.indexrelid)
            .copied()
            .unwrap_or_default()
    }

    /// The name of the index `oid`, for "DUP of …".
    fn name_of(&self, oid: u32) -> String {
        self.indexes
            .iter()
            .find(|i| i.indexrelid == oid)
            .map_or_else(|| format!("oid {oid}"), |i| i.name.clone())
    }
}

impl TableRows for IndexRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest =
            |name: fn(&IndexInfo) -> usize| self.indexes.iter().map(name).max().unwrap_or(0);
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

    fn len(&self) -> usize {
        self.indexes.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Relation(self.indexes[index].indexrelid)
    }

    /// Worst first, then largest: the order FLAGS▼ keeps for ties (the sort is stable).
    fn base_order(&self) -> Vec<usize> {
        let mut order: Vec<(f64, i64, usize)> = self
            .indexes
            .iter()
            .enumerate()
            .map(|(position, index)| (badness(&self.flags(index)), index.size_bytes, position))
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        order.into_iter().map(|(_, _, position)| position).collect()
    }

    fn write(&self, position: usize, row: &mut RowWriter) {
        let index = &self.indexes[position];
        let flags = self.flags(index);
        let table = || format!("{}.{}", index.schema, index.table);
        row.push(|| SortKey::Text(table()), || cell(table()));
        row.push(
            || SortKey::Text(index.name.clone()),
            || cell(index.name.clone()),
        );
        let kind = if index.is_primary {
            "PK"
        } else if index.is_unique {
            "U"
        } else {
            ""
        };
        row.push(|| SortKey::Text(kind.into()), || cell(kind));
        row.count(index.idx_scan);
        row.count(index.idx_tup_read);
        row.count(index.idx_tup_fetch);
        row.bytes(index.size_bytes);
        row.push(
            || SortKey::Number(badness(&flags)),
            || Cell {
                text: flag_words(&flags, |oid| self.name_of(oid)),
                severity: flag_severity(&flags),
            },
        );
    }
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
fn flag_words(flags: &IndexFlags, name_of: impl Fn(u32) -> String) -> String {
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

/// The tables read by sequential scans, with a missing-index hint.
pub struct ScanRows<'a> {
    tables: &'a [TableScans],
}

impl<'a> ScanRows<'a> {
    /// The tables of the slow tier on screen.
    pub fn new(app: &'a App) -> Self {
        Self {
            tables: app
                .model()
                .slow()
                .and_then(|s| s.table_scans.as_ref().ok())
                .map_or(&[], |v| v.as_slice()),
        }
    }
}

impl TableRows for ScanRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest = self
            .tables
            .iter()
            .map(|t| t.schema.chars().count() + t.table.chars().count() + 1)
            .max()
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

    fn len(&self) -> usize {
        self.tables.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Relation(self.tables[index].relid)
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let t = &self.tables[index];
        let name = || format!("{}.{}", t.schema, t.table);
        row.push(|| SortKey::Text(name()), || cell(name()));
        row.count(t.seq_scan);
        row.count(t.seq_tup_read);
        if t.has_indexes {
            row.count(t.idx_scan);
        } else {
            // The view's idx_scan is NULL then: "no index" is the fact, not zero scans.
            row.push(
                || SortKey::Missing,
                || Cell {
                    text: "no index".into(),
                    severity: Severity::Muted,
                },
            );
        }
        let hint = missing_index_hint(t);
        let scans = t.seq_scan.saturating_add(t.idx_scan);
        let seq_share = (scans > 0).then(|| t.seq_scan as f64 / scans as f64);
        row.ratio(
            seq_share,
            if hint {
                Severity::Warn
            } else {
                Severity::Normal
            },
        );
        row.count(t.n_live_tup);
        match (hint, t.rows_per_seq_scan()) {
            (true, Some(per_scan)) => row.push(
                || SortKey::Number(per_scan),
                || Cell {
                    text: format!("likely: {}/scan", format::quantity(per_scan)),
                    severity: Severity::Warn,
                },
            ),
            _ => row.push(|| SortKey::Missing, || cell("")),
        }
    }
}
