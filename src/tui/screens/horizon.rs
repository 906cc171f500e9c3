//! "Why can't VACUUM clean?": every holder of the xmin horizon, oldest first, as the
//! Maintenance screen's horizon panel lists it, and the one-line summary the Dashboard
//! shows. Who holds, for how long (in transactions and in time), and what it is doing;
//! the holders themselves are found and ordered by [`crate::analysis::horizon`].

use std::time::Duration;

use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::oncall_ids::holder_id;
use super::rows::{RowWriter, TableRows};
use super::state::TableId;
use super::table::{Column, RowId, Severity, SortKey};
use crate::analysis::horizon::{Holder, HolderKind, HolderScope};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::SessionState;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::theme::Role;

/// A holder held this long is worth a look: autovacuum's naptime is a minute, so five
/// minutes is several autovacuum rounds that could not clean what was deleted since.
/// Ordinary OLTP transactions last milliseconds; a report or a migration can take
/// minutes, which is exactly when the DBA should know who it is.
pub const HOLDER_WARN_AGE: Duration = Duration::from_secs(5 * 60);
/// For holders without a known start (slots, standby feedback): 100,000 transactions
/// is minutes of a busy server's write traffic, and far more than any healthy replica or
/// logical consumer lags behind.
pub const HOLDER_WARN_XACTS: i32 = 100_000;

/// Warn when the holder has held long enough (see the constants) to matter.
pub fn holder_severity(holder: &Holder) -> Severity {
    let old =
        holder.age.is_some_and(|age| age >= HOLDER_WARN_AGE) || holder.xid_age >= HOLDER_WARN_XACTS;
    if old {
        Severity::Warn
    } else {
        Severity::Normal
    }
}

/// The horizon panel's rows: oldest first, the order being the meaning.
pub struct HorizonRows<'a> {
    holders: &'a [Holder],
}

impl<'a> HorizonRows<'a> {
    /// The holders of the newest poll.
    pub fn new(app: &'a App) -> Self {
        Self {
            holders: app
                .model()
                .horizon()
                .map_or(&[], |horizon| horizon.holders.as_slice()),
        }
    }
}

impl TableRows for HorizonRows<'_> {
    fn columns(&self) -> Vec<Column> {
        // Gids and slot names run long, and are what the DBA looks for: their column
        // takes what they need (up to 28).
        let longest = self
            .holders
            .iter()
            .map(|h| crate::tui::fit::width(&kind_and_who(h).1))
            .max()
            .unwrap_or(0);
        vec![
            Column::text("KIND", 8, 0),
            Column::fitted("HOLDER", longest, 14, 0),
            Column::text("DB", 10, 2),
            // How many transactions back (`3.1M`): the exact count is in the detail view.
            Column::number("XACTS", 7, 0),
            Column::number("HELD", 7, 0),
            Column::text("STATE / OWNER", 16, 1),
            Column::text("DETAILS", 16, 0),
        ]
    }

    fn len(&self) -> usize {
        self.holders.len()
    }

    fn id(&self, index: usize) -> RowId {
        holder_id(&self.holders[index])
    }

    fn fixed_order(&self) -> bool {
        true
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let holder = &self.holders[index];
        let severity = holder_severity(holder);
        let (kind, who) = kind_and_who(holder);
        row.label(kind, Severity::Normal);
        row.label(&who, Severity::Normal);
        row.text(database(holder).as_deref());
        row.number(Some(f64::from(holder.xid_age)), format::quantity, severity);
        row.age(holder.age, severity);
        let (state, state_severity) = state(holder);
        row.label(&state, state_severity);
        row.push(
            || SortKey::Text(details(holder)),
            || super::rows::cell(details(holder)),
        );
    }
}

/// `backend` / `pid 4242`, `prepared` / its gid, `slot` / its name, `standby` / its
/// application name.
fn kind_and_who(holder: &Holder) -> (&'static str, String) {
    match &holder.kind {
        HolderKind::Backend { pid, .. } => ("backend", format!("pid {pid}")),
        HolderKind::Prepared { gid, .. } => ("prepared", gid.clone()),
        HolderKind::Slot { name, .. } => ("slot", name.clone()),
        HolderKind::Standby { application, .. } => ("standby", application.clone()),
    }
}

/// Whose tables it holds: its own database, every one (slots with `xmin`, standby
/// feedback) or only the system catalogs (a logical slot's `catalog_xmin`).
fn database(holder: &Holder) -> Option<String> {
    if holder.scope == HolderScope::CatalogsOnly {
        return Some("catalogs".into());
    }
    match &holder.kind {
        HolderKind::Backend { database, .. } => database.clone(),
        HolderKind::Prepared { database, .. } => Some(database.clone()),
        HolderKind::Slot { .. } | HolderKind::Standby { .. } => Some("all".into()),
    }
}

