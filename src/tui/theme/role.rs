//! The semantic roles: what a piece of the screen *means*. Declared once, with their
//! kebab-case names in theme files and their descriptions.

use crate::analysis::metrics::Level;
use ratatui::style::{Color, Style};

/// Declares the roles once, so the enum, the kebab-case file names and the descriptions
/// (taken from the doc comments) cannot drift apart.
macro_rules! roles {
    ($( #[doc = $doc:literal] $variant:ident => $name:literal, )+) => {
        /// What a piece of the screen *means*; the theme decides how it looks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Role {
            $( #[doc = $doc] $variant, )+
        }

        impl Role {
            /// How many roles there are.
            pub const COUNT: usize = [$($name),+].len();
            /// Every role, in the order theme files list them.
            pub const ALL: [Role; Role::COUNT] = [$(Role::$variant),+];

            /// The kebab-case name used in theme files.
            pub fn name(self) -> &'static str {
                match self { $(Role::$variant => $name,)+ }
            }

            /// Where the role is used (its doc comment), for generated theme documentation.
            pub fn description(self) -> &'static str {
                match self { $(Role::$variant => $doc.trim(),)+ }
            }
        }
    };
}

roles! {
    /// Ordinary text: table cells, values, the help text.
    Text => "text",
    /// Secondary text: units, labels, idle sessions, "n/a", timestamps.
    Muted => "muted",
    /// A value inside its healthy threshold.
    Ok => "ok",
    /// A value past its warning threshold.
    Warn => "warn",
    /// A value past its critical threshold.
    Crit => "crit",
    /// Borders of panels that do not have focus.
    Border => "border",
    /// The border of the focused panel.
    BorderFocused => "border-focused",
    /// Panel titles and the application name in the header.
    Title => "title",
    /// Table column headers.
    Header => "header",
    /// The selected (cursor) row of a table.
    Selected => "selected",
    /// Rows marked with Space for a bulk action.
    Marked => "marked",
    /// The tab of the current screen in the tab bar.
    TabActive => "tab-active",
    /// The tabs of the other screens.
    TabInactive => "tab-inactive",
    /// The filled part of gauges (connections, pool utilisation, progress).
    Gauge => "gauge",
    /// The empty part of gauges.
    GaugeEmpty => "gauge-empty",
    /// The first series of a chart (e.g. mean latency, database hit ratio).
    Chart1 => "chart-1",
    /// The second series of a chart (e.g. p95 latency).
    Chart2 => "chart-2",
    /// The third series of a chart (e.g. p99 latency).
    Chart3 => "chart-3",
    /// Dialog boxes: confirmations, the detail popup, the help screen.
    Dialog => "dialog",
    /// Destructive buttons and labels (terminate, reset statistics).
    Danger => "danger",
    /// The STALE badge shown when the last poll failed or is late.
    BadgeStale => "badge-stale",
    /// The alert counter badge in the header.
    BadgeAlert => "badge-alert",
    /// The status line at the bottom (action results, messages).
    StatusLine => "status-line",
    /// Key names in the status line and in help ("q", "Enter").
    KeyHint => "key-hint",
    /// The filter prompt and the active filter text.
    Filter => "filter",
    /// Wait-load charts: sessions on CPU (active, no wait event).
    WaitCpu => "wait-cpu",
    /// Wait-load charts: sessions waiting on I/O.
    WaitIo => "wait-io",
    /// Wait-load charts: sessions waiting on a heavyweight lock.
    WaitLock => "wait-lock",
    /// Wait-load charts: sessions waiting on a lightweight lock (LWLock) or buffer pin.
    WaitLwlock => "wait-lwlock",
    /// Wait-load charts: sessions waiting on another process (IPC).
    WaitIpc => "wait-ipc",
    /// Wait-load charts: sessions waiting on their client.
    WaitClient => "wait-client",
    /// Wait-load charts: timeouts, extensions and other waits.
    WaitOther => "wait-other",
}

impl Role {
    /// A threshold level as the role that colours it.
    pub fn of_level(level: Level) -> Role {
        match level {
            Level::Ok => Role::Ok,
            Level::Warn => Role::Warn,
            Level::Crit => Role::Crit,
        }
    }

    /// The style of a role added after themes were first published (the wait-load
    /// colours), used when a theme file does not define it: a user's theme written for
    /// an older pgpulse keeps loading. `None` for the roles every theme must define.
    pub fn added_later_default(self) -> Option<Style> {
        let fg = |colour| Some(Style::new().fg(colour));
        match self {
            Role::WaitCpu => fg(Color::Green),
            Role::WaitIo => fg(Color::Blue),
            Role::WaitLock => fg(Color::LightRed),
            Role::WaitLwlock => fg(Color::Magenta),
            Role::WaitIpc => fg(Color::Yellow),
            Role::WaitClient => fg(Color::Cyan),
            Role::WaitOther => fg(Color::DarkGray),
            _ => None,
        }
    }

    /// The role with this kebab-case name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }
}
