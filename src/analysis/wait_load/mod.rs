//! Wait-load history (active session history): every fast-tier poll's active sessions,
//! counted by what they wait on, by statement, user and application, for the last hour.
//! The Dashboard charts it and the Waits screen ranks who made it; it needs no query of
//! its own.

mod class;
mod interner;
mod store;
#[cfg(test)]
mod tests;

pub use class::{WaitClass, is_sampled};
pub use store::{Breakdown, Column, KEEP, Ranked, WaitLoad};
