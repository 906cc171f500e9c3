//! The Dashboard's KPI tiles: value and level against the seed's thresholds.
//!
//! A tile never says something false: a value kept from an earlier poll (the read failed)
//! says how old it is, a tile without a value says why from the real cause (no
//! connection, a failed read, a missing source, the first poll), and connections count
//! the sessions the role may not see into.

use std::time::SystemTime;

use super::App;
use crate::analysis::metrics::{Level, RateStatus, ResetReason};
use crate::analysis::model::SectionId;
use crate::monitor::snapshot::{Section, SectionError};
use crate::text::format;

/// One KPI tile: label, value, and how it compares with the thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub level: Option<Level>,
    /// Why there is no value (first poll, no connection...), how old a kept value is, or
    /// what it leaves out (`24 hidden`).
    pub note: Option<String>,
}

fn tile(label: &'static str, value: String, level: Option<Level>, note: Option<String>) -> Tile {
    Tile {
        label,
        value,
        level,
        note,
    }
}

fn missing(label: &'static str, note: impl Into<String>) -> Tile {
    tile(label, "-".into(), None, Some(note.into()))
}

/// `stale 12s` for a value computed or read at `at`.
fn stale_note(app: &App, at: Option<SystemTime>) -> Option<String> {
    let age = app.now.duration_since(at?).unwrap_or_default();
    Some(format!(
        "stale {}",
        format::duration(std::time::Duration::from_secs(age.as_secs()))
    ))
}

/// The stale note of a section of the newest snapshot, when its read failed.
fn section_stale(app: &App, id: SectionId) -> Option<String> {
    let stale = app.stale(id)?;
    stale_note(app, stale.read_at)
}

/// Why a section has no value, in a tile's few words: the lost connection before
/// anything else, then the section's own failure, then what is missing.
fn cause<T>(app: &App, section: Option<&Section<T>>, unavailable: &str) -> String {
    if app.model.connection_lost().is_some() {
        return "no connection".into();
    }
    match section {
        None => "waiting".into(),
        Some(Ok(_)) => "no data".into(),
        // A source that is there but not readable is not "missing": the fix differs.
        Some(Err(SectionError::Unavailable { reason, .. })) if reason.contains("privilege") => {
            "no privilege".into()
        }
        Some(Err(SectionError::Unavailable { .. })) => unavailable.into(),
        Some(Err(SectionError::Failed(line))) if line == "not polled yet" => "waiting".into(),
        Some(Err(SectionError::Failed(_))) => "read failed".into(),
    }
}

fn rate_note<T>(app: &App, status: &RateStatus<T>) -> String {
    match status {
        RateStatus::Ready(_) => String::new(),
        RateStatus::FirstPoll if app.model.connection_lost().is_some() => "no connection".into(),
        RateStatus::FirstPoll => "first poll".into(),
        RateStatus::Reset(ResetReason::ServerRestart) => "restarted".into(),
        RateStatus::Reset(_) => "stats reset".into(),
        RateStatus::Unavailable => cause(
            app,
            app.model.snapshot().map(|s| &s.databases),
            "unavailable",
        ),
    }
}

/// Whether the role sees other roles' sessions and statements.
fn sees_all_stats(app: &App) -> bool {
    app.model
        .snapshot()
        .and_then(|s| s.capabilities.as_ref())
        .is_none_or(|caps| caps.sees_all_stats())
}

