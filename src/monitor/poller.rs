//! The poller task: owns the monitoring session, runs the collectors on their tiers, and
//! hands the UI one owned [`Snapshot`] per cycle through a one-slot mailbox (newest wins,
//! nothing queues).
//!
//! Tiers: the fast tier (default 1 s) reads the essentials (server state, activity,
//! database counters, progress, horizon, replication and WAL, locks while the lock view is
//! on): none of them reads per relation, so their cost does not grow with the number of
//! tables ([`FAST_TIER_SQL`]). Everything else is governed ([`governor`]): read at its
//! desired interval (the fast one for the statement counters on the Queries screen, the
//! slow one for the sources on view, longer for hidden ones) or less often when its
//! measured cost would take pgpulse's server time over the budget. Query texts are
//! fetched only for statement ids not seen before.
//! Missed ticks are skipped, never queued; a lost connection is retried with a capped,
//! jittered backoff instead of on every tick, and every failed attempt is logged with its
//! reason. The poller can start before the server is up ([`Poller::waiting`]): it probes
//! the capabilities once a connection opens.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

mod backoff;
mod command;
mod connection;
mod fast_tier;
pub mod governor;
mod mailbox;
mod schedule;
mod slow;

use backoff::{AttemptFailure, Backoff};
pub use command::{DetailFetched, PollerCommand};
pub use fast_tier::{FAST_TIER_SQL, reads_per_relation};
use governor::{Governor, NetworkFloor};
pub use mailbox::{Closed, SnapshotReceiver, SnapshotSender, mailbox};
pub use schedule::{PollerConfig, SlowGroup};
use schedule::{governed, set_desired, source_of_list};

use crate::monitor::collector::{self, IndexCatalog, PgBouncerClient, StatementTextCache};
use crate::monitor::host::HostSampler;
use crate::monitor::snapshot::governed::GovernedSource;
use crate::monitor::snapshot::{CappedList, Section, SectionError, SlowTier, Snapshot, Statements};
use crate::pg::probe::Capabilities;
use crate::pg::session::{MonitorSession, SessionError};

/// Starts the poller on the current runtime with the capabilities already probed.
pub fn spawn(
    session: MonitorSession,
    capabilities: Capabilities,
    config: PollerConfig,
) -> (SnapshotReceiver, mpsc::UnboundedSender<PollerCommand>) {
    spawn_poller(Poller::new(session, capabilities, config))
}

/// Starts an already configured poller on the current runtime.
pub fn spawn_poller(poller: Poller) -> (SnapshotReceiver, mpsc::UnboundedSender<PollerCommand>) {
    let (snapshots, receiver) = mailbox();
    let (commands, command_rx) = mpsc::unbounded_channel();
    tokio::spawn(poller.run(snapshots, command_rx));
    (receiver, commands)
}

/// How many statements by execution time, and by calls, get their text fetched off the
/// Queries screen.
const TOP_MOVERS: usize = 50;

/// The poller's state between cycles.
pub struct Poller {
    session: MonitorSession,
    /// `None` until the first connection was probed (a poller started while the server
    /// was down).
    capabilities: Option<Arc<Capabilities>>,
    config: PollerConfig,
    texts: StatementTextCache,
    slow: Option<Arc<SlowTier>>,
    /// The last read of the statement counters, re-sent until the next one.
    statements: Option<Section<Statements>>,
    /// When each governed source is read.
    governor: Governor,
    /// The network's share of a round trip, left out of the costs the governor gets.
    network: NetworkFloor,
    connects_seen: u64,
    sequence: u64,
    backoff: Backoff,
    pgbouncer: Option<PgBouncerClient>,
    host: Option<HostSampler>,
    /// Whether host sampling was set up (it needs the first probe's backend pid).
    host_detected: bool,
    /// The group on view (the UI starts on the Dashboard).
    watched: Option<SlowGroup>,
    /// Where answers to [`PollerCommand::FetchDetail`] go.
    details: Option<mpsc::UnboundedSender<DetailFetched>>,
    /// The filter typed on each capped list, searched for on the server.
    searches: std::collections::HashMap<CappedList, String>,
    /// Whether the lock view is on: `pg_locks` is read only then.
    locks_on: bool,
    /// Whether the Activity screen is on view: per-backend host figures only then.
    backends_on: bool,
    /// What the latency histograms kept by the model cover: the next read asks only for
    /// what came since. `None`: the next read reads the whole window.
    latency: Option<LatencyCursor>,
    /// Numbers the latency reads.
    latency_reads: u64,
    /// The index definitions kept between reads of the Indexes list.
    index_catalog: IndexCatalog,
}

