//! The exact SQL of each action. Identifiers are always quoted on the client (`"` doubled,
//! each part separately); pids and timestamps are formatted from typed values, never from
//! display text. Each string is one statement, sent alone.

use std::time::SystemTime;

use crate::pg::quote::{quote_ident, quote_literal};
use crate::text::timefmt::sql_timestamptz;

/// Signals a backend only if the pid still belongs to the session that was on screen: a
/// reused pid has another `backend_start`, so the statement returns no row and signals
/// nothing. One statement, so the check and the signal cannot be split by a reconnect.
pub fn signal_backend(terminate: bool, pid: i32, backend_start: SystemTime) -> String {
    let function = if terminate {
        "pg_terminate_backend"
    } else {
        "pg_cancel_backend"
    };
    format!(
        "SELECT pg_catalog.{function}(pid) FROM pg_catalog.pg_stat_activity \
         WHERE pid = {pid} AND backend_start = '{}'",
        sql_timestamptz(backend_start)
    )
}

/// Cancels the query that was on screen and no other: on OLTP traffic the session has
/// often moved on by the time the dialog is confirmed, and a cancel would then hit the
/// next, innocent statement. `query_start` names the query; without it (never seen) the
/// session's identity alone is checked.
pub fn cancel_query(
    pid: i32,
    backend_start: SystemTime,
    query_start: Option<SystemTime>,
) -> String {
    let mut sql = signal_backend(false, pid, backend_start);
    if let Some(query_start) = query_start {
        sql.push_str(&format!(
            " AND query_start = '{}'",
            sql_timestamptz(query_start)
        ));
    }
    sql
}

/// `"schema"."name"`.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

pub fn vacuum_analyze(schema: &str, table: &str) -> String {
    format!("VACUUM (ANALYZE) {}", qualified(schema, table))
}

pub fn analyze(schema: &str, table: &str) -> String {
    format!("ANALYZE {}", qualified(schema, table))
}

pub fn reindex_concurrently(schema: &str, index: &str) -> String {
    format!("REINDEX INDEX CONCURRENTLY {}", qualified(schema, index))
}

/// Drops an invalid index without blocking reads or writes of its table. Never in a
/// transaction block, like the other CONCURRENTLY commands.
pub fn drop_index_concurrently(schema: &str, index: &str) -> String {
    format!("DROP INDEX CONCURRENTLY {}", qualified(schema, index))
}

/// `ROLLBACK PREPARED '<gid>'`: the gid as a literal, quotes doubled (a gid is any text
/// up to 200 bytes). A utility statement: it cannot be made conditional in the same
/// statement, so the executor checks the gid's prepared time just before.
pub fn rollback_prepared(gid: &str) -> String {
    format!("ROLLBACK PREPARED {}", quote_literal(gid))
}

/// Drops a slot only if it is still inactive and of the type on screen: one statement,
/// so the check and the drop cannot be split. No row means nothing was dropped.
pub fn drop_slot(name: &str, slot_type: &str) -> String {
    format!(
        "SELECT pg_catalog.pg_drop_replication_slot(slot_name) \
         FROM pg_catalog.pg_replication_slots \
         WHERE slot_name = {} AND slot_type = {} AND NOT active",
        quote_literal(name),
        quote_literal(slot_type)
    )
}

pub const RESET_STATEMENTS: &str = "SELECT pg_stat_statements_reset()";

/// `EXPLAIN` never with ANALYZE. Always with an options list: after it the grammar accepts
/// only an explainable statement, so a text that itself starts with `ANALYZE` or
/// `(ANALYZE)` is a syntax error instead of becoming `EXPLAIN ANALYZE`, which would run it.
/// A normalized statement (`$1` placeholders) can only be planned generically (16+).
pub fn explain(query: &str, generic: bool) -> String {
    if generic {
        format!("EXPLAIN (GENERIC_PLAN, ANALYZE false) {query}")
    } else {
        format!("EXPLAIN (ANALYZE false) {query}")
    }
}

/// The statement text as EXPLAIN takes it: without trailing blanks and semicolons.
pub fn explainable(query: &str) -> &str {
    query.trim_end().trim_end_matches(';').trim_end()
}

