//! The screens of the live view, in tab order. Which slow sources a screen shows is said
//! here too, in the monitor's words ([`SlowGroup`]), so the poller reads them while the
//! screen is on view without knowing what a screen is.

use crate::monitor::poller::SlowGroup;

/// The screens, in tab order; digits 1–9 select them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Screen {
    Dashboard,
    Activity,
    Queries,
    Cache,
    Pool,
    Indexes,
    Maintenance,
    Replication,
    Waits,
}

impl Screen {
    /// Every screen, in tab order.
    pub const ALL: [Screen; 9] = [
        Screen::Dashboard,
        Screen::Activity,
        Screen::Queries,
        Screen::Cache,
        Screen::Pool,
        Screen::Indexes,
        Screen::Maintenance,
        Screen::Replication,
        Screen::Waits,
    ];

    /// The name shown in the tab bar and the panel title.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Dashboard => "Dashboard",
            Screen::Activity => "Activity",
            Screen::Queries => "Queries",
            Screen::Cache => "Cache",
            Screen::Pool => "Pool",
            Screen::Indexes => "Indexes",
            Screen::Maintenance => "Maintenance",
            Screen::Replication => "Replication & WAL",
            Screen::Waits => "Waits",
        }
    }

    /// The screen's number, 1–9 (its default key).
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The screen numbered `number` (1–9).
    pub fn from_number(number: u8) -> Option<Screen> {
        Screen::ALL
            .get(usize::from(number).checked_sub(1)?)
            .copied()
    }
}

impl Screen {
    /// The governed sources this screen shows, if it shows any.
    pub fn slow_group(self) -> Option<SlowGroup> {
        match self {
            Screen::Dashboard => Some(SlowGroup::Dashboard),
            Screen::Queries => Some(SlowGroup::Queries),
            Screen::Cache => Some(SlowGroup::Cache),
            Screen::Indexes => Some(SlowGroup::Indexes),
            Screen::Maintenance => Some(SlowGroup::Maintenance),
            // Replication is read every poll: lag is watched second by second. Waits are
            // the fast tier's own activity rows.
            Screen::Activity | Screen::Pool | Screen::Replication | Screen::Waits => None,
        }
    }
}
