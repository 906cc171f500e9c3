//! The poller task: owns the monitoring session, runs the collectors on their tiers, and
//! hands the UI one owned [`Snapshot`] per cycle through a one-slot mailbox (newest wins,
//! nothing queues, nothing copied: see `mailbox`).
//!
//! Tiers: the fast tier (default 1 s) reads activity, database counters and statement
//! counters (without text); the slow tier (default 15 s) reads the sources that cost more
//! or change slowly. Query texts are fetched only for statement ids not seen before.
//! Missed ticks are skipped, never queued; a lost connection is retried with a capped,
//! jittered backoff instead of on every tick, and every failed attempt is logged with its
//! reason. The poller can start before the server is up ([`Poller::waiting`]): it probes
//! the capabilities once a connection opens.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

mod backoff;
mod mailbox;

pub use mailbox::{Closed, SnapshotReceiver, SnapshotSender, mailbox};

use backoff::{AttemptFailure, Backoff};

use crate::monitor::collector::{self, PgBouncerClient, StatementTextCache};
use crate::monitor::host::HostSampler;
use crate::monitor::snapshot::latency::bucket_width_s;
use crate::monitor::snapshot::{
    Capped, CappedList, ListCap, ReplicationSnapshot, Section, SectionError, SlowTier, Snapshot,
};
use crate::pg::probe::Capabilities;
use crate::pg::session::{MonitorSession, SessionError};

/// Requests from the UI to the poller.
#[derive(Debug, Clone, PartialEq)]
pub enum PollerCommand {
    PollNow,
    /// Something changed on the server (an action ran): re-read the watched slow group now.
    RefreshNow,
    SetInterval(Duration),
    Pause(bool),
    /// A new `query_performance_log` window: re-read the slow tier now.
    SetLatencyWindow(Duration),
    /// The model missed an incremental latency read: read the whole
    /// `query_performance_log` window again, now.
    RereadLatency,
    /// A new `database_statistics_snapshot` history window: re-read the slow tier now.
    SetHistoryWindow(Duration),
    /// The UI now shows this slow group (`None`: none of them): it follows the slow
    /// interval from now on (and is read now, if what we have is older than the slow
    /// interval); the others are refreshed only every [`IDLE_GROUP_EVERY`].
    Watch(Option<SlowGroup>),
    /// The user asked to reconnect now: skip what is left of the backoff wait.
    Reconnect,
    /// The Activity screen's lock view is on (`true`) or off: `pg_locks` is read on the
    /// fast tier only while it is (and at once when it turns on).
    WatchLocks(bool),
    /// The detail view opened: read what it shows beyond the polled data (a session's
    /// locks, a statement's every counter, an index's definition) once, and send it to
    /// the detail sink.
    FetchDetail(collector::DetailRequest),
    /// The filter typed on a capped list (`None`: cleared): searched on the server, in
    /// every row, from the next tick (typing does not send a poll per key).
    Search(CappedList, Option<String>),
}

/// A detail the UI asked for, with the request it answers.
pub type DetailFetched = (
    collector::DetailRequest,
    Result<collector::DetailData, String>,
);

/// Slow-tier sources that cost real server time on big databases (thousands of tables
/// and indexes), grouped by what the UI shows together. The group on view
/// ([`PollerCommand::Watch`]) follows the slow interval; the others are refreshed only
/// every [`IDLE_GROUP_EVERY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlowGroup {
    /// Per-table cache hits and reads, and the statistics snapshot history.
    Cache,
    /// Index usage and definitions, and sequential versus index scans per table.
    Indexes,
    /// Vacuum and analyze state, wraparound and the scheduled task history.
    Maintenance,
}

impl SlowGroup {
    const ALL: [SlowGroup; 3] = [SlowGroup::Cache, SlowGroup::Indexes, SlowGroup::Maintenance];

    /// The group a capped list is read with (`None`: read on every slow poll).
    fn of_list(list: CappedList) -> Option<SlowGroup> {
        match list {
            CappedList::CacheTables => Some(SlowGroup::Cache),
            CappedList::TableScans => Some(SlowGroup::Indexes),
            CappedList::Maintenance | CappedList::WraparoundTables | CappedList::TaskHistory => {
                Some(SlowGroup::Maintenance)
            }
            CappedList::QueryHashes => None,
        }
    }
}

/// How often the slow groups not on view are refreshed.
const IDLE_GROUP_EVERY: Duration = Duration::from_secs(300);

/// Tier intervals and the latency source's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollerConfig {
    pub fast: Duration,
    pub slow: Duration,
    pub latency_window: Duration,
    pub slow_query_threshold: Duration,
    /// How far back the Cache screen's snapshot history reaches.
    pub history_window: Duration,
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self {
            fast: Duration::from_secs(1),
            slow: Duration::from_secs(15),
            latency_window: Duration::from_secs(15 * 60),
            slow_query_threshold: Duration::from_secs(5),
            history_window: Duration::from_secs(86_400),
        }
    }
}

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