/// `SET LOCAL ROLE`: EXPLAIN plans as the role that ran the query, so functions the
/// planner evaluates (constant folding of IMMUTABLE ones) never run with pgpulse's
/// privileges.
pub fn set_local_role(role: &str) -> String {
    format!("SET LOCAL ROLE {}", quote_ident(role))
}

/// Whether a statement text has `$n` placeholders outside quotes and comments, i.e. is a
/// normalized pg_stat_statements text (or a prepared statement's).
pub fn has_placeholders(query: &str) -> bool {
    let bytes = query.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !is_ident_byte(bytes[i - 1])) =>
            {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::timefmt::from_unix_micros;

    #[test]
    fn signals_check_the_session_identity() {
        let start = from_unix_micros(1_795_716_000_123_456);
        assert_eq!(
            signal_backend(false, 4242, start),
            "SELECT pg_catalog.pg_cancel_backend(pid) FROM pg_catalog.pg_stat_activity \
             WHERE pid = 4242 AND backend_start = '2026-11-26 18:00:00.123456+00'"
        );
        assert!(signal_backend(true, 1, start).contains("pg_terminate_backend(pid)"));
        let query_start = from_unix_micros(1_795_716_060_000_001);
        assert_eq!(
            cancel_query(4242, start, Some(query_start)),
            "SELECT pg_catalog.pg_cancel_backend(pid) FROM pg_catalog.pg_stat_activity \
             WHERE pid = 4242 AND backend_start = '2026-11-26 18:00:00.123456+00' \
             AND query_start = '2026-11-26 18:01:00.000001+00'"
        );
        assert_eq!(
            cancel_query(4242, start, None),
            signal_backend(false, 4242, start)
        );
    }

    #[test]
    fn relation_names_are_quoted_part_by_part() {
        assert_eq!(
            vacuum_analyze("Weird Schema", "has\"quote"),
            "VACUUM (ANALYZE) \"Weird Schema\".\"has\"\"quote\""
        );
        assert_eq!(analyze("public", "a.b"), "ANALYZE \"public\".\"a.b\"");
        assert_eq!(
            reindex_concurrently("public", "select"),
            "REINDEX INDEX CONCURRENTLY \"public\".\"select\""
        );
        assert_eq!(
            drop_index_concurrently("public", "t_i_ccnew\"x"),
            "DROP INDEX CONCURRENTLY \"public\".\"t_i_ccnew\"\"x\""
        );
    }

    #[test]
    fn gids_and_slot_names_are_literals_with_quotes_doubled() {
        assert_eq!(
            rollback_prepared("it's; DROP TABLE t; --"),
            "ROLLBACK PREPARED 'it''s; DROP TABLE t; --'"
        );
        assert_eq!(
            drop_slot("standby_1", "physical"),
            "SELECT pg_catalog.pg_drop_replication_slot(slot_name) \
             FROM pg_catalog.pg_replication_slots \
             WHERE slot_name = 'standby_1' AND slot_type = 'physical' AND NOT active"
        );
        assert!(drop_slot("a'b", "logical").contains("slot_name = 'a''b'"));
    }

    #[test]
    fn explain_text_cannot_turn_into_explain_analyze() {
        for text in [
            "ANALYZE SELECT pg_terminate_backend(1)",
            "(ANALYZE) SELECT 1",
        ] {
            let sql = explain(text, false);
            assert!(sql.starts_with("EXPLAIN (ANALYZE false) "), "{sql}");
        }
        assert_eq!(
            explain("SELECT $1", true),
            "EXPLAIN (GENERIC_PLAN, ANALYZE false) SELECT $1"
        );
        assert_eq!(set_local_role("a\"b"), "SET LOCAL ROLE \"a\"\"b\"");
    }

    #[test]
    fn placeholders_outside_literals_only() {
        assert!(has_placeholders("select * from t where id = $1"));
        assert!(has_placeholders("select $12"));
        assert!(!has_placeholders("select '$1' from t"));
        assert!(!has_placeholders("select 1 -- $1\n"));
        assert!(!has_placeholders("select 1 /* $1 */"));
        assert!(!has_placeholders("select $$text$$"));
        assert!(!has_placeholders("select a$1 from t"));
        assert!(!has_placeholders("select \"$1\" from t"));
    }
}
