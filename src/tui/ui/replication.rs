//! Draws the Replication & WAL screen: this standby's replication (on a standby), WAL,
//! archiver and checkpoints in one panel, then the standbys, the slots and `pg_stat_io`.
//!
//! ```text
//! ┌ WAL, archiver, checkpoints ──────────────────────────────────────────────────┐
//! │WAL 1.2 MiB/s · 840 records/s · 12 FPI/s · at 0/3A0012F8                      │
//! │archiver on · 139 failed, +12 in 5m · last archived 5m ago                    │
//! │checkpoints in 1h: 3 timed, 1 requested (25.0%) · last interval: 0 buffers, … │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Standbys · max replay lag 0.3s (1) ──────────────────────────────────────────┐
//! │STANDBY    CLIENT          STATE     SYNC     REPLAY▼   R LAG                 │
//! ┌ Replication slots · 1 inactive (2) ──────────────────────────────────────────┐
//! │SLOT       TYPE     ACTIVE     RETAINED WAL STATUS INACTIVE                   │
//! ┌ I/O by backend type (pg_stat_io) · last 1s (12) ─────────────────────────────┐
//! │BACKEND TYPE  CONTEXT       BYTES▼  READS WRITES   HITS FSYNCS                │
//! ```
//!
//! On a standby the panel starts with its upstream, receiver, replay lag and
//! ` REPLAY PAUSED ` when replay is paused.

use ratatui::Frame;

use super::panel::render_panel;
use crate::tui::screens::drawn::DrawnTable;
use crate::tui::screens::replication_view::ReplicationView;
use crate::tui::theme::Theme;

/// Draws `view`.
pub fn render(frame: &mut Frame, view: &ReplicationView, theme: &Theme) -> Vec<DrawnTable> {
    render_panel(frame, &view.summary, theme);
    view.tables
        .iter()
        .map(|table| super::table::render(frame, table, theme))
        .collect()
}
