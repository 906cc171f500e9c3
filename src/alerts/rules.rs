//! One rule per [`AlertKind`]: its level for the current inputs, and the value and the
//! limit crossed as the alerts list shows them.

use super::{AlertInputs, AlertKind, HostThresholds};
use crate::format;
use crate::metrics::{Level, Limits, Thresholds};
use crate::sanitize::sanitized;

/// A rule that fired: how bad, the value now, and the limit it crossed (`≥ 30s`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// `Warn` or `Crit`, never `Ok`.
    pub level: Level,
    /// The current value, formatted (`72.4%`, `41s (pid 4242)`).
    pub value: String,
    /// The limit of `level`, with its comparison (`< 85.0%`, `≥ 30s`).
    pub threshold: String,
}

/// Judges `kind` on `inputs`: `None` when the value is fine or unknown.
pub fn assess(
    kind: AlertKind,
    inputs: &AlertInputs,
    limits: &Thresholds,
    host: &HostThresholds,
) -> Option<Reading> {
    match kind {
        AlertKind::ConnectionFailure => {
            let error = inputs.connection_error.as_deref()?;
            Some(Reading {
                level: Level::Crit,
                // Already sanitized by the poller; sanitizing is idempotent, and this
                // text goes straight to the terminal.
                value: sanitized(error),
                threshold: "connected".into(),
            })
        }
        AlertKind::StatementP95 => {
            let ms = finite(inputs.p95_ms)?;
            let level = limits.p95_latency_level(ms);
            fired(level, format::millis_unit(ms), || {
                limit(&limits.p95_latency_ms, level, "≥", |&ms| {
                    format::millis_unit(ms)
                })
            })
        }
        AlertKind::LongRunningQuery => {
            let (pid, age) = inputs.oldest_active_query?;
            let level = limits.running_query_level(age);
            let value = format!("{} (pid {pid})", format::duration(age));
            fired(level, value, || {
                limit(&limits.running_query_age, level, "≥", |&d| {
                    format::duration(d)
                })
            })
        }
        AlertKind::CacheHitRatio => {
            let ratio = finite(inputs.cache_hit_ratio)?;
            low_ratio(
                limits.cache_hit_level(ratio),
                ratio,
                &limits.cache_hit_ratio,
            )
        }
        AlertKind::ConnectionUtilisation => {
            let ratio = finite(inputs.connection_utilisation)?;
            high_ratio(limits.utilisation_level(ratio), ratio, &limits.utilisation)
        }
        AlertKind::IndexUsage => {
            let ratio = finite(inputs.index_usage)?;
            low_ratio(limits.index_usage_level(ratio), ratio, &limits.index_usage)
        }
        AlertKind::DeadTuples => {
            let ratio = finite(inputs.dead_tuple_ratio)?;
            let level = limits.dead_tuple_level(ratio);
            high_ratio(level, ratio, &limits.dead_tuple_ratio)
        }
        AlertKind::HostCpu => {
            let ratio = finite(inputs.host_cpu)?;
            let level = at_or_above(ratio, host.cpu_warn, Level::Warn);
            fired(level, percent(ratio), || {
                format!("≥ {}", percent(host.cpu_warn))
            })
        }
        AlertKind::DataDisk => {
            let ratio = finite(inputs.data_disk_used)?;
            let level = at_or_above(ratio, host.disk_crit, Level::Crit);
            fired(level, percent(ratio), || {
                format!("≥ {}", percent(host.disk_crit))
            })
        }
        AlertKind::ReplicationLag => {
            let lag = inputs.replication_lag?;
            let level = at_or_above(lag, host.replication_lag_crit, Level::Crit);
            fired(level, format::duration(lag), || {
                format!("≥ {}", format::duration(host.replication_lag_crit))
            })
        }
    }
}

/// NaN or infinity is no measurement: treated like a missing one.
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

fn percent(ratio: f64) -> String {
    format::percent(Some(ratio))
}

fn at_or_above<T: PartialOrd>(value: T, limit: T, level: Level) -> Level {
    if value >= limit { level } else { Level::Ok }
}

fn fired(level: Level, value: String, threshold: impl FnOnce() -> String) -> Option<Reading> {
    (level != Level::Ok).then(|| Reading {
        level,
        value,
        threshold: threshold(),
    })
}

