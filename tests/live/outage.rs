//! A real server goes away under a running poller (issue 10, B2): the connection-lost
//! alert must fire within two refresh intervals plus the client deadline, and the alerts
//! that were on must be held as they were (stale), not cleared, re-timed or re-raised.
//!
//! Two ways a server goes away: it is shut down (connections are closed, new ones are
//! refused), and it freezes (a hung host or a network partition: nothing answers, not even
//! a refusal, so only the client-side deadline can tell).

use crate::common;

use std::time::{Duration, Instant, SystemTime};

use common::live::{exec, must, spawn_sql};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pgpulse::analysis::alerts::AlertKind;
use pgpulse::monitor::poller::{self, Poller, PollerConfig};
use pgpulse::pg::session::MonitorSession;
use pgpulse::tui::app::{App, Event};
use pgpulse::tui::keymap::Keymap;
use pgpulse::tui::theme::Theme;

const REFRESH: Duration = Duration::from_secs(1);

/// The promise: two refresh intervals plus the client deadline (statement_timeout 2 s +
/// 1 s), measured from the moment the server went away.
fn promised() -> Duration {
    let settings = pgpulse::pg::connect::SessionSettings::monitoring(None);
    REFRESH * 2 + MonitorSession::default_deadline(&settings)
}

/// Resumes stopped processes even when the test fails half-way.
struct ResumeOnDrop(Vec<Pid>);

impl Drop for ResumeOnDrop {
    fn drop(&mut self) {
        for pid in &self.0 {
            let _ = kill(*pid, Signal::SIGCONT);
        }
    }
}

/// The postmaster and every process it started.
fn server_processes(server: &common::TestServer) -> Vec<Pid> {
    let postmaster = server
        .cluster()
        .postmaster_pid()
        .expect("no postmaster.pid");
    let mut pids = vec![Pid::from_raw(postmaster as i32)];
    for entry in must(std::fs::read_dir("/proc"), "reading /proc").flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after the ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        let pid = entry.file_name().to_string_lossy().parse::<i32>().ok();
        if let (Some(pid), Some(ppid)) = (pid, ppid)
            && ppid == postmaster
        {
            pids.push(Pid::from_raw(pid));
        }
    }
    pids
}

/// A live view's model fed by a real poller, as the TUI runs it.
struct Watch {
    app: App,
    snapshots: pgpulse::monitor::poller::SnapshotReceiver,
    _commands: tokio::sync::mpsc::UnboundedSender<poller::PollerCommand>,
}

impl Watch {
    async fn start(conninfo: String) -> Self {
        let (session, caps) = common::live::monitor(conninfo).await;
        let config = PollerConfig {
            fast: REFRESH,
            ..PollerConfig::default()
        };
        let (snapshots, commands) = poller::spawn_poller(Poller::new(session, caps, config));
        let app = App::new(
            "test".into(),
            REFRESH,
            SystemTime::now(),
            Keymap::default(),
            Theme::default(),
        );
        Self {
            app,
            snapshots,
            _commands: commands,
        }
    }

    /// Feeds snapshots to the app until `done` holds; panics after `limit`.
    async fn until(&mut self, what: &str, limit: Duration, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + limit;
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.snapshots.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => panic!("the poller stopped while waiting for {what}"),
                Err(_) => panic!(
                    "no {what} within {limit:?}; alerts: {:?}",
                    self.app.model().alerts().active()
                ),
            }
            let snapshot = self.snapshots.take();
            if let Some(snapshot) = snapshot {
                self.app.update(Event::Snapshot(Box::new(snapshot)));
            }
        }
    }
}

fn has(app: &App, kind: AlertKind) -> bool {
    app.model().alerts().active().iter().any(|a| a.kind == kind)
}

/// Runs the scenario: a long query raises its alert, `go_away` takes the server down,
/// and the connection alert must follow within the promise while the query alert is held.
async fn outage(server: &common::TestServer, sslmode: &str, go_away: impl FnOnce()) -> Duration {
    let db = server.create_database().await;
    let sleeper = db.client().await;
    exec(&sleeper, "SET application_name = 'outage sleeper'").await;
    let _sleeping = spawn_sql(sleeper, "SELECT pg_sleep(600)".into());
    let mut watch = Watch::start(format!("{} sslmode={sslmode}", db.conninfo())).await;
    // The long query alert is on (5 s warning), so there is something to hold.
    watch
        .until(
            "the long-running query alert",
            Duration::from_secs(30),
            |app| has(app, AlertKind::LongRunningQuery),
        )
        .await;
    let before = watch
        .app
        .model()
        .alerts()
        .active()
        .iter()
        .find(|a| a.kind == AlertKind::LongRunningQuery)
        .cloned()
        .expect("alert vanished");

    let gone = Instant::now();
    go_away();
    watch
        .until(
            "the connection-lost alert",
            Duration::from_secs(60),
            |app| has(app, AlertKind::ConnectionFailure),
        )
        .await;
    let latency = gone.elapsed();

    // A few more failed polls: the held alert must not move.
    let polls = watch.app.model().snapshot().map_or(0, |s| s.sequence);
    watch
        .until("three more failed polls", Duration::from_secs(60), |app| {
            app.model().snapshot().map_or(0, |s| s.sequence) >= polls + 3
        })
        .await;
    let held = watch
        .app
        .model()
        .alerts()
        .active()
        .iter()
        .find(|a| a.kind == AlertKind::LongRunningQuery)
        .cloned()
        .expect("the query alert was cleared by an outage");
    assert!(held.stale, "{held:?}");
    assert_eq!(
        (held.since, held.value.clone()),
        (before.since, before.value.clone()),
        "held as it was"
    );
    assert!(held.confirmed <= SystemTime::now() - latency, "{held:?}");
    latency
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shut_down_server_raises_the_connection_alert_within_the_promise() {
    let server = common::start_server(|_| {});
    let latency = outage(&server, "disable", || {
        let postmaster = server.cluster().postmaster_pid().unwrap_or(0);
        // SIGINT is a fast shutdown: sessions are terminated, new ones refused.
        must(
            kill(Pid::from_raw(postmaster as i32), Signal::SIGINT),
            "stopping the server",
        );
    })
    .await;
    eprintln!("connection-lost alert after a shutdown: {latency:?}");
    assert!(latency <= promised(), "{latency:?} > {:?}", promised());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_frozen_server_raises_the_connection_alert_within_the_promise() {
    let server = common::start_server(|_| {});
    let mut resume = ResumeOnDrop(Vec::new());
    // Over TLS: the cancel request of a timed-out query then waits for a TLS answer the
    // frozen server never gives. It must not delay the alert.
    let latency = outage(&server, "require", || {
        let processes = server_processes(&server);
        for pid in &processes {
            let _ = kill(*pid, Signal::SIGSTOP);
        }
        resume.0 = processes;
    })
    .await;
    drop(resume);
    eprintln!("connection-lost alert on a frozen server: {latency:?}");
    assert!(latency <= promised(), "{latency:?} > {:?}", promised());
}
