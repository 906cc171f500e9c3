//! The message log: every status message and poll error of this session, whole. The
//! status line has one line for the newest; a long one (an action's error, the name of
//! the invalid index a failed REINDEX left) is cut there, and read in full here.

use std::collections::VecDeque;
use std::time::SystemTime;

/// Messages kept; older ones are dropped.
pub const MESSAGES_KEPT: usize = 200;

/// One message as it was shown.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedMessage {
    pub at: SystemTime,
    pub text: String,
    pub is_error: bool,
    /// How many times in a row it was shown (a failing poll repeats its error).
    pub repeated: u32,
}

/// The newest [`MESSAGES_KEPT`] messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageLog {
    entries: VecDeque<LoggedMessage>,
}

impl MessageLog {
    /// Adds a message; the same text again right after counts as a repeat.
    pub fn push(&mut self, at: SystemTime, text: &str, is_error: bool) {
        if let Some(last) = self.entries.back_mut()
            && last.text == text
            && last.is_error == is_error
        {
            last.repeated += 1;
            last.at = at;
            return;
        }
        if self.entries.len() == MESSAGES_KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back(LoggedMessage {
            at,
            text: text.to_string(),
            is_error,
            repeated: 1,
        });
    }

    /// Oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LoggedMessage> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_counted_and_the_oldest_go_first() {
        let mut log = MessageLog::default();
        let t = SystemTime::UNIX_EPOCH;
        log.push(t, "no answer within 3s", true);
        log.push(t, "no answer within 3s", true);
        log.push(t, "resumed", false);
        assert_eq!(log.len(), 2);
        assert_eq!(log.entries().next().map(|m| m.repeated), Some(2));
        for i in 0..MESSAGES_KEPT {
            log.push(t, &format!("message {i}"), false);
        }
        assert_eq!(log.len(), MESSAGES_KEPT);
        assert_eq!(
            log.entries().next().map(|m| m.text.as_str()),
            Some("message 0")
        );
    }
}
