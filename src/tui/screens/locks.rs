//! The Activity screen's lock view: every lock on a contended object (and the strong
//! locks nobody waits for yet), grouped by object with the waited-on objects first, as
//! [`crate::analysis::locks`] orders them. One row per lock: the object and its lock
//! type on the group's first row, then who holds and who waits, with their pids, modes
//! and ages. Cancel and terminate act on the selected row's session.

use super::activity::ActivityView;
use super::empty::Empty;
use super::oncall_ids::lock_id;
use super::rows::{RowWriter, TableRows, cell};
use super::state::TableId;
use super::table::{Column, RowId, Severity, SortKey};
use crate::analysis::locks::{LockEntry, LockGroup};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::locks::WaitFrom;
use crate::text::format;
use crate::tui::app::App;

/// The Activity screen with the lock view on, in `body`.
pub fn view(app: &App, body: ratatui::layout::Rect) -> ActivityView {
    let rows = LockRows::new(app);
    let table =
        super::tables::view(app, TableId::Locks, body, &rows, true).titled(title(app), empty(app));
    ActivityView { table }
}

/// One drawn lock: its group, the entry, granted or awaited, first of its group.
struct Listed<'a> {
    group: &'a LockGroup,
    entry: &'a LockEntry,
    granted: bool,
    first: bool,
}

/// The lock view's rows, in the analysis' order: groups as they come, in each the
/// holders (oldest transaction first) then the waiters (longest wait first).
pub struct LockRows<'a> {
    listed: Vec<Listed<'a>>,
}

impl<'a> LockRows<'a> {
    /// The locks of the newest poll, while the view is on.
    pub fn new(app: &'a App) -> Self {
        let listed = app
            .model()
            .lock_view()
            .map(|view| {
                view.groups
                    .iter()
                    .flat_map(|group| {
                        let holders = group.holders.iter().map(move |e| (group, e, true));
                        let waiters = group.waiters.iter().map(move |e| (group, e, false));
                        holders.chain(waiters).enumerate().map(
                            |(index, (group, entry, granted))| Listed {
                                group,
                                entry,
                                granted,
                                first: index == 0,
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self { listed }
    }
}

impl TableRows for LockRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest = self
            .listed
            .iter()
            .map(|l| crate::tui::fit::width(&l.group.object))
            .max()
            .unwrap_or(0);
        vec![
            Column::fitted("OBJECT", longest, 16, 0),
            Column::text("TYPE", 8, 3),
            Column::text("", 5, 0),
            Column::number("PID", 7, 0),
            Column::text("MODE", 15, 0),
            // A holder's transaction age; a waiter's wait (`≈` when estimated).
            Column::number("AGE", 7, 0),
            // The group already says who blocks whom: the query says more at 80 columns.
            Column::text("BLOCKED BY", 10, 3),
            Column::text("USER", 10, 4),
            Column::text("APP", 12, 5),
            Column::text("QUERY", 12, 1),
        ]
    }

    fn len(&self) -> usize {
        self.listed.len()
    }

    fn id(&self, index: usize) -> RowId {
        let listed = &self.listed[index];
        lock_id(listed.group, listed.entry, listed.granted)
    }

    /// The order is the meaning: an object's holders and waiters stay together.
    fn fixed_order(&self) -> bool {
        true
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let Listed {
            group,
            entry,
            granted,
            first,
        } = self.listed[index];
        let contended = !group.waiters.is_empty();
        // The object once per group: the rows under it are its holders and waiters. The
        // text stays in the sort key, so a filter on the object keeps its first row.
        let object = if first { group.object.as_str() } else { "" };
        row.push(
            || SortKey::Text(group.object.clone()),
            || cell(object.to_string()),
        );
        let locktype = if first { group.locktype.as_str() } else { "" };
        row.push(
            || SortKey::Text(group.locktype.clone()),
            || cell(locktype.to_string()),
        );
        let (how, how_severity) = match (granted, contended) {
            (true, true) => ("holds", Severity::Crit),
            (true, false) => ("holds", Severity::Normal),
            (false, _) => ("waits", Severity::Warn),
        };
        row.label(how, how_severity);
        match entry.pid {
            Some(pid) => row.push(|| SortKey::Number(f64::from(pid)), || cell(pid.to_string())),
            // A prepared transaction's lock: no backend holds it.
            None => row.label("prep", Severity::Muted),
        }
        row.label(short_mode(&entry.mode), Severity::Normal);
        if granted {
            row.age(entry.xact_age, Severity::Normal);
        } else {
            wait_age(row, entry);
        }
        // `pg_blocking_pids` names a prepared transaction's lock as pid 0.
        let blocked_by = entry
            .blocked_by
            .iter()
            .map(|pid| match pid {
                0 => "prepared".to_string(),
                pid => pid.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",");
        row.text(Some(blocked_by.as_str()).filter(|b| !b.is_empty()));
        row.text(entry.user.as_deref());
        row.text(Some(entry.application.as_str()).filter(|a| !a.is_empty()));
        if entry.pid.is_none() {
            // No session to show: say what holds it and where it can be ended.
            row.label(
                "a prepared transaction (ended from the Maintenance horizon panel)",
                Severity::Muted,
            );
            return;
        }
        let query = super::activity::collapse_spaces(&entry.query);
        row.text(Some(query.as_str()).filter(|q| !q.is_empty()));
    }
}

/// `AccessExclusive` for `AccessExclusiveLock`: every mode ends in `Lock`, and the
/// column is narrow.
fn short_mode(mode: &str) -> &str {
    mode.strip_suffix("Lock").unwrap_or(mode)
}

/// A waiter's wait, `≈12s` when measured from its state change or query start (before
/// 14, where `pg_locks.waitstart` does not exist).
fn wait_age(row: &mut RowWriter, entry: &LockEntry) {
    let estimated = entry
        .wait_from
        .is_some_and(|from| from != WaitFrom::WaitStart);
    row.number(
        entry.wait_age.map(|d| d.as_secs_f64()),
        |secs| {
            let age = format::age(std::time::Duration::from_secs_f64(secs));
            if estimated { format!("≈{age}") } else { age }
        },
        Severity::Warn,
    );
}

/// `Locks: 2 objects waited on · 9 locks · ≈ waits estimated (before PG 14)`.
pub fn title(app: &App) -> String {
    let mut title = "Locks".to_string();
    if let Some(view) = app.model().lock_view() {
        let waited = view.groups.iter().filter(|g| !g.waiters.is_empty()).count();
        title.push_str(&match waited {
            0 => ": nothing waited on".to_string(),
            1 => ": 1 object waited on".to_string(),
            n => format!(": {n} objects waited on"),
        });
        if view.waits_estimated {
            title.push_str(" · ≈ wait estimated");
        }
        if view.capped {
            title.push_str(" · first 500 locks");
        }
    }
    if let Some(stale) = app.stale(SectionId::Locks) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title
}

/// Why the lock view has no rows.
pub fn empty(app: &App) -> String {
    let filtered = !app.screens().table(TableId::Locks).filter.is_empty();
    match app.model().snapshot().map(|s| &s.locks) {
        None | Some(None) => "reading pg_locks… (read on every poll while this view is on)".into(),
        Some(Some(Err(error))) => Empty::CouldNotRead {
            source: "pg_locks",
            error,
        }
        .message(app.keymap()),
        Some(Some(Ok(_))) if filtered => super::empty::no_match("lock", app.keymap()),
        Some(Some(Ok(_))) => {
            Empty::Nothing("no session waits for a lock, and no strong lock is held".into())
                .message(app.keymap())
        }
    }
}
