//! The actions, and the catalogue row of each action: config name, help text, help group,
//! where it is available and its default keys. One `match` holds the catalogue
//! so the compiler refuses an action without a row.

use crossterm::event::{KeyCode, KeyModifiers};

use super::key::KeyBinding;
use crate::tui::screen::Screen;

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Pause,
    /// Connect now instead of waiting for the next reconnect attempt.
    Reconnect,
    Faster,
    Slower,
    MessageLog,
    Screen(Screen),
    NextScreen,
    PrevScreen,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Back,
    Accept,
    Filter,
    SortNext,
    SortPrev,
    SortReverse,
    Detail,
    Mark,
    Copy,
    FocusNext,
    ToggleIdle,
    CycleActivityMode,
    /// The Activity screen's body: sessions or locks.
    ToggleLocks,
    ToggleCumulative,
    WindowShorter,
    WindowLonger,
    CancelBackend,
    TerminateBackend,
    Vacuum,
    Analyze,
    Reindex,
    Snapshot,
    ResetStatements,
    Explain,
    TerminateRootBlocker,
    DropInvalidIndex,
    /// End the selected holder of the xmin horizon (terminate, ROLLBACK PREPARED, drop
    /// slot), whichever it is.
    EndHolder,
    StopAction,
    Confirm,
    Deny,
    SwitchButton,
    HistoryBack,
    HistoryForward,
    HistoryMinuteBack,
    HistoryMinuteForward,
    HistoryJump,
    NextAlert,
}

/// Where an action is available. The global scopes also apply on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Everywhere, the filter prompt included (there only keys that cannot be typed count).
    Always,
    /// Globally, in the detail view and in help.
    Viewing,
    /// Globally and in the detail view.
    Browsing,
    /// Globally, on tables; not in the detail view.
    Table,
    /// In the filter prompt and in dialogs (Enter).
    Prompt,
    /// Only in a confirmation dialog.
    Dialog,
    /// Only on these screens.
    On(&'static [Screen]),
}

/// One catalogue row.
pub(super) struct Spec {
    pub name: &'static str,
    pub description: &'static str,
    pub group: &'static str,
    pub scope: Scope,
    pub keys: &'static [KeyBinding],
}

