//! Connection usage for the Pool screen, derived from the sessions the activity
//! collector already read each poll: no SQL of its own, so the Pool screen costs the
//! server nothing extra.

use std::collections::HashMap;
use std::time::Duration;

use crate::analysis::metrics::{connection_utilisation, hidden_sessions, is_hidden_session};
use crate::monitor::snapshot::{BackendType, ServerState, Session, SessionState, WaitEventType};
use crate::settings::config::Pool;

/// Client backends by state. The buckets do not overlap, so they add up to the number
/// of client backends: a session waiting on a lock counts as waiting, not as active.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// Running a query (and not waiting on a lock).
    pub active: usize,
    pub idle: usize,
    /// `idle in transaction`: holding a transaction open, doing nothing.
    pub idle_in_transaction: usize,
    /// `idle in transaction (aborted)`: a failed transaction nobody rolled back yet.
    pub idle_in_transaction_aborted: usize,
    /// Waiting on a heavyweight lock (`wait_event_type = 'Lock'`).
    pub waiting_on_lock: usize,
    /// Anything else: `fastpath function call`, `disabled`.
    pub other: usize,
    /// Sessions the role may not see into (no `pg_read_all_stats`): state unknown.
    pub hidden: usize,
}

impl StateCounts {
    /// All client backends counted.
    pub fn total(&self) -> usize {
        self.active
            + self.idle
            + self.idle_in_transaction
            + self.idle_in_transaction_aborted
            + self.waiting_on_lock
            + self.other
            + self.hidden
    }
}

/// Client backends sharing one application name, user or client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The application name, user or client; empty when not set or not known.
    pub name: String,
    pub total: usize,
    /// Running a query (lock waits excluded, as in [`StateCounts`]).
    pub active: usize,
    /// Idle in a transaction, aborted ones included: both hold it open.
    pub idle_in_transaction: usize,
    /// Waiting on a lock.
    pub waiting: usize,
    /// Of `total`: hidden from the role, so in none of the counts above (which are then
    /// lower bounds, shown as such).
    pub hidden: usize,
}

/// One configured application pool against its size.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolGauge {
    /// The pool's name from the config.
    pub name: String,
    /// The application name pattern.
    pub application: String,
    /// Client backends whose application name matches.
    pub used: usize,
    pub max: u32,
    /// `used / max`: above 1.0 when the application opens more than its pool should.
    pub utilisation: f64,
    /// Of `used`: running a query.
    pub active: usize,
    /// Of `used`: idle in a transaction (aborted included).
    pub idle_in_transaction: usize,
    /// Of `used`: hidden from the role (state unknown).
    pub hidden: usize,
}

/// The session that has been idle in a transaction the longest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleInTransaction {
    pub pid: i32,
    /// Since the transaction began: how long it has held its locks and snapshot.
    pub xact_age: Duration,
    /// Since it went idle (`state_change`), what `idle_in_transaction_session_timeout`
    /// measures; `None` when unknown.
    pub idle_for: Option<Duration>,
    pub application: String,
    pub user: Option<String>,
}

/// Connection slots and who uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUsage {
    /// Client backends by state.
    pub states: StateCounts,
    /// Client backends (`states.total()`). pgpulse's own session is not among them.
    pub used: usize,
    /// `max_connections`.
    pub max_connections: i32,
    /// Slots ordinary roles can take: `max_connections - superuser_reserved_connections -
    /// reserved_connections`.
    pub available: i64,
    /// `used / available` (see [`crate::analysis::metrics::connection_utilisation`]).
    pub utilisation: f64,
    /// Sessions connected to a database whose details the role may not see (no
    /// `pg_read_all_stats`): counted in `used` and the breakdowns (their user, database
    /// and application are visible), state unknown.
    pub hidden: usize,
    /// Client backends per application name, most first.
    pub by_application: Vec<UsageRow>,
    /// Per user, most first.
    pub by_user: Vec<UsageRow>,
    /// Per client address (`local` for Unix sockets), most first.
    pub by_client: Vec<UsageRow>,
    /// The config's `[[pools]]`, in config order.
    pub pools: Vec<PoolGauge>,
    /// The longest idle-in-transaction session, if any.
    pub longest_idle_in_transaction: Option<IdleInTransaction>,
}

