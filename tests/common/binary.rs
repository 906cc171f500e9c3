//! The real pgpulse binary, run as a user would but in an environment that cannot leak
//! in from the machine: a developer's PGHOST, PGPASSWORD or config file must not change
//! what a test sees.

use std::path::Path;
use std::process::{Command, Stdio};

/// `pgpulse <args>` with `HOME` and pgpulse's config, state and data directories in
/// `home`, and none of the machine's `PG*` variables but the harness's server build
/// (`PGPULSE_TEST_PGBIN`); no standard input, so nothing waits on the test's terminal.
/// More arguments and variables may follow.
pub fn pgpulse(home: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgpulse"));
    command.args(args).stdin(Stdio::null());
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|key| key.starts_with("PG")) && key != "PGPULSE_TEST_PGBIN" {
            command.env_remove(key);
        }
    }
    // After the removals: these start with "PG" too.
    command
        .env("HOME", home)
        .env("PGPULSE_CONFIG_DIR", home)
        .env("PGPULSE_STATE_DIR", home)
        .env("PGPULSE_DATA_DIR", home);
    command
}

/// [`pgpulse`] for a test that awaits it; killed if the test ends first.
pub fn pgpulse_async(home: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::from(pgpulse(home, args));
    command.kill_on_drop(true);
    command
}