/// A `&'static` slice of keys: `const` forces the key constructors to run at compile time.
macro_rules! keys {
    ($($key:expr),+) => {
        const { &[$($key),+] as &[KeyBinding] }
    };
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const fn ch(c: char) -> KeyBinding {
    KeyBinding::new(KeyCode::Char(c), NONE)
}
const fn code(code: KeyCode) -> KeyBinding {
    KeyBinding::new(code, NONE)
}
const fn ctrl(c: char) -> KeyBinding {
    KeyBinding::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}
const fn shift(code: KeyCode) -> KeyBinding {
    KeyBinding::new(code, KeyModifiers::SHIFT)
}

const GENERAL: &str = "general";
const HISTORY: &str = "history";
const SCREENS: &str = "screens";
const NAVIGATION: &str = "navigation";
const TABLE: &str = "table";
const ACTIONS: &str = "actions";

const ACTIVITY: &[Screen] = &[Screen::Activity];
const QUERIES: &[Screen] = &[Screen::Queries];
/// Screens with more than one table (`f` moves between them).
const MULTI_TABLE: &[Screen] = &[
    Screen::Queries,
    Screen::Pool,
    Screen::Indexes,
    Screen::Maintenance,
    Screen::Replication,
];
/// Screens with a time window (`[`/`]`): latency percentiles, snapshot history, wait load.
const WINDOWED: &[Screen] = &[Screen::Queries, Screen::Cache, Screen::Waits];
const TABLES: &[Screen] = &[Screen::Maintenance, Screen::Cache, Screen::Indexes];
/// Where a session can be terminated: Activity, and the horizon panel on Maintenance.
const TERMINATE: &[Screen] = &[Screen::Activity, Screen::Maintenance];
const MAINTENANCE: &[Screen] = &[Screen::Maintenance];

impl Action {
    /// Every action, in help order.
    pub const ALL: [Action; 61] = [
        Action::Quit,
        Action::Help,
        Action::Pause,
        Action::Reconnect,
        Action::Faster,
        Action::Slower,
        Action::MessageLog,
        Action::Screen(Screen::Dashboard),
        Action::Screen(Screen::Activity),
        Action::Screen(Screen::Queries),
        Action::Screen(Screen::Cache),
        Action::Screen(Screen::Pool),
        Action::Screen(Screen::Indexes),
        Action::Screen(Screen::Maintenance),
        Action::Screen(Screen::Replication),
        Action::Screen(Screen::Waits),
        Action::NextScreen,
        Action::PrevScreen,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Back,
        Action::Accept,
        Action::Filter,
        Action::SortNext,
        Action::SortPrev,
        Action::SortReverse,
        Action::Detail,
        Action::Mark,
        Action::Copy,
        Action::FocusNext,
        Action::ToggleIdle,
        Action::CycleActivityMode,
        Action::ToggleLocks,
        Action::ToggleCumulative,
        Action::WindowShorter,
        Action::WindowLonger,
        Action::CancelBackend,
        Action::TerminateBackend,
        Action::Vacuum,
        Action::Analyze,
        Action::Reindex,
        Action::Snapshot,
        Action::ResetStatements,
        Action::Explain,
        Action::TerminateRootBlocker,
        Action::DropInvalidIndex,
        Action::EndHolder,
        Action::StopAction,
        Action::Confirm,
        Action::Deny,
        Action::SwitchButton,
        Action::HistoryBack,
        Action::HistoryForward,
        Action::HistoryMinuteBack,
        Action::HistoryMinuteForward,
        Action::HistoryJump,
        Action::NextAlert,
    ];

    /// The kebab-case name used for key overrides in the config file.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// One line for help.
    pub fn description(self) -> &'static str {
        self.spec().description
    }

    /// The help section: "general", "screens", "navigation", "history", "table" or
    /// "actions".
    pub fn group(self) -> &'static str {
        self.spec().group
    }

    /// The server action this key always opens, when the key alone says which (the
    /// standby check and help's "off" mark go by it).
    pub fn action_kind(self) -> Option<crate::actions::ActionKind> {
        use crate::actions::ActionKind;
        Some(match self {
            Action::CancelBackend => ActionKind::CancelBackend,
            Action::TerminateBackend | Action::TerminateRootBlocker => ActionKind::TerminateBackend,
            Action::Vacuum => ActionKind::VacuumAnalyze,
            Action::Analyze => ActionKind::Analyze,
            Action::Reindex => ActionKind::ReindexConcurrently,
            Action::DropInvalidIndex => ActionKind::DropInvalidIndex,
            Action::Snapshot => ActionKind::Snapshot,
            Action::ResetStatements => ActionKind::ResetStatements,
            Action::Explain => ActionKind::Explain,
            _ => return None,
        })
    }

    /// The action with this config name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    // One row per line reads as the table it is; rustfmt would spread each over eight.
    #[rustfmt::skip]
    pub(super) fn spec(self) -> Spec {
        use Scope::*;
        let spec = |name, group, scope, keys, description| Spec {
            name,
            description,
            group,
            scope,
            keys,
        };
        match self {
            Action::Quit => spec("quit", GENERAL, Always, keys![ch('q'), ctrl('c')], "Quit pgpulse"),
            Action::Help => spec("help", GENERAL, Viewing, keys![ch('?')], "Show or close this help"),
            Action::Pause => spec("pause", GENERAL, Browsing, keys![ch('p')], "Pause or resume polling"),
            Action::Reconnect => spec("reconnect", GENERAL, Table, keys![ctrl('r')], "Reconnect now instead of waiting"),
            Action::Faster => spec("faster", GENERAL, Browsing, keys![ch('+'), ch('=')], "Refresh more often (halve the interval)"),
            Action::Slower => spec("slower", GENERAL, Browsing, keys![ch('-')], "Refresh less often (double the interval)"),
            Action::MessageLog => spec("message-log", GENERAL, Browsing, keys![ch('L')], "Show recent messages and errors in full"),
            Action::Screen(screen) => screen_spec(screen),
            Action::NextScreen => spec("next-screen", SCREENS, Browsing, keys![code(KeyCode::Tab)], "Next screen"),
            Action::PrevScreen => spec("prev-screen", SCREENS, Browsing, keys![code(KeyCode::BackTab)], "Previous screen"),
            Action::Up => spec("up", NAVIGATION, Viewing, keys![ch('k'), code(KeyCode::Up)], "Move up one row"),
            Action::Down => spec("down", NAVIGATION, Viewing, keys![ch('j'), code(KeyCode::Down)], "Move down one row"),
            Action::PageUp => spec("page-up", NAVIGATION, Viewing, keys![code(KeyCode::PageUp), ctrl('b')], "Move up one page"),
            Action::PageDown => spec("page-down", NAVIGATION, Viewing, keys![code(KeyCode::PageDown), ctrl('f')], "Move down one page"),
            Action::Top => spec("top", NAVIGATION, Viewing, keys![ch('g'), code(KeyCode::Home)], "Go to the first row"),
            Action::Bottom => spec("bottom", NAVIGATION, Viewing, keys![ch('G'), code(KeyCode::End)], "Go to the last row"),
            Action::Back => spec("back", NAVIGATION, Always, keys![code(KeyCode::Esc)], "Close the view or dialog; clear the filter"),
            Action::Accept => spec("accept", NAVIGATION, Prompt, keys![code(KeyCode::Enter)], "Keep the filter; press the dialog's focused button"),
            Action::Filter => spec("filter", TABLE, Table, keys![ch('/')], "Filter the rows (Enter keeps, Esc clears)"),
            Action::SortNext => spec("sort-next", TABLE, Table, keys![ch('>')], "Sort by the next column"),
            Action::SortPrev => spec("sort-prev", TABLE, Table, keys![ch('<')], "Sort by the previous column"),
            Action::SortReverse => spec("sort-reverse", TABLE, Table, keys![ch('r')], "Reverse the sort order"),
            Action::Detail => spec("detail", TABLE, Browsing, keys![code(KeyCode::Enter)], "Open or close the selected row's detail view"),
            Action::Mark => spec("mark", TABLE, Table, keys![ch(' ')], "Mark or unmark the selected row"),
            Action::Copy => spec("copy", TABLE, Browsing, keys![ch('y')], "Copy the selected query or name (OSC 52)"),
            Action::FocusNext => spec("focus-next", TABLE, On(MULTI_TABLE), keys![ch('f')], "Move focus to the next table on the screen"),
            Action::ToggleIdle => spec("toggle-idle", TABLE, On(ACTIVITY), keys![ch('i')], "Hide or show idle sessions"),
            Action::CycleActivityMode => spec("cycle-activity-mode", TABLE, On(ACTIVITY), keys![ch('m')], "Show all, active, waiting sessions or the blocking tree"),
            Action::ToggleLocks => spec("toggle-locks", TABLE, On(ACTIVITY), keys![ch('l')], "Show the locks (waited-on first) or the sessions"),
            Action::ToggleCumulative => spec("toggle-cumulative", TABLE, On(QUERIES), keys![ch('t')], "Show interval or cumulative statistics"),
            Action::WindowShorter => spec("window-shorter", TABLE, On(WINDOWED), keys![ch('[')], "Shorten the time window (latency percentiles, snapshot history)"),
            Action::WindowLonger => spec("window-longer", TABLE, On(WINDOWED), keys![ch(']')], "Lengthen the time window (latency percentiles, snapshot history)"),
            Action::CancelBackend => spec("cancel-backend", ACTIONS, On(ACTIVITY), keys![ch('c')], "Cancel the selected session's query"),
            Action::TerminateBackend => spec("terminate-backend", ACTIONS, On(TERMINATE), keys![ch('K')], "Terminate the selected session"),
            Action::Vacuum => spec("vacuum", ACTIONS, On(TABLES), keys![ch('v')], "VACUUM (ANALYZE) the selected table"),
            Action::Analyze => spec("analyze", ACTIONS, On(TABLES), keys![ch('a')], "ANALYZE the selected table"),
            Action::Reindex => spec("reindex", ACTIONS, On(&[Screen::Indexes]), keys![ch('R')], "REINDEX the selected index concurrently"),
            Action::Snapshot => spec("snapshot", ACTIONS, Browsing, keys![ch('S')], "Take a statistics snapshot"),
            Action::ResetStatements => spec("reset-statements", ACTIONS, On(QUERIES), keys![ch('X')], "Reset pg_stat_statements"),
            Action::TerminateRootBlocker => spec("terminate-root-blocker", ACTIONS, On(ACTIVITY), keys![ch('B')], "Terminate the root blocker of the selected session's lock tree"),
            Action::DropInvalidIndex => spec("drop-invalid-index", ACTIONS, Browsing, keys![ch('D')], "DROP INDEX CONCURRENTLY an invalid index"),
            Action::EndHolder => spec("end-holder", ACTIONS, On(MAINTENANCE), keys![ch('E')], "End the selected xmin horizon holder: terminate, ROLLBACK PREPARED or drop slot"),
            Action::StopAction => spec("stop-action", ACTIONS, Browsing, keys![ch('x')], "Stop the running action (cancels its statement)"),
            Action::Confirm => spec("confirm", ACTIONS, Dialog, keys![ch('y')], "Dialog: yes, run it"),
            Action::Deny => spec("deny", ACTIONS, Dialog, keys![ch('n')], "Dialog: no, send nothing"),
            Action::SwitchButton => spec("switch-button", ACTIONS, Dialog, keys![code(KeyCode::Tab), code(KeyCode::Left), code(KeyCode::Right), ch('h'), ch('l')], "Dialog: move between Yes and No"),
            Action::HistoryBack => spec("history-back", HISTORY, Browsing, keys![code(KeyCode::Left)], "One poll back (enters history mode; Esc: back to live)"),
            Action::HistoryForward => spec("history-forward", HISTORY, Browsing, keys![code(KeyCode::Right)], "One poll forward (past the newest: live)"),
            Action::HistoryMinuteBack => spec("history-minute-back", HISTORY, Browsing, keys![shift(KeyCode::Left)], "One minute back"),
            Action::HistoryMinuteForward => spec("history-minute-forward", HISTORY, Browsing, keys![shift(KeyCode::Right)], "One minute forward"),
            Action::HistoryJump => spec("history-jump", HISTORY, Browsing, keys![ch('@')], "Go to a time: HH:MM[:SS] today, or RFC 3339"),
            Action::NextAlert => spec("next-alert", HISTORY, Browsing, keys![ch('n')], "The next moment an alert goes on (history mode, replay)"),
            Action::Explain => spec("explain", ACTIONS, On(&[Screen::Activity, Screen::Queries]), keys![ch('e')], "EXPLAIN the selected query (never ANALYZE)"),
        }
    }
}

