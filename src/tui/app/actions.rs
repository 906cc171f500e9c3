//! Action keys: from the selection to a [`Plan`] in a confirmation dialog. Nothing here
//! talks to the server; a confirmed dialog becomes one `Effect::RunAction`.

use std::collections::HashMap;
use std::time::SystemTime;

use super::event::Effect;
use super::shell::App;
use super::state::Dialog;
use super::state::Mode;
use crate::actions::availability::availability;
use crate::actions::holders::end_holder;
use crate::actions::{ActionKind, Lane, Plan, RelationTarget, StatementTarget, plan};
use crate::analysis::horizon::HolderKind;
use crate::monitor::snapshot::{Session, Snapshot, WaitEventType};
use crate::tui::keymap::Action;
use crate::tui::screens::oncall_ids::{holder_of, lock_of};
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::RowId;

/// Opens the confirmation dialog for an action key, or says in the status line why not.
pub(super) fn open(app: &mut App, action: Action) -> Vec<Effect> {
    // The screen shows the past: an action would hit the server as it is now.
    if app.in_history() {
        let keys = app.settings.keymap().keys_for(action).join("/");
        let back = app.settings.keymap().keys_for(Action::Back).join("/");
        app.set_status(
            format!("{keys}: actions are disabled in history mode ({back} returns to live)"),
            false,
        );
        return vec![];
    }
    if app.settings.read_only() {
        let keys = app.settings.keymap().keys_for(action).join("/");
        app.set_status(
            format!(
                "{keys}: read-only mode, actions are disabled (--read-only / read_only = true)"
            ),
            false,
        );
        return vec![];
    }
    let in_recovery = app.model.in_recovery().unwrap_or(false);
    // Checked before looking for a selection: on a standby the reason is what matters.
    if let Some(reason) = action
        .action_kind()
        .and_then(|kind| availability(kind, in_recovery).reason())
    {
        let keys = app.settings.keymap().keys_for(action).join("/");
        app.set_status(format!("{keys}: {reason}"), true);
        return vec![];
    }
    // Ending a horizon holder is known to write only once the holder is: a prepared
    // transaction's ROLLBACK PREPARED does, dropping a slot does not.
    let plan = plan_for(app, action).and_then(|plan| {
        match availability(plan.kind, in_recovery).reason() {
            Some(reason) => Err(format!("{}: {reason}", plan.kind.title())),
            None => Ok(plan),
        }
    });
    match plan {
        Ok(plan) => {
            // One plan per lane at a time; a signal never waits for maintenance.
            let lane = plan.kind.lane();
            if let Some(running) = app.running.iter().find(|r| r.kind.lane() == lane) {
                let stop = app.settings.keymap().keys_for(Action::StopAction).join("/");
                let text = format!(
                    "{} is still running ({}): wait for it or stop it with {stop}",
                    running.title,
                    one_at_a_time(lane)
                );
                app.set_status(text, true);
                return vec![];
            }
            app.mode = Mode::Dialog(Box::new(Dialog::run(plan)));
        }
        Err(reason) => app.set_status(reason, true),
    }
    vec![]
}

fn one_at_a_time(lane: Lane) -> &'static str {
    match lane {
        Lane::Signals => "one cancel or terminate at a time",
        Lane::Maintenance => "one maintenance action at a time",
        Lane::Statements => "one EXPLAIN, snapshot or reset at a time",
    }
}