/// The window, bucket width and threshold of the latency buckets read so far, and the
/// high-water mark (the server's bucket at the last read) on the connection they came on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LatencyCursor {
    window: Duration,
    width_s: i64,
    slow_threshold: Duration,
    now_bucket: i64,
    connect_count: u64,
}

impl Poller {
    pub fn new(session: MonitorSession, capabilities: Capabilities, config: PollerConfig) -> Self {
        let mut poller = Self::blank(session, config);
        // Host metrics only make sense when the server runs on this machine.
        poller.host = HostSampler::detect(poller.session.params(), capabilities.backend_pid);
        poller.host_detected = true;
        poller.capabilities = Some(Arc::new(capabilities));
        poller
    }

    /// A poller that has probed nothing and read nothing yet.
    fn blank(mut session: MonitorSession, config: PollerConfig) -> Self {
        session.connect_only_when_asked();
        let connects_seen = session.connect_count();
        Self {
            session,
            capabilities: None,
            config,
            texts: StatementTextCache::default(),
            slow: None,
            statements: None,
            governor: governed(&config, Some(SlowGroup::Dashboard)),
            network: NetworkFloor::default(),
            connects_seen,
            sequence: 0,
            backoff: Backoff::default(),
            pgbouncer: None,
            host: None,
            host_detected: false,
            watched: Some(SlowGroup::Dashboard),
            details: None,
            searches: std::collections::HashMap::new(),
            locks_on: false,
            backends_on: false,
            latency: None,
            latency_reads: 0,
            index_catalog: IndexCatalog::default(),
        }
    }

    /// A poller for a server that could not be reached yet (`first_failure` was attempt
    /// 1): it retries on the backoff schedule, says so in every snapshot, and probes the
    /// capabilities once a connection opens.
    pub fn waiting(
        session: MonitorSession,
        config: PollerConfig,
        first_failure: &SessionError,
    ) -> Self {
        let mut poller = Self::blank(session, config);
        poller.connects_seen = 0;
        poller.backoff.failed(AttemptFailure::of(first_failure));
        poller
    }

    /// Sends the answers to [`PollerCommand::FetchDetail`] to `sink`.
    pub fn with_detail_sink(mut self, sink: mpsc::UnboundedSender<DetailFetched>) -> Self {
        self.details = Some(sink);
        self
    }

    /// Reads what the detail view of `request` shows beyond the polled data, on the
    /// monitoring session between two polls (one round trip, within its deadline).
    pub async fn fetch_detail(
        &mut self,
        request: collector::DetailRequest,
    ) -> Result<collector::DetailData, String> {
        if !self.session.is_connected() {
            return Err("not connected: the detail is read once the connection is back".into());
        }
        collector::fetch_detail(&mut self.session, request).await
    }

    /// Also polls a PgBouncer admin console on the fast tier.
    pub fn with_pgbouncer(mut self, client: PgBouncerClient) -> Self {
        self.pgbouncer = Some(client);
        self
    }

    async fn run(
        mut self,
        snapshots: SnapshotSender,
        mut commands: mpsc::UnboundedReceiver<PollerCommand>,
    ) {
        let mut ticker = new_ticker(self.config.fast);
        let mut paused = false;
        loop {
            let poll_now = tokio::select! {
                _ = ticker.tick() => true,
                command = commands.recv() => match command {
                    None => break,
                    // The detail read is the only command that talks to the server
                    // itself; paused means nothing is sent, so it waits for a resume.
                    Some(PollerCommand::FetchDetail(request)) => {
                        let answer = if paused {
                            Err("paused: press p to resume, then open the detail again".into())
                        } else {
                            self.fetch_detail(request).await
                        };
                        if let Some(sink) = &self.details {
                            let _ = sink.send((request, answer));
                        }
                        false
                    }
                    Some(command) => self.apply(command, &mut ticker, &mut paused),
                },
            };
            // Paused means nothing is sent to the server: commands only change what the
            // next poll reads, and resuming polls at once.
            if !poll_now || paused {
                continue;
            }
            let snapshot = self.poll_once().await;
            if snapshots.send(snapshot).is_err() {
                break;
            }
        }
    }

