//! From the parsed TOML table to a checked [`Config`]: one function per table, each
//! listing the keys it accepts, the range of every value and the rules between values
//! (a warning level must come before its critical one).

use std::collections::BTreeMap;
use std::time::Duration;

use toml::{Table, Value};

use super::read::Section;
use super::thresholds::THRESHOLD_KEYS;
use super::{ActionTimeouts, Config, ConfigError, Pool, Refresh, Schedule, Target};

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

const TOP_KEYS: &[&str] = &[
    "theme",
    "read_only",
    "bell",
    "refresh",
    "actions",
    "thresholds",
    "schedule",
    "keys",
    "pools",
    "pgbouncer",
    "targets",
];

/// Reads the whole file.
pub(super) fn config(table: &Table, file: &str) -> Result<Config, ConfigError> {
    let top = Section::new(file, String::new(), table, TOP_KEYS)?;
    Ok(Config {
        file: Some(file.to_owned()),
        theme: top.string("theme", "name a theme, e.g. theme = \"light\"")?,
        read_only: top.boolean("read_only", false)?,
        bell: top.boolean("bell", false)?,
        refresh: within(&top, "refresh", REFRESH_KEYS, refresh)?,
        actions: within(&top, "actions", ACTION_KEYS, actions)?,
        threshold_settings: within(&top, "thresholds", THRESHOLD_KEYS, super::thresholds::read)?,
        schedule: within(&top, "schedule", SCHEDULE_KEYS, schedule)?,
        keys: keys(&top)?,
        pools: pools(&top)?,
        pgbouncer: top
            .table("pgbouncer", PGBOUNCER_EXAMPLE)?
            .map(|table| target(file, "pgbouncer".into(), table, PGBOUNCER_EXAMPLE))
            .transpose()?,
        targets: targets(&top)?,
    })
}

