//! The Replication & WAL screen as drawn: on a standby its own replication first
//! (upstream, receiver, replay lag, a paused replay, conflicts), then on every server the
//! WAL rate, archiver and checkpoints, and three tables: the standbys streaming from this
//! server, its replication slots and `pg_stat_io` over the last interval. Each part says
//! when what it shows is stale, and why a table is empty.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::plot::Panel;
use super::replication_rows::{IoRows, SlotRows, StandbyRows};
use super::replication_summary::{
    archiver_facts, checkpoint_facts, fit_facts, standby_lines, wal_facts,
};
use super::rows::TableRows;
use super::state::TableId;
use super::table::TableView;
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{Section, SectionError};
use crate::text::format;
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::theme::Role;

/// The Replication & WAL screen as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationView {
    /// This standby's replication (on a standby), WAL, archiver, checkpoints.
    pub summary: Panel,
    /// The standbys, the slots and `pg_stat_io`, in focus order.
    pub tables: Vec<TableView>,
}

/// Whether the server is a standby, by its newest reads.
fn on_standby(app: &App) -> bool {
    let snapshot = app.model().snapshot();
    snapshot
        .and_then(|s| s.capabilities.as_ref())
        .is_some_and(|c| c.in_recovery)
        || snapshot.is_some_and(|s| s.replication.standby.is_ok())
}

/// The view of the Replication & WAL screen in `body`.
pub fn view(app: &App, body: Rect) -> ReplicationView {
    let width = usize::from(body.width.saturating_sub(2));
    let lines = summary_lines(app, width);
    let io_available = !matches!(
        app.model().snapshot().map(|s| &s.replication.io),
        Some(Err(SectionError::Unavailable { .. }))
    );
    let rows = [TableId::Standbys, TableId::ReplicationSlots].map(|id| rows_of(app, id).len());
    let regions = layout::replication_regions(body, lines.len(), rows, io_available);
    let summary = Panel::bordered(regions.summary, summary_title(app), lines);
    let tables = regions
        .tables
        .into_iter()
        .map(|(id, rect)| {
            let rows = rows_of(app, id);
            let (title, empty) = match id {
                TableId::Standbys => (standbys_title(app), standbys_message(app)),
                TableId::ReplicationSlots => (slots_title(app), slots_message(app)),
                _ => (io_title(app), io_message(app)),
            };
            super::tables::view(
                app,
                id,
                rect,
                rows.as_ref(),
                super::tables::focused(app, id),
            )
            .titled(title, empty)
        })
        .collect();
    ReplicationView { summary, tables }
}

/// The rows of one of the screen's tables.
pub fn rows_of<'a>(app: &'a App, id: TableId) -> Box<dyn TableRows + 'a> {
    match id {
        TableId::ReplicationSlots => Box::new(SlotRows::new(app)),
        TableId::Io => Box::new(IoRows::new(app)),
        _ => Box::new(StandbyRows::new(app)),
    }
}

/// The panel's lines: the standby's own (on a standby), then WAL, archiver, checkpoints.
fn summary_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = app.theme();
    let model = app.model();
    let Some(snapshot) = model.snapshot() else {
        return vec![Line::from(Span::styled(
            Empty::FirstPoll.message(app.keymap()),
            theme.style(Role::Muted),
        ))];
    };
    let replication = &snapshot.replication;
    let standby = on_standby(app);
    let major = snapshot.capabilities.as_ref().map(|c| c.server_major());
    let (analysis, limits) = (model.replication(), model.replication_thresholds());
    let wal = Some(&replication.wal);
    let mut lines = standby_lines(app, &replication.standby, width);
    for facts in [
        wal_facts(wal, analysis, major, standby),
        archiver_facts(wal, analysis, limits),
        checkpoint_facts(wal, analysis, limits, standby),
    ] {
        if !facts.is_empty() {
            lines.push(fit_facts(theme, facts, width));
        }
    }
    lines
}

