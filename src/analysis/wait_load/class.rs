//! What a sampled session is doing, in the classes a wait-load chart stacks: on CPU (running
//! with no wait event) or waiting, by `wait_event_type`; and which sessions are sampled at
//! all.

use crate::monitor::snapshot::{BackendType, Session, SessionState, WaitEventType};

/// One band of the wait-load chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaitClass {
    /// Active with no wait event: running (or runnable) on a CPU.
    Cpu,
    Lock,
    LWLock,
    IO,
    IPC,
    BufferPin,
    Client,
    Timeout,
    Activity,
    Extension,
    /// A type a newer server added, or an injection point.
    Other,
}

impl WaitClass {
    /// How many classes there are.
    pub const COUNT: usize = 11;

    /// Every class, in the order the chart stacks them (CPU at the bottom: it is the work
    /// the server is meant to do; the waits above it are what to explain).
    pub const ALL: [WaitClass; WaitClass::COUNT] = [
        WaitClass::Cpu,
        WaitClass::IO,
        WaitClass::Lock,
        WaitClass::LWLock,
        WaitClass::IPC,
        WaitClass::BufferPin,
        WaitClass::Client,
        WaitClass::Timeout,
        WaitClass::Activity,
        WaitClass::Extension,
        WaitClass::Other,
    ];

    /// The class's slot in per-class arrays (its place in [`WaitClass::ALL`]).
    pub fn index(self) -> usize {
        match self {
            WaitClass::Cpu => 0,
            WaitClass::IO => 1,
            WaitClass::Lock => 2,
            WaitClass::LWLock => 3,
            WaitClass::IPC => 4,
            WaitClass::BufferPin => 5,
            WaitClass::Client => 6,
            WaitClass::Timeout => 7,
            WaitClass::Activity => 8,
            WaitClass::Extension => 9,
            WaitClass::Other => 10,
        }
    }

    /// The label in legends and tables: the server's `wait_event_type`, or `CPU`.
    pub fn label(self) -> &'static str {
        match self {
            WaitClass::Cpu => "CPU",
            WaitClass::Lock => "Lock",
            WaitClass::LWLock => "LWLock",
            WaitClass::IO => "IO",
            WaitClass::IPC => "IPC",
            WaitClass::BufferPin => "BufferPin",
            WaitClass::Client => "Client",
            WaitClass::Timeout => "Timeout",
            WaitClass::Activity => "Activity",
            WaitClass::Extension => "Extension",
            WaitClass::Other => "Other",
        }
    }

    /// The class of a wait event type (`None`: no wait, on CPU).
    pub fn of_wait(wait: Option<&WaitEventType>) -> WaitClass {
        match wait {
            None => WaitClass::Cpu,
            Some(WaitEventType::Lock) => WaitClass::Lock,
            Some(WaitEventType::LWLock) => WaitClass::LWLock,
            Some(WaitEventType::IO) => WaitClass::IO,
            Some(WaitEventType::IPC) => WaitClass::IPC,
            Some(WaitEventType::BufferPin) => WaitClass::BufferPin,
            Some(WaitEventType::Client) => WaitClass::Client,
            Some(WaitEventType::Timeout) => WaitClass::Timeout,
            Some(WaitEventType::Activity) => WaitClass::Activity,
            Some(WaitEventType::Extension) => WaitClass::Extension,
            Some(WaitEventType::InjectionPoint | WaitEventType::Other(_)) => WaitClass::Other,
        }
    }
}

/// Whether a session counts towards the database's load: it is running a statement (state
/// `active` or a fast-path call) and it does work for someone — a client backend, a
/// parallel worker, an autovacuum worker, a logical replication apply worker or an
/// extension's background worker. The server's housekeeping processes and the WAL
/// senders and receivers are left out: they are always "active" in their main loop, and
/// counting them would show load on an idle server. Sessions the role may not see have no
/// state and are not counted (the chart cannot say what they wait on).
pub fn is_sampled(session: &Session) -> bool {
    let running = matches!(
        session.state,
        Some(SessionState::Active | SessionState::FastpathFunctionCall)
    );
    let does_work = match &session.backend_type {
        BackendType::ClientBackend
        | BackendType::ParallelWorker
        | BackendType::AutovacuumWorker
        | BackendType::LogicalReplicationWorker
        | BackendType::Other(_) => true,
        BackendType::Walsender | BackendType::Walreceiver | BackendType::Unknown => false,
        housekeeping => !housekeeping.is_housekeeping(),
    };
    running && does_work
}
