//! The replication part of the alert inputs: from the poll's replication reads and what
//! the model computed of them (lag as time, the checkpoint and archiver windows).

use std::time::Duration;

use super::inputs::{AlertInputs, SlotInput, WindowInput};
use super::kind::AlertKind;
use crate::analysis::replication::ReplicationAnalysis;
use crate::monitor::snapshot::{ReplicationSnapshot, Section, SectionError};

/// Adds the replication values to `inputs`: what was read this poll, and, for what was
/// not (a failed read, no interval yet), the kinds in `unread`. Nothing to add while the
/// connection is down (every server kind is unread already).
pub fn add_replication_inputs(
    inputs: &mut AlertInputs,
    read: &ReplicationSnapshot,
    analysis: &ReplicationAnalysis,
    fresh_interval: bool,
) {
    if inputs.connection_error.is_some() {
        return;
    }
    if failed(&read.senders) || failed(&read.standby) {
        inputs.unread.push(AlertKind::ReplicationLag);
    } else {
        let mut lags: Vec<(String, Duration)> = analysis
            .standbys
            .iter()
            .filter_map(|s| Some((standby_name(&s.application_name, s.pid), s.lag?)))
            .collect();
        if let Some(own) = analysis.own_lag {
            lags.push(("this standby".into(), own));
        }
        inputs.replication_lag = lags;
    }
    match &read.slots {
        Ok(slots) => {
            inputs.slots = slots
                .iter()
                .map(|s| SlotInput {
                    name: s.name.clone(),
                    active: s.active,
                    retained_bytes: s.retained_bytes,
                    wal_status: s.wal_status.clone(),
                    safe_wal_size: s.safe_wal_size,
                })
                .collect();
            inputs.recent_wal_rate = analysis.recent_wal_rate;
        }
        Err(SectionError::Failed(_)) => inputs.unread.push(AlertKind::ReplicationSlot),
        Err(SectionError::Unavailable { .. }) => {}
    }
    // The windows move only with a fresh interval: without one, nothing new is known.
    match (
        fresh_interval,
        analysis.checkpoints,
        analysis.archive_failures,
    ) {
        (true, Some(checkpoints), Some(failures)) => {
            inputs.replication_window = Some(WindowInput {
                checkpoints_timed: checkpoints.checkpoints_timed,
                checkpoints_requested: checkpoints.checkpoints_requested,
                archive_failures: failures,
            });
        }
        _ => inputs
            .unread
            .extend([AlertKind::ArchiverFailures, AlertKind::RequestedCheckpoints]),
    }
}

/// A standby by its application name, or its sender's pid when it has none.
fn standby_name(application_name: &str, pid: i32) -> String {
    if application_name.is_empty() {
        format!("walsender {pid}")
    } else {
        application_name.to_string()
    }
}

fn failed<T>(section: &Section<T>) -> bool {
    matches!(section, Err(SectionError::Failed(_)))
}
