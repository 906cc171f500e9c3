//! Steps on a relation, addressed by OID: VACUUM, ANALYZE, REINDEX CONCURRENTLY (and the
//! invalid index a failed one leaves), DROP INDEX CONCURRENTLY of such an index.

use tokio::sync::mpsc::UnboundedReceiver;

use super::connection::{Executor, describe, simple};
use crate::actions::{ActionKind, Outcome, RelationTarget, StepReport, sql};
use crate::pg::queries::{ACTION_INVALID_INDEXES_SQL, ACTION_RELATION_SQL};
use crate::text::sanitize::sanitized;

/// The relation's real names, read by OID now: what the screen showed may be sanitized,
/// renamed since, or gone.
struct Resolved {
    schema: String,
    name: String,
    relkind: String,
    table_oid: u32,
    /// `None` for a table.
    index_valid: Option<bool>,
    /// A CREATE INDEX / REINDEX running on the index's table now.
    index_build_pid: Option<i32>,
}

async fn resolve(executor: &mut Executor, kind: ActionKind, oid: u32) -> Result<Resolved, String> {
    let live = executor.connection(kind).await?;
    let row = live
        .client()
        .query_opt(ACTION_RELATION_SQL, &[&oid])
        .await
        .map_err(|e| describe(&e))?
        .ok_or_else(|| format!("relation with OID {oid} no longer exists"))?;
    let get = |name: &str| row.try_get::<_, String>(name).map_err(|e| describe(&e));
    Ok(Resolved {
        schema: get("schema_name")?,
        name: get("relation_name")?,
        relkind: get("relkind")?,
        table_oid: row.try_get("table_oid").map_err(|e| describe(&e))?,
        index_valid: row.try_get("index_valid").map_err(|e| describe(&e))?,
        index_build_pid: row.try_get("index_build_pid").map_err(|e| describe(&e))?,
    })
}

/// `DROP INDEX CONCURRENTLY` of an index that is still invalid: never a valid one, never
/// one while an index build runs on its table (the build may be about to make it valid).
pub(super) async fn drop_invalid(
    executor: &mut Executor,
    target: &RelationTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let kind = ActionKind::DropInvalidIndex;
    let index = resolve(executor, kind, target.oid).await?;
    let name = sanitized(&sql::qualified(&index.schema, &index.name));
    if index.relkind != "i" {
        return Err(format!(
            "{name} is not an index DROP INDEX CONCURRENTLY can drop (relkind {})",
            index.relkind
        ));
    }
    if index.index_valid != Some(false) {
        return Err(format!("{name} is valid now: not dropped"));
    }
    if let Some(pid) = index.index_build_pid {
        return Err(format!(
            "an index build (pid {pid}) runs on the table of {name}: not dropped while it \
             may still finish it"
        ));
    }
    let text = sql::drop_index_concurrently(&index.schema, &index.name);
    report.sql = text.clone();
    simple(executor, kind, &text, stop, report).await?;
    if report.outcome == Outcome::Ok {
        report.message = format!("dropped invalid index {name}");
    }
    Ok(())
}

pub(super) async fn maintain(
    executor: &mut Executor,
    kind: ActionKind,
    target: &RelationTarget,
    stop: &mut UnboundedReceiver<()>,
    report: &mut StepReport,
) -> Result<(), String> {
    let relation = resolve(executor, kind, target.oid).await?;
    let is_index = matches!(relation.relkind.as_str(), "i" | "I");
    let is_table = matches!(relation.relkind.as_str(), "r" | "m" | "p");
    let text = match kind {
        ActionKind::ReindexConcurrently if is_index => {
            sql::reindex_concurrently(&relation.schema, &relation.name)
        }
        ActionKind::VacuumAnalyze if is_table => {
            sql::vacuum_analyze(&relation.schema, &relation.name)
        }
        ActionKind::Analyze if is_table => sql::analyze(&relation.schema, &relation.name),
        _ => {
            return Err(format!(
                "{} cannot act on {} (relkind {})",
                kind.title(),
                sanitized(&sql::qualified(&relation.schema, &relation.name)),
                relation.relkind
            ));
        }
    };
    report.sql = text.clone();
    if kind != ActionKind::ReindexConcurrently {
        simple(executor, kind, &text, stop, report).await?;
        if report.outcome == Outcome::Ok {
            report.message = format!("{} done", kind.title());
        }
        return Ok(());
    }
    let before = invalid_indexes(executor, kind, relation.table_oid).await?;
    let result = simple(executor, kind, &text, stop, report).await;
    if result.is_ok() && report.outcome == Outcome::Ok {
        report.message = "REINDEX CONCURRENTLY done".into();
        return Ok(());
    }
    // A failed, stopped or timed-out REINDEX CONCURRENTLY can leave an invalid copy that
    // every write still maintains: say which, and how to remove it.
    let after = invalid_indexes(executor, kind, relation.table_oid)
        .await
        .unwrap_or_default();
    let left: Vec<RelationTarget> = after
        .into_iter()
        .filter(|index| !before.iter().any(|b| b.oid == index.oid))
        .collect();
    let mut message = match &result {
        Err(message) => message.clone(),
        Ok(_) => report.message.clone(),
    };
    if !left.is_empty() {
        let names: Vec<String> = left
            .iter()
            .map(|index| sql::qualified(&index.schema, &index.name))
            .collect();
        message.push_str(&format!(
            "; left invalid index {} (still updated on every write: DROP INDEX CONCURRENTLY it)",
            names.join(", ")
        ));
    }
    report.left_invalid = left;
    result.map(|_| ()).map_err(|_| message.clone())?;
    report.message = message;
    Ok(())
}

/// Invalid indexes of a table, by OID with display-safe (sanitized) names.
async fn invalid_indexes(
    executor: &mut Executor,
    kind: ActionKind,
    table_oid: u32,
) -> Result<Vec<RelationTarget>, String> {
    let live = executor.connection(kind).await?;
    let rows = live
        .client()
        .query(ACTION_INVALID_INDEXES_SQL, &[&table_oid])
        .await
        .map_err(|e| describe(&e))?;
    rows.iter()
        .map(|row| {
            let oid: u32 = row.try_get("index_oid").map_err(|e| describe(&e))?;
            let schema: String = row.try_get("schema_name").map_err(|e| describe(&e))?;
            let name: String = row.try_get("index_name").map_err(|e| describe(&e))?;
            let table: String = row.try_get("table_name").map_err(|e| describe(&e))?;
            Ok(RelationTarget {
                oid,
                schema: sanitized(&schema),
                name: sanitized(&name),
                size_bytes: None,
                table: Some(sanitized(&table)),
            })
        })
        .collect()
}
