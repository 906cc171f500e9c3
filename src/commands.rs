//! What each command-line entry point does, between parsing and the modules doing the work.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{Cli, Command, ConnArgs, SchemaAction};
use crate::connect::{self, ConnectError, SessionSettings};
use crate::conninfo::{self, ConnParams, Password, PasswordSource};
use crate::doctor;
use crate::probe::Capabilities;
use crate::sanitize::sanitized;
use crate::session::{MonitorSession, SessionError};

/// `pgpulse snapshot`'s limits: reading every table's size may take a while on a big
/// database, but waiting behind one table's ACCESS EXCLUSIVE lock should not.
const SNAPSHOT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(600);
const SNAPSHOT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);
/// How long past the server's statement_timeout the client waits before giving up.
const CLIENT_GRACE: Duration = Duration::from_secs(30);

/// Runs the parsed command line; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    if cli.print_config {
        print!("{}", crate::config::default_config_text());
        return ExitCode::SUCCESS;
    }
    let result = match &cli.command {
        Some(Command::Doctor { conninfo }) => {
            run_doctor(&cli.conn, conninfo.clone().or(cli.conninfo.clone())).await
        }
        Some(Command::Schema {
            action: SchemaAction::Install { dry_run, conninfo },
        }) => {
            run_schema_install(
                &cli.conn,
                conninfo.clone().or(cli.conninfo.clone()),
                *dry_run,
            )
            .await
        }
        // `--read-only` promises that pgpulse writes nothing; a snapshot writes rows.
        Some(Command::Snapshot { .. }) if cli.read_only => Err(
            "--read-only was given and `pgpulse snapshot` writes to database_statistics_snapshot: \
             drop --read-only to take a snapshot"
                .into(),
        ),
        Some(Command::Snapshot { conninfo }) => {
            run_snapshot(&cli.conn, conninfo.clone().or(cli.conninfo.clone())).await
        }
        Some(Command::Demo(args)) => crate::demo::run(&cli, args).await,
        None => crate::tui::run(&cli).await,
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pgpulse: {}", sanitized(&message));
            ExitCode::FAILURE
        }
    }
}

async fn run_doctor(conn: &ConnArgs, conninfo: Option<String>) -> Result<ExitCode, String> {
    let (mut session, caps) = open_monitoring(conn, conninfo).await?;
    let target = session.params().display_target();
    let mut checks = doctor::checks(&caps);
    checks.extend(doctor::table_checks(&mut session, &caps.role).await?);
    print!("{}", doctor::render(&sanitized(&target), &checks));
    Ok(ExitCode::SUCCESS)
}

async fn run_schema_install(
    conn: &ConnArgs,
    conninfo: Option<String>,
    dry_run: bool,
) -> Result<ExitCode, String> {
    if dry_run {
        print!("{}", crate::schema::script());
        return Ok(ExitCode::SUCCESS);
    }
    let mut params = resolve_params(conn, conninfo)?;
    if conn.force_password_prompt && params.password.is_none() {
        params = with_prompted_password(params)?;
    }
    let outcome = match crate::schema::install(&params).await {
        Err(crate::schema::SchemaError::Connect(ConnectError::PasswordNeeded { .. }))
            if !conn.no_password && std::io::stdin().is_terminal() =>
        {
            crate::schema::install(&with_prompted_password(params.clone())?).await
        }
        other => other,
    };
    let report = outcome.map_err(|e| e.to_string())?;
    for index in report.built_concurrently {
        println!("index {index}: built CONCURRENTLY (its table already has rows)");
    }
    println!(
        "monitoring tables installed in {}",
        sanitized(&params.display_target())
    );
    Ok(ExitCode::SUCCESS)
}

/// `pgpulse snapshot`: one statistics snapshot on a writable session of its own, for
/// cron. Sizes wait for ACCESS SHARE on every table, so the lock timeout is short (a
/// VACUUM FULL makes the run fail fast instead of hanging), the statement timeout long.
async fn run_snapshot(conn: &ConnArgs, conninfo: Option<String>) -> Result<ExitCode, String> {
    let mut params = resolve_params(conn, conninfo)?;
    if conn.force_password_prompt && params.password.is_none() {
        params = with_prompted_password(params)?;
    }
    let settings = SessionSettings::actions(
        conn.application_name
            .as_deref()
            .unwrap_or("pgpulse snapshot"),
        SNAPSHOT_STATEMENT_TIMEOUT,
        SNAPSHOT_LOCK_TIMEOUT,
    );
    let connected = match connect::connect(&params, &settings, None).await {
        Err(ConnectError::PasswordNeeded { .. })
            if !conn.no_password && std::io::stdin().is_terminal() =>
        {
            params = with_prompted_password(params)?;
            connect::connect(&params, &settings, None).await
        }
        other => other,
    }
    .map_err(|e| e.to_string())?;
    // statement_timeout cannot end a wait on a frozen backend or a vanished peer: a cron
    // job must not hang forever, so the client gives up a little after the server would.
    let limit = SNAPSHOT_STATEMENT_TIMEOUT + CLIENT_GRACE;
    let work = crate::actions::statistics::take_snapshot(&connected.client);
    let rows = match tokio::time::timeout(limit, work).await {
        Ok(result) => result.map_err(|e| e.to_string())?,
        Err(_) => {
            connected.cancel_running_query().await;
            return Err(format!(
                "statistics snapshot failed: no answer from the server within {} s",
                limit.as_secs()
            ));
        }
    };
    println!(
        "snapshot: {rows} tables recorded in {}",
        sanitized(&params.display_target())
    );
    Ok(ExitCode::SUCCESS)
}