fn plan_for(app: &mut App, action: Action) -> Result<Plan, String> {
    let snapshot = app
        .model
        .snapshot()
        .ok_or("no data yet: wait for the first poll")?;
    let version = snapshot
        .capabilities
        .as_ref()
        .map_or(0, |c| c.server_version_num);
    let focused = app.focused_table_id();
    let selected = focused.and_then(|id| app.screens.table(id).selected_id.clone());
    match action {
        Action::CancelBackend | Action::TerminateBackend => {
            let kind = if action == Action::CancelBackend {
                ActionKind::CancelBackend
            } else {
                ActionKind::TerminateBackend
            };
            let marked = &app.screens.table(TableId::Activity).marked;
            if focused == Some(TableId::Horizon) {
                return horizon_terminate(app, kind, selected.as_ref());
            }
            if focused == Some(TableId::Locks) {
                let pid = lock_pid(app, selected.as_ref())?;
                let sessions = sessions_of(snapshot, &[RowId::Pid(pid)])?;
                return plan::signal(kind, &sessions, None);
            }
            if marked.is_empty() {
                if focused != Some(TableId::Activity) {
                    return Err("select a session on the Activity screen first".into());
                }
                let pids: Vec<RowId> = selected.into_iter().collect();
                let sessions = sessions_of(snapshot, &pids)?;
                return plan::signal(kind, &sessions, None);
            }
            // Marks win over the highlighted row: the dialog lists every marked session.
            let clears = app
                .settings
                .keymap()
                .first_key(Action::Back)
                .map(|key| format!(" ({key} on the Activity screen clears the marks)"))
                .unwrap_or_default();
            let note = format!(
                "{} marked session{}{clears}",
                marked.len(),
                if marked.len() == 1 { "" } else { "s" }
            );
            let sessions = sessions_of(snapshot, marked)?;
            plan::signal(kind, &sessions, Some(note))
        }
        Action::TerminateRootBlocker => root_blocker(snapshot, selected),
        Action::Vacuum | Action::Analyze => {
            let kind = if action == Action::Vacuum {
                ActionKind::VacuumAnalyze
            } else {
                ActionKind::Analyze
            };
            let oid = match (focused, selected) {
                (Some(id), Some(RowId::Relation(oid))) => table_of(snapshot, id, oid),
                _ => None,
            }
            .ok_or("select a table first")?;
            let target = table_target(snapshot, oid).ok_or("the table is no longer listed")?;
            Ok(plan::relation(kind, target))
        }
        Action::Reindex => {
            let Some(RowId::Relation(oid)) = selected.filter(|_| focused == Some(TableId::Indexes))
            else {
                return Err("select an index in the Indexes table first".into());
            };
            let target = index_target(snapshot, oid).ok_or("the index is no longer listed")?;
            let database = snapshot
                .capabilities
                .as_ref()
                .map(|c| crate::text::sanitize::sanitized(&c.database))
                .unwrap_or_default();
            let sessions = snapshot.activity.as_deref().ok();
            Ok(plan::reindex(target, sessions, &database))
        }
        Action::DropInvalidIndex => {
            let selected_invalid = match (focused, selected) {
                (Some(TableId::Indexes), Some(RowId::Relation(oid))) => {
                    index_target(snapshot, oid).filter(|_| index_is_invalid(snapshot, oid))
                }
                _ => None,
            };
            let target = selected_invalid
                .or_else(|| app.invalid_left.clone())
                .ok_or(
                    "no invalid index to drop: select one flagged invalid on the Indexes \
                     screen (a REINDEX CONCURRENTLY that fails offers its leftover here)",
                )?;
            Ok(plan::drop_invalid_index(target))
        }
        Action::EndHolder => {
            let horizon = app
                .model
                .horizon()
                .ok_or("the xmin horizon is not read yet")?;
            let holder = selected
                .filter(|_| focused == Some(TableId::Horizon))
                .and_then(|id| holder_of(horizon, &id))
                .ok_or("select a holder in the xmin horizon panel first")?;
            end_holder(holder)
        }
        Action::Snapshot => Ok(plan::snapshot()),
        Action::ResetStatements => Ok(plan::reset_statements()),
        Action::Explain => match selected {
            Some(RowId::Pid(pid)) => {
                let sessions = sessions_of(snapshot, &[RowId::Pid(pid)])?;
                plan::explain_session(sessions[0], version)
            }
            Some(RowId::Statement(key)) => {
                let text = snapshot
                    .statements
                    .as_ref()
                    .ok()
                    .and_then(|s| s.texts.get(&key).map(ToString::to_string))
                    .ok_or("the statement's text is not known yet")?;
                let target = StatementTarget {
                    userid: key.userid,
                    dbid: key.dbid,
                    queryid: key.queryid,
                    text,
                };
                plan::explain_statement(target, version)
            }
            _ => Err("select a session or a statement first".into()),
        },
        _ => Err("not an action".into()),
    }
}

