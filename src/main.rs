//! pgpulse entry point: parse the command line, start logging, run.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = pgpulse::commands::cli::Cli::parse_or_exit();
    if let Some(file) = cli
        .log_file
        .clone()
        .or_else(pgpulse::settings::logging::default_log_file)
    {
        pgpulse::settings::logging::init(&file);
    }
    // One thread runs the UI, the poller and the action connections: they take turns
    // on a handful of sockets and a 1 s clock, so more workers (each with its own malloc
    // arena and stack) cost memory and buy nothing. `spawn_blocking` still has its pool.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("pgpulse: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(pgpulse::commands::run(cli))
}