/// ` This standby · WAL · stale 12s `: what the panel holds and how old the oldest part is.
fn summary_title(app: &App) -> Line<'static> {
    let mut title = if on_standby(app) {
        " This standby · WAL, archiver, restartpoints".to_string()
    } else {
        " WAL, archiver, checkpoints".to_string()
    };
    title.push_str(&stale_suffix(app, &[SectionId::Standby, SectionId::Wal]));
    title.push(' ');
    Line::from(Span::styled(title, app.theme().style(Role::Title)))
}

/// ` · stale 12s` for the oldest of `sections` whose newest read failed.
fn stale_suffix(app: &App, sections: &[SectionId]) -> String {
    sections
        .iter()
        .filter_map(|id| app.stale(*id))
        .max_by_key(|stale| stale.age(app.now()))
        .map(|stale| stale.title_suffix(app.now()))
        .unwrap_or_default()
}

fn standbys_title(app: &App) -> String {
    let mut title = "Standbys".to_string();
    let standbys = &app.model().replication().standbys;
    let hidden = standbys.iter().filter(|s| s.hidden).count();
    if hidden > 0 {
        title.push_str(&format!(" · {hidden} hidden: needs pg_read_all_stats"));
    }
    if let Some(worst) = standbys.iter().filter_map(|s| s.lag).max() {
        title.push_str(&format!(" · max replay lag {}", format::duration(worst)));
    }
    title.push_str(&stale_suffix(app, &[SectionId::ReplicationSenders]));
    title
}

fn slots_title(app: &App) -> String {
    let mut title = "Replication slots".to_string();
    let slots = app
        .model()
        .snapshot()
        .and_then(|s| s.replication.slots.as_ref().ok());
    let inactive = slots.map_or(0, |s| s.iter().filter(|s| !s.active).count());
    if inactive > 0 {
        title.push_str(&format!(" · {inactive} inactive"));
    }
    title.push_str(&stale_suffix(app, &[SectionId::ReplicationSlots]));
    title
}

fn io_title(app: &App) -> String {
    let mut title = "I/O by backend type (pg_stat_io)".to_string();
    let read = app
        .model()
        .snapshot()
        .is_some_and(|s| s.replication.io.is_ok());
    if let Some(interval) = app.model().replication().wal.as_ref().filter(|_| read) {
        title.push_str(&format!(" · last {}", format::duration(interval.length)));
    }
    title.push_str(&stale_suffix(app, &[SectionId::Io]));
    title
}

/// Why a table over `section` is empty: not polled, not readable (with the fix), the
/// filter, or `nothing`.
fn message<T>(
    app: &App,
    id: TableId,
    section: Option<&Section<T>>,
    what: &str,
    nothing: impl FnOnce() -> String,
) -> String {
    let filtered = (!app.screens().table(id).filter.is_empty()).then_some(what);
    match section {
        Some(Err(error)) => Empty::SectionWithFix(error).message(app.keymap()),
        _ => super::empty::of_section(section, false, filtered, nothing).message(app.keymap()),
    }
}

fn standbys_message(app: &App) -> String {
    let section = app.model().snapshot().map(|s| &s.replication.senders);
    let standby = on_standby(app);
    message(app, TableId::Standbys, section, "standby", || {
        if standby {
            "no cascading standby streams from this standby".into()
        } else {
            "no standby streams from this server (pg_stat_replication is empty)".into()
        }
    })
}

fn slots_message(app: &App) -> String {
    let section = app.model().snapshot().map(|s| &s.replication.slots);
    message(app, TableId::ReplicationSlots, section, "slot", || {
        "no replication slot on this server".into()
    })
}

fn io_message(app: &App) -> String {
    let snapshot = app.model().snapshot();
    let section = snapshot.map(|s| &s.replication.io);
    if let (Some(Err(SectionError::Unavailable { reason, .. })), Some(major)) = (
        section,
        snapshot
            .and_then(|s| s.capabilities.as_ref())
            .map(|c| c.server_major()),
    ) {
        return format!("not on this version (PostgreSQL {major}): {reason}");
    }
    message(app, TableId::Io, section, "backend type", || {
        "pg_stat_io is shown per interval: from the next poll".into()
    })
}