/// The poller's state between cycles.
pub struct Poller {
    session: MonitorSession,
    /// `None` until the first connection was probed (a poller started while the server
    /// was down).
    capabilities: Option<Arc<Capabilities>>,
    config: PollerConfig,
    texts: StatementTextCache,
    slow: Option<Arc<SlowTier>>,
    slow_due: Instant,
    connects_seen: u64,
    sequence: u64,
    backoff: Backoff,
    pgbouncer: Option<PgBouncerClient>,
    host: Option<HostSampler>,
    /// Whether host sampling was set up (it needs the first probe's backend pid).
    host_detected: bool,
    /// The slow group on view, and when each slow group was last read.
    watched: Option<SlowGroup>,
    group_polled: std::collections::HashMap<SlowGroup, Instant>,
    /// Where answers to [`PollerCommand::FetchDetail`] go.
    details: Option<mpsc::UnboundedSender<DetailFetched>>,
    /// The filter typed on each capped list, searched for on the server.
    searches: std::collections::HashMap<CappedList, String>,
    /// Whether the lock view is on: `pg_locks` is read only then.
    locks_on: bool,
    /// When the database sizes were last read (they walk every file: every
    /// [`IDLE_GROUP_EVERY`] is often enough for a figure that moves slowly).
    sizes_polled: Option<Instant>,
    /// What the latency histograms kept by the model cover: the next read asks only for
    /// what came since. `None`: the next read reads the whole window.
    latency: Option<LatencyCursor>,
    /// Numbers the latency reads.
    latency_reads: u64,
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
    pub fn new(
        mut session: MonitorSession,
        capabilities: Capabilities,
        config: PollerConfig,
    ) -> Self {
        session.connect_only_when_asked();
        let connects_seen = session.connect_count();
        // Host metrics only make sense when the server runs on this machine.
        let host = HostSampler::detect(session.params(), capabilities.backend_pid);
        Self {
            session,
            capabilities: Some(Arc::new(capabilities)),
            config,
            texts: StatementTextCache::default(),
            slow: None,
            slow_due: Instant::now(),
            connects_seen,
            sequence: 0,
            backoff: Backoff::default(),
            pgbouncer: None,
            host,
            host_detected: true,
            watched: None,
            group_polled: std::collections::HashMap::new(),
            details: None,
            searches: std::collections::HashMap::new(),
            locks_on: false,
            sizes_polled: None,
            latency: None,
            latency_reads: 0,
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
        let mut session = session;
        session.connect_only_when_asked();
        let mut backoff = Backoff::default();
        backoff.failed(AttemptFailure::of(first_failure));
        Self {
            session,
            capabilities: None,
            config,
            texts: StatementTextCache::default(),
            slow: None,
            slow_due: Instant::now(),
            connects_seen: 0,
            sequence: 0,
            backoff,
            pgbouncer: None,
            host: None,
            host_detected: false,
            watched: None,
            group_polled: std::collections::HashMap::new(),
            details: None,
            searches: std::collections::HashMap::new(),
            locks_on: false,
            sizes_polled: None,
            latency: None,
            latency_reads: 0,
        }
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
                if let Some(group) = self.watched {
                    self.group_polled.remove(&group);
                }
                // An action may have dropped a slot or ended a transaction that held
                // disk: the sizes are read again too.
                self.sizes_polled = None;
                self.slow_due = Instant::now();
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
            // Answered in the run loop (it needs the session, asynchronously).
            PollerCommand::FetchDetail(_) => false,
            // Typing does not send a poll per key: the next tick reads it.
            PollerCommand::Search(list, text) => {
                self.search(list, text);
                false
            }
            PollerCommand::SetInterval(every) => {
                self.config.fast = every;
                *ticker = new_ticker(every);
                // The new ticker's first tick is immediate: that is the next poll.
                false
            }
            PollerCommand::SetLatencyWindow(window) => {
                self.config.latency_window = window;
                self.slow_due = Instant::now();
                true
            }
            PollerCommand::RereadLatency => {
                self.latency = None;
                self.slow_due = Instant::now();
                true
            }
            PollerCommand::SetHistoryWindow(window) => {
                self.config.history_window = window;
                self.group_polled.remove(&SlowGroup::Cache);
                self.slow_due = Instant::now();
                true
            }
            PollerCommand::Watch(watched) => {
                self.watched = watched;
                let stale = watched.is_some_and(|group| {
                    self.group_polled
                        .get(&group)
                        .is_none_or(|at| at.elapsed() >= self.config.slow)
                });
                if stale {
                    self.slow_due = Instant::now();
                }
                stale
            }
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
        if let Some(group) = SlowGroup::of_list(list) {
            self.group_polled.remove(&group);
        }
        self.slow_due = Instant::now();
    }

    /// One cycle: the fast tier always, the slow tier when due.
    pub async fn poll_once(&mut self) -> Snapshot {
        self.sequence += 1;
        let started = Instant::now();
        let caps = match self.connect_if_due().await {
            Ok(caps) => caps,
            Err(error) => return self.failed_snapshot(error, started),
        };
        let server = collector::collect_server(&mut self.session).await;
        let activity = collector::collect_activity(&mut self.session, &caps).await;
        let databases = collector::collect_databases(&mut self.session).await;
        let own_transactions = self.session.transactions();
        let statements =
            collector::collect_statements(&mut self.session, &caps, &mut self.texts).await;
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
        if Instant::now() >= self.slow_due {
            self.slow_due = Instant::now() + self.config.slow;
            self.slow = Some(Arc::new(self.poll_slow_tier(&caps).await));
        }
        let pgbouncer = match self.pgbouncer.as_mut() {
            Some(client) => Some(collector::collect_pgbouncer(client).await),
            None => None,
        };
        let host = self.host.as_mut().map(|sampler| {
            let pids: Vec<i32> = activity
                .as_ref()
                .map(|s| s.iter().map(|s| s.pid).collect())
                .unwrap_or_default();
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
        }
    }

    /// Whether a slow group is read this time: always for the group on view, and every
    /// [`IDLE_GROUP_EVERY`] otherwise (so alerts and a later visit are not too old).
    fn group_due(&self, group: SlowGroup) -> bool {
        self.watched == Some(group)
            || self
                .group_polled
                .get(&group)
                .is_none_or(|at| at.elapsed() >= IDLE_GROUP_EVERY)
    }

    /// The slow tier: sources that cost more or change slowly. Groups not read this time
    /// keep their previous results.
    async fn poll_slow_tier(&mut self, caps: &Capabilities) -> SlowTier {
        let previous = self.slow.clone();
        let due: Vec<SlowGroup> = SlowGroup::ALL
            .into_iter()
            .filter(|g| self.group_due(*g))
            .collect();
        let session = &mut self.session;
        let searches = &self.searches;
        let search = |list| searches.get(&list).map(String::as_str);
        let mut tier = match previous {
            Some(previous) => (*previous).clone(),
            None => SlowTier::not_polled(SystemTime::now()),
        };
        tier.taken_at = SystemTime::now();
        tier.read_at.every_poll = Some(tier.taken_at);
        let window = self.config.latency_window;
        let width_s = bucket_width_s(window);
        // Only what was logged since the last read, from one bucket before its high-water
        // mark (late commits, see the SQL); the whole window when the buckets kept do not
        // cover it: first read, a wider window, another width or threshold, a new connection.
        let since_bucket = self
            .latency
            .filter(|c| {
                c.window >= window
                    && c.width_s == width_s
                    && c.slow_threshold == self.config.slow_query_threshold
                    && c.connect_count == session.connect_count()
            })
            .map(|c| c.now_bucket - 1);
        // Successful reads are numbered without gaps: a gap is a read the model missed.
        let ask = collector::LatencyAsk {
            sequence: self.latency_reads + 1,
            window,
            slow_threshold: self.config.slow_query_threshold,
            width_s,
            since_bucket,
            search: search(CappedList::QueryHashes).map(str::to_string),
        };
        match collector::collect_latency_buckets(session, caps, &ask).await {
            Ok(read) => {
                self.latency_reads = read.sequence;
                self.latency = Some(LatencyCursor {
                    window,
                    width_s,
                    slow_threshold: ask.slow_threshold,
                    now_bucket: read.now_bucket,
                    connect_count: session.connect_count(),
                });
                // The model merges the read into the window it keeps and fills
                // `performance_log` (and the list's cap) from it.
                tier.latency_read = Some(Arc::new(read));
                tier.performance_log = Err(SectionError::Failed("not merged yet".into()));
            }
            Err(error) => {
                // Nothing kept changes: the next read asks again from the same mark.
                tier.latency_read = None;
                tier.caps.remove(&CappedList::QueryHashes);
                tier.performance_log = Err(error);
            }
        }
        tier.table_totals = collector::collect_table_totals(session).await;
        if due.contains(&SlowGroup::Cache) {
            tier.read_at.cache = Some(SystemTime::now());
            let read =
                collector::collect_table_cache_capped(session, search(CappedList::CacheTables))
                    .await;
            tier.table_cache = uncap(read, &mut tier.caps, CappedList::CacheTables).map(Arc::new);
            tier.snapshot_history =
                collector::collect_snapshot_history(session, caps, self.config.history_window)
                    .await;
        }
        if due.contains(&SlowGroup::Indexes) {
            tier.read_at.indexes = Some(SystemTime::now());
            tier.indexes = collector::collect_indexes(session).await.map(Arc::new);
            let read =
                collector::collect_table_scans_capped(session, search(CappedList::TableScans))
                    .await;
            tier.table_scans = uncap(read, &mut tier.caps, CappedList::TableScans).map(Arc::new);
        }
        if due.contains(&SlowGroup::Maintenance) {
            tier.read_at.maintenance = Some(SystemTime::now());
            let read = collector::collect_table_maintenance_capped(
                session,
                caps,
                search(CappedList::Maintenance),
            )
            .await;
            tier.maintenance = uncap(read, &mut tier.caps, CappedList::Maintenance).map(Arc::new);
            tier.statistics_since = collector::collect_statistics_since(session).await;
            let read =
                collector::collect_wraparound_capped(session, search(CappedList::WraparoundTables))
                    .await;
            tier.wraparound = uncap(read, &mut tier.caps, CappedList::WraparoundTables);
            let read = collector::collect_task_history_capped(
                session,
                caps,
                search(CappedList::TaskHistory),
            )
            .await;
            tier.task_history = uncap(read, &mut tier.caps, CappedList::TaskHistory);
        }
        if self
            .sizes_polled
            .is_none_or(|at| at.elapsed() >= IDLE_GROUP_EVERY)
        {
            self.sizes_polled = Some(Instant::now());
            tier.read_at.database_sizes = Some(SystemTime::now());
            tier.database_sizes = collector::collect_database_sizes(&mut self.session).await;
        }
        let now = Instant::now();
        for group in due {
            self.group_polled.insert(group, now);
        }
        tier
    }

    /// Connects when disconnected, at most once per backoff step; probes after every new
    /// connection (it may be a restarted or failed-over server, or the first one). The
    /// error is the line the status bar shows.
    async fn connect_if_due(&mut self) -> Result<Arc<Capabilities>, String> {
        if !self.session.is_connected() {
            if self.backoff.remaining().is_some() {
                return Err(self.backoff.describe());
            }
            if let Err(error) = self.session.ensure_connected().await {
                self.backoff.failed(AttemptFailure::of(&error));
                tracing::warn!(
                    "connection attempt {} failed: {}; next in {}",
                    self.backoff.failures,
                    error,
                    crate::text::format::duration(self.backoff.remaining().unwrap_or_default())
                );
                return Err(self.backoff.describe());
            }
            if self.backoff.failures > 0 {
                tracing::info!(
                    "connected after {} failed attempt(s)",
                    self.backoff.failures
                );
            }
        }
        self.backoff.reset();
        let count = self.session.connect_count();
        if self.capabilities.is_none() || count != self.connects_seen {
            match Capabilities::probe(&mut self.session).await {
                Ok(fresh) => {
                    self.connects_seen = count;
                    if !self.host_detected {
                        self.host_detected = true;
                        self.host = HostSampler::detect(self.session.params(), fresh.backend_pid);
                    }
                    self.capabilities = Some(Arc::new(fresh));
                }
                // Without a first probe no collector knows which SQL to run.
                Err(e) if self.capabilities.is_none() => {
                    return Err(format!("capability probe failed: {e}"));
                }
                Err(e) => {
                    self.connects_seen = count;
                    tracing::warn!("re-probe failed: {e}");
                }
            }
        }
        self.capabilities
            .clone()
            .ok_or_else(|| "capability probe pending".to_string())
    }

    fn failed_snapshot(&self, error: String, started: Instant) -> Snapshot {
        let failed = SectionError::Failed(error);
        Snapshot {
            sequence: self.sequence,
            taken_at: SystemTime::now(),
            poll_duration: started.elapsed(),
            own_transactions: self.session.transactions(),
            capabilities: self.capabilities.clone(),
            server: Err(failed.clone()),
            activity: Err(failed.clone()),
            databases: Err(failed.clone()),
            statements: Err(failed.clone()),
            replication: ReplicationSnapshot::failed(&failed),
            progress: Err(failed.clone()),
            horizon: Err(failed.clone()),
            locks: self.locks_on.then_some(Err(failed)),
            pgbouncer: None,
            host: None,
            slow: self.slow.clone(),
        }
    }
}

/// A capped read's section, its cap noted in `caps` (and forgotten when the read failed).
fn uncap<T>(
    read: Section<Capped<T>>,
    caps: &mut std::collections::HashMap<CappedList, ListCap>,
    list: CappedList,
) -> Section<T> {
    match read {
        Ok(Capped { value, cap }) => {
            caps.insert(list, cap);
            Ok(value)
        }
        Err(error) => {
            caps.remove(&list);
            Err(error)
        }
    }
}

/// Missed ticks are skipped, not queued: a slow poll must not be followed by a burst.
fn new_ticker(every: Duration) -> tokio::time::Interval {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    ticker
}
