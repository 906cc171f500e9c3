//! The lock view: `pg_locks` rows grouped by the object they lock, each with who holds
//! it and who waits for it, the objects somebody waits for first (the longest wait
//! first), then the strong locks nobody waits for yet. What pg_activity's
//! blocking/waiting views show, next to the blocking tree of the Activity screen.

use std::collections::HashMap;
use std::time::Duration;

use crate::monitor::snapshot::SessionState;
use crate::monitor::snapshot::locks::{LockRow, Locks, WaitFrom};

/// One session's lock on an object, granted or awaited.
#[derive(Debug, Clone, PartialEq)]
pub struct LockEntry {
    /// `None` for a prepared transaction's locks (no backend holds them).
    pub pid: Option<i32>,
    pub mode: String,
    pub user: Option<String>,
    pub application: String,
    pub state: Option<SessionState>,
    pub xact_age: Option<Duration>,
    /// A waiter's wait so far, and what it is measured from.
    pub wait_age: Option<Duration>,
    pub wait_from: Option<WaitFrom>,
    /// A waiter's `pg_blocking_pids`.
    pub blocked_by: Vec<i32>,
    /// Sanitized, one line.
    pub query: String,
}

/// Every lock on one object.
#[derive(Debug, Clone, PartialEq)]
pub struct LockGroup {
    /// `relation`, `tuple`, `transactionid`, `virtualxid`, `advisory`, ...
    pub locktype: String,
    /// What is locked, for display: `"public"."orders"`, `transaction 7321`, ...
    pub object: String,
    /// The relation's OID when the object is (in) a relation.
    pub relation_oid: Option<u32>,
    /// Granted, the oldest transaction first.
    pub holders: Vec<LockEntry>,
    /// Waiting, the longest wait first.
    pub waiters: Vec<LockEntry>,
}

impl LockGroup {
    /// The longest wait on this object.
    pub fn longest_wait(&self) -> Option<Duration> {
        self.waiters.iter().filter_map(|w| w.wait_age).max()
    }
}

/// The lock view's model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LockView {
    /// Objects somebody waits for first (the longest wait first), then the rest.
    pub groups: Vec<LockGroup>,
    /// The server had more rows than were read (the list is capped at 500 rows).
    pub capped: bool,
    /// Some wait ages are measured from the session's state change or query start, not
    /// from `pg_locks.waitstart` (before 14, or for a moment after the wait began).
    pub waits_estimated: bool,
}

/// Groups the rows by the object they lock.
pub fn lock_view(locks: &Locks) -> LockView {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, LockGroup> = HashMap::new();
    for row in &locks.rows {
        let group = groups.entry(row.object_key.as_str()).or_insert_with(|| {
            order.push(row.object_key.as_str());
            LockGroup {
                locktype: row.locktype.clone(),
                object: describe_object(row),
                relation_oid: row.relation_oid,
                holders: Vec::new(),
                waiters: Vec::new(),
            }
        });
        let entry = entry(row);
        if row.granted {
            group.holders.push(entry);
        } else {
            group.waiters.push(entry);
        }
    }
    let mut list: Vec<LockGroup> = order
        .into_iter()
        .filter_map(|key| groups.remove(key))
        .collect();
    for group in &mut list {
        group
            .holders
            .sort_by(|a, b| b.xact_age.cmp(&a.xact_age).then(a.pid.cmp(&b.pid)));
        group
            .waiters
            .sort_by(|a, b| b.wait_age.cmp(&a.wait_age).then(a.pid.cmp(&b.pid)));
    }
    // Waited-on objects first, the longest wait first; stable for the rest (the server's
    // order: by object).
    list.sort_by(|a, b| {
        a.waiters
            .is_empty()
            .cmp(&b.waiters.is_empty())
            .then(b.longest_wait().cmp(&a.longest_wait()))
    });
    LockView {
        capped: usize::try_from(locks.total).is_ok_and(|total| total > locks.rows.len()),
        waits_estimated: locks
            .rows
            .iter()
            .any(|r| r.wait_from.is_some_and(|f| f != WaitFrom::WaitStart)),
        groups: list,
    }
}

fn entry(row: &LockRow) -> LockEntry {
    LockEntry {
        pid: row.pid,
        mode: row.mode.clone(),
        user: row.user.clone(),
        application: row.application.clone(),
        state: row.state.clone(),
        xact_age: row.xact_age,
        wait_age: row.wait_age,
        wait_from: row.wait_from,
        blocked_by: row.blocked_by.clone(),
        query: row.query.clone(),
    }
}

