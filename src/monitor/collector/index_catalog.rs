//! The Indexes list read in two parts: the definitions, which change only with DDL, read
//! again only when the catalog changed; and the counters and size estimates, read at
//! every governed read (`queries/index_counters.sql` says what "changed" means).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_postgres::Row;

use crate::monitor::snapshot::Section;
use crate::monitor::snapshot::indexes::IndexInfo;
use crate::pg::queries::{CATALOG_WRITES_SQL, INDEX_COUNTERS_SQL};
use crate::pg::session::MonitorSession;

use super::indexes::collect_indexes;
use super::rows::{bad_row, query_failed};

/// The longest the definitions are kept. The count of catalog writes sees another
/// session's DDL once that session reports its statistics: from 15 within a second or
/// so (a minute at most under contention); before 15 at the end of a transaction at
/// least 500 ms after its previous report, so a rename right after another statement,
/// in a session that then stays idle, would go unseen. A new or dropped index is seen
/// at once in any case (the oids).
const DEFINITIONS_MAX_AGE: Duration = Duration::from_secs(300);

/// One index's figures that move between DDLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counters {
    idx_scan: i64,
    idx_tup_read: i64,
    idx_tup_fetch: i64,
    size_bytes: i64,
}

/// The definitions last read, and what the catalog looked like just before.
#[derive(Debug, Clone)]
struct Definitions {
    /// `catalog_writes` read before the definitions: a later change counts more.
    catalog_writes: i64,
    /// The connection they were read on: a reconnect may reach another server.
    connect_count: u64,
    read_at: Instant,
    /// The list last returned (the one on screen: kept once, not copied).
    indexes: Arc<Vec<IndexInfo>>,
}

/// The definitions kept between reads of the Indexes list.
#[derive(Debug, Clone, Default)]
pub struct IndexCatalog {
    kept: Option<Definitions>,
    /// How many times the definitions were read (tests and the report on cost).
    definition_reads: u64,
}

impl IndexCatalog {
    /// Every user index with its current counters, as [`collect_indexes`] returns them.
    ///
    /// The counters come first, with the count of catalog writes; the definitions kept
    /// are reused when that count and the set of index oids are unchanged (and they are
    /// less than [`DEFINITIONS_MAX_AGE`] old), and read again otherwise. With nothing
    /// kept, the count alone comes first. Read in that order, a DDL the count already
    /// includes committed before the definitions' statement began, so they show it; one
    /// it missed changes the next count.
    pub async fn read(&mut self, session: &mut MonitorSession) -> Section<Arc<Vec<IndexInfo>>> {
        let connect_count = session.connect_count();
        let Some(kept) = self.kept.take().filter(|kept| {
            kept.connect_count == connect_count && kept.read_at.elapsed() < DEFINITIONS_MAX_AGE
        }) else {
            // Nothing to reuse: the count alone, then the definitions with their counters.
            let writes = catalog_writes(session).await?;
            return self.read_definitions(session, writes).await;
        };
        let rows = session
            .query(INDEX_COUNTERS_SQL, &[])
            .await
            .map_err(query_failed)?;
        let mut writes = 0;
        let mut counters = HashMap::with_capacity(rows.len());
        for row in &rows {
            let (oid, figures, catalog_writes) = counters_from_row(row)?;
            counters.insert(oid, figures);
            writes = catalog_writes;
        }
        if rows.is_empty() {
            writes = catalog_writes(session).await?;
        }
        // No statistics (track_counts off) count nothing: nothing to rely on.
        if writes != 0
            && writes == kept.catalog_writes
            && let Some(merged) = merged(&kept.indexes, &counters)
        {
            let merged = Arc::new(merged);
            self.kept = Some(Definitions {
                indexes: Arc::clone(&merged),
                ..kept
            });
            return Ok(merged);
        }
        self.read_definitions(session, writes).await
    }