/// `K` on the horizon panel: terminate a backend holder, as on Activity; other holders
/// are ended with their own key, which says what it does.
fn horizon_terminate(
    app: &App,
    kind: ActionKind,
    selected: Option<&RowId>,
) -> Result<Plan, String> {
    let end = app.settings.keymap().keys_for(Action::EndHolder).join("/");
    let holder = app
        .model
        .horizon()
        .zip(selected)
        .and_then(|(horizon, id)| holder_of(horizon, id))
        .ok_or("select a holder in the xmin horizon panel first")?;
    match (&holder.kind, kind) {
        (HolderKind::Backend { .. }, ActionKind::TerminateBackend) => end_holder(holder),
        (HolderKind::Backend { .. }, _) => Err(format!(
            "{} holds a snapshot, not a running query to cancel: {end} ends the session",
            holder.label()
        )),
        _ => Err(format!(
            "{} is not a session: {end} ends it (the dialog says how)",
            holder.label()
        )),
    }
}

/// The session of the selected lock row.
fn lock_pid(app: &App, selected: Option<&RowId>) -> Result<i32, String> {
    let entry = app
        .model
        .lock_view()
        .zip(selected)
        .and_then(|(view, id)| lock_of(view, id))
        .ok_or("select a lock first")?;
    entry.pid.ok_or_else(|| {
        "a prepared transaction holds this lock, with no session to signal: end it from \
         the xmin horizon panel on the Maintenance screen"
            .to_string()
    })
}

fn sessions_of<'a>(snapshot: &'a Snapshot, ids: &[RowId]) -> Result<Vec<&'a Session>, String> {
    let sessions = snapshot
        .activity
        .as_ref()
        .map_err(|e| format!("sessions unavailable: {e}"))?;
    let mut found = Vec::new();
    for id in ids {
        let RowId::Pid(pid) = id else {
            return Err("select a session first".into());
        };
        let session = sessions
            .iter()
            .find(|s| s.pid == *pid)
            .ok_or_else(|| format!("pid {pid} is no longer listed"))?;
        found.push(session);
    }
    if found.is_empty() {
        return Err("select a session first".into());
    }
    Ok(found)
}

/// Terminating the root of the selected session's blocking tree releases every session
/// waiting under it; the dialog says how many.
fn root_blocker(snapshot: &Snapshot, selected: Option<RowId>) -> Result<Plan, String> {
    let Some(RowId::Pid(pid)) = selected else {
        return Err("select a session in a blocking tree first".into());
    };
    let sessions = snapshot
        .activity
        .as_ref()
        .map_err(|e| format!("sessions unavailable: {e}"))?;
    let tree = crate::analysis::metrics::blocking_tree(sessions);
    let index = tree
        .iter()
        .position(|row| row.pid == pid)
        .ok_or_else(|| format!("pid {pid} neither blocks nor waits for another session"))?;
    let root = tree[..=index]
        .iter()
        .rev()
        .find(|row| row.is_root)
        .ok_or("no root blocker found")?;
    let root_session = sessions_of(snapshot, &[RowId::Pid(root.pid)])?;
    let note = format!(
        "root blocker: releases {} waiting session{}",
        root.blocks_total,
        if root.blocks_total == 1 { "" } else { "s" }
    );
    plan::signal(ActionKind::TerminateBackend, &root_session, Some(note))
}

/// The table a selected row stands for: itself, or an index's table.
fn table_of(snapshot: &Snapshot, table: TableId, oid: u32) -> Option<u32> {
    if table != TableId::Indexes {
        return Some(oid);
    }
    let slow = snapshot.slow.as_ref()?;
    slow.indexes
        .as_ref()
        .ok()?
        .iter()
        .find(|i| i.indexrelid == oid)
        .map(|i| i.table_relid)
}