/// What a lock is on, in words. Relations are named only when the server could name them
/// (in this database); elsewhere by OID and database.
fn describe_object(row: &LockRow) -> String {
    let relation = || match (&row.relation_name, row.relation_oid, &row.database) {
        (Some(name), _, _) => name.clone(),
        (None, Some(oid), Some(db)) => format!("relation {oid} in database {db}"),
        (None, Some(oid), None) => format!("relation {oid}"),
        (None, None, _) => "relation".into(),
    };
    let opt = |v: Option<i64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
    match row.locktype.as_str() {
        "relation" => relation(),
        "extend" => format!("extension of {}", relation()),
        "page" => format!("page {} of {}", opt(row.page.map(i64::from)), relation()),
        "tuple" => format!(
            "row ({},{}) of {}",
            opt(row.page.map(i64::from)),
            opt(row.tuple.map(i64::from)),
            relation()
        ),
        "transactionid" => format!(
            "transaction {}",
            row.transactionid.as_deref().unwrap_or("?")
        ),
        "virtualxid" => format!(
            "virtual transaction {}",
            row.virtualxid.as_deref().unwrap_or("?")
        ),
        "advisory" => format!(
            "advisory lock {}:{}:{}",
            opt(row.classid.map(i64::from)),
            opt(row.objid.map(i64::from)),
            opt(row.objsubid.map(i64::from))
        ),
        other => format!(
            "{other} {}/{}",
            opt(row.classid.map(i64::from)),
            opt(row.objid.map(i64::from))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, mode: &str, granted: bool, pid: i32, wait: Option<u64>) -> LockRow {
        LockRow {
            object_key: key.into(),
            locktype: "relation".into(),
            mode: mode.into(),
            granted,
            pid: Some(pid),
            database: Some("db1".into()),
            relation_oid: Some(16_384),
            relation_name: Some("\"public\".\"orders\"".into()),
            page: None,
            tuple: None,
            virtualxid: None,
            transactionid: None,
            classid: None,
            objid: None,
            objsubid: None,
            backend_start: None,
            user: Some("app".into()),
            application: "api".into(),
            state: None,
            xact_age: Some(Duration::from_secs(u64::from(pid.unsigned_abs()))),
            wait_age: wait.map(Duration::from_secs),
            wait_from: wait.map(|_| WaitFrom::WaitStart),
            blocked_by: if granted { vec![] } else { vec![1] },
            query: "q".into(),
        }
    }

    #[test]
    fn waited_on_objects_come_first_with_their_holders_and_waiters() {
        let mut other = row("relation:1:99", "ShareUpdateExclusiveLock", true, 7, None);
        other.relation_name = Some("\"public\".\"quiet\"".into());
        let locks = Locks {
            rows: vec![
                other,
                row("relation:1:16384", "AccessShareLock", false, 3, Some(5)),
                row("relation:1:16384", "AccessExclusiveLock", true, 1, None),
                row("relation:1:16384", "RowExclusiveLock", false, 2, Some(40)),
            ],
            total: 4,
        };
        let view = lock_view(&locks);
        assert!(!view.capped && !view.waits_estimated);
        let first = &view.groups[0];
        assert_eq!(first.object, "\"public\".\"orders\"");
        assert_eq!(
            first.holders.iter().map(|h| h.pid).collect::<Vec<_>>(),
            [Some(1)]
        );
        assert_eq!(
            first.waiters.iter().map(|w| w.pid).collect::<Vec<_>>(),
            [Some(2), Some(3)]
        );
        assert_eq!(first.longest_wait(), Some(Duration::from_secs(40)));
        assert_eq!(view.groups[1].object, "\"public\".\"quiet\"");
    }

    #[test]
    fn objects_are_named_by_kind_and_estimates_and_caps_are_said() {
        let mut xid = row("transactionid:7321", "ShareLock", false, 4, Some(1));
        xid.locktype = "transactionid".into();
        xid.transactionid = Some("7321".into());
        xid.wait_from = Some(WaitFrom::StateChange);
        let mut elsewhere = row("relation:2:5", "ExclusiveLock", true, 5, None);
        elsewhere.relation_name = None;
        elsewhere.database = Some("other".into());
        let view = lock_view(&Locks {
            rows: vec![xid, elsewhere],
            total: 600,
        });
        assert!(view.capped && view.waits_estimated);
        let objects: Vec<&str> = view.groups.iter().map(|g| g.object.as_str()).collect();
        assert_eq!(
            objects,
            ["transaction 7321", "relation 16384 in database other"]
        );
    }
}
