//! The live tests: pgpulse against real PostgreSQL servers, one module per subject, all
//! in this one test binary (one build, one link, one shared server).
//!
//! The binary shares one server, [`common::shared`], started on first use and removed
//! when the binary exits, however it exits; every test creates its own database on it.
//! `cargo test` runs the tests of a binary in parallel threads, so a test on the shared
//! server must neither change nor depend on what is server-wide:
//!
//! - no ALTER SYSTEM, reload, restart, stop, signal to the postmaster, statistics reset
//!   (`pg_stat_reset_shared`, `pg_stat_statements_reset`) or other server-wide change;
//! - role names are server-wide: each test uses names no other test uses;
//! - what it checks is its own: its database, its sessions (by pid), its statements
//!   (by database or role), never "the only session", "every lock wait", "the top
//!   statement" or other answers that another test's work changes.
//!
//! A test that needs any of that starts a private server with [`common::start_server`]
//! (removed when dropped), and says why in a comment.
//!
//! One module: `cargo test --test live -- explain::`. Another PostgreSQL major:
//! `PGPULSE_TEST_PGBIN=/usr/lib/postgresql/13/bin cargo test --test live -- all_sections::`.
//! The log file's test is a binary of its own (`tests/logging_live.rs`): the log
//! subscriber it installs is process-wide.

// Test code: a panic with the error is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod action_lanes;
mod actions;
mod actions_app;
mod alerts;
mod all_sections;
mod cache_indexes;
mod collectors;
mod connect;
mod dashboard;
mod demo;
mod demo_data;
mod detail;
mod doctor;
mod explain;
mod governor;
mod harness;
mod horizon;
mod host;
mod incident;
mod index_catalog;
mod latency;
mod maintenance;
mod maintenance_view;
mod oncall;
mod oncall_app;
mod outage;
mod pgbouncer;
mod poller;
mod pool;
mod pooler;
mod prompt;
mod provision;
mod pty;
mod record;
mod replication;
mod replication_screen;
mod report;
mod schema_install;
mod session;
mod snapshot;
mod startup;
mod waits;
