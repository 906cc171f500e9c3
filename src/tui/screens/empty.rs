//! Why a panel has nothing to show, worded the same way on every screen: what is missing,
//! because of what, and the fix when there is one. A panel never says "no sessions" when
//! the truth is "not read yet" or "could not be read".

use crate::monitor::snapshot::{Section, SectionError};
use crate::tui::keymap::{Action, Keymap};

/// Why a panel is empty.
#[derive(Debug, Clone, PartialEq)]
pub enum Empty<'a> {
    /// No poll has answered yet.
    FirstPoll,
    /// The slow tier has not run yet.
    FirstSlowPoll,
    /// The monitoring connection is down.
    NoConnection(&'a SectionError),
    /// `source` could not be read this time.
    CouldNotRead {
        source: &'a str,
        error: &'a SectionError,
    },
    /// The section's own words (`reason (fix: Z)`).
    Section(&'a SectionError),
    /// The section's words with the fix on a line of its own, where the panel is tall.
    SectionWithFix(&'a SectionError),
    /// The filter hides every row of `what` (`session`, `table`...).
    Filtered { what: &'a str },
    /// Read, and there is nothing: why that can be.
    Nothing(String),
}

impl Empty<'_> {
    /// The message, naming the keys the keymap has (`Esc clears it`).
    pub fn message(&self, keymap: &Keymap) -> String {
        match self {
            Empty::FirstPoll => "waiting for the first poll…".into(),
            Empty::FirstSlowPoll => "waiting for the first slow-tier poll…".into(),
            Empty::NoConnection(error) => format!("no connection: {error}"),
            Empty::CouldNotRead { source, error } => format!("{source} could not be read: {error}"),
            Empty::Section(error) => error.to_string(),
            Empty::SectionWithFix(SectionError::Unavailable {
                reason,
                fix: Some(fix),
            }) => format!("{reason}\nfix: {fix}"),
            Empty::SectionWithFix(error) => error.to_string(),
            Empty::Filtered { what } => no_match(what, keymap),
            Empty::Nothing(why) => why.clone(),
        }
    }
}

/// `no session matches the filter (Esc clears it)`, naming the key that clears it.
pub fn no_match(what: &str, keymap: &Keymap) -> String {
    match keymap.hint(Action::Back, "clears it") {
        Some(hint) => format!("no {what} matches the filter ({hint})"),
        None => format!("no {what} matches the filter"),
    }
}

/// Why a table over one section is empty: not polled yet, not read, filtered out, or
/// nothing there (`nothing`). `section` is `None` before the first (slow) poll.
pub fn of_section<'a, T>(
    section: Option<&'a Section<T>>,
    slow: bool,
    filtered: Option<&'a str>,
    nothing: impl FnOnce() -> String,
) -> Empty<'a> {
    match section {
        None if slow => Empty::FirstSlowPoll,
        None => Empty::FirstPoll,
        Some(Err(error)) => Empty::Section(error),
        Some(Ok(_)) => match filtered {
            Some(what) => Empty::Filtered { what },
            None => Empty::Nothing(nothing()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_as_its_panel_said_it() {
        let keymap = Keymap::default();
        let failed = SectionError::Failed("timeout".into());
        let missing = SectionError::Unavailable {
            reason: "pg_stat_statements is not installed".into(),
            fix: Some("CREATE EXTENSION pg_stat_statements;".into()),
        };
        for (empty, expected) in [
            (Empty::FirstPoll, "waiting for the first poll…"),
            (
                Empty::FirstSlowPoll,
                "waiting for the first slow-tier poll…",
            ),
            (Empty::NoConnection(&failed), "no connection: timeout"),
            (
                Empty::CouldNotRead {
                    source: "pg_stat_activity",
                    error: &failed,
                },
                "pg_stat_activity could not be read: timeout",
            ),
            (
                Empty::Section(&missing),
                "pg_stat_statements is not installed (fix: CREATE EXTENSION pg_stat_statements;)",
            ),
            (
                Empty::SectionWithFix(&missing),
                "pg_stat_statements is not installed\nfix: CREATE EXTENSION pg_stat_statements;",
            ),
            (
                Empty::Filtered { what: "session" },
                "no session matches the filter (Esc clears it)",
            ),
        ] {
            assert_eq!(empty.message(&keymap), expected);
        }
    }
}
