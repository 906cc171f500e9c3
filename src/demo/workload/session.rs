//! Connections for the workload's tasks: opened with the demo application's settings,
//! retried with backoff, and given up promptly when the workload stops.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

use crate::pg::connect::{self, Connected, SessionSettings};

use super::context::Context;

/// The first wait after a failed connection or a broken one; doubled up to the cap.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The application's session settings: long enough for the slow report and the lock
/// chain's waits, short enough that nothing the demo starts can hang on for long.
pub(super) fn settings(application_name: &str) -> SessionSettings {
    SessionSettings {
        application_name: application_name.to_string(),
        statement_timeout: Duration::from_secs(30),
        lock_timeout: Duration::from_secs(20),
        idle_in_transaction_session_timeout: Duration::from_secs(60),
        read_only: false,
    }
}

/// `settings` as SET statements (a pooler's `connect_query`).
pub(super) fn settings_sql(settings: &SessionSettings) -> String {
    format!(
        "SET statement_timeout = {}; SET lock_timeout = {}; \
         SET idle_in_transaction_session_timeout = {}; SET default_transaction_read_only = {}",
        settings.statement_timeout.as_millis(),
        settings.lock_timeout.as_millis(),
        settings.idle_in_transaction_session_timeout.as_millis(),
        if settings.read_only { "on" } else { "off" },
    )
}

/// Connects as `application_name`, retrying with backoff (each failure counted as an
/// error) until it works; `None` once the workload stops.
pub(super) async fn connect(ctx: &mut Context, application_name: &str) -> Option<Connected> {
    let settings = settings(application_name);
    let mut backoff = FIRST_BACKOFF;
    loop {
        let attempt = tokio::select! {
            attempt = connect::connect(&ctx.params, &settings, None) => attempt,
            () = stopped(&mut ctx.stop) => return None,
        };
        match attempt {
            Ok(connected) => return Some(connected),
            Err(error) => {
                ctx.shared.error(application_name, error.to_string());
                if !pause(&mut ctx.stop, backoff).await {
                    return None;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Waits `how_long` unless the workload stops first; `false` when it stopped.
pub(super) async fn pause(stop: &mut watch::Receiver<bool>, how_long: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(how_long) => true,
        () = stopped(stop) => false,
    }
}

/// Resolves once the workload is told to stop, or its handle is gone.
pub(super) async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An Err means the sender was dropped: nobody can stop us any more, so stop now.
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Runs `work` on `connected` unless the workload stops first. Then the statement is
/// cancelled on the server (bounded), because dropping the future alone would leave a
/// sleeping or lock-waiting backend running after the client has gone, and its answer
/// awaited briefly, so the connection closes with nothing in flight; `None`.
pub(super) async fn unless_stopped<T>(
    connected: &Connected,
    stop: &mut watch::Receiver<bool>,
    work: impl Future<Output = T>,
) -> Option<T> {
    tokio::pin!(work);
    tokio::select! {
        outcome = &mut work => return Some(outcome),
        () = stopped(stop) => {}
    }
    connected.cancel_running_query().await;
    let _ = tokio::time::timeout(CANCEL_SETTLE, &mut work).await;
    None
}

/// How long a cancelled statement's answer is awaited.
const CANCEL_SETTLE: Duration = Duration::from_millis(500);

/// The bound on [`close`]'s last round trip.
const CLOSE_LIMIT: Duration = Duration::from_secs(1);

/// Closes connections quietly, together: one more round trip on each first, so that
/// nothing the server sent (the ReadyForQuery after an `execute`, a cancelled
/// statement's error) is still unread when the socket closes. Unread data makes the close
/// a reset, which the server logs as "could not send data to client".
pub(super) async fn close(connections: Vec<Connected>) {
    let drained = connections
        .iter()
        .map(|connected| tokio::time::timeout(CLOSE_LIMIT, connected.client.batch_execute("")));
    let _ = futures_util::future::join_all(drained).await;
}