    /// Every definition with its counters, dated by `catalog_writes` read just before.
    async fn read_definitions(
        &mut self,
        session: &mut MonitorSession,
        catalog_writes: i64,
    ) -> Section<Arc<Vec<IndexInfo>>> {
        let read_at = Instant::now();
        let indexes = Arc::new(collect_indexes(session).await?);
        self.definition_reads += 1;
        self.kept = Some(Definitions {
            catalog_writes,
            connect_count: session.connect_count(),
            read_at,
            indexes: Arc::clone(&indexes),
        });
        Ok(indexes)
    }

    /// How many times the definitions were read so far.
    pub fn definition_reads(&self) -> u64 {
        self.definition_reads
    }
}

async fn catalog_writes(session: &mut MonitorSession) -> Section<i64> {
    let rows = session
        .query(CATALOG_WRITES_SQL, &[])
        .await
        .map_err(query_failed)?;
    let writes: Option<i64> = match rows.first() {
        Some(row) => row.try_get("catalog_writes").map_err(bad_row)?,
        None => None,
    };
    Ok(writes.unwrap_or(0))
}

fn counters_from_row(row: &Row) -> Section<(u32, Counters, i64)> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let writes: Option<i64> = row.try_get("catalog_writes").map_err(bad_row)?;
    Ok((
        row.try_get("indexrelid").map_err(bad_row)?,
        Counters {
            idx_scan: count("idx_scan")?,
            idx_tup_read: count("idx_tup_read")?,
            idx_tup_fetch: count("idx_tup_fetch")?,
            size_bytes: count("size_bytes")?,
        },
        writes.unwrap_or(0),
    ))
}

/// The definitions with the new counters, in their order; `None` when the indexes are
/// not the same set (one created or dropped since).
fn merged(definitions: &[IndexInfo], counters: &HashMap<u32, Counters>) -> Option<Vec<IndexInfo>> {
    if definitions.len() != counters.len() {
        return None;
    }
    definitions
        .iter()
        .map(|index| {
            let now = counters.get(&index.indexrelid)?;
            Some(IndexInfo {
                idx_scan: now.idx_scan,
                idx_tup_read: now.idx_tup_read,
                idx_tup_fetch: now.idx_tup_fetch,
                size_bytes: now.size_bytes,
                ..index.clone()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(oid: u32) -> IndexInfo {
        IndexInfo {
            indexrelid: oid,
            table_relid: 1,
            schema: "public".into(),
            table: "lessons".into(),
            name: format!("lessons_{oid}_idx"),
            access_method: "btree".into(),
            idx_scan: 0,
            idx_tup_read: 0,
            idx_tup_fetch: 0,
            size_bytes: 8192,
            is_unique: false,
            is_primary: false,
            is_valid: true,
            is_ready: true,
            backs_constraint: false,
            key_columns: 1,
            columns: vec![1],
            opclasses: vec![1978],
            collations: vec![0],
            options: vec![0],
            expressions: None,
            predicate: None,
        }
    }

    fn scanned(n: i64) -> Counters {
        Counters {
            idx_scan: n,
            idx_tup_read: 2 * n,
            idx_tup_fetch: n,
            size_bytes: 16384,
        }
    }

    #[test]
    fn the_same_indexes_take_the_new_counters_and_keep_their_definitions() {
        let kept = [index(10), index(11)];
        let counters = HashMap::from([(10, scanned(5)), (11, scanned(0))]);
        let now = merged(&kept, &counters).expect("same set");
        assert_eq!(now[0].idx_scan, 5);
        assert_eq!(now[0].idx_tup_read, 10);
        assert_eq!(now[0].size_bytes, 16384);
        assert_eq!(now[0].name, "lessons_10_idx");
        assert_eq!(now[1].indexrelid, 11);
    }

    #[test]
    fn an_index_created_or_dropped_asks_for_the_definitions_again() {
        let kept = [index(10), index(11)];
        let created = HashMap::from([(10, scanned(1)), (11, scanned(1)), (12, scanned(0))]);
        assert_eq!(merged(&kept, &created), None);
        let dropped = HashMap::from([(10, scanned(1))]);
        assert_eq!(merged(&kept, &dropped), None);
        let replaced = HashMap::from([(10, scanned(1)), (12, scanned(0))]);
        assert_eq!(merged(&kept, &replaced), None);
    }
}
