//! Alert levels: the seed's thresholds (DESIGN, *Thresholds*) and the ratios they judge.
//!
//! Ratios are fractions in `0..=1` everywhere here; the UI formats them as percentages.

use std::time::Duration;

use super::counters::share;
use crate::monitor::snapshot::{BackendType, ServerState, Session, TableTotals};
use crate::settings::config::ThresholdSettings;

/// How worrying a value is. Ordered, so the worst of several is their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    /// Within target.
    #[default]
    Ok,
    /// Worth a look (the seed's warning alerts).
    Warn,
    /// Act now (the seed's critical alerts).
    Crit,
}

/// Where warning and critical start for one metric. Whether "past" means above or below
/// depends on the metric (see the [`Thresholds`] fields).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits<T> {
    /// Where the warning level starts.
    pub warn: T,
    /// `None` when the metric has no critical level.
    pub crit: Option<T>,
}

impl<T> Limits<T> {
    /// A metric with both a warning and a critical level.
    pub fn warn_crit(warn: T, crit: T) -> Self {
        Self {
            warn,
            crit: Some(crit),
        }
    }
}

impl<T: PartialOrd> Limits<T> {
    /// For metrics where more is worse: a limit is reached at or above it.
    pub fn high_is_bad(&self, value: T) -> Level {
        if self.crit.as_ref().is_some_and(|crit| value >= *crit) {
            Level::Crit
        } else if value >= self.warn {
            Level::Warn
        } else {
            Level::Ok
        }
    }

    /// For metrics where less is worse: a limit is crossed strictly below it.
    pub fn low_is_bad(&self, value: T) -> Level {
        if self.crit.as_ref().is_some_and(|crit| value < *crit) {
            Level::Crit
        } else if value < self.warn {
            Level::Warn
        } else {
            Level::Ok
        }
    }
}

/// Every configurable threshold. `Default` is the seed report's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Statement p95 latency in milliseconds; bad at or above (seed: P95 < 100 ms).
    pub p95_latency_ms: Limits<f64>,
    /// Age of a single running query; bad at or above (seed: slow > 5 s, timeout > 30 s).
    pub running_query_age: Limits<Duration>,
    /// Cache hit ratio; bad below (seed: target > 85 %, alert < 70 %).
    pub cache_hit_ratio: Limits<f64>,
    /// Connection or pool utilisation; bad at or above (seed: < 80 %, alert > 80 %).
    pub utilisation: Limits<f64>,
    /// Index usage, idx / (idx + seq) scans; bad below (seed: > 90 %).
    pub index_usage: Limits<f64>,
    /// Dead tuples / (live + dead); bad at or above. The seed gives no figure: warn at
    /// 10 %, half of autovacuum's default scale factor (a vacuum is due soon); crit at
    /// 20 %, where default autovacuum should already have run (it is behind or off).
    pub dead_tuple_ratio: Limits<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            p95_latency_ms: Limits {
                warn: 100.0,
                crit: None,
            },
            running_query_age: Limits {
                warn: Duration::from_secs(5),
                crit: Some(Duration::from_secs(30)),
            },
            cache_hit_ratio: Limits {
                warn: 0.85,
                crit: Some(0.70),
            },
            utilisation: Limits {
                warn: 0.80,
                crit: Some(0.95),
            },
            index_usage: Limits {
                warn: 0.90,
                crit: None,
            },
            dead_tuple_ratio: Limits {
                warn: 0.10,
                crit: Some(0.20),
            },
        }
    }
}

impl Thresholds {
    /// The config file's `[thresholds]` as the metrics judge by them.
    pub fn from_settings(t: &ThresholdSettings) -> Self {
        Thresholds {
            p95_latency_ms: Limits {
                warn: t.p95_latency_ms,
                crit: None,
            },
            running_query_age: Limits::warn_crit(t.query_warn, t.query_crit),
            cache_hit_ratio: Limits::warn_crit(t.cache_hit_warn, t.cache_hit_crit),
            utilisation: Limits::warn_crit(t.utilisation_warn, t.utilisation_crit),
            index_usage: Limits {
                warn: t.index_usage_warn,
                crit: None,
            },
            dead_tuple_ratio: Limits::warn_crit(t.dead_tuples_warn, t.dead_tuples_crit),
        }
    }