/// What one client backend is doing, in the non-overlapping buckets of [`StateCounts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doing {
    Active,
    Idle,
    IdleInTransaction,
    IdleInTransactionAborted,
    WaitingOnLock,
    Other,
    /// Unknown: the role may not see it.
    Hidden,
}

fn doing(session: &Session) -> Doing {
    if is_hidden_session(session) {
        return Doing::Hidden;
    }
    if session.wait_event_type == Some(WaitEventType::Lock) {
        return Doing::WaitingOnLock;
    }
    match session.state {
        Some(SessionState::Active) => Doing::Active,
        Some(SessionState::Idle) => Doing::Idle,
        Some(SessionState::IdleInTransaction) => Doing::IdleInTransaction,
        Some(SessionState::IdleInTransactionAborted) => Doing::IdleInTransactionAborted,
        _ => Doing::Other,
    }
}

impl StateCounts {
    fn add(&mut self, doing: Doing) {
        let bucket = match doing {
            Doing::Active => &mut self.active,
            Doing::Idle => &mut self.idle,
            Doing::IdleInTransaction => &mut self.idle_in_transaction,
            Doing::IdleInTransactionAborted => &mut self.idle_in_transaction_aborted,
            Doing::WaitingOnLock => &mut self.waiting_on_lock,
            Doing::Other => &mut self.other,
            Doing::Hidden => &mut self.hidden,
        };
        *bucket += 1;
    }
}

fn in_transaction(doing: Doing) -> bool {
    matches!(
        doing,
        Doing::IdleInTransaction | Doing::IdleInTransactionAborted
    )
}

/// Connection usage from one poll's sessions: client backends by state, by application,
/// user and client, against `max_connections` and the configured `pools`.
///
/// Only client backends count: background workers, autovacuum and WAL senders have slots
/// of their own. Sessions hidden by missing privileges count when connected to a
/// database (see [`crate::analysis::metrics::client_connections`]), in their own state bucket
/// ([`PoolUsage::hidden`]): their user and application are known, what they do is not.
/// pgpulse's own session is not in the activity list, so it is not counted either.
pub fn pool_usage(sessions: &[Session], server: &ServerState, pools: &[Pool]) -> PoolUsage {
    let clients: Vec<(&Session, Doing)> = sessions
        .iter()
        .filter(|s| s.backend_type == BackendType::ClientBackend || is_hidden_session(s))
        .map(|s| (s, doing(s)))
        .collect();
    let mut states = StateCounts::default();
    for (_, what) in &clients {
        states.add(*what);
    }
    let used = clients.len();
    PoolUsage {
        states,
        used,
        max_connections: server.max_connections,
        available: i64::from(server.max_connections)
            - i64::from(server.superuser_reserved_connections)
            - i64::from(server.reserved_connections),
        utilisation: connection_utilisation(used, server),
        hidden: hidden_sessions(sessions),
        by_application: breakdown(&clients, |s| s.application.clone()),
        by_user: breakdown(&clients, |s| s.user.clone().unwrap_or_default()),
        by_client: breakdown(&clients, |s| s.client.clone().unwrap_or_default()),
        pools: pools.iter().map(|pool| gauge(pool, &clients)).collect(),
        longest_idle_in_transaction: longest_idle_in_transaction(&clients),
    }
}

/// Client backends grouped by `name_of`, most first (ties by name, so rows keep still
/// between polls).
fn breakdown(clients: &[(&Session, Doing)], name_of: impl Fn(&Session) -> String) -> Vec<UsageRow> {
    let mut rows: HashMap<String, UsageRow> = HashMap::new();
    for (session, what) in clients {
        let name = name_of(session);
        let row = rows.entry(name.clone()).or_insert_with(|| UsageRow {
            name,
            total: 0,
            active: 0,
            idle_in_transaction: 0,
            waiting: 0,
            hidden: 0,
        });
        row.total += 1;
        row.hidden += usize::from(*what == Doing::Hidden);
        row.active += usize::from(*what == Doing::Active);
        row.idle_in_transaction += usize::from(in_transaction(*what));
        row.waiting += usize::from(*what == Doing::WaitingOnLock);
    }
    let mut rows: Vec<UsageRow> = rows.into_values().collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    rows
}

