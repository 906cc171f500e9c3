//! The Pool screen's numbers against a real server: an application's connections are
//! counted against its configured pool, idle transactions included.

use crate::common;

use common::live::{backend_pid, eventually, exec, monitor_db, must};

use pgpulse::analysis::pool::PoolUsage;
use pgpulse::analysis::pool::pool_usage;
use pgpulse::monitor::collector::{collect_activity, collect_server};
use pgpulse::settings::config::Pool;
use tokio_postgres::{Client, NoTls};

const APPLICATION: &str = "learning-assistant-production";

/// A client of the test database that says it is the production application.
async fn app_client(conninfo: &str) -> Client {
    let conninfo = format!("{conninfo} application_name={APPLICATION}");
    let (client, connection) = must(
        tokio::time::timeout(
            common::live::WAIT,
            tokio_postgres::connect(&conninfo, NoTls),
        )
        .await
        .map_err(|_| "timed out".to_owned())
        .and_then(|r| r.map_err(|e| e.to_string())),
        "connecting as the application",
    );
    tokio::spawn(connection);
    client
}

#[tokio::test]
async fn an_application_filling_its_pool_with_idle_transactions() {
    // A private server: the longest idle transaction is the server's, and other tests
    // keep transactions open.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let mut clients = Vec::new();
    for _ in 0..5 {
        clients.push(app_client(&db.conninfo()).await);
    }
    let mut idle_in_txn = Vec::new();
    for client in &clients[..2] {
        exec(client, "BEGIN; SELECT 1").await;
        idle_in_txn.push(backend_pid(client).await);
    }
    let pools = [Pool {
        name: "learning-assistant".into(),
        application: "learning-assistant-*".into(),
        max: 5,
    }];

    let usage: PoolUsage = eventually("5 sessions, 2 idle in transaction", async || {
        let sessions = collect_activity(&mut session, &caps)
            .await
            .map_err(|e| e.to_string())?;
        let server = collect_server(&mut session)
            .await
            .map_err(|e| e.to_string())?;
        let usage = pool_usage(&sessions, &server, &pools);
        let pool = &usage.pools[0];
        if pool.used == 5 && pool.idle_in_transaction == 2 {
            Ok(usage)
        } else {
            Err(format!("{usage:#?}"))
        }
    })
    .await;

    let pool = &usage.pools[0];
    assert_eq!((pool.used, pool.max), (5, 5));
    assert_eq!(pool.utilisation, 1.0, "a full pool is 100 %");
    assert_eq!(pool.active, 0, "nobody runs a query: {usage:#?}");
    let by_app = usage
        .by_application
        .iter()
        .find(|row| row.name == APPLICATION);
    let by_app = by_app.unwrap_or_else(|| panic!("{APPLICATION} listed: {usage:#?}"));
    assert_eq!((by_app.total, by_app.idle_in_transaction), (5, 2));
    assert!(usage.states.idle_in_transaction >= 2, "{usage:#?}");
    assert!(usage.used >= 5 && usage.available > 0, "{usage:#?}");
    assert_eq!(usage.max_connections, 100);

    let longest = usage
        .longest_idle_in_transaction
        .as_ref()
        .unwrap_or_else(|| panic!("an idle transaction is reported: {usage:#?}"));
    assert!(
        idle_in_txn.contains(&longest.pid),
        "{} is one of {idle_in_txn:?}",
        longest.pid
    );
    assert_eq!(longest.application, APPLICATION);
    assert_eq!(longest.user.as_deref(), Some("postgres"));
    assert!(longest.idle_for.is_some());
}