fn table_target(snapshot: &Snapshot, oid: u32) -> Option<RelationTarget> {
    let slow = snapshot.slow.as_ref()?;
    let (schema, name) = slow.relation_name(oid)?;
    // Sizes come from pg_class.relpages (no lock taken to read them); 0 means "not
    // estimated yet" (never vacuumed or analyzed), not an empty table.
    let cached = slow.table_cache.as_ref().ok().and_then(|list| {
        list.iter()
            .find(|t| t.relid == oid)
            .map(|t| t.heap_bytes + t.index_bytes)
    });
    let estimated = || {
        slow.maintenance.as_ref().ok().and_then(|list| {
            list.iter()
                .find(|t| t.relid == oid)
                .map(|t| i64::from(t.relpages) * 8192)
        })
    };
    Some(RelationTarget {
        oid,
        schema: schema.to_string(),
        name: name.to_string(),
        size_bytes: cached.or_else(estimated).filter(|bytes| *bytes > 0),
        table: None,
    })
}

fn index_is_invalid(snapshot: &Snapshot, oid: u32) -> bool {
    snapshot
        .slow
        .as_ref()
        .and_then(|slow| slow.indexes.as_ref().ok())
        .and_then(|indexes| indexes.iter().find(|i| i.indexrelid == oid))
        .is_some_and(|index| !index.is_valid)
}

fn index_target(snapshot: &Snapshot, oid: u32) -> Option<RelationTarget> {
    let index = snapshot
        .slow
        .as_ref()?
        .indexes
        .as_ref()
        .ok()?
        .iter()
        .find(|i| i.indexrelid == oid)?;
    Some(RelationTarget {
        oid,
        schema: index.schema.clone(),
        name: index.name.clone(),
        size_bytes: Some(index.size_bytes),
        table: Some(index.table.clone()),
    })
}

/// When each session on screen started, by pid: to tell a pid's session from a new one
/// that took its number.
pub(super) fn session_starts(app: &App) -> Option<HashMap<i32, Option<SystemTime>>> {
    let sessions = app.model.sessions()?;
    Some(sessions.iter().map(|s| (s.pid, s.backend_start)).collect())
}

/// Marks name sessions by pid; a pid whose session ended (or whose number a new session
/// took, with another backend_start) must not carry a mark over to a stranger. `before`
/// is [`session_starts`] before the newest snapshot was absorbed.
pub(super) fn forget_ended_marks(app: &mut App, before: &Option<HashMap<i32, Option<SystemTime>>>) {
    let (Some(before), Some(after)) = (before, session_starts(app)) else {
        return;
    };
    let state = app.screens.table_mut(TableId::Activity);
    state.marked.retain(|id| match id {
        RowId::Pid(pid) => {
            let now = after.get(pid);
            now.is_some() && now == before.get(pid)
        }
        _ => false,
    });
}

/// After each poll: whom each running action's backend waits for on a lock. A REINDEX
/// CONCURRENTLY waits for every older transaction; the status line names them (once per
/// change, not on every poll) and the header badge keeps the pid.
pub(super) fn note_waits(app: &mut App) {
    let Some(Ok(sessions)) = app.model.snapshot().map(|s| &s.activity) else {
        return;
    };
    let mut messages = Vec::new();
    for running in &mut app.running {
        let waiting_for = running
            .backend_pid
            .and_then(|pid| sessions.iter().find(|s| s.pid == pid))
            .filter(|s| s.wait_event_type == Some(WaitEventType::Lock))
            .map(|s| s.blocked_by.clone())
            .unwrap_or_default();
        if waiting_for == running.waiting_for {
            continue;
        }
        running.waiting_for = waiting_for;
        let Some(first) = running.waiting_for.first() else {
            continue;
        };
        let whom = sessions
            .iter()
            .find(|s| s.pid == *first)
            .map_or_else(|| format!("pid {first}"), plan::describe_transaction);
        let more = match running.waiting_for.len() - 1 {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        messages.push(format!("{} waits for {whom}{more} to end", running.title));
    }
    if !messages.is_empty() {
        let stop = app.settings.keymap().keys_for(Action::StopAction).join("/");
        app.set_status(format!("{} · {stop} stops it", messages.join("; ")), false);
    }
}
