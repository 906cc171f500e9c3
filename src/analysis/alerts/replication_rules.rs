//! The replication alerts' rules: lag, slots, archiver, requested checkpoints.

use super::inputs::{AlertInputs, SlotInput};
use super::reading::Reading;
use crate::analysis::metrics::Level;
use crate::analysis::replication::ReplicationThresholds;
use crate::text::format;

/// The worst standby lag at or above the limit, and how many others are past it.
pub fn replication_lag(inputs: &AlertInputs, limits: &ReplicationThresholds) -> Option<Reading> {
    let (name, lag) = inputs
        .replication_lag
        .iter()
        .max_by_key(|(name, lag)| (*lag, std::cmp::Reverse(name.clone())))?;
    if *lag < limits.lag_crit {
        return None;
    }
    let past = inputs
        .replication_lag
        .iter()
        .filter(|(_, l)| *l >= limits.lag_crit)
        .count();
    let mut value = format!("{} ({name})", format::duration(*lag));
    if past > 1 {
        value.push_str(&format!(" +{} more", past - 1));
    }
    Some(Reading {
        level: Level::Crit,
        value,
        threshold: format!("≥ {}", format::duration(limits.lag_crit)),
    })
}

/// Critical: a slot whose WAL is `unreserved` (about to be removed) or `lost`.
/// Warning: a slot whose `safe_wal_size` runs out within `slot_loss_warn` at the recent
/// WAL rate, or an inactive slot retaining at least the limit. The worst slot is named.
pub fn replication_slot(inputs: &AlertInputs, limits: &ReplicationThresholds) -> Option<Reading> {
    let endangered =
        |s: &&SlotInput| matches!(s.wal_status.as_deref(), Some("unreserved" | "lost"));
    if let Some(slot) = inputs.slots.iter().find(endangered) {
        return Some(Reading {
            level: Level::Crit,
            value: format!(
                "{}: wal_status {}",
                slot.name,
                slot.wal_status.as_deref().unwrap_or_default()
            ),
            threshold: "reserved or extended".into(),
        });
    }
    if let Some(reading) = slot_headroom(inputs, limits) {
        return Some(reading);
    }
    let warn = i64::try_from(limits.slot_retained_warn).unwrap_or(i64::MAX);
    let slot = inputs
        .slots
        .iter()
        .filter(|s| !s.active)
        .filter_map(|s| Some((s, s.retained_bytes?)))
        .filter(|(_, retained)| *retained >= warn)
        .max_by_key(|(_, retained)| *retained)?;
    Some(Reading {
        level: Level::Warn,
        value: format!(
            "{} inactive, retains {}",
            slot.0.name,
            format::bytes(slot.1)
        ),
        threshold: format!("≥ {}", format::bytes(warn)),
    })
}

/// The slot whose `safe_wal_size` runs out first at the recent WAL rate, when that is
/// sooner than `slot_loss_warn`: `replica1 lost in ~12m (1.2 GiB left at 1.7 MiB/s)`.
fn slot_headroom(inputs: &AlertInputs, limits: &ReplicationThresholds) -> Option<Reading> {
    let rate = inputs.recent_wal_rate.filter(|r| *r > 0.0)?;
    let (slot, safe, lasts) = inputs
        .slots
        .iter()
        .filter_map(|s| {
            let safe = s.safe_wal_size?;
            let lasts = std::time::Duration::from_secs_f64(safe.max(0) as f64 / rate);
            Some((s, safe, lasts))
        })
        .min_by_key(|(_, _, lasts)| *lasts)?;
    (lasts < limits.slot_loss_warn).then(|| Reading {
        level: Level::Warn,
        value: format!(
            "{} lost in ~{} ({} left at {}/s)",
            slot.name,
            format::duration(lasts),
            format::bytes(safe),
            format::bytes(rate.round() as i64)
        ),
        threshold: format!("≥ {} of headroom", format::duration(limits.slot_loss_warn)),
    })
}

/// Critical while archive attempts failed within the window.
pub fn archiver_failures(inputs: &AlertInputs, limits: &ReplicationThresholds) -> Option<Reading> {
    let failures = inputs.replication_window?.archive_failures;
    (failures > 0).then(|| Reading {
        level: Level::Crit,
        value: format!(
            "{} failed in {}",
            format::thousands(failures),
            format::duration(limits.archiver_window)
        ),
        threshold: "no failures".into(),
    })
}

