//! pgpulse's main connection pointed at a PgBouncer instead of PostgreSQL: in transaction
//! mode PgBouncer refuses the startup options that carry the session settings; in session
//! mode with `ignore_startup_parameters = options` it lets the connection through without
//! them. Either way pgpulse must refuse to monitor, in one line that says what to do.

use crate::common;

use std::process::Output;

use common::binary::pgpulse;
use common::bouncer::{Bouncer, BouncerOptions, PoolMode};
use common::live::must;
use pgpulse::pg::connect::{self, ConnectError, SessionSettings};
use pgpulse::pg::conninfo::{self, Flags};
use pgpulse::pg::open::{ConnectOptions, open_monitoring_or_wait};

/// `pgpulse doctor` run as a user would, with nothing leaking in from the machine. On a
/// blocking thread: the test's runtime must go on closing the connections it dropped
/// (the pool has a single server connection).
async fn doctor(conninfo: &str) -> Output {
    let conninfo = conninfo.to_string();
    must(
        tokio::task::spawn_blocking(move || run_doctor(&conninfo)).await,
        "doctor thread",
    )
}

fn run_doctor(conninfo: &str) -> Output {
    let home = must(tempfile::tempdir(), "temp home");
    must(
        pgpulse(home.path(), &["doctor", "-w", conninfo]).output(),
        "running pgpulse doctor",
    )
}

/// The one line a DBA gets, checked for what it must say.
fn assert_one_pooler_line(output: &Output, also: &str) {
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "must refuse: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for needle in [
        "connect pgpulse to PostgreSQL directly",
        "[pgbouncer]",
        also,
    ] {
        assert!(err.contains(needle), "{needle:?} missing from: {err}");
    }
    assert!(output.stdout.is_empty(), "no checklist through a pooler");
}

async fn connect_through(bouncer: &Bouncer) -> Result<(), ConnectError> {
    let params = must(
        conninfo::resolve_from_process(Flags::default(), Some(bouncer.conninfo("postgres", "app"))),
        "resolving",
    );
    connect::connect(&params, &SessionSettings::monitoring(None), None)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn a_transaction_mode_pgbouncer_is_named_as_a_pooler_and_refused() {
    let db = common::shared().create_database().await;
    let options = BouncerOptions {
        pool_mode: PoolMode::Transaction,
        ..BouncerOptions::default()
    };
    let bouncer = Bouncer::start_with(common::shared().port(), &db.name, options);

    let refused = connect_through(&bouncer).await;
    assert!(
        matches!(&refused, Err(ConnectError::Pooler { said, .. }) if said.contains("options")),
        "{refused:?}"
    );
    let live_view = open_monitoring_or_wait(
        &ConnectOptions::default(),
        Some(bouncer.conninfo("postgres", "app")),
    )
    .await;
    assert!(
        live_view
            .as_ref()
            .is_err_and(|e| e.to_string().contains("connection pooler")),
        "the live view must not wait for a pooler to turn into PostgreSQL"
    );
    assert_one_pooler_line(
        &doctor(&bouncer.conninfo("postgres", "app")).await,
        "this is a connection pooler, not PostgreSQL",
    );
}

#[tokio::test]
async fn a_pooler_that_drops_the_startup_options_is_refused_with_the_settings_it_dropped() {
    let db = common::shared().create_database().await;
    for pool_mode in [PoolMode::Session, PoolMode::Transaction] {
        let options = BouncerOptions {
            pool_mode,
            ignore_startup_parameters: "options",
        };
        let bouncer = Bouncer::start_with(common::shared().port(), &db.name, options);

        let refused = connect_through(&bouncer).await;
        let Err(ConnectError::SettingsIgnored { detail, .. }) = &refused else {
            panic!(
                "{pool_mode:?}: the settings were dropped, the connection must be refused: {refused:?}\n{}",
                bouncer.log()
            );
        };
        for dropped in [
            "statement_timeout is 0ms, not 2000ms",
            "lock_timeout is 0ms, not 500ms",
            "default_transaction_read_only is off, not on",
        ] {
            assert!(detail.contains(dropped), "{pool_mode:?}: {detail}");
        }
        assert!(refused.as_ref().is_err_and(|e| e.wait_reason().is_none()));
        assert_one_pooler_line(
            &doctor(&bouncer.conninfo("postgres", "app")).await,
            "statement_timeout is 0ms, not 2000ms",
        );
    }
}

#[tokio::test]
async fn postgresql_itself_passes_the_settings_check() {
    // The check must not refuse the real thing, with the user's own options in the mix.
    let db = common::shared().create_database().await;
    let params = must(
        conninfo::resolve_from_process(
            Flags::default(),
            Some(format!(
                "{} sslmode=disable options='-c statement_timeout=0 -c work_mem=8MB'",
                db.conninfo()
            )),
        ),
        "resolving",
    );
    let connected = must(
        connect::connect(&params, &SessionSettings::monitoring(None), None).await,
        "connecting to PostgreSQL",
    );
    let row = must(
        connected
            .client
            .query_one(
                "SELECT current_setting('statement_timeout'), current_setting('work_mem')",
                &[],
            )
            .await,
        "reading settings",
    );
    let (timeout, work_mem): (String, String) = (row.get(0), row.get(1));
    assert_eq!(
        timeout, "2s",
        "pgpulse's safety setting wins over the user's options"
    );
    assert_eq!(work_mem, "8MB", "the user's other options still apply");
}
