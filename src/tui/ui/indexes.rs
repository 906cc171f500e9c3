//! The Indexes screen: how much of the reading goes through indexes, which indexes are
//! unused, duplicate, redundant or invalid, and which tables look like they miss one.
//!
//! ```text
//!  Index usage 87.3% (target ≥90%) · 2 unused · 1 dup · 1 prefix · 1 invalid
//! ┌ Indexes, flagged first (24) ────────────────────────────────────────────────┐
//! │ TABLE          INDEX           KEY  SCANS  SIZE  FLAGS▼                     │
//! │ public.orders  orders_a_ccnew       0      8 MiB _ccnew leftover            │
//! ┌ Tables read by sequential scans (12) ───────────────────────────────────────┐
//! │ TABLE          SEQ SCANS  SEQ ROWS▼  IDX SCANS  SEQ %  LIVE ROWS  MISSING…  │
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{TableView, render_table};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{SectionError, SlowTier};
use crate::text::format;
use crate::tui::app::capped;
use crate::tui::app::{App, TableId};
use crate::tui::layout;
use crate::tui::theme::Role;

/// Summary line, indexes (the larger share), tables by sequential scans.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let [summary, indexes, scans] = layout::indexes_bands(area);
    let slow = app.model.snapshot().and_then(|s| s.slow.as_deref());
    frame.render_widget(Paragraph::new(summary_line(app, slow)), summary);
    let indexes_empty = indexes_message(app, slow);
    render_table(
        frame,
        indexes,
        app.tables.model(TableId::Indexes),
        app.tables.state(TableId::Indexes),
        &TableView {
            title: format!(
                "Indexes, flagged first (usage since the stats reset){}",
                app.stale(SectionId::Indexes)
                    .map(|stale| stale.title_suffix(app.now))
                    .unwrap_or_default()
            ),
            focused: app.focused_table_id() == Some(TableId::Indexes),
            empty_message: &indexes_empty,
        },
        &app.theme,
    );
    let scans_empty = scans_message(app, slow);
    render_table(
        frame,
        scans,
        app.tables.model(TableId::TableScans),
        app.tables.state(TableId::TableScans),
        &TableView {
            title: scans_title(app),
            focused: app.focused_table_id() == Some(TableId::TableScans),
            empty_message: &scans_empty,
        },
        &app.theme,
    );
}

/// ` Index usage 87.3% (target ≥90%) · 2 unused · 1 dup · 1 prefix · 1 invalid`: the usage ratio
/// coloured by its threshold, and each kind of flagged index counted.
fn summary_line(app: &App, slow: Option<&SlowTier>) -> Line<'static> {
    let theme = &app.theme;
    let thresholds = &app.model.thresholds();
    let target = format!(" (target ≥{:.0}%)", thresholds.index_usage.warn * 100.0);
    let mut spans = vec![Span::styled(" Index usage ", theme.style(Role::Title))];
    let Some(slow) = slow else {
        spans.push(Span::styled(
            "- waiting for the first slow-tier poll…",
            theme.style(Role::Muted),
        ));
        return Line::from(spans);
    };
    match &slow.table_totals {
        Ok(_) => match app.model.figures().index_usage {
            Some(ratio) => spans.push(Span::styled(
                format::percent(Some(ratio)),
                theme.style(Role::of_level(thresholds.index_usage_level(ratio))),
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
    let flagged = app.model.figures().flagged_indexes;
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
    match slow.map(|s| &s.indexes) {
        None => "waiting for the first slow-tier poll…".into(),
        Some(Err(SectionError::Failed(line))) => {
            format!("pg_stat_user_indexes could not be read: {line}")
        }
        Some(Err(error)) => error.to_string(),
        Some(Ok(_)) if !app.tables.state(TableId::Indexes).filter.is_empty() => {
            crate::tui::app::views::no_match("index", &app.keymap)
        }
        Some(Ok(_)) => "no user indexes in this database (system catalogs are not listed)".into(),
    }
}

/// Which tables of how many (the cap is never silent), and whether they are stale.
fn scans_title(app: &App) -> String {
    let mut title = "Tables read by sequential scans, most rows first".to_string();
    if let Some(cap) = capped::cap_title(app, TableId::TableScans) {
        title.push_str(&format!(" · {cap}"));
    }
    if let Some(stale) = app.stale(SectionId::TableScans) {
        title.push_str(&stale.title_suffix(app.now));
    }
    title
}

fn scans_message(app: &App, slow: Option<&SlowTier>) -> String {
    match slow.map(|s| &s.table_scans) {
        None => "waiting for the first slow-tier poll…".into(),
        Some(Err(SectionError::Failed(line))) => {
            format!("pg_stat_user_tables could not be read: {line}")
        }
        Some(Err(error)) => error.to_string(),
        Some(Ok(_)) if !app.tables.state(TableId::TableScans).filter.is_empty() => {
            capped::no_match_message(app, TableId::TableScans)
                .unwrap_or_else(|| crate::tui::app::views::no_match("table", &app.keymap))
        }
        Some(Ok(_)) => "no user tables in this database".into(),
    }
}
