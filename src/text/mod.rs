//! Text helpers every layer may use: the sanitiser that every server-supplied string
//! passes before it is shown, numbers and durations as a DBA reads them, and UTC
//! timestamps as text.
//!
//! Layer rule: the bottom layer; imports no other layer of pgpulse.

pub mod format;
pub mod sanitize;
pub mod timefmt;
pub mod when;
