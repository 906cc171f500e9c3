//! Statement counters from `pg_stat_statements`, read without text, plus the extension's
//! own info; texts come from the [`StatementTextCache`].
//!
//! The SQL variant follows the *installed* extension version (`pg_extension.extversion`),
//! not the server's: a server upgraded without `ALTER EXTENSION ... UPDATE` keeps the old
//! columns. The function is called unqualified, resolved through `search_path`: statements
//! are prepared from static strings, so the schema cannot be spliced in. The extension
//! normally lives in `public`, which is on the default path; elsewhere the call fails
//! with 42883 and the section says how to fix the path.

use tokio_postgres::Row;

use crate::monitor::snapshot::{
    Section, SectionError, StatementCounters, StatementKey, Statements, StatementsInfo,
};
use crate::pg::probe::{Capabilities, preload_list};
use crate::pg::quote::{quote_ident, quote_literal};
use crate::pg::session::MonitorSession;

use super::rows::{bad_row, query_failed, sqlstate};
use super::statement_texts::StatementTextCache;

use crate::pg::queries::STATEMENT_TEXTS_1_8_SQL;
use crate::pg::queries::STATEMENT_TEXTS_SQL;
use crate::pg::queries::STATEMENTS_1_8_SQL;
use crate::pg::queries::STATEMENTS_1_9_SQL;
use crate::pg::queries::STATEMENTS_1_11_SQL;
use crate::pg::queries::STATEMENTS_INFO_SQL;

/// The statements pgpulse runs for one extension version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Variant {
    counters: &'static str,
    texts: &'static str,
    /// `pg_stat_statements_info` exists from 1.9.
    info: Option<&'static str>,
}

/// Which statements' texts to fetch (those not cached yet among them).
#[derive(Debug, Clone, Copy)]
pub enum TextsWanted<'a> {
    /// Every statement's: the Queries screen filters and sorts them all.
    Every,
    /// Only the statements that did the most since the previous read (`None`: the first
    /// read, nothing to compare with), by execution time and by calls, `n` of each: what
    /// the Dashboard's top statements and the own-statement filter need. Every new
    /// text makes the server read its whole query-text file.
    TopMovers {
        since: Option<&'a Statements>,
        n: usize,
    },
}

/// Counters of every statement the role may see, the extension's eviction count and
/// reset time (1.9+), and the `texts` wanted, fetched only for statements not seen
/// before. Rows of other roles that the role may not see (NULL queryid without
/// `pg_read_all_stats`) are left out. A failed text fetch leaves texts missing and is
/// retried next time; it never fails the section.
pub async fn collect_statements(
    session: &mut MonitorSession,
    caps: &Capabilities,
    cache: &mut StatementTextCache,
    read_at: std::time::SystemTime,
    texts: TextsWanted<'_>,
) -> Section<Statements> {
    let variant = available_variant(caps)?;
    let counters = match session
        .query_map(variant.counters, &[], counters_from_row)
        .await
    {
        Ok(counters) => counters?,
        Err(error) if sqlstate(&error) == Some("42883") => return Err(not_on_search_path(caps)),
        Err(error) => return Err(query_failed(error)),
    };
    let info = match variant.info {
        Some(sql) => Some(read_info(session, sql).await?),
        None => None,
    };
    let keys: Vec<StatementKey> = counters.iter().map(|c| c.key).collect();
    let wanted = match texts {
        TextsWanted::Every => keys.clone(),
        TextsWanted::TopMovers { since: None, .. } => Vec::new(),
        TextsWanted::TopMovers {
            since: Some(before),
            n,
        } => top_movers(&before.counters, &counters, n),
    };
    cache.refresh(session, variant.texts, &keys, &wanted).await;
    Ok(Statements {
        counters: std::sync::Arc::new(counters),
        read_at,
        info,
        texts: cache.texts(),
        own: cache.own(),
    })
}

/// The `n` statements that spent the most execution time since `before`, and the `n`
/// that ran most often (a statement new since then counts from zero).
fn top_movers(
    before: &[StatementCounters],
    now: &[StatementCounters],
    n: usize,
) -> Vec<StatementKey> {
    let previous: std::collections::HashMap<StatementKey, &StatementCounters> =
        before.iter().map(|c| (c.key, c)).collect();
    let mut moved: Vec<(StatementKey, f64, i64)> = now
        .iter()
        .map(|c| match previous.get(&c.key) {
            Some(b) => (
                c.key,
                c.total_exec_time_ms - b.total_exec_time_ms,
                c.calls - b.calls,
            ),
            None => (c.key, c.total_exec_time_ms, c.calls),
        })
        .filter(|(_, _, calls)| *calls > 0)
        .collect();
    let mut wanted = std::collections::BTreeSet::new();
    moved.sort_by(|a, b| b.1.total_cmp(&a.1));
    wanted.extend(moved.iter().take(n).map(|m| m.0));
    moved.sort_by_key(|m| std::cmp::Reverse(m.2));
    wanted.extend(moved.iter().take(n).map(|m| m.0));
    wanted.into_iter().collect()
}