/// Warning while requested checkpoints are more than the limit's share of all.
pub fn requested_checkpoints(
    inputs: &AlertInputs,
    limits: &ReplicationThresholds,
) -> Option<Reading> {
    let window = inputs.replication_window?;
    let all = window.checkpoints_timed + window.checkpoints_requested;
    if window.checkpoints_requested == 0 || all == 0 {
        return None;
    }
    let share = window.checkpoints_requested as f64 / all as f64;
    (share > limits.requested_checkpoints_warn).then(|| Reading {
        level: Level::Warn,
        value: format!(
            "{} of {all} requested ({}) in {}",
            window.checkpoints_requested,
            format::percent(Some(share)),
            format::duration(limits.checkpoint_window)
        ),
        threshold: format!(
            "> {}",
            format::percent(Some(limits.requested_checkpoints_warn))
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::super::inputs::WindowInput;
    use super::*;
    use std::time::Duration;

    fn limits() -> ReplicationThresholds {
        ReplicationThresholds::default()
    }

    fn lags(list: &[(&str, u64)]) -> AlertInputs {
        AlertInputs {
            replication_lag: list
                .iter()
                .map(|(n, s)| (n.to_string(), Duration::from_secs(*s)))
                .collect(),
            ..AlertInputs::default()
        }
    }

    #[test]
    fn lag_is_critical_from_the_limit_naming_the_worst_standby() {
        assert_eq!(replication_lag(&lags(&[("a", 29)]), &limits()), None);
        let r = replication_lag(&lags(&[("a", 30), ("b", 95), ("c", 3)]), &limits()).unwrap();
        assert_eq!(r.level, Level::Crit);
        assert_eq!(r.value, "1m 35s (b) +1 more");
        assert_eq!(r.threshold, "≥ 30s");
        assert_eq!(replication_lag(&lags(&[]), &limits()), None);
    }

    fn slot(name: &str, active: bool, retained: i64, status: &str) -> SlotInput {
        SlotInput {
            name: name.into(),
            active,
            retained_bytes: Some(retained),
            wal_status: Some(status.into()),
            safe_wal_size: None,
        }
    }

    #[test]
    fn a_slot_warns_when_its_headroom_runs_out_within_the_hour_at_the_recent_rate() {
        let mib = 1 << 20;
        let judge = |safe: Option<i64>, rate: Option<f64>| {
            let mut a = slot("replica1", true, 0, "extended");
            a.safe_wal_size = safe;
            replication_slot(
                &AlertInputs {
                    slots: vec![a, slot("idle", false, 10, "reserved")],
                    recent_wal_rate: rate,
                    ..AlertInputs::default()
                },
                &limits(),
            )
        };
        // 1.2 GiB at 1 MiB/s: about 20 minutes.
        let warn = judge(Some(1229 * mib), Some(mib as f64)).unwrap();
        assert_eq!(warn.level, Level::Warn);
        assert_eq!(
            warn.value,
            "replica1 lost in ~20m 29s (1.2 GiB left at 1.0 MiB/s)"
        );
        assert_eq!(warn.threshold, "≥ 1h of headroom");
        // Two hours of headroom, no limit (NULL), or an idle server: nothing to say.
        assert_eq!(judge(Some(7200 * mib), Some(mib as f64)), None);
        assert_eq!(judge(None, Some(mib as f64)), None);
        assert_eq!(judge(Some(mib), Some(0.0)), None);
        assert_eq!(judge(Some(mib), None), None);
    }

    #[test]
    fn slots_warn_when_inactive_and_large_and_are_critical_when_losing_wal() {
        let gib = 1 << 30;
        let judge = |slots: Vec<SlotInput>| {
            replication_slot(
                &AlertInputs {
                    slots,
                    ..AlertInputs::default()
                },
                &limits(),
            )
        };
        // Active slots may retain a lot (a standby catching up): not this alert.
        assert_eq!(judge(vec![slot("a", true, 5 * gib, "extended")]), None);
        assert_eq!(judge(vec![slot("a", false, gib - 1, "reserved")]), None);
        let warn = judge(vec![slot("a", false, gib, "reserved")]).unwrap();
        assert_eq!(warn.level, Level::Warn);
        assert_eq!(warn.value, "a inactive, retains 1.0 GiB");
        for status in ["unreserved", "lost"] {
            let crit = judge(vec![
                slot("a", false, 2 * gib, "reserved"),
                slot("b", true, 0, status),
            ]);
            assert_eq!(
                crit.map(|r| (r.level, r.value)),
                Some((Level::Crit, format!("b: wal_status {status}")))
            );
        }
    }

    fn window(timed: i64, requested: i64, failures: i64) -> AlertInputs {
        AlertInputs {
            replication_window: Some(WindowInput {
                checkpoints_timed: timed,
                checkpoints_requested: requested,
                archive_failures: failures,
            }),
            ..AlertInputs::default()
        }
    }

    #[test]
    fn archive_failures_in_the_window_are_critical() {
        assert_eq!(archiver_failures(&window(0, 0, 0), &limits()), None);
        let r = archiver_failures(&window(0, 0, 3), &limits()).unwrap();
        assert_eq!((r.level, r.value.as_str()), (Level::Crit, "3 failed in 5m"));
        assert_eq!(archiver_failures(&AlertInputs::default(), &limits()), None);
    }

    #[test]
    fn requested_checkpoints_warn_above_a_fifth() {
        assert_eq!(
            requested_checkpoints(&window(4, 1, 0), &limits()),
            None,
            "20 % is not above"
        );
        assert_eq!(requested_checkpoints(&window(0, 0, 0), &limits()), None);
        assert_eq!(requested_checkpoints(&window(5, 0, 0), &limits()), None);
        let r = requested_checkpoints(&window(3, 1, 0), &limits()).unwrap();
        assert_eq!(r.level, Level::Warn);
        assert_eq!(r.value, "1 of 4 requested (25.0%) in 1h");
    }
}
