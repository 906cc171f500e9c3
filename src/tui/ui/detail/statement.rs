//! A statement's detail: role and database by name, the last interval, every counter the
//! installed pg_stat_statements version has (read when the view opened) and the whole
//! text.

use ratatui::text::{Line, Span};

use super::lines::{fetched, field, heading, query_lines};
use crate::monitor::collector::DetailData;
use crate::monitor::collector::detail::StatementDetail;
use crate::monitor::snapshot::StatementKey;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

pub(super) fn detail(app: &App, key: StatementKey, width: usize) -> (String, Vec<Line<'static>>) {
    let theme = &app.theme;
    let detail = match fetched(app) {
        Some(Ok(DetailData::Statement(detail))) => Some(Ok(detail)),
        Some(Err(error)) => Some(Err(error)),
        _ => None,
    };
    let database = detail
        .and_then(|d| d.ok())
        .and_then(|d| d.database.clone())
        .or_else(|| database_name(app, key.dbid));
    // Names, not OIDs: the role's comes with the counters (the OID only if they failed).
    let role = match detail {
        Some(Ok(d)) => d.role.clone(),
        Some(Err(_)) => None,
        None => Some("(reading…)".into()),
    };
    let mut lines = vec![Line::from(
        [
            field(
                theme,
                "role",
                role.unwrap_or_else(|| format!("oid {}", key.userid)),
            ),
            field(
                theme,
                "database",
                database.unwrap_or_else(|| format!("oid {}", key.dbid)),
            ),
            field(theme, "queryid", key.queryid.to_string()),
            field(
                theme,
                "top level",
                if key.toplevel { "yes" } else { "no (nested)" }.into(),
            ),
        ]
        .concat(),
    )];
    if let Some(d) = app
        .model
        .statement_deltas()
        .rows
        .iter()
        .find(|d| d.key == key)
    {
        lines.push(Line::from(
            [
                vec![Span::styled(
                    format!("last {}:   ", format::duration(app.refresh)),
                    theme.style(Role::Header),
                )],
                field(theme, "calls/s", format::quantity(d.calls_per_sec)),
                field(
                    theme,
                    "mean",
                    d.mean_ms.map_or("-".into(), format::millis_unit),
                ),
                field(
                    theme,
                    "% time",
                    format::percent(Some(d.share_of_total_time)),
                ),
                field(theme, "rows/s", format::quantity(d.rows_per_sec)),
                field(theme, "hit", format::percent(d.shared_hit_ratio)),
            ]
            .concat(),
        ));
    }
    lines.push(Line::from(""));
    match detail {
        None => lines.push(heading(
            theme,
            "Since the entry started: reading pg_stat_statements…".into(),
        )),
        Some(Err(error)) => {
            lines.push(heading(theme, "Since the entry started".into()));
            lines.push(Line::from(Span::styled(
                format!("could not be read: {error}"),
                theme.style(Role::Crit),
            )));
        }
        Some(Ok(detail)) => {
            let io_timing = app
                .model
                .snapshot()
                .and_then(|s| s.capabilities.as_ref())
                .is_some_and(|c| c.track_io_timing);
            lines.extend(counter_lines(theme, detail, io_timing));
        }
    }
    lines.push(Line::from(""));
    let text = crate::tui::app::detail::statement_text(app, key);
    // The cached text is cut at 8 KiB; the whole one comes with the counters.
    let cut = text.as_ref().is_some_and(|t| t.ends_with('…'));
    let note = match detail {
        Some(Ok(_)) => "",
        None if cut => " · its first 8 KiB, reading the whole text…",
        Some(Err(_)) if cut => " · only its first 8 KiB: the whole text could not be read",
        _ => "",
    };
    match text {
        Some(text) => lines.extend(query_lines(theme, &text, note, width)),
        None => lines.push(heading(theme, "Query: text not fetched yet".into())),
    }
    (format!(" statement {} ", key.queryid), lines)
}

