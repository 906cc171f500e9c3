//! What each command-line entry point does, between parsing and the modules doing the work.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use crate::commands::cli::{Cli, Command, RecordingAction, SchemaAction};
use crate::commands::doctor;
use crate::pg::connect::{self, ConnectError, SessionSettings};
use crate::pg::open::{ConnectOptions, open_monitoring, resolve_params, with_prompted_password};
use crate::text::sanitize::sanitized;

/// `pgpulse snapshot`'s limits: reading every table's size may take a while on a big
/// database, but waiting behind one table's ACCESS EXCLUSIVE lock should not.
const SNAPSHOT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(600);
const SNAPSHOT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);
/// How long past the server's statement_timeout the client waits before giving up.
const CLIENT_GRACE: Duration = Duration::from_secs(30);

/// Runs the parsed command line; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    if cli.print_config {
        print!("{}", crate::settings::config::default_config_text());
        return ExitCode::SUCCESS;
    }
    let conn = cli.conn.options();
    // A subcommand's own positional conninfo wins over one given before the subcommand.
    let positional = |own: &Option<String>| own.clone().or_else(|| cli.conninfo.clone());
    let result = match &cli.command {
        Some(Command::Doctor { conninfo }) => run_doctor(&conn, positional(conninfo)).await,
        Some(Command::Schema {
            action: SchemaAction::Install { dry_run, conninfo },
        }) => run_schema_install(&conn, positional(conninfo), *dry_run).await,
        // `--read-only` promises that pgpulse writes nothing; a snapshot writes rows.
        Some(Command::Snapshot { .. }) if cli.read_only => Err(anyhow::anyhow!(
            "--read-only was given and `pgpulse snapshot` writes to database_statistics_snapshot: \
             drop --read-only to take a snapshot"
        )),
        Some(Command::Snapshot { conninfo }) => run_snapshot(&conn, positional(conninfo)).await,
        Some(Command::Record(args)) => {
            crate::commands::record::run(&cli.live_options(), positional(&args.conninfo), args)
                .await
        }
        Some(Command::Recording {
            action: RecordingAction::Info { path },
        }) => crate::commands::recording_info::run(path),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "pgpulse", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command)
                .render(&mut std::io::stdout())
                .map(|()| ExitCode::SUCCESS)
                .map_err(anyhow::Error::from)
        }
        Some(Command::Replay { path, at }) => {
            crate::tui::replay::run(&crate::tui::replay::ReplayOptions {
                path,
                at: *at,
                theme: cli.theme.as_deref(),
            })
            .await
        }
        Some(Command::Report(args)) => {
            crate::commands::report::run(&cli.live_options(), positional(&args.conninfo), args)
                .await
        }
        Some(Command::Demo(args)) => crate::demo::run(&cli.live_options(), &args.options()).await,
        None => crate::tui::terminal::run(&cli.live_options()).await,
    };
    match result {
        Ok(code) => code,
        // The binary's edge: whatever went wrong is one line on stderr.
        Err(error) => {
            eprintln!("pgpulse: {}", sanitized(&error.to_string()));
            ExitCode::FAILURE
        }
    }
}

async fn run_doctor(conn: &ConnectOptions, conninfo: Option<String>) -> anyhow::Result<ExitCode> {
    let (mut session, caps) = open_monitoring(conn, conninfo).await?;
    let target = session.params().display_target();
    let mut checks = doctor::checks(&caps);
    checks.extend(
        doctor::tables::table_checks(&mut session, &caps.role)
            .await
            .map_err(anyhow::Error::msg)?,
    );
    // The budget and tiers the live view would use (the defaults when the file is bad:
    // the live view says what is wrong with it).
    let refresh = crate::tui::setup::load_config(crate::settings::paths::config_dir().as_deref())
        .map(|config| config.refresh)
        .unwrap_or_default();
    let config = crate::monitor::poller::PollerConfig::from_settings(&refresh, None, None);
    let latency_index_missing = checks.iter().any(|check| {
        check.fix.as_deref().is_some_and(|fix| {
            fix.starts_with("CREATE INDEX CONCURRENTLY query_performance_log_executed_at_idx")
        })
    });
    checks
        .extend(doctor::budget::budget_checks(session, caps, config, latency_index_missing).await);
    print!("{}", doctor::render(&sanitized(&target), &checks));
    Ok(ExitCode::SUCCESS)
}

async fn run_schema_install(
    conn: &ConnectOptions,
    conninfo: Option<String>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    if dry_run {
        print!("{}", crate::pg::schema::script());
        return Ok(ExitCode::SUCCESS);
    }
    let mut params = resolve_params(conn, conninfo)?;
    if conn.force_password_prompt && params.password.is_none() {
        params = with_prompted_password(params)?;
    }
    let outcome = match crate::pg::schema::install(&params).await {
        Err(crate::pg::schema::SchemaError::Connect(ConnectError::PasswordNeeded { .. }))
            if !conn.no_password && std::io::stdin().is_terminal() =>
        {
            crate::pg::schema::install(&with_prompted_password(params.clone())?).await
        }
        other => other,
    };
    let report = outcome?;
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
async fn run_snapshot(conn: &ConnectOptions, conninfo: Option<String>) -> anyhow::Result<ExitCode> {
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
    }?;
    // statement_timeout cannot end a wait on a frozen backend or a vanished peer: a cron
    // job must not hang forever, so the client gives up a little after the server would.
    let limit = SNAPSHOT_STATEMENT_TIMEOUT + CLIENT_GRACE;
    let work = crate::actions::statistics::take_snapshot(&connected.client);
    let rows = match tokio::time::timeout(limit, work).await {
        Ok(result) => result?,
        Err(_) => {
            connected.cancel_running_query().await;
            return Err(anyhow::anyhow!(
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