    /// Level of a statement p95 latency in milliseconds.
    pub fn p95_latency_level(&self, p95_ms: f64) -> Level {
        self.p95_latency_ms.high_is_bad(p95_ms)
    }

    /// Level of one running query's age (`Session::query_age` of an active session).
    pub fn running_query_level(&self, age: Duration) -> Level {
        self.running_query_age.high_is_bad(age)
    }

    /// Level of a cache hit ratio (interval or cumulative).
    pub fn cache_hit_level(&self, ratio: f64) -> Level {
        self.cache_hit_ratio.low_is_bad(ratio)
    }

    /// Level of a connection or pool utilisation (see [`connection_utilisation`]).
    pub fn utilisation_level(&self, ratio: f64) -> Level {
        self.utilisation.high_is_bad(ratio)
    }

    /// Level of an index usage ratio (see [`index_usage_ratio`]).
    pub fn index_usage_level(&self, ratio: f64) -> Level {
        self.index_usage.low_is_bad(ratio)
    }

    /// Level of a dead-tuple ratio (see [`dead_tuple_ratio`]).
    pub fn dead_tuple_level(&self, ratio: f64) -> Level {
        self.dead_tuple_ratio.high_is_bad(ratio)
    }
}

/// Index scans among all scans of the user tables: `idx / (idx + seq)`; `None` before
/// any scan.
pub fn index_usage_ratio(tables: &TableTotals) -> Option<f64> {
    share(tables.idx_scan, tables.seq_scan)
}

/// Dead tuples among all tuples: `dead / (live + dead)`, bounded to `0..=1` unlike
/// `dead / live`; `None` when there are none. The one formula, for the database's totals
/// and for each table alike.
pub fn dead_tuple_share(dead: i64, live: i64) -> Option<f64> {
    share(dead, live)
}

/// The dead-tuple share of all user tables together (see [`dead_tuple_share`]).
pub fn dead_tuple_ratio(tables: &TableTotals) -> Option<f64> {
    dead_tuple_share(tables.dead_tuples, tables.live_tuples)
}

/// Sessions that occupy a `max_connections` slot: client backends. Background workers,
/// autovacuum and WAL senders have slots of their own. Sessions hidden from the role
/// (no `pg_read_all_stats`) that are connected to a database count too: their type is
/// hidden, but nearly all are clients (at most a few autovacuum or parallel workers),
/// and leaving them out would show a full server as empty.
pub fn client_connections(sessions: &[Session]) -> usize {
    sessions
        .iter()
        .filter(|s| s.backend_type == BackendType::ClientBackend || super::is_hidden_session(s))
        .count()
}