/// A session's state, a prepared transaction's owner, a slot's activity and type, a
/// standby's client; idle-in-transaction and inactive slots (nobody will end them) warn.
fn state(holder: &Holder) -> (String, Severity) {
    match &holder.kind {
        HolderKind::Backend { state, .. } => match state {
            Some(state) if state.is_idle_in_transaction() => ("idle in txn".into(), Severity::Warn),
            Some(SessionState::Active) => ("active".into(), Severity::Normal),
            Some(state) => (state.to_string(), Severity::Normal),
            None => ("hidden".into(), Severity::Muted),
        },
        HolderKind::Prepared { owner, .. } => (
            owner
                .as_ref()
                .map_or_else(|| "owner ?".into(), |o| format!("owner {o}")),
            Severity::Normal,
        ),
        HolderKind::Slot {
            active, slot_type, ..
        } => {
            if *active {
                (format!("active {slot_type}"), Severity::Normal)
            } else {
                (format!("inactive {slot_type}"), Severity::Warn)
            }
        }
        HolderKind::Standby { client, .. } => (
            client.clone().unwrap_or_else(|| "local".into()),
            Severity::Normal,
        ),
    }
}

/// The query (one line), when it was prepared, what a slot retains, how a standby holds.
fn details(holder: &Holder) -> String {
    match &holder.kind {
        HolderKind::Backend { query, .. } => super::activity::collapse_spaces(query),
        HolderKind::Prepared { prepared, .. } => {
            format!(
                "only COMMIT/ROLLBACK PREPARED ends it · prepared at {}",
                crate::text::timefmt::rfc3339_millis(*prepared)
            )
        }
        HolderKind::Slot {
            retained_wal_bytes,
            wal_status,
            active_pid,
            catalog_xmin_age,
            xmin_age,
            ..
        } => {
            let mut parts = Vec::new();
            if let Some(bytes) = retained_wal_bytes {
                parts.push(format!("retains {} WAL", format::bytes(*bytes)));
            }
            if let Some(status) = wal_status {
                parts.push(format!("wal_status {status}"));
            }
            if let Some(pid) = active_pid {
                parts.push(format!("used by pid {pid}"));
            }
            if let (None, Some(age)) = (xmin_age, catalog_xmin_age) {
                parts.push(format!(
                    "catalog_xmin {} xacts",
                    format::thousands(i64::from(*age))
                ));
            }
            parts.join(" · ")
        }
        HolderKind::Standby { pid, .. } => {
            format!("hot_standby_feedback through WAL sender pid {pid}")
        }
    }
}

/// `Why can't VACUUM clean? · 3 holders, oldest first · E ends one`, with its age when
/// it is kept from before a failed read.
pub fn title(app: &App) -> String {
    let mut title = "Why can't VACUUM clean? · xmin horizon holders".to_string();
    if let Some(key) = app.keymap().first_key(Action::EndHolder)
        && app.model().horizon().is_some_and(|h| !h.holders.is_empty())
    {
        title.push_str(&format!(" · {key} ends one"));
    }
    if let Some(stale) = app.stale(SectionId::Horizon) {
        title.push_str(&stale.title_suffix(app.now()));
    }
    title
}

/// Why the panel has no rows.
pub fn empty(app: &App) -> String {
    match app.model().snapshot().map(|s| &s.horizon) {
        None => Empty::FirstPoll.message(app.keymap()),
        Some(Err(error)) => Empty::CouldNotRead {
            source: "the xmin horizon",
            error,
        }
        .message(app.keymap()),
        Some(Ok(_)) if !app.screens().table(TableId::Horizon).filter.is_empty() => {
            super::empty::no_match("holder", app.keymap())
        }
        // A standby's vacuum is the primary's: its own queries only hold the primary back
        // through hot_standby_feedback (shown as the primary's `standby` holder).
        Some(Ok(_)) if app.model().in_recovery() == Some(true) => {
            "no session here holds the xmin horizon back; VACUUM runs on the primary".into()
        }
        Some(Ok(_)) => "nothing holds the xmin horizon back: VACUUM can remove every dead \
                        tuple"
            .into(),
    }
}

/// The Dashboard's line: `xmin horizon: oldest holder prepared 'x', 12m04s (1,234
/// xacts)`, warn-coloured past [`HOLDER_WARN_AGE`] / [`HOLDER_WARN_XACTS`].
pub fn dashboard_line(app: &App) -> Line<'static> {
    let theme = app.theme();
    let muted = |text: String| Span::styled(text, theme.style(Role::Muted));
    let Some(horizon) = app.model().horizon() else {
        return Line::from(muted(" xmin horizon: known after the first poll".into()));
    };
    let Some(holder) = horizon.oldest() else {
        let line = if app.model().in_recovery() == Some(true) {
            " xmin horizon: nothing here holds it back (VACUUM runs on the primary)"
        } else {
            " xmin horizon: nothing holds it back (VACUUM can clean every dead tuple)"
        };
        return Line::from(muted(line.into()));
    };
    let held = holder
        .age
        .map(|age| format!(", {}", format::age(age)))
        .unwrap_or_default();
    let role = holder_severity(holder).role();
    Line::from(vec![
        muted(" xmin horizon: oldest holder ".into()),
        Span::styled(holder.label(), theme.style(role)),
        Span::styled(
            format!(
                "{held} ({} xacts)",
                format::thousands(i64::from(holder.xid_age))
            ),
            theme.style(role),
        ),
    ])
}
