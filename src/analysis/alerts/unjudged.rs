//! What the alerts cannot judge. Without `pg_read_all_stats` other roles' sessions come
//! with no state, no query and no ages: a rule over sessions that raises nothing has
//! not found them fine, it has not seen them. The Dashboard says so instead of showing
//! an all-clear.

use super::kind::AlertKind;
use crate::analysis::metrics::hidden_sessions;
use crate::monitor::snapshot::Snapshot;

/// Rules that judge what sessions do (their state, wait, query and ages): a hidden
/// session shows none of those.
pub const SESSION_RULES: &[AlertKind] = &[
    AlertKind::LongRunningQuery,
    AlertKind::LockWait,
    AlertKind::IdleInTransaction,
];

/// Rules that cannot see everything they judge, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unjudged {
    pub kinds: &'static [AlertKind],
    /// Sessions the role may not see into.
    pub hidden_sessions: usize,
    /// The statement that lets the role see them.
    pub fix: Option<String>,
}

/// What the rules could not judge in `snapshot` (the one on screen), if anything.
pub fn unjudged(snapshot: Option<&Snapshot>) -> Option<Unjudged> {
    let snapshot = snapshot?;
    let sessions = snapshot.activity.as_ref().ok()?;
    let hidden = hidden_sessions(sessions);
    (hidden > 0).then(|| Unjudged {
        kinds: SESSION_RULES,
        hidden_sessions: hidden,
        fix: snapshot
            .capabilities
            .as_ref()
            .map(|caps| caps.stats_visibility_fix()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::Session;
    use crate::monitor::snapshot::test_support::*;

    #[test]
    fn hidden_sessions_leave_the_session_rules_unjudged() {
        let hidden = Session {
            backend_type: BackendType::Unknown,
            backend_start: None,
            state: None,
            ..session(9)
        };
        let snapshot = snapshot_at(0).with_sessions(vec![session(1), hidden]);
        let blind = unjudged(Some(&snapshot));
        assert_eq!(blind.as_ref().map(|b| b.hidden_sessions), Some(1));
        assert_eq!(blind.map(|b| b.kinds), Some(SESSION_RULES));
        let seen = snapshot_at(0).with_sessions(vec![session(1)]);
        assert_eq!(unjudged(Some(&seen)), None);
    }
}
