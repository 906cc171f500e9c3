//! The incident report as data: what a ticket needs about a window of time, built from the
//! model that absorbed the window's polls (live or recorded) and the window's first poll
//! (statement counters are compared across the whole window, not one interval).
//! Serialized as JSON against `schemas/report.schema.json`; the text and Markdown forms
//! are drawn from the same data.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::analysis::maintenance_rules::{MaintenanceSchedule, dead_ratio};
use crate::analysis::metrics::Level;
use crate::analysis::model::Model;
use crate::analysis::wait_load::{Ranked, WaitClass};
use crate::monitor::snapshot::{Session, Snapshot, StatementKey};
use crate::text::timefmt::rfc3339_millis;

pub use super::fields::*;

/// Rows per ranking and per list: a ticket wants the top, not everything.
const TOP: usize = 10;
/// A transaction open this long is listed (the idle-in-transaction alert's warning).
const LONG_TRANSACTION: Duration = Duration::from_secs(60);

/// What the report says it was built from.
pub struct Origin<'a> {
    pub kind: &'static str,
    pub target: &'a str,
    pub now: SystemTime,
}

/// The report of the window from `first` (the window's first poll) to the model's newest.
pub fn build(model: &Model, first: Option<&Snapshot>, origin: &Origin) -> Report {
    let last = model.snapshot();
    let window_end = last.map_or(origin.now, |s| s.taken_at);
    let window_start = first.map_or(window_end, |s| s.taken_at);
    let load = model.wait_load().breakdown(
        window_start
            .checked_sub(Duration::from_millis(1))
            .unwrap_or(window_start),
        window_end,
        TOP,
    );
    let alerts: Vec<Alert> = model
        .alerts()
        .active()
        .iter()
        .map(|a| Alert {
            level: if a.level == Level::Crit {
                "critical"
            } else {
                "warning"
            },
            metric: a.kind.label(),
            value: a.value.clone(),
            threshold: a.threshold.clone(),
            since: rfc3339_millis(a.since),
            stale: a.stale,
        })
        .collect();
    Report {
        schema: SCHEMA,
        generated_at: rfc3339_millis(origin.now),
        source: Source {
            kind: origin.kind,
            target: origin.target.to_string(),
            window_start: rfc3339_millis(window_start),
            window_end: rfc3339_millis(window_end),
            polls: load.samples,
        },
        server: server(model),
        critical: alerts.iter().any(|a| a.level == "critical"),
        alerts,
        wait_load: WaitLoad {
            average_active_sessions: load.average_sessions(),
            by_class: WaitClass::ALL
                .iter()
                .filter(|c| load.by_class[c.index()] > 0.0)
                .map(|c| Share {
                    name: c.label().to_string(),
                    average_active_sessions: load.by_class[c.index()],
                    share: load.by_class[c.index()]
                        / load.average_sessions().max(f64::MIN_POSITIVE),
                })
                .collect(),
            events: shares(&load.events),
            statements: shares(&load.statements),
            users: shares(&load.users),
            applications: shares(&load.applications),
        },
        top_statements: first
            .zip(last)
            .map_or_else(Vec::new, |(a, b)| statements(a, b)),
        blocking: blocking(model),
        long_transactions: long_transactions(model),
        horizon_holders: model.horizon().map_or_else(Vec::new, |h| {
            h.holders
                .iter()
                .take(TOP)
                .map(|holder| HorizonHolder {
                    holder: holder.label(),
                    xid_age: holder.xid_age,
                    seconds: holder.age.map(|a| a.as_secs_f64()),
                })
                .collect()
        }),
        replication: replication(model),
        maintenance_due: maintenance_due(model, window_end),
        index_flags: index_flags(model),
    }
}

fn shares(rows: &[Ranked]) -> Vec<Share> {
    rows.iter()
        .map(|r| Share {
            name: r.label.to_string(),
            average_active_sessions: r.average_sessions,
            share: r.share,
        })
        .collect()
}

