//! `[thresholds]`: where every alert and colour starts. The file's keys as written
//! ([`ThresholdSettings`]) and how they are read and checked. What they become for the
//! metrics and the alert engine is decided there (`analysis`), from these plain values.

use std::time::Duration;

use super::error::ConfigError;
use super::read::Section;

const SECOND: Duration = Duration::from_secs(1);
const DAY: Duration = Duration::from_secs(86_400);

/// The `[thresholds]` table as written; the analysis layer turns it into what the metrics
/// and alerts use. Fractions are `0..=1`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdSettings {
    pub p95_latency_ms: f64,
    pub query_warn: Duration,
    pub query_crit: Duration,
    pub cache_hit_warn: f64,
    pub cache_hit_crit: f64,
    pub utilisation_warn: f64,
    pub utilisation_crit: f64,
    pub index_usage_warn: f64,
    pub dead_tuples_warn: f64,
    pub dead_tuples_crit: f64,
    pub disk_crit: f64,
    pub cpu_warn: f64,
    pub lock_wait_warn: Duration,
    pub lock_wait_crit: Duration,
    pub idle_in_transaction_warn: Duration,
    pub idle_in_transaction_crit: Duration,
    pub deadlocks_warn: u64,
    pub deadlocks_crit: u64,
    /// Bytes written to temporary files within `events_window`.
    pub temp_bytes_warn: u64,
    /// How far back deadlocks and temp files are counted.
    pub events_window: Duration,
    /// Replay lag of a standby (per standby on a primary, and on a standby itself);
    /// critical at or above.
    pub replication_lag_crit: Duration,
    /// WAL retained by an inactive replication slot; warning at or above.
    pub slot_retained_warn: u64,
    /// A slot's `safe_wal_size` lasting less than this at the recent WAL rate; warning.
    pub slot_loss_warn: Duration,
    /// Requested checkpoints among all within `checkpoint_window`; warning above.
    pub requested_checkpoints_warn: f64,
    /// How far back checkpoints are counted.
    pub checkpoint_window: Duration,
}

impl Default for ThresholdSettings {
    /// The seed report's values and its critical alerts for disk (> 90 % full) and
    /// replication lag (> 30 s) and its CPU warning (> 80 %); the incident alerts' are an
    /// on-call DBA's. Tests in `analysis` check these equal its own defaults.
    fn default() -> Self {
        Self {
            p95_latency_ms: 100.0,
            query_warn: Duration::from_secs(5),
            query_crit: Duration::from_secs(30),
            cache_hit_warn: 0.85,
            cache_hit_crit: 0.70,
            utilisation_warn: 0.80,
            utilisation_crit: 0.95,
            index_usage_warn: 0.90,
            dead_tuples_warn: 0.10,
            dead_tuples_crit: 0.20,
            disk_crit: 0.90,
            cpu_warn: 0.80,
            lock_wait_warn: Duration::from_secs(10),
            lock_wait_crit: Duration::from_secs(60),
            idle_in_transaction_warn: Duration::from_secs(60),
            idle_in_transaction_crit: Duration::from_secs(300),
            deadlocks_warn: 1,
            deadlocks_crit: 5,
            temp_bytes_warn: 1 << 30,
            events_window: Duration::from_secs(300),
            replication_lag_crit: Duration::from_secs(30),
            slot_retained_warn: 1 << 30,
            slot_loss_warn: Duration::from_secs(3600),
            requested_checkpoints_warn: 0.20,
            checkpoint_window: Duration::from_secs(3600),
        }
    }
}

/// Thresholds of the host alerts, which [`Thresholds`] does not cover.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExtraThresholds {
    /// Fraction of the data directory's disk in use; critical at or above.
    pub disk_crit: f64,
    /// Host CPU use (local server); warning at or above.
    pub cpu_warn: f64,
}

pub(super) const THRESHOLD_KEYS: &[&str] = &[
    "p95_latency_ms",
    "query_warn",
    "query_crit",
    "cache_hit_warn",
    "cache_hit_crit",
    "utilisation_warn",
    "utilisation_crit",
    "index_usage_warn",
    "dead_tuples_warn",
    "dead_tuples_crit",
    "disk_crit",
    "cpu_warn",
    "lock_wait_warn",
    "lock_wait_crit",
    "idle_in_transaction_warn",
    "idle_in_transaction_crit",
    "deadlocks_warn",
    "deadlocks_crit",
    "temp_bytes_warn",
    "events_window",
    "replication_lag_crit",
    "slot_retained_warn",
    "slot_loss_warn",
    "requested_checkpoints_warn",
    "checkpoint_window",
];