/// Reads the optional table `key` with `read`; an absent table reads as empty, so every
/// value takes its default.
fn within<T>(
    top: &Section<'_>,
    key: &str,
    known: &[&str],
    read: impl FnOnce(&Section<'_>) -> Result<T, ConfigError>,
) -> Result<T, ConfigError> {
    let empty = Table::new();
    let first = known.first().copied().unwrap_or_default();
    let example = format!("write a [{key}] table with lines like {first} = ...");
    let table = top.table(key, &example)?.unwrap_or(&empty);
    read(&Section::new(top.file, key.to_owned(), table, known)?)
}

const REFRESH_KEYS: &[&str] = &[
    "fast",
    "slow",
    "latency_window",
    "slow_query",
    "server_budget",
];

fn refresh(s: &Section<'_>) -> Result<Refresh, ConfigError> {
    let default = Refresh::default();
    let (fast_range, slow_range) = (super::FAST_REFRESH_RANGE, super::SLOW_REFRESH_RANGE);
    let fast = s.duration("fast", default.fast, *fast_range.start(), *fast_range.end())?;
    let slow = s.duration("slow", default.slow, *slow_range.start(), *slow_range.end())?;
    // A slow tier left at its default follows a longer fast one; a written one must not
    // be shorter.
    if slow < fast
        && let Some(value) = s.table.get("slow")
    {
        return Err(s.bad(
            "slow",
            value,
            &format!(
                "is shorter than refresh.fast ({})",
                super::format_duration(fast)
            ),
            "make the slow tier at least as long as the fast one",
        ));
    }
    Ok(Refresh {
        fast,
        slow: slow.max(fast),
        latency_window: s.duration("latency_window", default.latency_window, MINUTE, 7 * DAY)?,
        slow_query: s.duration(
            "slow_query",
            default.slow_query,
            Duration::from_millis(1),
            HOUR,
        )?,
        server_budget: s.duration(
            "server_budget",
            default.server_budget,
            *super::SERVER_BUDGET_RANGE.start(),
            *super::SERVER_BUDGET_RANGE.end(),
        )?,
    })
}

const ACTION_KEYS: &[&str] = &["lock_timeout", "statement_timeout", "maintenance_timeout"];

fn actions(s: &Section<'_>) -> Result<ActionTimeouts, ConfigError> {
    let default = ActionTimeouts::default();
    Ok(ActionTimeouts {
        lock_timeout: s.duration(
            "lock_timeout",
            default.lock_timeout,
            Duration::from_millis(1),
            HOUR,
        )?,
        statement_timeout: s.duration(
            "statement_timeout",
            default.statement_timeout,
            SECOND,
            DAY,
        )?,
        maintenance_timeout: s.duration(
            "maintenance_timeout",
            default.maintenance_timeout,
            SECOND,
            DAY,
        )?,
    })
}

const SCHEDULE_KEYS: &[&str] = &["analyze_every", "vacuum_every"];

fn schedule(s: &Section<'_>) -> Result<Schedule, ConfigError> {
    let d = Schedule::default();
    Ok(Schedule {
        analyze_every: s.duration("analyze_every", d.analyze_every, MINUTE, 365 * DAY)?,
        vacuum_every: s.duration("vacuum_every", d.vacuum_every, MINUTE, 365 * DAY)?,
    })
}

/// `[keys]`: action name -> list of keys (a single string counts as a list of one).
/// Which names and keys are valid is the keymap's business (checked at load time).
fn keys(top: &Section<'_>) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
    let example = "write a [keys] table with lines like quit = [\"q\", \"ctrl-c\"]";
    let Some(table) = top.table("keys", example)? else {
        return Ok(Vec::new());
    };
    let keys = Section {
        file: top.file,
        path: "keys".into(),
        table,
    };
    let list_fix =
        |action: &str| format!("write a list of keys, e.g. {action} = [\"q\", \"ctrl-c\"]");
    let mut entries = table
        .iter()
        .map(|(action, value)| {
            let spellings = match value {
                Value::String(key) => vec![key.clone()],
                Value::Array(items) => items
                    .iter()
                    .map(|item| match item {
                        Value::String(key) => Ok(key.clone()),
                        _ => Err(keys.bad(
                            action,
                            value,
                            "is not a list of strings",
                            &list_fix(action),
                        )),
                    })
                    .collect::<Result<_, _>>()?,
                _ => {
                    return Err(keys.bad(
                        action,
                        value,
                        "is not a list of keys",
                        &list_fix(action),
                    ));
                }
            };
            Ok((action.clone(), spellings))
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    // Sorted, so the result does not depend on how the TOML map orders keys.
    entries.sort();
    Ok(entries)
}

const POOL_KEYS: &[&str] = &["name", "application", "max"];
const POOL_EXAMPLE: &str =
    "write [[pools]] tables like: application = \"learning-assistant-*\", max = 50";
const POOL_APPLICATION_FIX: &str = "give the pool's application_name or a glob with *, e.g. \
                                    application = \"learning-assistant-*\"";
const POOL_NAME_FIX: &str = "name the pool, e.g. name = \"learning-assistant (prod)\"";
const POOL_MAX_FIX: &str = "use a whole number of connections from 1 up, e.g. max = 50";

/// `[[pools]]`, numbered from 1 in messages (`pools[2].max`).
fn pools(top: &Section<'_>) -> Result<Vec<Pool>, ConfigError> {
    let items = match top.table.get("pools") {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(top.bad("pools", other, "is not a list of pools", POOL_EXAMPLE)),
    };
    let mut pools: Vec<Pool> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let path = format!("pools[{}]", index + 1);
        let Value::Table(table) = item else {
            return Err(top.bad(&path, item, "is not a table", POOL_EXAMPLE));
        };
        let s = Section::new(top.file, path, table, POOL_KEYS)?;
        let application = s
            .string("application", POOL_APPLICATION_FIX)?
            .ok_or_else(|| s.missing("application", POOL_APPLICATION_FIX))?;
        let name = s
            .string("name", POOL_NAME_FIX)?
            .unwrap_or_else(|| application.clone());
        let max = match table.get("max") {
            None => return Err(s.missing("max", POOL_MAX_FIX)),
            Some(value @ Value::Integer(n)) => u32::try_from(*n)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| s.bad("max", value, "is not a pool size", POOL_MAX_FIX))?,
            Some(other) => return Err(s.bad("max", other, "is not a pool size", POOL_MAX_FIX)),
        };
        if pools.iter().any(|p| p.name == name) {
            // Blame the key that made the name: `name`, or the pattern standing in for it.
            let key = if table.contains_key("name") {
                "name"
            } else {
                "application"
            };
            let value = Value::String(name);
            return Err(s.bad(
                key,
                &value,
                "names a pool twice",
                "give each pool its own name",
            ));
        }
        pools.push(Pool {
            name,
            application,
            max,
        });
    }
    Ok(pools)
}

const PGBOUNCER_EXAMPLE: &str = "write [pgbouncer] with conninfo = \"host=127.0.0.1 port=6432 \
                                 dbname=pgbouncer user=pgbouncer\"";
const TARGET_KEYS: &[&str] = &["conninfo"];

/// `[pgbouncer]` or one `[targets.NAME]`: a table with a conninfo.
fn target(file: &str, path: String, table: &Table, example: &str) -> Result<Target, ConfigError> {
    let s = Section::new(file, path, table, TARGET_KEYS)?;
    let conninfo = s
        .string("conninfo", example)?
        .ok_or_else(|| s.missing("conninfo", example))?;
    Ok(Target { conninfo })
}

fn targets(top: &Section<'_>) -> Result<BTreeMap<String, Target>, ConfigError> {
    let example = "write [targets.prod] with conninfo = \"host=db1 dbname=app\"";
    let Some(table) = top.table("targets", example)? else {
        return Ok(BTreeMap::new());
    };
    let targets = Section {
        file: top.file,
        path: "targets".into(),
        table,
    };
    table
        .iter()
        .map(|(name, value)| {
            let Value::Table(inner) = value else {
                return Err(targets.bad(name, value, "is not a table", example));
            };
            let path = targets.key(name);
            let example = format!("write [{path}] with conninfo = \"host=db1 dbname=app\"");
            let target = target(top.file, path, inner, &example)?;
            Ok((name.clone(), target))
        })
        .collect()
}
