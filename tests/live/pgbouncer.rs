//! PgBouncer's admin console against a real PgBouncer in front of the harness server: an
//! exhausted pool shows its waiting clients, and the console's quirks (simple query
//! protocol only, no startup options, admin users only) are handled.

use crate::common;

use common::bouncer::{ADMIN, Bouncer};
use common::live::{WAIT, eventually, exec, must};

use std::path::Path;

use pgpulse::monitor::collector::{PgBouncerClient, collect_pgbouncer};
use pgpulse::monitor::snapshot::SectionError;
use pgpulse::monitor::snapshot::pgbouncer::PgBouncer;
use pgpulse::pg::connect::{self, SessionSettings};
use pgpulse::pg::conninfo::{self, Flags};
use tokio_postgres::{Client, NoTls};

/// A plain client through PgBouncer (tokio-postgres sends no startup options).
async fn bouncer_client(conninfo: &str) -> Result<Client, String> {
    let (client, connection) = tokio::time::timeout(WAIT, tokio_postgres::connect(conninfo, NoTls))
        .await
        .map_err(|_| "connecting through PgBouncer timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(client)
}

fn admin(bouncer: &Bouncer, user: &str) -> PgBouncerClient {
    must(
        PgBouncerClient::from_conninfo(&bouncer.conninfo(user, "pgbouncer")),
        "resolving the console conninfo",
    )
}

#[tokio::test]
async fn an_exhausted_pool_shows_its_waiting_clients() {
    let db = common::shared().create_database().await;
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let through_bouncer = bouncer.conninfo("postgres", "app");

    // Client 1 takes the pool's only server connection and keeps it in a transaction.
    let holder = must(bouncer_client(&through_bouncer).await, "client 1");
    exec(&holder, "BEGIN; SELECT 1").await;
    // Client 2 must wait for it.
    let waiter = tokio::spawn({
        let conninfo = through_bouncer.clone();
        async move {
            let client = bouncer_client(&conninfo).await?;
            let rows = client.simple_query("SELECT 2").await;
            rows.map(|_| ()).map_err(|e| e.to_string())
        }
    });

    let mut console = admin(&bouncer, ADMIN);
    let seen: PgBouncer = eventually("a client waiting in pool app", async || {
        let bouncer = collect_pgbouncer(&mut console)
            .await
            .map_err(|e| e.to_string())?;
        let waiting = bouncer
            .pools
            .iter()
            .any(|p| p.database == "app" && p.cl_waiting >= 1 && p.sv_active == 1);
        if waiting {
            Ok(bouncer)
        } else {
            Err(format!("{bouncer:#?}"))
        }
    })
    .await;

    let pool = seen.pools.iter().find(|p| p.database == "app");
    let pool = pool.unwrap_or_else(|| panic!("pool app listed: {seen:#?}"));
    assert_eq!(pool.user, "postgres");
    assert_eq!(pool.pool_mode, "session");
    assert_eq!(pool.cl_active, 1, "the holder: {seen:#?}");
    assert_eq!(pool.sv_idle, 0);
    assert!(seen.stats.iter().any(|s| s.database == "app"), "{seen:#?}");
    let lists: Vec<(&str, i64)> = seen
        .lists
        .iter()
        .map(|l| (l.name.as_str(), l.items))
        .collect();
    assert!(
        lists
            .iter()
            .any(|(name, items)| *name == "pools" && *items >= 1),
        "{lists:?}"
    );
    assert!(console.is_connected(), "one console connection is reused");

    // In session pooling the server connection is freed when its client leaves; then
    // the waiting client gets it.
    exec(&holder, "COMMIT").await;
    drop(holder);
    match tokio::time::timeout(WAIT, waiter).await {
        Ok(Ok(outcome)) => must(outcome, "client 2's query"),
        Ok(Err(join)) => panic!("client 2 panicked: {join}"),
        Err(_) => panic!("client 2 still waiting after {WAIT:?}\n{}", bouncer.log()),
    }
    let stats_after = must(collect_pgbouncer(&mut console).await, "second poll");
    let app = stats_after.pools.iter().find(|p| p.database == "app");
    assert_eq!(app.map(|p| p.cl_waiting), Some(0), "{stats_after:#?}");
}

#[tokio::test]
async fn a_user_without_console_rights_is_told_how_to_get_them() {
    let db = common::shared().create_database().await;
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let mut console = admin(&bouncer, "postgres");
    match collect_pgbouncer(&mut console).await {
        Err(SectionError::Unavailable { reason, fix }) => {
            assert!(
                reason.contains("does not let user \"postgres\""),
                "{reason}"
            );
            assert_eq!(
                fix.as_deref(),
                Some(
                    "add the user to admin_users or stats_users in pgbouncer.ini and reload PgBouncer"
                )
            );
        }
        other => panic!("expected the section to be unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn pgpulse_sessions_startup_options_are_refused_by_pgbouncer() {
    // Why the console has its own connection code: connect::connect always sends
    // `options=-c statement_timeout=...`, which PgBouncer 1.18 refuses.
    let db = common::shared().create_database().await;
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let params = must(
        conninfo::resolve_from_process(
            Flags::default(),
            Some(bouncer.conninfo(ADMIN, "pgbouncer")),
        ),
        "resolving",
    );
    let refused = connect::connect(&params, &SessionSettings::monitoring(None), None).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("unsupported startup parameter: options"),
        "{message:?}"
    );
}

#[tokio::test]
async fn a_postgres_server_is_not_mistaken_for_the_console() {
    let db = common::shared().create_database().await;
    let mut console = must(PgBouncerClient::from_conninfo(&db.conninfo()), "resolving");
    match collect_pgbouncer(&mut console).await {
        Err(SectionError::Unavailable { reason, fix }) => {
            assert!(
                reason.contains("is not a PgBouncer admin console"),
                "{reason}"
            );
            assert!(fix.is_some_and(|f| f.contains("dbname=pgbouncer")));
        }
        other => panic!("expected the section to be unavailable, got {other:?}"),
    }
}

#[test]
fn stopping_the_guard_stops_pgbouncer_and_removes_its_files() {
    let runtime = must(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        "runtime",
    );
    let db = runtime.block_on(common::shared().create_database());
    let bouncer = Bouncer::start(common::shared().port(), &db.name);
    let (pid, dir) = (bouncer.pid, bouncer.dir.clone());
    assert!(Path::new(&format!("/proc/{pid}")).exists());
    drop(bouncer);
    let gone = !Path::new(&format!("/proc/{pid}")).exists() || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.contains(") Z") || stat.is_empty()
    };
    assert!(gone, "PgBouncer {pid} still running");
    assert!(!dir.exists(), "{} removed", dir.display());
}
