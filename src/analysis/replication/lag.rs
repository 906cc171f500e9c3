//! Replication lag as time, read correctly on both sides.
//!
//! On a standby, `now() - pg_last_xact_replay_timestamp()` keeps growing while the
//! primary is idle although nothing is behind: when everything received is replayed the
//! lag is zero, whatever the last commit's time. On a primary, `pg_stat_replication`'s
//! lag columns go NULL once a standby has been idle a while: a standby that replayed
//! everything sent is zero behind, not unknown.

use std::time::Duration;

use crate::monitor::snapshot::replication::{StandbyStatus, WalSender};

/// How far a standby's replay is behind, in time; `None` when it cannot be told
/// (nothing replayed yet, or the sender's details are hidden from this role).
pub fn standby_replay_lag(status: &StandbyStatus) -> Option<Duration> {
    if status.replay_behind_bytes.is_some_and(|behind| behind <= 0) {
        return Some(Duration::ZERO);
    }
    let replayed = status.last_replay_time?;
    // A replay time ahead of our clock (clock skew between the hosts) is no lag.
    Some(status.now.duration_since(replayed).unwrap_or_default())
}

/// How far the standby behind one WAL sender replays, in time, as the primary sees it.
pub fn sender_replay_lag(sender: &WalSender) -> Option<Duration> {
    if sender.hidden {
        return None;
    }
    if let Some(lag) = sender.replay_lag {
        return Some(lag);
    }
    // The server clears the lag columns of a standby that has been idle a while.
    sender
        .replay_behind_bytes
        .filter(|&behind| behind <= 0)
        .map(|_| Duration::ZERO)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::monitor::snapshot::replication::{RecoveryConflicts, ReplayPause};
    use std::time::{SystemTime, UNIX_EPOCH};

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    pub(crate) fn standby(now: u64, behind: Option<i64>, replayed: Option<u64>) -> StandbyStatus {
        StandbyStatus {
            now: at(now),
            receive_lsn: Some("0/3000000".into()),
            replay_lsn: Some("0/3000000".into()),
            replay_behind_bytes: behind,
            last_replay_time: replayed.map(at),
            replay_paused: ReplayPause::NotPaused,
            receiver: None,
            conflicts: RecoveryConflicts::default(),
        }
    }

    #[test]
    fn an_idle_primary_is_no_lag_on_the_standby() {
        // Last commit an hour ago, everything received is replayed: caught up.
        assert_eq!(
            standby_replay_lag(&standby(3600, Some(0), Some(0))),
            Some(Duration::ZERO)
        );
        // Behind: the time since the last replayed commit.
        assert_eq!(
            standby_replay_lag(&standby(3600, Some(8192), Some(3540))),
            Some(Duration::from_secs(60))
        );
        // Not streaming (no receive position): judged by the replay time alone.
        assert_eq!(
            standby_replay_lag(&standby(100, None, Some(40))),
            Some(Duration::from_secs(60))
        );
        assert_eq!(standby_replay_lag(&standby(100, Some(10), None)), None);
        // Clock skew: a replay time in the future is no lag, not a panic.
        assert_eq!(
            standby_replay_lag(&standby(100, Some(10), Some(200))),
            Some(Duration::ZERO)
        );
    }

    pub(crate) fn sender(replay_lag: Option<u64>, behind: Option<i64>) -> WalSender {
        WalSender {
            pid: 42,
            user: Some("replicator".into()),
            application_name: "standby1".into(),
            client_addr: Some("10.0.0.2".into()),
            client_hostname: None,
            state: Some("streaming".into()),
            sync_state: Some("async".into()),
            backend_start: None,
            sent_behind_bytes: behind,
            write_behind_bytes: behind,
            flush_behind_bytes: behind,
            replay_behind_bytes: behind,
            write_lag: None,
            flush_lag: None,
            replay_lag: replay_lag.map(Duration::from_secs),
            reply_time: None,
            xmin_age: None,
            hidden: false,
        }
    }

    pub(crate) fn slot_row(name: &str) -> crate::monitor::snapshot::replication::ReplicationSlot {
        crate::monitor::snapshot::replication::ReplicationSlot {
            name: name.into(),
            slot_type: "physical".into(),
            plugin: None,
            database: None,
            temporary: false,
            active: false,
            active_pid: None,
            restart_lsn: Some("0/1000000".into()),
            confirmed_flush_lsn: None,
            retained_bytes: Some(16 << 20),
            wal_status: Some("reserved".into()),
            safe_wal_size: None,
            xmin_age: None,
            catalog_xmin_age: None,
            inactive_since: None,
            invalidation_reason: None,
        }
    }

    #[test]
    fn a_sender_with_cleared_lag_columns_is_caught_up_only_when_nothing_is_behind() {
        assert_eq!(
            sender_replay_lag(&sender(Some(45), Some(1 << 20))),
            Some(Duration::from_secs(45))
        );
        assert_eq!(
            sender_replay_lag(&sender(None, Some(0))),
            Some(Duration::ZERO)
        );
        assert_eq!(sender_replay_lag(&sender(None, Some(4096))), None);
        let hidden = WalSender {
            hidden: true,
            ..sender(Some(45), Some(0))
        };
        assert_eq!(sender_replay_lag(&hidden), None, "hidden is not zero");
    }
}
