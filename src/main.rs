//! pgpulse entry point: parse the command line, start logging, run.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = pgpulse::commands::cli::Cli::parse_or_exit();
    let _log_guard = cli
        .log_file
        .clone()
        .or_else(pgpulse::settings::logging::default_log_file)
        .and_then(|file| pgpulse::settings::logging::init(&file));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
