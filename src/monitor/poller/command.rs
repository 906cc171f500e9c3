//! What the UI asks of the poller.

use std::time::Duration;

use super::SlowGroup;
use crate::monitor::collector;
use crate::monitor::snapshot::CappedList;

/// Requests from the UI to the poller.
#[derive(Debug, Clone, PartialEq)]
pub enum PollerCommand {
    PollNow,
    /// Something changed on the server (an action ran): re-read the sources on view now.
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
    /// The UI now shows this group of governed sources (`None`: none of them): they
    /// are served first by the governor (and read now, if what we have is older than
    /// their desired interval); hidden ones are spaced out to at most
    /// [`governor::HIDDEN_MAX`].
    Watch(Option<SlowGroup>),
    /// The user asked to reconnect now: skip what is left of the backoff wait.
    Reconnect,
    /// The Activity screen's lock view is on (`true`) or off: `pg_locks` is read on the
    /// fast tier only while it is (and at once when it turns on).
    WatchLocks(bool),
    /// The Activity screen is on view (`true`) or not: each backend's CPU and memory
    /// (one `/proc` file per session, the dearest part of a poll with 1,000 sessions) is
    /// sampled only while its columns are on view.
    WatchBackends(bool),
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