/// `used` against the slots ordinary roles can take:
/// `max_connections - superuser_reserved_connections - reserved_connections`.
///
/// Above 1.0 when superusers (or `pg_use_reserved_connections` roles) use the reserved
/// slots. The server refuses to start without at least one ordinary slot; if the numbers
/// say otherwise anyway, one slot is assumed so the result stays finite.
pub fn connection_utilisation(used: usize, server: &ServerState) -> f64 {
    let available = i64::from(server.max_connections)
        - i64::from(server.superuser_reserved_connections)
        - i64::from(server.reserved_connections);
    used as f64 / available.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    fn server() -> ServerState {
        match snapshot_at(0).server {
            Ok(server) => server,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_config_files_defaults_are_these_defaults() {
        assert_eq!(
            Thresholds::from_settings(&ThresholdSettings::default()),
            Thresholds::default()
        );
    }

    #[test]
    fn every_setting_reaches_its_limit() {
        let t = Thresholds::from_settings(&ThresholdSettings {
            p95_latency_ms: 250.5,
            query_warn: Duration::from_secs(10),
            query_crit: Duration::from_secs(60),
            cache_hit_warn: 0.9,
            cache_hit_crit: 0.8,
            utilisation_warn: 0.75,
            utilisation_crit: 0.9,
            index_usage_warn: 0.95,
            dead_tuples_warn: 0.05,
            dead_tuples_crit: 0.15,
            ..ThresholdSettings::default()
        });
        assert_eq!(
            (t.p95_latency_ms.warn, t.p95_latency_ms.crit),
            (250.5, None)
        );
        assert_eq!(
            (t.running_query_age.warn, t.running_query_age.crit),
            (Duration::from_secs(10), Some(Duration::from_secs(60)))
        );
        assert_eq!(
            (t.cache_hit_ratio.warn, t.cache_hit_ratio.crit),
            (0.9, Some(0.8))
        );
        assert_eq!((t.utilisation.warn, t.utilisation.crit), (0.75, Some(0.9)));
        assert_eq!((t.index_usage.warn, t.index_usage.crit), (0.95, None));
        assert_eq!(
            (t.dead_tuple_ratio.warn, t.dead_tuple_ratio.crit),
            (0.05, Some(0.15))
        );
    }

    #[test]
    fn seed_thresholds_are_the_defaults() {
        let t = Thresholds::default();
        let cases = [
            (t.p95_latency_level(99.9), Level::Ok),
            (t.p95_latency_level(100.0), Level::Warn),
            (t.p95_latency_level(10_000.0), Level::Warn),
            (
                t.running_query_level(Duration::from_millis(4_999)),
                Level::Ok,
            ),
            (t.running_query_level(Duration::from_secs(5)), Level::Warn),
            (t.running_query_level(Duration::from_secs(30)), Level::Crit),
            (t.cache_hit_level(0.85), Level::Ok),
            (t.cache_hit_level(0.849), Level::Warn),
            (t.cache_hit_level(0.70), Level::Warn),
            (t.cache_hit_level(0.699), Level::Crit),
            (t.utilisation_level(0.79), Level::Ok),
            (t.utilisation_level(0.80), Level::Warn),
            (t.utilisation_level(0.95), Level::Crit),
            (t.index_usage_level(0.90), Level::Ok),
            (t.index_usage_level(0.10), Level::Warn),
            (t.dead_tuple_level(0.099), Level::Ok),
            (t.dead_tuple_level(0.10), Level::Warn),
            (t.dead_tuple_level(0.20), Level::Crit),
        ];
        for (i, (got, want)) in cases.into_iter().enumerate() {
            assert_eq!(got, want, "case {i}");
        }
    }

    #[test]
    fn thresholds_are_configurable() {
        let t = Thresholds {
            p95_latency_ms: Limits {
                warn: 50.0,
                crit: Some(200.0),
            },
            ..Thresholds::default()
        };
        assert_eq!(t.p95_latency_level(60.0), Level::Warn);
        assert_eq!(t.p95_latency_level(200.0), Level::Crit);
    }

    #[test]
    fn the_worst_level_is_the_max() {
        assert_eq!(
            [Level::Warn, Level::Crit, Level::Ok].into_iter().max(),
            Some(Level::Crit)
        );
    }

    #[test]
    fn table_ratios_without_activity_are_none() {
        assert_eq!(index_usage_ratio(&tables(0, 0, 0, 0)), None);
        assert_eq!(dead_tuple_ratio(&tables(0, 0, 0, 0)), None);
        assert_eq!(index_usage_ratio(&tables(6, 94, 0, 0)), Some(0.94));
        assert_eq!(dead_tuple_ratio(&tables(0, 0, 900, 100)), Some(0.1));
    }

    #[test]
    fn utilisation_counts_only_ordinary_slots() {
        // 100 max, 3 reserved for superusers: 97 ordinary slots.
        assert_eq!(connection_utilisation(97, &server()), 1.0);
        assert_eq!(connection_utilisation(0, &server()), 0.0);
        let with_reserved = ServerState {
            reserved_connections: 17,
            ..server()
        };
        assert_eq!(connection_utilisation(40, &with_reserved), 0.5);
    }

    #[test]
    fn utilisation_stays_finite_with_impossible_settings() {
        let broken = ServerState {
            max_connections: 3,
            ..server()
        };
        let ratio = connection_utilisation(5, &broken);
        assert!(ratio.is_finite());
    }

    #[test]
    fn only_client_backends_use_connection_slots() {
        let sessions = [
            session(1),
            session(2),
            session(3).backend_type("autovacuum worker"),
            session(4).backend_type("walsender"),
        ];
        assert_eq!(client_connections(&sessions), 2);
    }

    #[test]
    fn hidden_sessions_with_a_database_take_slots() {
        let hidden = |pid, database: Option<&str>| Session {
            backend_start: None,
            database: database.map(str::to_string),
            ..session(pid).backend_type("")
        };
        let sessions = [session(1), hidden(2, Some("app")), hidden(3, None)];
        assert_eq!(client_connections(&sessions), 2);
    }
}