/// Resolves the target, connects the monitoring session (prompting once for a password
/// when the server asks and stdin is a terminal) and runs the capability probe.
pub async fn open_monitoring(
    conn: &ConnArgs,
    conninfo: Option<String>,
) -> Result<(MonitorSession, Capabilities), String> {
    let (mut session, connected) = connect_monitoring(conn, conninfo).await?;
    connected.map_err(|e| e.to_string())?;
    let caps = Capabilities::probe(&mut session)
        .await
        .map_err(|e| format!("capability probe failed: {e}"))?;
    Ok((session, caps))
}

/// How the live view starts.
pub enum LiveStart {
    /// Connected and probed.
    Ready(MonitorSession, Capabilities),
    /// The server is down, starting up, shutting down or full: the live view opens and
    /// waits for it (this failure was attempt 1).
    Waiting(MonitorSession, SessionError),
}

/// Like [`open_monitoring`], but a server that is only not there *yet* (connection
/// refused, timeout, starting up, shutting down, too many clients) is waited for instead
/// of being an error. Authentication, TLS and configuration errors are still errors.
pub async fn open_monitoring_or_wait(
    conn: &ConnArgs,
    conninfo: Option<String>,
) -> Result<LiveStart, String> {
    let (mut session, connected) = connect_monitoring(conn, conninfo).await?;
    if let Err(error) = connected {
        let worth_waiting = matches!(&error, SessionError::Connect(c) if c.wait_reason().is_some());
        if !worth_waiting {
            return Err(error.to_string());
        }
        tracing::warn!("connection attempt 1 failed: {error}; waiting for the server");
        return Ok(LiveStart::Waiting(session, error));
    }
    let caps = Capabilities::probe(&mut session)
        .await
        .map_err(|e| format!("capability probe failed: {e}"))?;
    Ok(LiveStart::Ready(session, caps))
}

/// Resolves the target and tries to connect the monitoring session once (prompting for
/// a password when the server asks and stdin is a terminal). Errors before any connection
/// attempt (the target, the prompt) are `Err`; the attempt's own outcome comes with the
/// session.
async fn connect_monitoring(
    conn: &ConnArgs,
    conninfo: Option<String>,
) -> Result<(MonitorSession, Result<(), SessionError>), String> {
    let params = resolve_params(conn, conninfo)?;
    let settings = monitoring_settings(conn);
    let deadline = MonitorSession::default_deadline(&settings);
    let mut params = params;
    if conn.force_password_prompt && params.password.is_none() {
        params = with_prompted_password(params)?;
    }
    let mut session = MonitorSession::new(params.clone(), settings.clone(), deadline);
    let outcome = match session.ensure_connected().await {
        Err(SessionError::Connect(ConnectError::PasswordNeeded { .. }))
            if !conn.no_password && std::io::stdin().is_terminal() =>
        {
            session = MonitorSession::new(with_prompted_password(params)?, settings, deadline);
            session.ensure_connected().await
        }
        other => other,
    };
    Ok((session, outcome))
}

/// The monitoring session's settings from the command line.
pub fn monitoring_settings(conn: &ConnArgs) -> SessionSettings {
    let mut settings = SessionSettings::monitoring(conn.application_name.as_deref());
    // Parsed within range from the command line; clamped again for other callers, since
    // 0 would switch the server's timeout off.
    let range = crate::cli::STATEMENT_TIMEOUT_MS_RANGE;
    let ms = conn
        .statement_timeout_ms
        .clamp(*range.start(), *range.end());
    settings.statement_timeout = Duration::from_millis(ms);
    settings
}

fn resolve_params(conn: &ConnArgs, conninfo: Option<String>) -> Result<ConnParams, String> {
    let params =
        conninfo::resolve_from_process(conn.flags(), conninfo).map_err(|e| e.to_string())?;
    for warning in &params.warnings {
        eprintln!("{}", sanitized(warning));
        tracing::warn!("{}", sanitized(warning));
    }
    Ok(params)
}

fn with_prompted_password(mut params: ConnParams) -> Result<ConnParams, String> {
    let prompt = format!("Password for user {}: ", sanitized(&params.user));
    let secret = rpassword::prompt_password(prompt)
        .map_err(|e| format!("could not read the password: {e}"))?;
    params.password = Some(Password::new(secret));
    params.password_source = Some(PasswordSource::Prompt);
    Ok(params)
}