fn server(model: &Model) -> Server {
    let snapshot = model.snapshot();
    let caps = snapshot.and_then(|s| s.capabilities.as_ref());
    let state = snapshot.and_then(|s| s.server.as_ref().ok());
    Server {
        version: caps.map(|c| c.server_version.clone()),
        role: model
            .in_recovery()
            .map(|standby| if standby { "standby" } else { "primary" }),
        started_at: state.map(|s| rfc3339_millis(s.postmaster_start_time)),
        max_connections: state.map(|s| s.max_connections),
        connections: model.sessions().map(|sessions| {
            sessions
                .iter()
                .filter(|s| s.backend_type == crate::monitor::snapshot::BackendType::ClientBackend)
                .count()
        }),
    }
}

/// Statements by execution time between the window's first and last statement reads;
/// pgpulse's own left out.
fn statements(first: &Snapshot, last: &Snapshot) -> Vec<Statement> {
    let (Ok(before), Ok(after)) = (&first.statements, &last.statements) else {
        return Vec::new();
    };
    let earlier: HashMap<StatementKey, (i64, f64)> = before
        .counters
        .iter()
        .map(|c| (c.key, (c.calls, c.total_exec_time_ms)))
        .collect();
    let mut rows: Vec<(StatementKey, i64, f64)> = after
        .counters
        .iter()
        .filter(|c| !after.own.contains(&c.key))
        .filter_map(|c| {
            // An entry new in the window counts whole; a reset one (fewer calls) too.
            let (calls, ms) = match earlier.get(&c.key) {
                Some(&(calls, ms)) if calls <= c.calls => {
                    (c.calls - calls, c.total_exec_time_ms - ms)
                }
                _ => (c.calls, c.total_exec_time_ms),
            };
            (calls > 0).then_some((c.key, calls, ms.max(0.0)))
        })
        .collect();
    let total: f64 = rows.iter().map(|r| r.2).sum();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2));
    rows.into_iter()
        .take(TOP)
        .map(|(key, calls, ms)| Statement {
            query: after
                .texts
                .get(&key)
                .map_or_else(|| format!("queryid {}", key.queryid), |t| t.to_string()),
            calls,
            total_ms: ms,
            mean_ms: (calls > 0).then(|| ms / calls as f64),
            share: if total > 0.0 { ms / total } else { 0.0 },
        })
        .collect()
}

fn session_by_pid(model: &Model) -> HashMap<i32, &Session> {
    model
        .sessions()
        .unwrap_or_default()
        .iter()
        .map(|s| (s.pid, s))
        .collect()
}

fn blocking(model: &Model) -> Vec<Blocking> {
    let sessions = session_by_pid(model);
    model
        .blocking_tree()
        .iter()
        .filter_map(|row| {
            let s = sessions.get(&row.pid)?;
            Some(Blocking {
                pid: row.pid,
                depth: row.depth,
                blocks: row.blocks_total,
                user: s.user.clone(),
                application: s.application.clone(),
                state: s.state.as_ref().map(ToString::to_string),
                wait: wait(s),
                transaction_seconds: s.xact_age.map(|a| a.as_secs_f64()),
                query: s.query.clone(),
            })
        })
        .collect()
}

fn wait(session: &Session) -> Option<String> {
    match (&session.wait_event_type, &session.wait_event) {
        (Some(kind), Some(event)) => Some(format!("{kind}:{event}")),
        (Some(kind), None) => Some(kind.to_string()),
        _ => None,
    }
}

fn long_transactions(model: &Model) -> Vec<Transaction> {
    let mut rows: Vec<Transaction> = model
        .sessions()
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            let age = s.xact_age.filter(|a| *a >= LONG_TRANSACTION)?;
            Some(Transaction {
                pid: s.pid,
                user: s.user.clone(),
                application: s.application.clone(),
                state: s.state.as_ref().map(ToString::to_string),
                transaction_seconds: age.as_secs_f64(),
                query: s.query.clone(),
            })
        })
        .collect();
    rows.sort_by(|a, b| b.transaction_seconds.total_cmp(&a.transaction_seconds));
    rows.truncate(TOP);
    rows
}

