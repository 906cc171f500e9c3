//! Running VACUUM, ANALYZE and CREATE INDEX/REINDEX from the `pg_stat_progress_*` views
//! (Maintenance panel, fast tier: it is what makes a running VACUUM visible).

use tokio_postgres::Row;

use crate::monitor::snapshot::maintenance::{Progress, ProgressKind};
use crate::monitor::snapshot::{Section, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::session::MonitorSession;
use crate::text::format::{bytes, quantity};
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, query_failed, seconds};

/// PostgreSQL 13–16: `num_dead_tuples` / `max_dead_tuples`.
use crate::pg::queries::PROGRESS_13_SQL;
/// PostgreSQL 17+: dead items in bytes, `num_dead_item_ids`, indexes processed.
use crate::pg::queries::PROGRESS_17_SQL;

/// What an unprivileged role sees of other roles' commands.
const HIDDEN: &str = "<insufficient privilege>";

/// Every backend running a VACUUM (not FULL), ANALYZE or CREATE INDEX/REINDEX, in any
/// database, with its phase, % done and phase-specific counters (fast tier).
pub async fn collect_progress(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<Vec<Progress>> {
    session
        .query_map(
            progress_sql(caps.server_version_num),
            &[],
            progress_from_row,
        )
        .await
        .map_err(query_failed)?
}

/// The variant for this server version.
fn progress_sql(server_version_num: i32) -> &'static str {
    if server_version_num >= 170_000 {
        PROGRESS_17_SQL
    } else {
        PROGRESS_13_SQL
    }
}