fn gauge(pool: &Pool, clients: &[(&Session, Doing)]) -> PoolGauge {
    let members: Vec<Doing> = clients
        .iter()
        .filter(|(s, _)| pool.matches(&s.application))
        .map(|(_, what)| *what)
        .collect();
    PoolGauge {
        name: pool.name.clone(),
        application: pool.application.clone(),
        used: members.len(),
        max: pool.max,
        // The config guarantees max >= 1; max(1) keeps a hand-built pool finite too.
        utilisation: members.len() as f64 / f64::from(pool.max.max(1)),
        active: members.iter().filter(|w| **w == Doing::Active).count(),
        idle_in_transaction: members.iter().filter(|w| in_transaction(**w)).count(),
        hidden: members.iter().filter(|w| **w == Doing::Hidden).count(),
    }
}

/// The idle-in-transaction session whose transaction is oldest: the one holding locks
/// and the xmin horizon the longest.
fn longest_idle_in_transaction(clients: &[(&Session, Doing)]) -> Option<IdleInTransaction> {
    clients
        .iter()
        .filter(|(_, what)| in_transaction(*what))
        .map(|(s, _)| s)
        .max_by_key(|s| (s.xact_age.or(s.state_age).unwrap_or_default(), -s.pid))
        .map(|s| IdleInTransaction {
            pid: s.pid,
            xact_age: s.xact_age.or(s.state_age).unwrap_or_default(),
            idle_for: s.state_age,
            application: s.application.clone(),
            user: s.user.clone(),
        })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::monitor::snapshot::test_support::*;

    fn server() -> ServerState {
        match snapshot_at(0).server {
            Ok(server) => server,
            Err(e) => panic!("{e}"),
        }
    }

    /// A client backend of `application` in `state`.
    fn client(pid: i32, application: &str, state: &str) -> Session {
        Session {
            application: application.into(),
            state: Some(SessionState::parse(state)),
            ..session(pid)
        }
    }

    fn idle_in_txn(pid: i32, application: &str, xact_secs: u64) -> Session {
        Session {
            state_age: Some(Duration::from_secs(xact_secs / 2)),
            ..client(pid, application, "idle in transaction").xact_age(xact_secs)
        }
    }

    fn pool(application: &str, max: u32) -> Pool {
        Pool {
            name: application.into(),
            application: application.into(),
            max,
        }
    }

    const PROD: &str = "learning-assistant-production";

    #[test]
    fn counts_client_backends_by_state_without_overlap() {
        let sessions = vec![
            client(1, PROD, "active"),
            client(2, PROD, "idle"),
            client(3, PROD, "idle"),
            idle_in_txn(4, PROD, 30),
            client(5, PROD, "idle in transaction (aborted)"),
            session(6).blocked_by(&[1]),
            client(7, "psql", "fastpath function call"),
            Session {
                state: None,
                ..session(8)
            },
            session(9).backend_type("autovacuum worker"),
            session(10).backend_type("walsender"),
            // Another role's session, seen without pg_read_all_stats.
            Session {
                backend_start: None,
                state: None,
                ..session(11).backend_type("")
            },
            // A background process seen the same way: no database, no slot.
            Session {
                backend_start: None,
                state: None,
                database: None,
                ..session(12).backend_type("")
            },
        ];
        let usage = pool_usage(&sessions, &server(), &[]);
        assert_eq!(
            usage.states,
            StateCounts {
                active: 1,
                idle: 2,
                idle_in_transaction: 1,
                idle_in_transaction_aborted: 1,
                waiting_on_lock: 1,
                other: 2,
                hidden: 1,
            }
        );
        assert_eq!(usage.used, 9);
        assert_eq!(usage.states.total(), usage.used);
        assert_eq!(usage.hidden, 1);
        assert_eq!(usage.max_connections, 100);
        assert_eq!(usage.available, 97);
        assert_eq!(usage.utilisation, 9.0 / 97.0);
    }

    #[test]
    fn reserved_connections_are_not_available() {
        let server = ServerState {
            max_connections: 50,
            superuser_reserved_connections: 3,
            reserved_connections: 7,
            ..server()
        };
        let sessions: Vec<Session> = (1..=20).map(session).collect();
        let usage = pool_usage(&sessions, &server, &[]);
        assert_eq!(usage.available, 40);
        assert_eq!(usage.utilisation, 0.5);
    }

    #[test]
    fn breakdowns_are_sorted_by_total_then_name() {
        let sessions = vec![
            client(1, "api", "active"),
            idle_in_txn(2, "api", 5),
            client(3, "worker", "idle"),
            client(4, "worker", "idle"),
            client(5, "worker", "active"),
            client(6, "", "idle"),
            Session {
                user: Some("report".into()),
                client: Some("10.0.0.7".into()),
                ..client(7, "batch", "active").blocked_by(&[1])
            },
        ];
        let usage = pool_usage(&sessions, &server(), &[]);
        let rows: Vec<(&str, usize, usize, usize, usize)> = usage
            .by_application
            .iter()
            .map(|r| {
                let (t, a, i, w) = (r.total, r.active, r.idle_in_transaction, r.waiting);
                (r.name.as_str(), t, a, i, w)
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("worker", 3, 1, 0, 0),
                ("api", 2, 1, 1, 0),
                ("", 1, 0, 0, 0),
                ("batch", 1, 0, 0, 1),
            ]
        );
        let users: Vec<(&str, usize)> = usage
            .by_user
            .iter()
            .map(|r| (r.name.as_str(), r.total))
            .collect();
        assert_eq!(users, [("app", 6), ("report", 1)]);
        let clients: Vec<(&str, usize)> = usage
            .by_client
            .iter()
            .map(|r| (r.name.as_str(), r.total))
            .collect();
        assert_eq!(clients, [("local", 6), ("10.0.0.7", 1)]);
    }

    #[test]
    fn configured_pools_count_matching_client_backends() {
        let mut sessions: Vec<Session> = (1..=40).map(|pid| client(pid, PROD, "idle")).collect();
        sessions.extend((41..=44).map(|pid| idle_in_txn(pid, PROD, 10)));
        sessions.push(client(45, "learning-assistant-dev", "active"));
        sessions.push(client(46, "psql", "active"));
        sessions.push(Session {
            application: PROD.into(),
            ..session(47).backend_type("parallel worker")
        });
        let pools = [
            pool(PROD, 50),
            pool("learning-assistant-*", 50),
            pool("learning-assistant-dev", 10),
            pool("reporting", 5),
        ];
        let usage = pool_usage(&sessions, &server(), &pools);
        let gauges: Vec<(&str, usize, u32, f64, usize, usize)> = usage
            .pools
            .iter()
            .map(|g| {
                let counts = (
                    g.used,
                    g.max,
                    g.utilisation,
                    g.active,
                    g.idle_in_transaction,
                );
                (
                    g.name.as_str(),
                    counts.0,
                    counts.1,
                    counts.2,
                    counts.3,
                    counts.4,
                )
            })
            .collect();
        assert_eq!(
            gauges,
            [
                (PROD, 44, 50, 0.88, 0, 4),
                ("learning-assistant-*", 45, 50, 0.9, 1, 4),
                ("learning-assistant-dev", 1, 10, 0.1, 1, 0),
                ("reporting", 0, 5, 0.0, 0, 0),
            ]
        );
    }

    #[test]
    fn the_oldest_idle_transaction_is_reported() {
        let sessions = vec![
            idle_in_txn(1, "api", 30),
            idle_in_txn(2, "batch", 600),
            Session {
                state: Some(SessionState::IdleInTransactionAborted),
                ..idle_in_txn(3, "api", 90)
            },
            client(4, "api", "active").xact_age(3600),
            idle_in_txn(5, "other", 600).backend_type("background worker"),
        ];
        let usage = pool_usage(&sessions, &server(), &[]);
        assert_eq!(
            usage.longest_idle_in_transaction,
            Some(IdleInTransaction {
                pid: 2,
                xact_age: Duration::from_secs(600),
                idle_for: Some(Duration::from_secs(300)),
                application: "batch".into(),
                user: Some("app".into()),
            })
        );
        let none = pool_usage(&[client(1, "api", "idle")], &server(), &[]);
        assert_eq!(none.longest_idle_in_transaction, None);
    }

    #[test]
    fn no_sessions_is_an_empty_server_not_an_error() {
        let usage = pool_usage(&[], &server(), &[pool(PROD, 50)]);
        assert_eq!(usage.used, 0);
        assert_eq!(usage.utilisation, 0.0);
        assert!(usage.by_application.is_empty());
        assert_eq!(usage.pools[0].used, 0);
    }
}
