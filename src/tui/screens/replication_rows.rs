//! The Replication & WAL screen's tables: the standbys streaming from this server, its
//! replication slots, and `pg_stat_io` per backend type and context over the last
//! interval. A value the role may not see reads `hidden` (never `0`); a column the server's
//! major does not have reads `not on 16`.

use std::time::{Duration, SystemTime};

use super::rows::{RowWriter, TableRows};
use super::table::{Cell, Column, RowId, Severity, SortKey};
use crate::analysis::replication::{IoInterval, ReplicationThresholds, StandbyLag};
use crate::monitor::snapshot::replication::{ReplicationSlot, WalSender};
use crate::text::format;
use crate::text::sanitize::sanitize;
use crate::tui::app::App;

/// `hidden`, muted: a value the role may not read (`pg_read_all_stats` shows it).
fn hidden(row: &mut RowWriter) {
    row.push(
        || SortKey::Missing,
        || Cell {
            text: "hidden".into(),
            severity: Severity::Muted,
        },
    );
}

/// Bytes behind, `-` when not reported.
fn behind(row: &mut RowWriter, value: Option<i64>, severity: Severity) {
    row.number(
        value.map(|v| v as f64),
        |v| format::bytes(v as i64),
        severity,
    );
}

/// A lag as time (`850ms`, `4m02s`), crit from the replication lag limit.
fn lag_cell(row: &mut RowWriter, lag: Option<Duration>, limits: &ReplicationThresholds) {
    let severity = match lag {
        Some(lag) if lag >= limits.lag_crit => Severity::Crit,
        _ => Severity::Normal,
    };
    row.age(lag, severity);
}

/// The standbys streaming from this server, as `pg_stat_replication` shows them.
pub struct StandbyRows<'a> {
    senders: &'a [WalSender],
    lags: &'a [StandbyLag],
    limits: &'a ReplicationThresholds,
}

impl<'a> StandbyRows<'a> {
    /// The WAL senders of the newest poll (its last good read when that failed).
    pub fn new(app: &'a App) -> Self {
        let model = app.model();
        Self {
            senders: model
                .snapshot()
                .and_then(|s| s.replication.senders.as_ref().ok())
                .map_or(&[], Vec::as_slice),
            lags: &model.replication().standbys,
            limits: model.replication_thresholds(),
        }
    }

    /// The replay lag the model computed for this sender (idle standbys are caught up).
    fn lag(&self, sender: &WalSender) -> Option<Duration> {
        self.lags
            .iter()
            .find(|s| s.pid == sender.pid)
            .and_then(|s| s.lag)
    }
}

/// A standby's name: its application name, or its WAL sender's pid when it has none.
pub fn standby_name(sender: &WalSender) -> String {
    if sender.application_name.is_empty() {
        format!("walsender {}", sender.pid)
    } else {
        sanitize(&sender.application_name).into_owned()
    }
}

impl TableRows for StandbyRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest = self
            .senders
            .iter()
            .map(|s| standby_name(s).chars().count())
            .max()
            .unwrap_or(0);
        vec![
            Column::fitted("STANDBY", longest, 10, 0),
            Column::text("STATE", 9, 2),
            Column::text("SYNC", 6, 4),
            Column::number("SENT", 9, 6),
            Column::number("WRITE", 9, 7),
            Column::number("FLUSH", 9, 7),
            Column::number("REPLAY", 9, 1),
            Column::number("W LAG", 7, 8),
            Column::number("F LAG", 7, 8),
            Column::number("R LAG", 7, 0),
            Column::number("XMIN AGE", 8, 5),
            // Last: the one text column that stretches on wide terminals.
            Column::text("CLIENT", 15, 3),
        ]
    }

    fn len(&self) -> usize {
        self.senders.len()
    }

    fn id(&self, index: usize) -> RowId {
        let sender = &self.senders[index];
        let name = standby_name(sender);
        // Two standbys may share a name (`walreceiver` is the default): the pid tells
        // them apart.
        let shared = self
            .senders
            .iter()
            .filter(|s| standby_name(s) == name)
            .count()
            > 1;
        if shared {
            RowId::Name(format!("{name} (pid {})", sender.pid))
        } else {
            RowId::Name(name)
        }
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let s = &self.senders[index];
        row.text(Some(&standby_name(s)));
        if s.hidden {
            for _ in 0..11 {
                hidden(row);
            }
            return;
        }
        let state = s.state.as_deref().map(sanitize);
        let streaming = state.as_deref() == Some("streaming");
        match state.as_deref() {
            Some(state) => row.label(state, super::rows::warn_if(!streaming)),
            None => row.text(None),
        }
        row.text(s.sync_state.as_deref().map(sanitize).as_deref());
        behind(row, s.sent_behind_bytes, Severity::Normal);
        behind(row, s.write_behind_bytes, Severity::Normal);
        behind(row, s.flush_behind_bytes, Severity::Normal);
        behind(row, s.replay_behind_bytes, Severity::Normal);
        row.age(s.write_lag, Severity::Normal);
        row.age(s.flush_lag, Severity::Normal);
        lag_cell(row, self.lag(s), self.limits);
        row.number(
            s.xmin_age.map(f64::from),
            format::quantity,
            Severity::Normal,
        );
        let client = s
            .client_hostname
            .as_deref()
            .or(s.client_addr.as_deref())
            .map(|c| sanitize(c).into_owned())
            .unwrap_or_else(|| "local socket".into());
        row.text(Some(&client));
    }
}