fn screen_spec(screen: Screen) -> Spec {
    static DIGITS: [KeyBinding; 9] = [
        ch('1'),
        ch('2'),
        ch('3'),
        ch('4'),
        ch('5'),
        ch('6'),
        ch('7'),
        ch('8'),
        ch('9'),
    ];
    let (name, description) = match screen {
        Screen::Dashboard => (
            "screen-dashboard",
            "Dashboard: is the server healthy right now?",
        ),
        Screen::Activity => (
            "screen-activity",
            "Activity: what is running, waiting, blocking?",
        ),
        Screen::Queries => (
            "screen-queries",
            "Queries: which statements cost the most now?",
        ),
        Screen::Cache => ("screen-cache", "Cache: hit ratios and their history"),
        Screen::Pool => ("screen-pool", "Pool: connections against their limits"),
        Screen::Indexes => (
            "screen-indexes",
            "Indexes: unused, duplicate, invalid, missing",
        ),
        Screen::Maintenance => (
            "screen-maintenance",
            "Maintenance: dead tuples, vacuum, wraparound",
        ),
        Screen::Replication => (
            "screen-replication",
            "Replication & WAL: lag, slots, archiver, I/O",
        ),
        Screen::Waits => (
            "screen-waits",
            "Waits: active sessions by wait, statement, user, application",
        ),
    };
    let index = screen as usize;
    Spec {
        name,
        description,
        group: SCREENS,
        scope: Scope::Browsing,
        keys: &DIGITS[index..=index],
    }
}