    /// Applies a command; `true` when it asks for a poll now.
    fn apply(
        &mut self,
        command: PollerCommand,
        ticker: &mut tokio::time::Interval,
        paused: &mut bool,
    ) -> bool {
        match command {
            PollerCommand::PollNow => true,
            PollerCommand::RefreshNow => {
                for source in self.watched.map_or(&[][..], SlowGroup::sources) {
                    self.governor.force(*source);
                }
                // An action may have dropped a slot or ended a transaction that held
                // disk: the sizes are read again too.
                self.governor.force(GovernedSource::DatabaseSizes);
                true
            }
            PollerCommand::Pause(on) => {
                let resumed = *paused && !on;
                *paused = on;
                resumed
            }
            PollerCommand::Reconnect => {
                self.backoff.skip_wait();
                true
            }
            PollerCommand::WatchLocks(on) => {
                let turned_on = on && !self.locks_on;
                self.locks_on = on;
                turned_on
            }
            PollerCommand::WatchBackends(on) => {
                // A CPU share needs two samples: the first one now, so the columns fill
                // one tick after the screen opens.
                let turned_on = on && !self.backends_on;
                self.backends_on = on;
                turned_on
            }
            // Answered in the run loop (it needs the session, asynchronously).
            PollerCommand::FetchDetail(_) => false,
            // Typing does not send a poll per key: the next tick reads it.
            PollerCommand::Search(list, text) => {
                self.search(list, text);
                false
            }
            PollerCommand::SetInterval(every) => {
                self.config.fast = every;
                self.governor = governed(&self.config, self.watched);
                *ticker = new_ticker(every);
                // The new ticker's first tick is immediate: that is the next poll.
                false
            }
            PollerCommand::SetLatencyWindow(window) => {
                self.config.latency_window = window;
                self.governor.force(GovernedSource::Latency);
                true
            }
            PollerCommand::RereadLatency => {
                self.latency = None;
                self.governor.force(GovernedSource::Latency);
                true
            }
            PollerCommand::SetHistoryWindow(window) => {
                self.config.history_window = window;
                self.governor.force(GovernedSource::Cache);
                true
            }
            PollerCommand::Watch(watched) => self.watch(watched, Instant::now()),
        }
    }

    /// Reads `pg_locks` on every poll (`true`) or not at all: what the lock view's
    /// toggle sends, through [`PollerCommand::WatchLocks`].
    pub fn watch_locks(&mut self, on: bool) {
        self.locks_on = on;
    }

    /// Searches the capped `list` for `text` on the server (`None`: no search) from the
    /// next poll on, which reads the list's group whatever its schedule.
    pub fn search(&mut self, list: CappedList, text: Option<String>) {
        match text {
            Some(text) => self.searches.insert(list, text),
            None => self.searches.remove(&list),
        };
        self.governor.force(source_of_list(list));
    }

    /// Shows `watched` from `now`: its sources are served first, read at once the first
    /// time, and again when their schedule on view and the budget allow
    /// ([`Governor::set_visible`]; `true`: poll now).
    pub fn watch(&mut self, watched: Option<SlowGroup>, now: Instant) -> bool {
        self.watched = watched;
        set_desired(&mut self.governor, &self.config, watched);
        self.governor
            .set_visible(watched.map_or(&[][..], SlowGroup::sources), now)
    }

    /// How often each governed source is read now, and what a read costs.
    pub fn read_plan(&self) -> crate::monitor::snapshot::governed::ReadPlan {
        self.governor.plan()
    }

    /// One cycle that reads every governed source now, whatever the governor's schedule:
    /// for one-shot readers (doctor, tests) that want everything at once.
    pub async fn poll_everything(&mut self) -> Snapshot {
        for source in GovernedSource::ALL {
            self.governor.force(source);
        }
        self.poll_once().await
    }