/// Every replication slot of the server.
pub struct SlotRows<'a> {
    slots: &'a [ReplicationSlot],
    limits: &'a ReplicationThresholds,
    now: SystemTime,
    /// The server's major, when known: `inactive_since` is there from 17.
    major: Option<i32>,
}

impl<'a> SlotRows<'a> {
    /// The slots of the newest poll (its last good read when that failed).
    pub fn new(app: &'a App) -> Self {
        let model = app.model();
        let snapshot = model.snapshot();
        Self {
            slots: snapshot
                .and_then(|s| s.replication.slots.as_ref().ok())
                .map_or(&[], Vec::as_slice),
            limits: model.replication_thresholds(),
            now: snapshot
                .and_then(|s| s.replication.wal.as_ref().ok())
                .map_or(app.now(), |w| w.now),
            major: snapshot
                .and_then(|s| s.capabilities.as_ref())
                .map(|c| c.server_major()),
        }
    }
}

impl SlotRows<'_> {
    /// Whether the server reports `inactive_since` (17+; unknown majors are assumed to).
    fn has_inactive_since(&self) -> bool {
        self.major.is_none_or(|major| major >= 17)
    }
}

/// `physical`, `logical`, with ` temp` for a temporary slot.
fn slot_kind(slot: &ReplicationSlot) -> String {
    let mut kind = sanitize(&slot.slot_type).into_owned();
    if slot.temporary {
        kind.push_str(" temp");
    }
    kind
}

/// Whether the slot's WAL is gone or about to go: `unreserved` or `lost`.
pub fn slot_endangered(slot: &ReplicationSlot) -> bool {
    matches!(slot.wal_status.as_deref(), Some("unreserved" | "lost"))
}

/// Whether an inactive slot retains at least the limit.
pub fn slot_retains_too_much(slot: &ReplicationSlot, limits: &ReplicationThresholds) -> bool {
    let limit = i64::try_from(limits.slot_retained_warn).unwrap_or(i64::MAX);
    !slot.active && slot.retained_bytes.is_some_and(|r| r >= limit)
}