/// Reads `[thresholds]`: every value in range, and no warning level past its critical one.
pub(super) fn read(s: &Section<'_>) -> Result<ThresholdSettings, ConfigError> {
    let d = ThresholdSettings::default();
    let p95_fix = "use a positive number of milliseconds, e.g. p95_latency_ms = 100";
    let age = |key: &str, default: Duration| {
        s.duration(key, default, Duration::from_millis(100), 7 * DAY)
    };
    let t = ThresholdSettings {
        p95_latency_ms: s.number(
            "p95_latency_ms",
            d.p95_latency_ms,
            (f64::MIN_POSITIVE, 3_600_000.0),
            p95_fix,
        )?,
        query_warn: age("query_warn", d.query_warn)?,
        query_crit: age("query_crit", d.query_crit)?,
        cache_hit_warn: s.fraction("cache_hit_warn", d.cache_hit_warn)?,
        cache_hit_crit: s.fraction("cache_hit_crit", d.cache_hit_crit)?,
        utilisation_warn: s.fraction("utilisation_warn", d.utilisation_warn)?,
        utilisation_crit: s.fraction("utilisation_crit", d.utilisation_crit)?,
        index_usage_warn: s.fraction("index_usage_warn", d.index_usage_warn)?,
        dead_tuples_warn: s.fraction("dead_tuples_warn", d.dead_tuples_warn)?,
        dead_tuples_crit: s.fraction("dead_tuples_crit", d.dead_tuples_crit)?,
        disk_crit: s.fraction("disk_crit", d.disk_crit)?,
        cpu_warn: s.fraction("cpu_warn", d.cpu_warn)?,
        lock_wait_warn: age("lock_wait_warn", d.lock_wait_warn)?,
        lock_wait_crit: age("lock_wait_crit", d.lock_wait_crit)?,
        idle_in_transaction_warn: age("idle_in_transaction_warn", d.idle_in_transaction_warn)?,
        idle_in_transaction_crit: age("idle_in_transaction_crit", d.idle_in_transaction_crit)?,
        deadlocks_warn: s.count("deadlocks_warn", d.deadlocks_warn, (1, 1_000_000))?,
        deadlocks_crit: s.count("deadlocks_crit", d.deadlocks_crit, (1, 1_000_000))?,
        temp_bytes_warn: s.size("temp_bytes_warn", d.temp_bytes_warn, (1 << 20, 1 << 50))?,
        events_window: s.duration("events_window", d.events_window, 10 * SECOND, DAY)?,
        replication_lag_crit: s.duration(
            "replication_lag_crit",
            d.replication_lag_crit,
            SECOND,
            7 * DAY,
        )?,
        slot_retained_warn: s.size(
            "slot_retained_warn",
            d.slot_retained_warn,
            (1 << 20, 1 << 50),
        )?,
        slot_loss_warn: s.duration("slot_loss_warn", d.slot_loss_warn, 60 * SECOND, 7 * DAY)?,
        requested_checkpoints_warn: s
            .fraction("requested_checkpoints_warn", d.requested_checkpoints_warn)?,
        checkpoint_window: s.duration(
            "checkpoint_window",
            d.checkpoint_window,
            10 * SECOND,
            7 * DAY,
        )?,
    };
    // Where more is worse the critical level is the higher one; for the hit ratio, where
    // less is worse, the lower one. Crossed levels would make warnings unreachable.
    let crossed = [
        (
            "query_warn",
            "query_crit",
            t.query_warn > t.query_crit,
            "higher",
        ),
        (
            "cache_hit_warn",
            "cache_hit_crit",
            t.cache_hit_crit > t.cache_hit_warn,
            "lower",
        ),
        (
            "utilisation_warn",
            "utilisation_crit",
            t.utilisation_warn > t.utilisation_crit,
            "higher",
        ),
        (
            "dead_tuples_warn",
            "dead_tuples_crit",
            t.dead_tuples_warn > t.dead_tuples_crit,
            "higher",
        ),
        (
            "lock_wait_warn",
            "lock_wait_crit",
            t.lock_wait_warn > t.lock_wait_crit,
            "higher",
        ),
        (
            "idle_in_transaction_warn",
            "idle_in_transaction_crit",
            t.idle_in_transaction_warn > t.idle_in_transaction_crit,
            "higher",
        ),
        (
            "deadlocks_warn",
            "deadlocks_crit",
            t.deadlocks_warn > t.deadlocks_crit,
            "higher",
        ),
    ];
    for (warn, crit, is_crossed, side) in crossed {
        if !is_crossed {
            continue;
        }
        // Blame the key the user wrote (the other may be a default).
        let (key, other) = if s.table.contains_key(crit) {
            (crit, warn)
        } else {
            (warn, crit)
        };
        if let Some(value) = s.table.get(key) {
            let other_value = s
                .table
                .get(other)
                .map_or_else(|| "its default".to_owned(), super::read::quote);
            return Err(s.bad(
                key,
                value,
                &format!("crosses thresholds.{other} ({other_value})"),
                &format!(
                    "the critical level must be the {side} one, or equal to the warning level"
                ),
            ));
        }
    }
    Ok(t)
}
