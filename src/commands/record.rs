//! `pgpulse record`: the live view's connection and poller, headless, with every snapshot
//! appended to a recording until SIGINT or SIGTERM.
//!
//! The recorder has no screen, so the poller keeps its start-up view, the Dashboard: the
//! fast tier every refresh, the statements, latency and table totals at the slow
//! interval, the per-relation lists (cache, indexes, maintenance) at the governor's idle
//! interval, all within `[refresh] server_budget` like the TUI. `pg_locks` is not read
//! (the lock view is off): the blocking tree comes from the fast tier's
//! `pg_blocking_pids`.

use std::process::ExitCode;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};

use crate::commands::cli::RecordArgs;
use crate::monitor::collector::PgBouncerClient;
use crate::monitor::poller::{self, Poller, PollerConfig};
use crate::pg::open::{LiveStart, open_monitoring_or_wait};
use crate::recording::background::DROPPING;
use crate::recording::{BackgroundRecorder, Recorder, RecorderConfig, Sent, ServerIdentity};
use crate::text::sanitize::sanitized;
use crate::tui::setup;
use crate::tui::terminal::LiveOptions;

/// The exit status when a write failed (disk full, directory gone): sysexits' EX_IOERR,
/// so a supervisor can tell it from a connection error (1).
pub const WRITE_FAILED: u8 = 74;

/// Runs the recorder on `conninfo` (the positional one); returns when a signal stops it or
/// a write fails.
pub async fn run(
    live: &LiveOptions,
    conninfo: Option<String>,
    args: &RecordArgs,
) -> anyhow::Result<ExitCode> {
    let settings = setup::load_config(crate::settings::paths::config_dir().as_deref())?;
    let conninfo = setup::conninfo(&settings, live.target.as_deref(), conninfo)?;
    let poller_config =
        PollerConfig::from_settings(&settings.refresh, live.refresh, live.slow_refresh);
    let start = open_monitoring_or_wait(&live.conn, conninfo).await?;
    let session = match &start {
        LiveStart::Ready(session, _) | LiveStart::Waiting(session, _) => session,
    };
    // display_target never holds the password.
    let mut identity = ServerIdentity {
        target: sanitized(&session.params().display_target()),
        server_version: None,
    };
    let mut poller = match start {
        LiveStart::Ready(session, caps) => {
            identity.server_version = Some(sanitized(&caps.server_version));
            Poller::new(session, caps, poller_config)
        }
        LiveStart::Waiting(session, error) => Poller::waiting(session, poller_config, &error),
    };
    if let Some(bouncer) = &settings.pgbouncer {
        let client = PgBouncerClient::from_conninfo(&bouncer.conninfo)
            .map_err(|e| anyhow::anyhow!("[pgbouncer] conninfo: {e}"))?;
        poller = poller.with_pgbouncer(client);
    }
    let mut config = RecorderConfig::new(args.dir.clone());
    config.max_size = args.max_size;
    config.keep = args.keep;
    // A keyframe about every five minutes, whatever the refresh.
    config.keyframe_every = keyframe_every(poller_config.fast);
    // Written on its own thread: a slow disk must not delay the poller on this runtime.
    let mut recorder = BackgroundRecorder::start(Recorder::open(config, identity.clone())?)?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let (snapshots, _commands) = poller::spawn_poller(poller);
    tracing::info!(
        dir = %args.dir.display(),
        target = %identity.target,
        "recording started"
    );
    eprintln!(
        "pgpulse: recording {} into {}",
        identity.target,
        args.dir.display()
    );
    let mut recorded: u64 = 0;
    loop {
        tokio::select! {
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
            _ = hangup.recv() => break,
            error = recorder.failed() => {
                // One line, and the recorder stops: nothing of this touches the server.
                stopped(&error.to_string());
                return Ok(ExitCode::from(WRITE_FAILED));
            }
            changed = snapshots.changed() => {
                if changed.is_err() {
                    tracing::error!("recording: the poller stopped");
                    break;
                }
                let Some(snapshot) = snapshots.take() else { continue };
                if identity.server_version.is_none()
                    && let Some(caps) = &snapshot.capabilities
                {
                    identity.server_version = Some(sanitized(&caps.server_version));
                    recorder.set_identity(identity.clone());
                }
                match recorder.send(snapshot) {
                    Sent::Queued => recorded += 1,
                    Sent::Dropped { first: true } => {
                        let line = DROPPING;
                        tracing::warn!("{line}");
                        eprintln!("pgpulse: {line}");
                    }
                    // `failed` has the error: the next turn of the loop reports it.
                    Sent::Dropped { first: false } | Sent::Stopped => {}
                }
            }
        }
    }
    let dropped = recorder.dropped();
    let closed = tokio::task::spawn_blocking(move || recorder.close()).await?;
    match closed {
        Err(error) => {
            stopped(&error.to_string());
            return Ok(ExitCode::from(WRITE_FAILED));
        }
        Ok(closed) if !closed.finished => {
            let line = format!(
                "recording: the disk did not finish writing in {} s; the last snapshots may be missing",
                crate::recording::background::CLOSE_WAIT.as_secs()
            );
            tracing::error!("{line}");
            eprintln!("pgpulse: {line}");
        }
        Ok(_) => {}
    }
    tracing::info!(snapshots = recorded, dropped, "recording stopped");
    eprintln!(
        "pgpulse: recording stopped after {recorded} snapshots{}",
        dropped_note(dropped)
    );
    Ok(ExitCode::SUCCESS)
}

/// " (3 dropped: the disk did not keep up)", or nothing.
fn dropped_note(dropped: u64) -> String {
    if dropped == 0 {
        String::new()
    } else {
        format!(" ({dropped} dropped: the disk did not keep up)")
    }
}

/// The one line a failed write gets.
fn stopped(error: &str) {
    let line = format!("recording stopped: {error}");
    tracing::error!("{line}");
    eprintln!("pgpulse: {}", sanitized(&line));
}

/// Records between keyframes: about five minutes' worth, at least one. A keyframe of a
/// 1,500-table database is ~130 KB compressed against ~1.8 KB for a delta: one a minute
/// alone would be 7.5 MiB/hour of the 10 MiB budget (`reencode_a_recording_for_the_budget`).
/// Reading from a time decodes at most this many records first.
fn keyframe_every(refresh: Duration) -> u32 {
    let records = KEYFRAME_SPACING.as_secs_f64() / refresh.as_secs_f64().max(0.001);
    (records.round() as u32).max(1)
}

const KEYFRAME_SPACING: Duration = Duration::from_secs(300);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyframe_comes_about_every_five_minutes() {
        assert_eq!(keyframe_every(Duration::from_secs(1)), 300);
        assert_eq!(keyframe_every(Duration::from_millis(500)), 600);
        assert_eq!(keyframe_every(Duration::from_secs(60)), 5);
        assert_eq!(keyframe_every(Duration::from_secs(3600)), 1);
    }
}