/// The variant for an installed extension version; `None` before 1.8 (PostgreSQL 12's),
/// whose columns pgpulse does not read.
fn variant_for(version: (u32, u32)) -> Option<Variant> {
    if version < (1, 8) {
        None
    } else if version < (1, 9) {
        Some(Variant {
            counters: STATEMENTS_1_8_SQL,
            texts: STATEMENT_TEXTS_1_8_SQL,
            info: None,
        })
    } else if version < (1, 11) {
        Some(Variant {
            counters: STATEMENTS_1_9_SQL,
            texts: STATEMENT_TEXTS_SQL,
            info: Some(STATEMENTS_INFO_SQL),
        })
    } else {
        Some(Variant {
            counters: STATEMENTS_1_11_SQL,
            texts: STATEMENT_TEXTS_SQL,
            info: Some(STATEMENTS_INFO_SQL),
        })
    }
}

/// The variant to run, or why the source cannot be read and the fix `pgpulse doctor`
/// gives for it. The library must be preloaded first: without it the extension's
/// functions fail even once created.
fn available_variant(caps: &Capabilities) -> Result<Variant, SectionError> {
    if !caps.pgss_preloaded() {
        return Err(SectionError::Unavailable {
            reason: "pg_stat_statements is not in shared_preload_libraries".into(),
            fix: Some(preload_fix(caps)),
        });
    }
    let Some(installed) = caps.pgss_installed_version.as_deref() else {
        let on_primary = if caps.in_recovery {
            " on the primary"
        } else {
            ""
        };
        return Err(SectionError::Unavailable {
            reason: format!(
                "extension pg_stat_statements is not installed in database {}",
                quote_ident(&caps.database)
            ),
            fix: Some(format!(
                "CREATE EXTENSION pg_stat_statements;   -- as a superuser, in {}{on_primary}",
                quote_ident(&caps.database)
            )),
        });
    };
    caps.pgss_version()
        .and_then(variant_for)
        .ok_or_else(|| SectionError::Unavailable {
            reason: format!(
                "pg_stat_statements {installed} is older than 1.8, which pgpulse needs"
            ),
            fix: Some("ALTER EXTENSION pg_stat_statements UPDATE;".into()),
        })
}

fn preload_fix(caps: &Capabilities) -> String {
    match &caps.shared_preload_libraries {
        Some(current) => {
            let mut libraries = preload_list(current);
            libraries.push("pg_stat_statements".into());
            format!(
                "ALTER SYSTEM SET shared_preload_libraries = {};   -- then restart the server",
                quote_literal(&libraries.join(","))
            )
        }
        None => "add pg_stat_statements to shared_preload_libraries (ALTER SYSTEM SET, as a superuser), then restart the server".into(),
    }
}

/// The extension is installed in a schema the session's `search_path` does not include.
fn not_on_search_path(caps: &Capabilities) -> SectionError {
    let schema = caps.pgss_schema.as_deref().unwrap_or("public");
    SectionError::Unavailable {
        reason: format!(
            "pg_stat_statements is installed in schema {}, which is not on the search_path of role {}",
            quote_ident(schema),
            quote_ident(&caps.role)
        ),
        fix: Some(format!(
            "ALTER ROLE {} SET search_path = \"$user\", public, {};   -- then reconnect",
            quote_ident(&caps.role),
            quote_ident(schema)
        )),
    }
}

async fn read_info(session: &mut MonitorSession, sql: &'static str) -> Section<StatementsInfo> {
    let rows = session.query(sql, &[]).await.map_err(query_failed)?;
    let row = rows
        .first()
        .ok_or_else(|| SectionError::Failed("pg_stat_statements_info returned no row".into()))?;
    Ok(StatementsInfo {
        dealloc: row.try_get("dealloc").map_err(bad_row)?,
        stats_reset: row.try_get("stats_reset").map_err(bad_row)?,
    })
}