/// The limit `level` starts at, e.g. `≥ 30s`: the critical one when critical.
fn limit<T>(limits: &Limits<T>, level: Level, op: &str, show: impl Fn(&T) -> String) -> String {
    let at = match (&limits.crit, level) {
        (Some(crit), Level::Crit) => crit,
        _ => &limits.warn,
    };
    format!("{op} {}", show(at))
}

fn low_ratio(level: Level, ratio: f64, limits: &Limits<f64>) -> Option<Reading> {
    fired(level, percent(ratio), || {
        limit(limits, level, "<", |&r| percent(r))
    })
}

fn high_ratio(level: Level, ratio: f64, limits: &Limits<f64>) -> Option<Reading> {
    fired(level, percent(ratio), || {
        limit(limits, level, "≥", |&r| percent(r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// Inputs with only the value under test set.
    fn with(set: impl FnOnce(&mut AlertInputs)) -> AlertInputs {
        let mut inputs = AlertInputs::default();
        set(&mut inputs);
        inputs
    }

    fn level(kind: AlertKind, inputs: &AlertInputs) -> Option<Level> {
        let reading = assess(
            kind,
            inputs,
            &Thresholds::default(),
            &HostThresholds::default(),
        );
        reading.map(|r| r.level)
    }

    #[test]
    fn every_boundary_is_where_design_puts_it() {
        use AlertKind::*;
        let warn = Some(Level::Warn);
        let crit = Some(Level::Crit);
        let cases: Vec<(AlertKind, AlertInputs, Option<Level>)> = vec![
            (StatementP95, with(|i| i.p95_ms = Some(99.999)), None),
            (StatementP95, with(|i| i.p95_ms = Some(100.0)), warn),
            (StatementP95, with(|i| i.p95_ms = Some(60_000.0)), warn),
            (
                LongRunningQuery,
                with(|i| i.oldest_active_query = Some((1, secs(4.999)))),
                None,
            ),
            (
                LongRunningQuery,
                with(|i| i.oldest_active_query = Some((1, secs(5.0)))),
                warn,
            ),
            (
                LongRunningQuery,
                with(|i| i.oldest_active_query = Some((1, secs(29.999)))),
                warn,
            ),
            (
                LongRunningQuery,
                with(|i| i.oldest_active_query = Some((1, secs(30.0)))),
                crit,
            ),
            (
                CacheHitRatio,
                with(|i| i.cache_hit_ratio = Some(0.85)),
                None,
            ),
            (
                CacheHitRatio,
                with(|i| i.cache_hit_ratio = Some(0.8499)),
                warn,
            ),
            (
                CacheHitRatio,
                with(|i| i.cache_hit_ratio = Some(0.70)),
                warn,
            ),
            (
                CacheHitRatio,
                with(|i| i.cache_hit_ratio = Some(0.6999)),
                crit,
            ),
            (
                ConnectionUtilisation,
                with(|i| i.connection_utilisation = Some(0.7999)),
                None,
            ),
            (
                ConnectionUtilisation,
                with(|i| i.connection_utilisation = Some(0.80)),
                warn,
            ),
            (
                ConnectionUtilisation,
                with(|i| i.connection_utilisation = Some(0.9499)),
                warn,
            ),
            (
                ConnectionUtilisation,
                with(|i| i.connection_utilisation = Some(0.95)),
                crit,
            ),
            (
                ConnectionUtilisation,
                with(|i| i.connection_utilisation = Some(1.2)),
                crit,
            ),
            (IndexUsage, with(|i| i.index_usage = Some(0.90)), None),
            (IndexUsage, with(|i| i.index_usage = Some(0.8999)), warn),
            (IndexUsage, with(|i| i.index_usage = Some(0.0)), warn),
            (
                DeadTuples,
                with(|i| i.dead_tuple_ratio = Some(0.0999)),
                None,
            ),
            (DeadTuples, with(|i| i.dead_tuple_ratio = Some(0.10)), warn),
            (
                DeadTuples,
                with(|i| i.dead_tuple_ratio = Some(0.1999)),
                warn,
            ),
            (DeadTuples, with(|i| i.dead_tuple_ratio = Some(0.20)), crit),
            (HostCpu, with(|i| i.host_cpu = Some(0.7999)), None),
            (HostCpu, with(|i| i.host_cpu = Some(0.80)), warn),
            (HostCpu, with(|i| i.host_cpu = Some(1.0)), warn),
            (DataDisk, with(|i| i.data_disk_used = Some(0.8999)), None),
            (DataDisk, with(|i| i.data_disk_used = Some(0.90)), crit),
            (
                ReplicationLag,
                with(|i| i.replication_lag = Some(secs(29.999))),
                None,
            ),
            (
                ReplicationLag,
                with(|i| i.replication_lag = Some(secs(30.0))),
                crit,
            ),
            (
                ConnectionFailure,
                with(|i| i.connection_error = Some("refused".into())),
                crit,
            ),
        ];
        for (i, (kind, inputs, want)) in cases.into_iter().enumerate() {
            assert_eq!(level(kind, &inputs), want, "case {i}: {kind:?} {inputs:?}");
        }
    }

    #[test]
    fn unknown_or_non_finite_values_raise_nothing() {
        let nan = with(|i| {
            i.p95_ms = Some(f64::NAN);
            i.cache_hit_ratio = Some(f64::NAN);
            i.connection_utilisation = Some(f64::INFINITY);
            i.index_usage = Some(f64::NEG_INFINITY);
            i.dead_tuple_ratio = Some(f64::NAN);
            i.host_cpu = Some(f64::NAN);
            i.data_disk_used = Some(f64::INFINITY);
        });
        for kind in AlertKind::ALL {
            assert_eq!(
                level(kind, &AlertInputs::default()),
                None,
                "{kind:?} unknown"
            );
            assert_eq!(level(kind, &nan), None, "{kind:?} non-finite");
        }
    }

    #[test]
    fn value_and_threshold_read_like_the_alerts_list() {
        use AlertKind::*;
        let cases = [
            (
                StatementP95,
                with(|i| i.p95_ms = Some(123.4)),
                "123 ms",
                "≥ 100 ms",
            ),
            (
                LongRunningQuery,
                with(|i| i.oldest_active_query = Some((4242, secs(42.0)))),
                "42s (pid 4242)",
                "≥ 30s",
            ),
            (
                LongRunningQuery,
                with(|i| i.oldest_active_query = Some((7, secs(6.0)))),
                "6s (pid 7)",
                "≥ 5s",
            ),
            (
                CacheHitRatio,
                with(|i| i.cache_hit_ratio = Some(0.8)),
                "80.0%",
                "< 85.0%",
            ),
            (
                CacheHitRatio,
                with(|i| i.cache_hit_ratio = Some(0.5)),
                "50.0%",
                "< 70.0%",
            ),
            (
                ConnectionUtilisation,
                with(|i| i.connection_utilisation = Some(0.97)),
                "97.0%",
                "≥ 95.0%",
            ),
            (
                IndexUsage,
                with(|i| i.index_usage = Some(0.5)),
                "50.0%",
                "< 90.0%",
            ),
            (
                DeadTuples,
                with(|i| i.dead_tuple_ratio = Some(0.15)),
                "15.0%",
                "≥ 10.0%",
            ),
            (
                HostCpu,
                with(|i| i.host_cpu = Some(0.93)),
                "93.0%",
                "≥ 80.0%",
            ),
            (
                DataDisk,
                with(|i| i.data_disk_used = Some(0.95)),
                "95.0%",
                "≥ 90.0%",
            ),
            (
                ReplicationLag,
                with(|i| i.replication_lag = Some(secs(90.0))),
                "1m 30s",
                "≥ 30s",
            ),
            (
                ConnectionFailure,
                with(|i| i.connection_error = Some("refused\x1b]0;x\x07".into())),
                "refused\\x1b]0;x\\x07",
                "connected",
            ),
        ];
        for (kind, inputs, value, threshold) in cases {
            let reading = assess(
                kind,
                &inputs,
                &Thresholds::default(),
                &HostThresholds::default(),
            );
            let got = reading.map(|r| (r.value, r.threshold));
            assert_eq!(got, Some((value.into(), threshold.into())), "{kind:?}");
        }
    }

    #[test]
    fn configured_limits_move_the_boundaries() {
        let host = HostThresholds {
            cpu_warn: 0.5,
            disk_crit: 0.75,
            replication_lag_crit: Duration::from_secs(5),
        };
        let inputs = with(|i| {
            i.host_cpu = Some(0.5);
            i.data_disk_used = Some(0.75);
            i.replication_lag = Some(secs(5.0));
        });
        let limits = Thresholds::default();
        for kind in [
            AlertKind::HostCpu,
            AlertKind::DataDisk,
            AlertKind::ReplicationLag,
        ] {
            assert!(assess(kind, &inputs, &limits, &host).is_some(), "{kind:?}");
        }
    }
}
