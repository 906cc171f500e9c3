//! The Dashboard's KPI tiles: value and level against the seed's thresholds.

use super::App;
use crate::format;
use crate::metrics::{
    Level, RateStatus, client_connections, connection_utilisation, dead_tuple_ratio,
    index_usage_ratio,
};

/// One KPI tile: label, value, and how it compares with the thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub level: Option<Level>,
    /// Why there is no value (first poll, missing source...).
    pub note: Option<&'static str>,
}

fn missing(label: &'static str, note: &'static str) -> Tile {
    Tile {
        label,
        value: "-".into(),
        level: None,
        note: Some(note),
    }
}

fn rate_note<T>(status: &RateStatus<T>) -> &'static str {
    match status {
        RateStatus::Ready(_) => "",
        RateStatus::FirstPoll => "first poll",
        RateStatus::Reset(_) => "stats reset",
        RateStatus::Unavailable => "unavailable",
    }
}

/// Every tile, in display order.
pub fn tiles(app: &App) -> Vec<Tile> {
    let thresholds = &app.derived.thresholds;
    let snapshot = app.latest.as_ref();
    let mut tiles = Vec::with_capacity(8);

    match app.derived.metrics.as_ref().map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => tiles.push(Tile {
            label: "TPS",
            value: format::quantity(rates.tps),
            level: None,
            note: None,
        }),
        Some(other) => tiles.push(missing("TPS", rate_note(other))),
        None => tiles.push(missing("TPS", "waiting")),
    }

    match app.derived.metrics.as_ref().and_then(|m| m.mean_latency_ms) {
        Some(ms) => tiles.push(Tile {
            label: "MEAN ms",
            value: format::millis(ms),
            level: Some(thresholds.p95_latency_level(ms)),
            note: None,
        }),
        None => tiles.push(missing(
            "MEAN ms",
            match snapshot.map(|s| &s.statements) {
                Some(Err(_)) => "no pg_stat_statements",
                _ => "no calls yet",
            },
        )),
    }

    let log = snapshot
        .and_then(|s| s.slow.as_ref())
        .map(|slow| &slow.performance_log);
    match log {
        Some(Ok(log)) => match &log.overall {
            Some(all) if all.count > 0 => tiles.push(Tile {
                label: "P95 ms",
                value: format::millis(all.p95_ms),
                level: Some(thresholds.p95_latency_level(all.p95_ms)),
                note: None,
            }),
            _ => tiles.push(missing("P95 ms", "no rows in window")),
        },
        Some(Err(_)) => tiles.push(missing("P95 ms", "no perf log")),
        None => tiles.push(missing("P95 ms", "waiting")),
    }

    match app.derived.metrics.as_ref().map(|m| &m.server) {
        Some(RateStatus::Ready(rates)) => match rates.cache_hit_ratio {
            Some(ratio) => tiles.push(Tile {
                label: "CACHE HIT",
                value: format::percent(Some(ratio)),
                level: Some(thresholds.cache_hit_level(ratio)),
                note: None,
            }),
            None => tiles.push(missing("CACHE HIT", "no reads")),
        },
        Some(other) => tiles.push(missing("CACHE HIT", rate_note(other))),
        None => tiles.push(missing("CACHE HIT", "waiting")),
    }

    match snapshot.map(|s| (&s.activity, &s.server)) {
        Some((Ok(sessions), Ok(server))) => {
            let used = client_connections(sessions);
            let ratio = connection_utilisation(used, server);
            let available = server.max_connections
                - server.superuser_reserved_connections
                - server.reserved_connections;
            tiles.push(Tile {
                label: "CONNECTIONS",
                value: format!("{used}/{available} {}", format::percent(Some(ratio))),
                level: Some(thresholds.utilisation_level(ratio)),
                note: None,
            });
        }
        _ => tiles.push(missing("CONNECTIONS", "waiting")),
    }

    let totals = snapshot
        .and_then(|s| s.slow.as_ref())
        .map(|slow| &slow.table_totals);
    for (label, ratio, level) in [
        (
            "INDEX USAGE",
            totals
                .and_then(|t| t.as_ref().ok())
                .and_then(index_usage_ratio),
            thresholds_level_index(app),
        ),
        (
            "DEAD TUPLES",
            totals
                .and_then(|t| t.as_ref().ok())
                .and_then(dead_tuple_ratio),
            thresholds_level_dead(app),
        ),
    ] {
        match ratio {
            Some(r) => tiles.push(Tile {
                label,
                value: format::percent(Some(r)),
                level: level(r),
                note: None,
            }),
            None => tiles.push(missing(
                label,
                if totals.is_some() {
                    "no scans yet"
                } else {
                    "waiting"
                },
            )),
        }
    }

    // The alert engine's count: the same rules drive the header badge and the bell.
    tiles.push(Tile {
        label: "ALERTS",
        value: app.alerts.active().len().to_string(),
        level: Some(app.alerts.worst()),
        note: None,
    });
    tiles
}

type LevelFn<'a> = Box<dyn Fn(f64) -> Option<Level> + 'a>;

fn thresholds_level_index(app: &App) -> LevelFn<'_> {
    Box::new(move |r| Some(app.derived.thresholds.index_usage_level(r)))
}

fn thresholds_level_dead(app: &App) -> LevelFn<'_> {
    Box::new(move |r| Some(app.derived.thresholds.dead_tuple_level(r)))
}