    /// One cycle: the fast tier always, the governed sources that are due.
    pub async fn poll_once(&mut self) -> Snapshot {
        self.sequence += 1;
        let started = Instant::now();
        let caps = match self.connect_if_due().await {
            Ok(caps) => caps,
            Err(error) => return self.failed_snapshot(error, started),
        };
        let fast_started = Instant::now();
        let fast_round_trips = self.session.transactions();
        let server = collector::collect_server(&mut self.session).await;
        // The quickest trivial round trip: what the network takes of each (the first
        // read of a connection also prepares: two round trips).
        let trips = (self.session.transactions() - fast_round_trips).max(1);
        self.network
            .observe(fast_started.elapsed() / u32::try_from(trips).unwrap_or(u32::MAX));
        let activity = collector::collect_activity(&mut self.session, &caps).await;
        let databases = collector::collect_databases(&mut self.session).await;
        let own_transactions = self.session.transactions();
        let progress = collector::collect_progress(&mut self.session, &caps).await;
        let horizon = collector::collect_horizon(&mut self.session).await;
        let locks = if self.locks_on {
            Some(collector::collect_locks(&mut self.session).await)
        } else {
            None
        };
        // This poll's recovery state, not the probe's: a promoted standby keeps its
        // connection.
        let in_recovery = server.as_ref().map_or(caps.in_recovery, |s| s.in_recovery);
        let replication =
            collector::collect_replication(&mut self.session, &caps, in_recovery).await;
        let round_trips = self.session.transactions() - fast_round_trips;
        self.governor.record_fast(
            self.network
                .server_time(fast_started.elapsed(), round_trips),
        );
        let due = self.governor.due(Instant::now());
        let statements = match self.statements.clone() {
            Some(kept) if !due.contains(&GovernedSource::Statements) => kept,
            _ => {
                let read_started = Instant::now();
                let before = self.session.transactions();
                // The server's clock of this poll: deltas are measured between reads.
                let read_at = server
                    .as_ref()
                    .map_or_else(|_| SystemTime::now(), |s| s.now);
                // Every text on the Queries screen (it filters and sorts them all); the
                // top movers' elsewhere: each new text reads the server's whole text file.
                let previous = self.statements.as_ref().and_then(|s| s.as_ref().ok());
                let texts = if self.watched == Some(SlowGroup::Queries) {
                    collector::TextsWanted::Every
                } else {
                    collector::TextsWanted::TopMovers {
                        since: previous,
                        n: TOP_MOVERS,
                    }
                };
                let read = collector::collect_statements(
                    &mut self.session,
                    &caps,
                    &mut self.texts,
                    read_at,
                    texts,
                )
                .await;
                let cost = self
                    .network
                    .server_time(read_started.elapsed(), self.session.transactions() - before);
                self.governor
                    .record(GovernedSource::Statements, cost, read_started);
                self.statements = Some(read.clone());
                read
            }
        };
        // Lost during this poll: say so on every section at once (that is what the
        // connection alert recognises) and leave the slow tier for after the reconnect.
        if !self.session.is_connected() {
            let lost = [
                server.as_ref().err(),
                activity.as_ref().err(),
                databases.as_ref().err(),
                statements.as_ref().err(),
                progress.as_ref().err(),
                horizon.as_ref().err(),
            ]
            .into_iter()
            .flatten()
            .find_map(|e| match e {
                SectionError::Failed(line) => Some(line.clone()),
                SectionError::Unavailable { .. } => None,
            });
            return self.failed_snapshot(lost.unwrap_or_else(|| "connection lost".into()), started);
        }
        let slow_due: Vec<GovernedSource> = due
            .into_iter()
            .filter(|s| *s != GovernedSource::Statements)
            .collect();
        if !slow_due.is_empty() {
            self.slow = Some(Arc::new(self.poll_slow_tier(&caps, &slow_due).await));
        }
        let pgbouncer = match self.pgbouncer.as_mut() {
            Some(client) => Some(collector::collect_pgbouncer(client).await),
            None => None,
        };
        let backends_on = self.backends_on;
        let host = self.host.as_mut().map(|sampler| {
            let pids: Vec<i32> = match activity.as_ref() {
                Ok(sessions) if backends_on => sessions.iter().map(|s| s.pid).collect(),
                _ => Vec::new(),
            };
            sampler.sample(&pids)
        });
        Snapshot {
            sequence: self.sequence,
            taken_at: SystemTime::now(),
            poll_duration: started.elapsed(),
            own_transactions,
            capabilities: Some(caps),
            server,
            activity,
            databases,
            statements,
            progress,
            horizon,
            locks,
            replication,
            pgbouncer,
            host,
            slow: self.slow.clone(),
            reads: self.governor.plan(),
        }
    }
}

/// Missed ticks are skipped, not queued: a slow poll must not be followed by a burst.
fn new_ticker(every: Duration) -> tokio::time::Interval {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    ticker
}
