//! Application state and its one entry point, `App::update(Event) -> Vec<Effect>`.
//! No IO and no tokio in here: tests drive it by feeding events.

use std::time::{Duration, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::poller::{PollerCommand, Snapshot};

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Snapshot(Box<Snapshot>),
    /// The clock moved (ages and the STALE badge depend on it).
    Tick(SystemTime),
    Resize,
    /// SIGTERM / SIGHUP / SIGINT.
    Terminate,
}

/// Something the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Poller(PollerCommand),
}

/// Everything the screen shows.
#[derive(Debug)]
pub struct App {
    /// Password-free description of the target (`user@host:port/db`).
    pub target: String,
    pub refresh: Duration,
    pub now: SystemTime,
    pub latest: Option<Snapshot>,
    /// When the last *successful* poll was taken.
    pub last_success: Option<SystemTime>,
    pub last_error: Option<String>,
}

impl App {
    pub fn new(target: String, refresh: Duration, now: SystemTime) -> Self {
        Self {
            target,
            refresh,
            now,
            latest: None,
            last_success: None,
            last_error: None,
        }
    }

    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Snapshot(snapshot) => {
                match &snapshot.connections {
                    Ok(_) => {
                        self.last_success = Some(snapshot.taken_at);
                        self.last_error = None;
                    }
                    Err(e) => self.last_error = Some(e.clone()),
                }
                self.now = self.now.max(snapshot.taken_at);
                self.latest = Some(*snapshot);
                vec![]
            }
            Event::Tick(now) => {
                self.now = now;
                vec![]
            }
            Event::Resize => vec![],
            Event::Terminate => vec![Effect::Quit],
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        match (key.code, key.modifiers) {
            (KeyCode::Char('q'), _) | (KeyCode::Char('c'), KeyModifiers::CONTROL) => {
                vec![Effect::Quit]
            }
            _ => vec![],
        }
    }

    /// How old the newest good data is, when it is older than two refresh intervals or
    /// the last poll failed: the STALE badge.
    pub fn staleness(&self) -> Option<Duration> {
        let age = self
            .now
            .duration_since(self.last_success?)
            .unwrap_or_default();
        (self.last_error.is_some() || age > self.refresh * 2 + Duration::from_secs(1))
            .then_some(age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poller::ConnectionCounts;

    fn counts() -> ConnectionCounts {
        ConnectionCounts {
            total: 5,
            active: 1,
            idle: 4,
            idle_in_transaction: 0,
            waiting_on_lock: 0,
            unknown: 0,
            max_connections: 100,
            superuser_reserved: 3,
        }
    }

    fn snapshot(at: SystemTime, ok: bool) -> Event {
        Event::Snapshot(Box::new(Snapshot {
            sequence: 1,
            taken_at: at,
            capabilities: None,
            connections: if ok {
                Ok(counts())
            } else {
                Err("timeout".into())
            },
        }))
    }

    #[test]
    fn q_and_signals_quit() {
        let mut app = App::new("t".into(), Duration::from_secs(1), SystemTime::UNIX_EPOCH);
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(app.update(Event::Key(q)), vec![Effect::Quit]);
        assert_eq!(app.update(Event::Terminate), vec![Effect::Quit]);
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert!(app.update(Event::Key(x)).is_empty());
    }

    #[test]
    fn stale_after_a_failed_poll_and_when_late() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let mut app = App::new("t".into(), Duration::from_secs(1), t0);
        app.update(snapshot(t0, true));
        assert_eq!(app.staleness(), None);
        app.update(Event::Tick(t0 + Duration::from_secs(10)));
        assert_eq!(app.staleness(), Some(Duration::from_secs(10)));
        app.update(snapshot(t0 + Duration::from_secs(11), true));
        assert_eq!(app.staleness(), None);
        app.update(snapshot(t0 + Duration::from_secs(12), false));
        assert_eq!(app.staleness(), Some(Duration::from_secs(1)));
    }
}