fn replication(model: &Model) -> Replication {
    let analysis = model.replication();
    let slots = model
        .snapshot()
        .and_then(|s| s.replication.slots.as_ref().ok())
        .map_or_else(Vec::new, |slots| {
            slots
                .iter()
                .map(|slot| Slot {
                    name: slot.name.clone(),
                    slot_type: slot.slot_type.clone(),
                    active: slot.active,
                    retained_bytes: slot.retained_bytes,
                    wal_status: slot.wal_status.clone(),
                })
                .collect()
        });
    Replication {
        standbys: analysis
            .standbys
            .iter()
            .map(|s| Standby {
                application: s.application_name.clone(),
                client: s.client_addr.clone(),
                replay_lag_seconds: s.lag.map(|l| l.as_secs_f64()),
                replay_behind_bytes: s.replay_behind_bytes,
            })
            .collect(),
        replay_lag_seconds: analysis.own_lag.map(|l| l.as_secs_f64()),
        slots,
    }
}

fn maintenance_due(model: &Model, now: SystemTime) -> Vec<MaintenanceDue> {
    let judge = model.maintenance_judge(MaintenanceSchedule::default());
    let Some(tables) = model.slow().and_then(|s| s.maintenance.as_ref().ok()) else {
        return Vec::new();
    };
    let mut rows: Vec<MaintenanceDue> = tables
        .iter()
        .filter_map(|table| {
            let reason = judge
                .autovacuum_verdict(table)
                .and_then(|v| v.summary())
                .or_else(|| {
                    judge
                        .vacuum_overdue(table, now)
                        .map(|_| "vacuum overdue against the weekly schedule".to_string())
                })?;
            Some(MaintenanceDue {
                table: format!("{}.{}", table.schema, table.name),
                dead_tuples: table.n_dead_tup,
                dead_ratio: dead_ratio(table),
                reason,
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.dead_tuples));
    rows.truncate(TOP);
    rows
}

fn index_flags(model: &Model) -> Vec<IndexFlag> {
    let Some(indexes) = model.slow().and_then(|s| s.indexes.as_ref().ok()) else {
        return Vec::new();
    };
    let names: HashMap<u32, &str> = indexes
        .iter()
        .map(|i| (i.indexrelid, i.name.as_str()))
        .collect();
    let name = |oid: u32| {
        names
            .get(&oid)
            .map_or_else(|| format!("oid {oid}"), |n| (*n).to_string())
    };
    let mut rows: Vec<IndexFlag> = indexes
        .iter()
        .filter_map(|index| {
            let flags = model.index_flags().get(&index.indexrelid)?;
            let mut said = Vec::new();
            if flags.invalid {
                said.push("invalid".to_string());
            }
            if flags.ccnew_leftover {
                said.push("REINDEX CONCURRENTLY leftover".to_string());
            }
            if flags.unused {
                said.push("unused".to_string());
            }
            if let Some(other) = flags.duplicate_of {
                said.push(format!("duplicate of {}", name(other)));
            }
            if let Some(other) = flags.redundant_prefix_of {
                said.push(format!("prefix of {}", name(other)));
            }
            (!said.is_empty()).then(|| IndexFlag {
                index: format!("{}.{}", index.schema, index.name),
                table: index.table.clone(),
                size_bytes: index.size_bytes,
                flags: said,
            })
        })
        .collect();
    // Invalid first (they cost writes and serve nothing), then the largest.
    rows.sort_by(|a, b| {
        let invalid = |r: &IndexFlag| r.flags.iter().any(|f| f == "invalid");
        invalid(b)
            .cmp(&invalid(a))
            .then(b.size_bytes.cmp(&a.size_bytes))
    });
    rows.truncate(TOP);
    rows
}