fn counters_from_row(row: &Row) -> Section<StatementCounters> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let ms = |name: &str| -> Section<f64> { row.try_get(name).map_err(bad_row) };
    Ok(StatementCounters {
        key: StatementKey {
            userid: row.try_get("userid").map_err(bad_row)?,
            dbid: row.try_get("dbid").map_err(bad_row)?,
            queryid: count("queryid")?,
            toplevel: row.try_get("toplevel").map_err(bad_row)?,
        },
        calls: count("calls")?,
        total_exec_time_ms: ms("total_exec_time")?,
        total_plan_time_ms: ms("total_plan_time")?,
        rows: count("rows")?,
        shared_blks_hit: count("shared_blks_hit")?,
        shared_blks_read: count("shared_blks_read")?,
        temp_blks_read: count("temp_blks_read")?,
        temp_blks_written: count("temp_blks_written")?,
        shared_blk_read_time_ms: ms("shared_blk_read_time")?,
        shared_blk_write_time_ms: ms("shared_blk_write_time")?,
        stats_since: row.try_get("stats_since").map_err(bad_row)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(queryid: i64, calls: i64, ms: f64) -> StatementCounters {
        StatementCounters {
            key: StatementKey {
                userid: 10,
                dbid: 1,
                queryid,
                toplevel: true,
            },
            calls,
            total_exec_time_ms: ms,
            total_plan_time_ms: 0.0,
            rows: 0,
            shared_blks_hit: 0,
            shared_blks_read: 0,
            temp_blks_read: 0,
            temp_blks_written: 0,
            shared_blk_read_time_ms: 0.0,
            shared_blk_write_time_ms: 0.0,
            stats_since: None,
        }
    }

    #[test]
    fn texts_are_wanted_for_the_statements_that_did_the_most_since_the_last_read() {
        let before = vec![
            counters(1, 100, 1000.0),
            counters(2, 10, 10.0),
            counters(3, 5, 5.0),
        ];
        // 1: idle since; 2: one slow call; 3: many quick calls; 4: new.
        let now = vec![
            counters(1, 100, 1000.0),
            counters(2, 11, 500.0),
            counters(3, 505, 6.0),
            counters(4, 1, 1.0),
        ];
        let ids = |keys: Vec<StatementKey>| keys.iter().map(|k| k.queryid).collect::<Vec<_>>();
        assert_eq!(ids(top_movers(&before, &now, 1)), vec![2, 3]);
        assert_eq!(ids(top_movers(&before, &now, 5)), vec![2, 3, 4]);
    }
    use crate::pg::probe::sample_capabilities;

    fn counters_of(version: &str) -> Option<&'static str> {
        let mut caps = sample_capabilities();
        caps.pgss_installed_version = Some(version.into());
        available_variant(&caps).ok().map(|v| v.counters)
    }

    #[test]
    fn the_variant_follows_the_installed_extension_version() {
        let cases = [
            ("1.7", None),
            ("1.8", Some(STATEMENTS_1_8_SQL)),
            ("1.9", Some(STATEMENTS_1_9_SQL)),
            ("1.10", Some(STATEMENTS_1_9_SQL)),
            ("1.11", Some(STATEMENTS_1_11_SQL)),
            ("1.12", Some(STATEMENTS_1_11_SQL)),
        ];
        for (version, expected) in cases {
            assert_eq!(
                counters_of(version),
                expected,
                "pg_stat_statements {version}"
            );
        }
        let v18 = variant_for((1, 8)).map(|v| (v.texts, v.info));
        assert_eq!(v18, Some((STATEMENT_TEXTS_1_8_SQL, None)));
        let v110 = variant_for((1, 10)).map(|v| (v.texts, v.info));
        assert_eq!(v110, Some((STATEMENT_TEXTS_SQL, Some(STATEMENTS_INFO_SQL))));
    }

    #[test]
    fn the_1_11_variant_reads_the_renamed_columns() {
        assert!(STATEMENTS_1_11_SQL.contains("s.shared_blk_read_time,"));
        assert!(STATEMENTS_1_11_SQL.contains("s.stats_since"));
        assert!(!STATEMENTS_1_9_SQL.contains("s.shared_blk_read_time"));
        assert!(!STATEMENTS_1_8_SQL.contains("s.toplevel"));
    }

    fn fix_for(caps: &Capabilities) -> String {
        match available_variant(caps) {
            Err(SectionError::Unavailable { fix: Some(fix), .. }) => fix,
            other => panic!("expected Unavailable with a fix, got {other:?}"),
        }
    }

    #[test]
    fn each_gap_names_its_fix() {
        let mut caps = sample_capabilities();
        caps.pgss_installed_version = None;
        assert!(fix_for(&caps).starts_with("CREATE EXTENSION pg_stat_statements;"));
        caps.in_recovery = true;
        assert!(fix_for(&caps).ends_with("in \"app\" on the primary"));

        let mut caps = sample_capabilities();
        caps.pgss_installed_version = Some("1.7".into());
        assert_eq!(fix_for(&caps), "ALTER EXTENSION pg_stat_statements UPDATE;");

        let mut caps = sample_capabilities();
        caps.shared_preload_libraries = Some("auto_explain".into());
        assert!(
            fix_for(&caps).starts_with(
                "ALTER SYSTEM SET shared_preload_libraries = 'auto_explain,pg_stat_statements';"
            ),
            "{}",
            fix_for(&caps)
        );

        let mut caps = sample_capabilities();
        caps.pgss_schema = Some("stats".into());
        let SectionError::Unavailable { fix: Some(fix), .. } = not_on_search_path(&caps) else {
            panic!("search_path gap without a fix");
        };
        assert_eq!(
            fix,
            "ALTER ROLE \"postgres\" SET search_path = \"$user\", public, \"stats\";   -- then reconnect"
        );
    }
}
