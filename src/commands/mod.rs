//! The command line and what each of its entry points does: the live view, `doctor`,
//! `schema install`, `snapshot`, `demo`, `record`, `recording info`, `completions` and `man`.
//!
//! Layer rule: the top layer; may import every other layer.

pub mod cli;
mod dispatch;
pub mod doctor;
pub mod record;
pub mod recording_info;
pub mod report;

pub use dispatch::run;