/// The counters of one entry, grouped the way a DBA reads them; groups the installed
/// extension version does not have are left out.
fn counter_lines(
    theme: &Theme,
    detail: &StatementDetail,
    track_io_timing: bool,
) -> Vec<Line<'static>> {
    let ms = |name: &str| detail.counter(name).map(format::millis_unit);
    let count = |name: &str| detail.counter(name).map(format::quantity);
    let mut lines = Vec::new();
    let since = detail
        .stats_since
        .as_ref()
        .map_or_else(String::new, |s| format!(" (since {s})"));
    lines.push(heading(theme, format!("Since the entry started{since}")));
    let group = |label: &str, pairs: Vec<(&str, Option<String>)>| -> Option<Line<'static>> {
        let present: Vec<Span<'static>> = pairs
            .into_iter()
            .filter_map(|(name, value)| Some(field(theme, name, value?)))
            .flatten()
            .collect();
        (!present.is_empty()).then(|| {
            Line::from(
                [
                    vec![Span::styled(
                        format!("{label:<10}"),
                        theme.style(Role::Muted),
                    )],
                    present,
                ]
                .concat(),
            )
        })
    };
    let exec = group(
        "execution",
        vec![
            ("calls", count("calls")),
            ("total", ms("total_exec_time")),
            ("mean", ms("mean_exec_time")),
            ("min", ms("min_exec_time")),
            ("max", ms("max_exec_time")),
            ("stddev", ms("stddev_exec_time")),
            ("rows", count("rows")),
        ],
    );
    lines.extend(exec);
    // Planning is counted only with pg_stat_statements.track_planning = on: zeros
    // otherwise, which must not read as "no planning time".
    let not_counted = |label: &str, why: &str| {
        Line::from(vec![
            Span::styled(format!("{label:<10}"), theme.style(Role::Muted)),
            Span::styled(format!("not counted ({why})"), theme.style(Role::Muted)),
        ])
    };
    match (detail.counter("plans"), detail.track_planning) {
        (None, _) => {}
        (Some(_), Some(false)) => lines.push(not_counted(
            "planning",
            "pg_stat_statements.track_planning = off",
        )),
        (Some(_), _) => lines.extend(group(
            "planning",
            vec![
                ("plans", count("plans")),
                ("total", ms("total_plan_time")),
                ("mean", ms("mean_plan_time")),
                ("stddev", ms("stddev_plan_time")),
            ],
        )),
    }
    lines.extend(group(
        "shared",
        vec![
            ("hit", count("shared_blks_hit")),
            ("read", count("shared_blks_read")),
            ("dirtied", count("shared_blks_dirtied")),
            ("written", count("shared_blks_written")),
        ],
    ));
    let local = ["local_blks_hit", "local_blks_read", "local_blks_written"]
        .iter()
        .any(|name| detail.counter(name).is_some_and(|v| v > 0.0));
    if local {
        lines.extend(group(
            "local",
            vec![
                ("hit", count("local_blks_hit")),
                ("read", count("local_blks_read")),
                ("written", count("local_blks_written")),
            ],
        ));
    }
    lines.extend(group(
        "temp",
        vec![
            ("read", count("temp_blks_read")),
            ("written", count("temp_blks_written")),
        ],
    ));
    // 1.11 renamed blk_*_time to shared_blk_*_time; zeros without track_io_timing.
    if track_io_timing {
        let read_time = ms("shared_blk_read_time").or_else(|| ms("blk_read_time"));
        let write_time = ms("shared_blk_write_time").or_else(|| ms("blk_write_time"));
        lines.extend(group(
            "I/O time",
            vec![("read", read_time), ("write", write_time)],
        ));
    } else {
        lines.push(not_counted("I/O time", "track_io_timing = off"));
    }
    lines.extend(group(
        "WAL",
        vec![
            ("records", count("wal_records")),
            ("full-page images", count("wal_fpi")),
            (
                "bytes",
                detail.counter("wal_bytes").map(|b| format::bytes(b as i64)),
            ),
            ("buffers full", count("wal_buffers_full")),
        ],
    ));
    lines
}

/// A database's name from the polled counters.
fn database_name(app: &App, dbid: u32) -> Option<String> {
    app.model
        .snapshot()?
        .databases
        .as_ref()
        .ok()?
        .iter()
        .find(|d| d.datid == dbid)
        .map(|d| d.name.clone())
}