/// `pg_stat_progress_vacuum`'s counters (NULL when hidden or from the other version).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct VacuumCounters {
    heap_blks_total: Option<i64>,
    heap_blks_scanned: Option<i64>,
    heap_blks_vacuumed: Option<i64>,
    index_vacuum_count: Option<i64>,
    dead_items: Option<i64>,
    /// Before 17.
    max_dead_items: Option<i64>,
    /// 17+.
    dead_item_bytes: Option<i64>,
    max_dead_item_bytes: Option<i64>,
    indexes_total: Option<i64>,
    indexes_processed: Option<i64>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct AnalyzeCounters {
    sample_blks_total: Option<i64>,
    sample_blks_scanned: Option<i64>,
    ext_stats_total: Option<i64>,
    ext_stats_computed: Option<i64>,
    child_tables_total: Option<i64>,
    child_tables_done: Option<i64>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct CreateIndexCounters {
    index_name: Option<String>,
    command: Option<String>,
    lockers_total: Option<i64>,
    lockers_done: Option<i64>,
    blocks_total: Option<i64>,
    blocks_done: Option<i64>,
    tuples_total: Option<i64>,
    tuples_done: Option<i64>,
    partitions_total: Option<i64>,
    partitions_done: Option<i64>,
}

fn progress_from_row(row: &Row) -> Section<Progress> {
    let count = |name: &str| -> Section<Option<i64>> { row.try_get(name).map_err(bad_row) };
    let text = |name: &str| -> Section<Option<String>> {
        Ok(row
            .try_get::<_, Option<String>>(name)
            .map_err(bad_row)?
            .map(|s| sanitized(&s)))
    };
    let kind_text: String = row.try_get("kind").map_err(bad_row)?;
    let phase = text("phase")?.unwrap_or_default();
    let (kind, percent, detail) = match kind_text.as_str() {
        "vacuum" => {
            let c = VacuumCounters {
                heap_blks_total: count("heap_blks_total")?,
                heap_blks_scanned: count("heap_blks_scanned")?,
                heap_blks_vacuumed: count("heap_blks_vacuumed")?,
                index_vacuum_count: count("index_vacuum_count")?,
                dead_items: count("dead_items")?,
                max_dead_items: count("max_dead_items")?,
                dead_item_bytes: count("dead_item_bytes")?,
                max_dead_item_bytes: count("max_dead_item_bytes")?,
                indexes_total: count("indexes_total")?,
                indexes_processed: count("indexes_processed")?,
            };
            let detail = vacuum_detail(&phase, &c);
            (ProgressKind::Vacuum, vacuum_percent(&phase, &c), detail)
        }
        "analyze" => {
            let c = AnalyzeCounters {
                sample_blks_total: count("sample_blks_total")?,
                sample_blks_scanned: count("sample_blks_scanned")?,
                ext_stats_total: count("ext_stats_total")?,
                ext_stats_computed: count("ext_stats_computed")?,
                child_tables_total: count("child_tables_total")?,
                child_tables_done: count("child_tables_done")?,
            };
            let percent = percent(c.sample_blks_scanned, c.sample_blks_total);
            (ProgressKind::Analyze, percent, analyze_detail(&c))
        }
        "create_index" => {
            let c = CreateIndexCounters {
                index_name: text("index_name")?,
                command: text("command")?,
                lockers_total: count("lockers_total")?,
                lockers_done: count("lockers_done")?,
                blocks_total: count("blocks_total")?,
                blocks_done: count("blocks_done")?,
                tuples_total: count("tuples_total")?,
                tuples_done: count("tuples_done")?,
                partitions_total: count("partitions_total")?,
                partitions_done: count("partitions_done")?,
            };
            let percent = create_index_percent(&c);
            (ProgressKind::CreateIndex, percent, create_index_detail(&c))
        }
        other => {
            return Err(SectionError::Failed(sanitized(&format!(
                "unexpected progress kind {other:?}"
            ))));
        }
    };
    Ok(Progress {
        pid: row.try_get("pid").map_err(bad_row)?,
        kind,
        database: text("database_name")?,
        relation: text("relation")?.unwrap_or_else(|| HIDDEN.into()),
        phase,
        percent,
        detail,
        started: seconds(row.try_get("query_age_s").map_err(bad_row)?),
    })
}

/// `done / total` in percent, clamped to 0..=100; `None` until the total is known.
fn percent(done: Option<i64>, total: Option<i64>) -> Option<f64> {
    match (done, total) {
        (Some(done), Some(total)) if total > 0 => {
            Some((done as f64 * 100.0 / total as f64).clamp(0.0, 100.0))
        }
        _ => None,
    }
}

/// Of the heap scanned, except while vacuuming the heap (the second pass over the pages
/// with dead items), where the vacuumed blocks are what moves.
fn vacuum_percent(phase: &str, c: &VacuumCounters) -> Option<f64> {
    if phase == "vacuuming heap" {
        percent(c.heap_blks_vacuumed, c.heap_blks_total)
    } else {
        percent(c.heap_blks_scanned, c.heap_blks_total)
    }
}

fn vacuum_detail(phase: &str, c: &VacuumCounters) -> String {
    let mut parts = Vec::new();
    let on_indexes = matches!(phase, "vacuuming indexes" | "cleaning up indexes");
    match (c.indexes_processed, c.indexes_total) {
        (Some(done), Some(total)) if on_indexes && total > 0 => {
            parts.push(format!("index vacuum {done}/{total}"));
        }
        _ => {}
    }
    // Each pass over the indexes means the dead-item store filled up once: more than one
    // says maintenance_work_mem is too small for this table.
    if let Some(passes) = c.index_vacuum_count.filter(|n| *n > 0) {
        parts.push(format!("index passes {passes}"));
    }
    if let Some(items) = c.dead_items {
        let mut text = format!("dead items {}", quantity(items as f64));
        match (c.max_dead_items, c.dead_item_bytes, c.max_dead_item_bytes) {
            (Some(max), _, _) if max > 0 => text.push_str(&format!(" of {}", quantity(max as f64))),
            (_, Some(used), Some(max)) if max > 0 => {
                text.push_str(&format!(" ({} of {})", bytes(used), bytes(max)));
            }
            _ => {}
        }
        parts.push(text);
    }
    parts.join(", ")
}

fn analyze_detail(c: &AnalyzeCounters) -> String {
    let mut parts = Vec::new();
    push_ratio(
        &mut parts,
        "child tables",
        c.child_tables_done,
        c.child_tables_total,
    );
    push_ratio(
        &mut parts,
        "extended stats",
        c.ext_stats_computed,
        c.ext_stats_total,
    );
    parts.join(", ")
}

/// Blocks where the phase counts blocks (scanning the table), else tuples (sorting,
/// loading the tree, validating).
fn create_index_percent(c: &CreateIndexCounters) -> Option<f64> {
    percent(c.blocks_done, c.blocks_total).or_else(|| percent(c.tuples_done, c.tuples_total))
}

fn create_index_detail(c: &CreateIndexCounters) -> String {
    let mut parts = Vec::new();
    if let Some(command) = &c.command {
        parts.push(command.clone());
    }
    if let Some(index) = &c.index_name {
        parts.push(format!("index {index}"));
    }
    push_ratio(
        &mut parts,
        "waiting for lockers",
        c.lockers_done,
        c.lockers_total,
    );
    push_ratio(
        &mut parts,
        "partitions",
        c.partitions_done,
        c.partitions_total,
    );
    if let (Some(done), Some(total)) = (c.tuples_done, c.tuples_total.filter(|t| *t > 0)) {
        parts.push(format!(
            "tuples {}/{}",
            quantity(done as f64),
            quantity(total as f64)
        ));
    }
    parts.join(", ")
}

/// Adds `label done/total` when there is a total.
fn push_ratio(parts: &mut Vec<String>, label: &str, done: Option<i64>, total: Option<i64>) {
    if let (Some(done), Some(total)) = (done, total.filter(|t| *t > 0)) {
        parts.push(format!("{label} {done}/{total}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vacuum_columns_follow_the_server_version() {
        for (version, sql) in [
            (130_000, PROGRESS_13_SQL),
            (160_000, PROGRESS_13_SQL),
            (160_009, PROGRESS_13_SQL),
            (170_000, PROGRESS_17_SQL),
            (180_004, PROGRESS_17_SQL),
        ] {
            assert_eq!(progress_sql(version), sql, "{version}");
        }
        assert!(PROGRESS_13_SQL.contains("v.num_dead_tuples"));
        assert!(PROGRESS_13_SQL.contains("v.max_dead_tuples"));
        assert!(!PROGRESS_13_SQL.contains("v.indexes_total"));
        for column in [
            "v.num_dead_item_ids",
            "v.dead_tuple_bytes",
            "v.max_dead_tuple_bytes",
            "v.indexes_total",
            "v.indexes_processed",
        ] {
            assert!(PROGRESS_17_SQL.contains(column), "{column}");
        }
        assert!(!PROGRESS_17_SQL.contains("v.num_dead_tuples"));
    }

    #[test]
    fn percent_needs_a_known_total_and_stays_in_range() {
        for (done, total, expected) in [
            (Some(50), Some(200), Some(25.0)),
            (Some(0), Some(10), Some(0.0)),
            (Some(10), Some(10), Some(100.0)),
            (Some(11), Some(10), Some(100.0)),
            (Some(-1), Some(10), Some(0.0)),
            (Some(5), Some(0), None),
            (None, Some(10), None),
            (Some(5), None, None),
        ] {
            assert_eq!(percent(done, total), expected, "{done:?}/{total:?}");
        }
    }

    #[test]
    fn vacuum_percent_and_detail_by_phase() {
        let old = VacuumCounters {
            heap_blks_total: Some(1000),
            heap_blks_scanned: Some(1000),
            heap_blks_vacuumed: Some(250),
            index_vacuum_count: Some(1),
            dead_items: Some(1234),
            max_dead_items: Some(11_184_810),
            ..VacuumCounters::default()
        };
        let new = VacuumCounters {
            heap_blks_total: Some(1000),
            heap_blks_scanned: Some(400),
            heap_blks_vacuumed: Some(0),
            index_vacuum_count: Some(0),
            dead_items: Some(1234),
            dead_item_bytes: Some(3 * 1024 * 1024),
            max_dead_item_bytes: Some(64 * 1024 * 1024),
            indexes_total: Some(5),
            indexes_processed: Some(2),
            ..VacuumCounters::default()
        };
        let cases = [
            (
                "scanning heap",
                new,
                Some(40.0),
                "dead items 1.2k (3.0 MiB of 64.0 MiB)",
            ),
            (
                "vacuuming indexes",
                new,
                Some(40.0),
                "index vacuum 2/5, dead items 1.2k (3.0 MiB of 64.0 MiB)",
            ),
            (
                "vacuuming heap",
                old,
                Some(25.0),
                "index passes 1, dead items 1.2k of 11.2M",
            ),
            (
                "vacuuming indexes",
                old,
                Some(100.0),
                "index passes 1, dead items 1.2k of 11.2M",
            ),
            ("initializing", VacuumCounters::default(), None, ""),
        ];
        for (phase, counters, expected_percent, expected_detail) in cases {
            assert_eq!(
                vacuum_percent(phase, &counters),
                expected_percent,
                "{phase}"
            );
            assert_eq!(vacuum_detail(phase, &counters), expected_detail, "{phase}");
        }
    }

    #[test]
    fn analyze_detail_lists_children_and_extended_stats() {
        let c = AnalyzeCounters {
            sample_blks_total: Some(300),
            sample_blks_scanned: Some(30),
            ext_stats_total: Some(2),
            ext_stats_computed: Some(1),
            child_tables_total: Some(0),
            child_tables_done: Some(0),
        };
        assert_eq!(analyze_detail(&c), "extended stats 1/2");
        let inherited = AnalyzeCounters {
            child_tables_total: Some(3),
            child_tables_done: Some(1),
            ..AnalyzeCounters::default()
        };
        assert_eq!(analyze_detail(&inherited), "child tables 1/3");
    }

    #[test]
    fn create_index_uses_blocks_then_tuples() {
        let scanning = CreateIndexCounters {
            command: Some("CREATE INDEX CONCURRENTLY".into()),
            index_name: Some("t_v_idx".into()),
            blocks_total: Some(200),
            blocks_done: Some(50),
            tuples_total: Some(0),
            tuples_done: Some(0),
            lockers_total: Some(0),
            lockers_done: Some(0),
            ..CreateIndexCounters::default()
        };
        assert_eq!(create_index_percent(&scanning), Some(25.0));
        assert_eq!(
            create_index_detail(&scanning),
            "CREATE INDEX CONCURRENTLY, index t_v_idx"
        );
        let loading = CreateIndexCounters {
            command: Some("REINDEX".into()),
            blocks_total: Some(0),
            tuples_total: Some(40_000),
            tuples_done: Some(10_000),
            lockers_total: Some(2),
            lockers_done: Some(1),
            partitions_total: Some(4),
            partitions_done: Some(3),
            ..CreateIndexCounters::default()
        };
        assert_eq!(create_index_percent(&loading), Some(25.0));
        assert_eq!(
            create_index_detail(&loading),
            "REINDEX, waiting for lockers 1/2, partitions 3/4, tuples 10.0k/40.0k"
        );
    }
}