impl TableRows for SlotRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest =
            |f: &dyn Fn(&ReplicationSlot) -> usize| self.slots.iter().map(f).max().unwrap_or(0);
        vec![
            Column::fitted("SLOT", longest(&|s| s.name.chars().count()), 10, 0),
            Column::fitted("TYPE", longest(&|s| slot_kind(s).chars().count()), 8, 2),
            Column::fitted(
                "PLUGIN",
                longest(&|s| s.plugin.as_deref().map_or(0, |p| p.chars().count())),
                8,
                6,
            ),
            Column::text("DATABASE", 10, 5),
            Column::text("ACTIVE", 10, 0),
            Column::number("RETAINED", 9, 0),
            Column::number("SAFE WAL", 9, 6),
            Column::number("XMIN AGE", 8, 4),
            Column::number("CAT XMIN", 8, 4),
            // Before 17 every cell says `not on 16`: the first to make way.
            Column::number("INACTIVE", 9, if self.has_inactive_since() { 3 } else { 8 }),
            // Last: the text column that stretches (`lost: wal_removed` on 17+).
            Column::text("WAL STATUS", 10, 1),
        ]
    }

    fn len(&self) -> usize {
        self.slots.len()
    }

    fn id(&self, index: usize) -> RowId {
        RowId::Name(sanitize(&self.slots[index].name).into_owned())
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let s = &self.slots[index];
        let too_much = slot_retains_too_much(s, self.limits);
        row.text(Some(&sanitize(&s.name)));
        row.text(Some(&slot_kind(s)));
        row.text(s.plugin.as_deref().map(sanitize).as_deref());
        row.text(s.database.as_deref().map(sanitize).as_deref());
        let active = match (s.active, s.active_pid) {
            (true, Some(pid)) => format!("pid {pid}"),
            (true, None) => "yes".into(),
            (false, _) => "no".into(),
        };
        row.label(&active, super::rows::warn_if(too_much));
        behind(row, s.retained_bytes, super::rows::warn_if(too_much));
        match s.safe_wal_size {
            Some(size) => behind(row, Some(size), Severity::Normal),
            // NULL while the slot reserves WAL: `max_slot_wal_keep_size` is unlimited.
            None if !slot_endangered(s) && s.wal_status.is_some() => row.push(
                || SortKey::Number(f64::MAX),
                || Cell {
                    text: "no limit".into(),
                    severity: Severity::Muted,
                },
            ),
            None => row.text(None),
        }
        row.number(
            s.xmin_age.map(f64::from),
            format::quantity,
            Severity::Normal,
        );
        row.number(
            s.catalog_xmin_age.map(f64::from),
            format::quantity,
            Severity::Normal,
        );
        match self.major.filter(|_| !self.has_inactive_since()) {
            Some(major) => {
                let text = format!("not on {major}");
                row.push(
                    || SortKey::Missing,
                    || Cell {
                        text,
                        severity: Severity::Muted,
                    },
                );
            }
            _ => row.age(
                s.inactive_since
                    .map(|at| self.now.duration_since(at).unwrap_or_default()),
                super::rows::warn_if(too_much),
            ),
        }
        let status = match (&s.wal_status, &s.invalidation_reason) {
            (Some(status), Some(reason)) => Some(format!("{status}: {reason}")),
            (Some(status), None) => Some(status.clone()),
            (None, Some(reason)) => Some(reason.clone()),
            (None, None) => None,
        };
        match status {
            Some(status) => {
                let severity = if slot_endangered(s) {
                    Severity::Crit
                } else {
                    Severity::Normal
                };
                row.label(&sanitize(&status), severity);
            }
            None => row.text(None),
        }
    }
}

/// `pg_stat_io` over the last interval, per backend type and context.
pub struct IoRows<'a> {
    rows: &'a [IoInterval],
}

impl<'a> IoRows<'a> {
    /// The model's newest interval (busiest first).
    pub fn new(app: &'a App) -> Self {
        Self {
            rows: &app.model().replication().io,
        }
    }
}

impl TableRows for IoRows<'_> {
    fn columns(&self) -> Vec<Column> {
        let longest = self
            .rows
            .iter()
            .map(|r| r.backend_type.chars().count())
            .max()
            .unwrap_or(0);
        vec![
            Column::fitted("BACKEND TYPE", longest, 13, 0),
            Column::number("BYTES", 9, 0),
            Column::number("READS", 7, 0),
            Column::number("WRITES", 7, 0),
            Column::number("EXTENDS", 7, 2),
            Column::number("HITS", 7, 0),
            Column::number("EVICTS", 7, 4),
            Column::number("REUSES", 7, 5),
            Column::number("FSYNCS", 7, 3),
            Column::number("READ ms", 8, 6),
            Column::number("WRITE ms", 8, 6),
            // Last: the text column that stretches.
            Column::text("CONTEXT", 9, 1),
        ]
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn id(&self, index: usize) -> RowId {
        let r = &self.rows[index];
        RowId::Name(format!(
            "{} / {}",
            sanitize(&r.backend_type),
            sanitize(&r.context)
        ))
    }

    fn write(&self, index: usize, row: &mut RowWriter) {
        let r = &self.rows[index];
        row.text(Some(&sanitize(&r.backend_type)));
        let c = &r.counters;
        // Read, written and extended: what this backend type moved through the buffers.
        behind(row, Some(c.moved_bytes()), Severity::Normal);
        for count in [
            c.reads,
            c.writes,
            c.extends,
            c.hits,
            c.evictions,
            c.reuses,
            c.fsyncs,
        ] {
            row.count(count);
        }
        for ms in [c.read_time_ms, c.write_time_ms] {
            row.number(Some(ms), format::millis, Severity::Normal);
        }
        row.text(Some(&sanitize(&r.context)));
    }
}