/// Every tile, in display order.
pub fn tiles(app: &App) -> Vec<Tile> {
    let thresholds = &app.model.thresholds();
    let snapshot = app.model.snapshot();
    let shown = app.model.shown_metrics();
    // Rates kept through a failed read, or the newest while no poll answers (late).
    let late = app.staleness().is_some();
    let computed_at =
        |kept: Option<SystemTime>| kept.or_else(|| late.then(|| shown.map(|m| m.at)).flatten());
    let rates_note = stale_note(app, computed_at(app.model.kept_since().rates));
    let mut tiles = Vec::with_capacity(8);

    match shown.map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => tiles.push(tile(
            "TPS",
            format::quantity(rates.tps),
            None,
            rates_note.clone(),
        )),
        Some(other) => tiles.push(missing("TPS", rate_note(app, other))),
        None => tiles.push(missing("TPS", cause::<()>(app, None, ""))),
    }

    match shown.and_then(|m| m.mean_latency_ms) {
        Some(ms) => tiles.push(tile(
            "MEAN ms",
            format::millis(ms),
            Some(thresholds.p95_latency_level(ms)),
            stale_note(app, computed_at(app.model.kept_since().statements)),
        )),
        None => {
            let statements = snapshot.map(|s| &s.statements);
            let note = match statements {
                Some(Ok(_)) => match shown.map(|m| &m.statements.status) {
                    // Other roles' entries come without a query id: not "no calls".
                    Some(RateStatus::Ready(_)) if !sees_all_stats(app) => "others hidden".into(),
                    Some(RateStatus::Ready(_)) => "no calls".to_string(),
                    Some(status) => rate_note(app, status),
                    None => "waiting".into(),
                },
                other => cause(app, other, "no pg_stat_statements"),
            };
            tiles.push(missing("MEAN ms", note));
        }
    }

    let slow = snapshot.and_then(|s| s.slow.as_deref());
    let log = slow.map(|slow| &slow.performance_log);
    match log {
        Some(Ok(log)) => match &log.overall {
            Some(all) if all.count > 0 => tiles.push(tile(
                "P95 ms",
                format::millis(all.p95_ms),
                Some(thresholds.p95_latency_level(all.p95_ms)),
                section_stale(app, SectionId::PerformanceLog),
            )),
            _ => tiles.push(missing("P95 ms", "no rows in window")),
        },
        other => tiles.push(missing("P95 ms", cause(app, other, "no perf log"))),
    }

    match shown.map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => match rates.cache_hit_ratio {
            Some(ratio) => tiles.push(tile(
                "CACHE HIT",
                format::percent(Some(ratio)),
                Some(thresholds.cache_hit_level(ratio)),
                rates_note,
            )),
            None => tiles.push(missing("CACHE HIT", "no reads")),
        },
        Some(other) => tiles.push(missing("CACHE HIT", rate_note(app, other))),
        None => tiles.push(missing("CACHE HIT", cause::<()>(app, None, ""))),
    }

    tiles.push(connections(app));

    let totals = slow.map(|slow| &slow.table_totals);
    let totals_stale = section_stale(app, SectionId::TableTotals);
    let figures = app.model.figures();
    for (label, ratio, empty) in [
        ("INDEX USAGE", figures.index_usage, "no scans yet"),
        ("DEAD TUPLES", figures.dead_tuples, "no rows"),
    ] {
        let level = |r| match label {
            "INDEX USAGE" => thresholds.index_usage_level(r),
            _ => thresholds.dead_tuple_level(r),
        };
        match (ratio, totals) {
            (Some(r), _) => tiles.push(tile(
                label,
                format::percent(Some(r)),
                Some(level(r)),
                totals_stale.clone(),
            )),
            (None, Some(Ok(_))) => tiles.push(missing(label, empty)),
            (None, other) => tiles.push(missing(label, cause(app, other, "unavailable"))),
        }
    }

    tiles.push(alerts(app));
    tiles
}

/// Client connections against the usable slots, hidden sessions included (and said).
fn connections(app: &App) -> Tile {
    let snapshot = app.model.snapshot();
    let Some(usage) = app.model.pool_usage() else {
        return missing(
            "CONNECTIONS",
            cause(app, snapshot.map(|s| &s.activity), "unavailable"),
        );
    };
    let (used, available, ratio, hidden) =
        (usage.used, usage.available, usage.utilisation, usage.hidden);
    let stale = section_stale(app, SectionId::Activity);
    // With hidden sessions the note says how many; the percentage makes way for it.
    let (value, note) = match (hidden, stale) {
        (_, Some(stale)) => (format!("{used}/{available}"), Some(stale)),
        (0, None) => (
            format!("{used}/{available} {}", format::percent(Some(ratio))),
            None,
        ),
        (hidden, None) => (
            format!("{used}/{available}"),
            Some(format!("{hidden} hidden")),
        ),
    };
    tile(
        "CONNECTIONS",
        value,
        Some(app.model.thresholds().utilisation_level(ratio)),
        note,
    )
}

/// The alert engine's count (the same rules drive the header badge and the bell). With
/// sessions hidden from the role, no alert is not "all clear": the tile is not green.
fn alerts(app: &App) -> Tile {
    let count = app.model.alerts().active().len();
    let blind = app.model.unjudged().cloned();
    let level = match (&blind, count) {
        (Some(_), 0) => None,
        _ => Some(app.model.alerts().worst()),
    };
    tile(
        "ALERTS",
        count.to_string(),
        level,
        blind.map(|blind| format!("{} unseen", blind.hidden_sessions)),
    )
}
