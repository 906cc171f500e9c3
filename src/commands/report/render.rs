//! The report as text (a terminal, an email) and as Markdown (an issue tracker): one
//! document described once ([`Block`]s) and drawn two ways.

use unicode_width::UnicodeWidthStr;

use super::build::{Report, Share};
use crate::text::format;

/// Longest query text in a table cell (the JSON form has the whole first 8 KiB).
const QUERY_CHARS: usize = 120;

enum Block {
    Heading(String),
    Paragraph(String),
    Table {
        headers: Vec<&'static str>,
        rows: Vec<Vec<String>>,
        /// Said instead of an empty table.
        empty: &'static str,
    },
}

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    for block in document(report) {
        match block {
            Block::Heading(text) if out.is_empty() => {
                out.push_str(&format!("# {}\n\n", escape(&text)));
            }
            Block::Heading(text) => out.push_str(&format!("## {}\n\n", escape(&text))),
            Block::Paragraph(text) => out.push_str(&format!("{}\n\n", escape(&text))),
            Block::Table { rows, empty, .. } if rows.is_empty() => {
                out.push_str(&format!("_{}_\n\n", escape(empty)));
            }
            Block::Table { headers, rows, .. } => {
                out.push_str(&format!("| {} |\n", headers.join(" | ")));
                out.push_str(&format!("|{}\n", " --- |".repeat(headers.len())));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The report as plain text with aligned columns.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for block in document(report) {
        match block {
            Block::Heading(title) => {
                out.push_str(&format!("{title}\n{}\n", "=".repeat(title.width())));
            }
            Block::Paragraph(line) => out.push_str(&format!("{line}\n\n")),
            Block::Table { rows, empty, .. } if rows.is_empty() => {
                out.push_str(&format!("{empty}\n\n"));
            }
            Block::Table { headers, rows, .. } => {
                let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
                for row in &rows {
                    for (width, cell) in widths.iter_mut().zip(row) {
                        *width = (*width).max(cell.width());
                    }
                }
                let line = |cells: Vec<&str>| {
                    let padded: Vec<String> = cells
                        .iter()
                        .zip(&widths)
                        .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.width()))))
                        .collect();
                    format!("  {}\n", padded.join("  ").trim_end())
                };
                out.push_str(&line(headers.clone()));
                for row in &rows {
                    out.push_str(&line(row.iter().map(String::as_str).collect()));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Markdown's active characters escaped, so a query, a user or an application name
/// cannot add links, emphasis, HTML or table cells to the ticket.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn document(report: &Report) -> Vec<Block> {
    let source = &report.source;
    let server = &report.server;
    let mut blocks = vec![Block::Heading(format!(
        "pgpulse incident report: {}",
        source.target
    ))];
    blocks.push(Block::Paragraph(format!(
        "Window {} to {} ({} polls, {}). PostgreSQL {}, {}{}{}.",
        source.window_start,
        source.window_end,
        source.polls,
        source.kind,
        server.version.as_deref().unwrap_or("unknown"),
        server.role.unwrap_or("role unknown"),
        server
            .started_at
            .as_ref()
            .map_or(String::new(), |at| format!(", up since {at}")),
        match (server.connections, server.max_connections) {
            (Some(used), Some(max)) => format!(", {used} of {max} connections"),
            _ => String::new(),
        }
    )));
    let critical = report
        .alerts
        .iter()
        .filter(|a| a.level == "critical")
        .count();
    blocks.push(Block::Paragraph(match (critical, report.alerts.len()) {
        (0, 0) => "No alert active at the end of the window.".to_string(),
        (0, n) => format!("{n} warning(s), no critical alert."),
        (c, n) => format!("CRITICAL: {c} critical alert(s) active ({n} in all)."),
    }));
    blocks.push(Block::Heading("Alerts".into()));
    blocks.push(Block::Table {
        headers: vec!["level", "metric", "value", "threshold", "since"],
        rows: report
            .alerts
            .iter()
            .map(|a| {
                vec![
                    a.level.to_string(),
                    a.metric.to_string(),
                    a.value.clone(),
                    a.threshold.clone(),
                    if a.stale {
                        format!("{} (stale)", a.since)
                    } else {
                        a.since.clone()
                    },
                ]
            })
            .collect(),
        empty: "none",
    });
    let load = &report.wait_load;
    blocks.push(Block::Heading("Wait load".into()));
    let classes: Vec<String> = load
        .by_class
        .iter()
        .map(|c| format!("{} {:.2}", c.name, c.average_active_sessions))
        .collect();
    blocks.push(Block::Paragraph(format!(
        "Average active sessions {:.2}{}.",
        load.average_active_sessions,
        if classes.is_empty() {
            String::new()
        } else {
            format!(": {}", classes.join(", "))
        }
    )));
    for (title, rows) in [
        ("Top wait events", &load.events),
        ("Top statements by load", &load.statements),
        ("Top users", &load.users),
        ("Top applications", &load.applications),
    ] {
        blocks.push(Block::Paragraph(format!("{title}:")));
        blocks.push(shares_table(rows));
    }
    blocks.push(Block::Heading("Top statements by execution time".into()));
    blocks.push(Block::Table {
        headers: vec!["share", "total ms", "calls", "mean ms", "query"],
        rows: report
            .top_statements
            .iter()
            .map(|s| {
                vec![
                    format::percent(Some(s.share)),
                    format::millis(s.total_ms),
                    format::thousands(s.calls),
                    s.mean_ms.map_or("-".into(), format::millis),
                    query(&s.query),
                ]
            })
            .collect(),
        empty: "no statement ran in the window (or pg_stat_statements is not readable)",
    });
    blocks.push(Block::Heading("Blocking tree".into()));
    blocks.push(Block::Table {
        headers: vec![
            "pid",
            "blocks",
            "user",
            "application",
            "state",
            "wait",
            "xact",
            "query",
        ],
        rows: report
            .blocking
            .iter()
            .map(|b| {
                vec![
                    // Markdown collapses leading spaces: the depth is drawn as arrows.
                    match b.depth {
                        0 => b.pid.to_string(),
                        depth => format!("{} {}", "↳".repeat(depth), b.pid),
                    },
                    b.blocks.to_string(),
                    b.user.clone().unwrap_or_default(),
                    b.application.clone(),
                    b.state.clone().unwrap_or_default(),
                    b.wait.clone().unwrap_or_default(),
                    b.transaction_seconds.map_or(String::new(), seconds),
                    query(&b.query),
                ]
            })
            .collect(),
        empty: "no session waits for another",
    });
    blocks.push(Block::Heading("Long and idle transactions".into()));
    blocks.push(Block::Table {
        headers: vec!["pid", "open for", "state", "user", "application", "query"],
        rows: report
            .long_transactions
            .iter()
            .map(|t| {
                vec![
                    t.pid.to_string(),
                    seconds(t.transaction_seconds),
                    t.state.clone().unwrap_or_default(),
                    t.user.clone().unwrap_or_default(),
                    t.application.clone(),
                    query(&t.query),
                ]
            })
            .collect(),
        empty: "no transaction open for a minute or more",
    });
    blocks.push(Block::Heading(
        "What holds back vacuum (xmin horizon)".into(),
    ));
    blocks.push(Block::Table {
        headers: vec!["holder", "transactions", "for"],
        rows: report
            .horizon_holders
            .iter()
            .map(|h| {
                vec![
                    h.holder.clone(),
                    format::thousands(i64::from(h.xid_age)),
                    h.seconds.map_or(String::new(), seconds),
                ]
            })
            .collect(),
        empty: "nothing holds it back",
    });
    let replication = &report.replication;
    blocks.push(Block::Heading("Replication".into()));
    if let Some(lag) = replication.replay_lag_seconds {
        blocks.push(Block::Paragraph(format!(
            "This server is a standby, replaying {} behind.",
            seconds(lag)
        )));
    }
    blocks.push(Block::Table {
        headers: vec!["standby", "client", "replay lag", "behind"],
        rows: replication
            .standbys
            .iter()
            .map(|s| {
                vec![
                    s.application.clone(),
                    s.client.clone().unwrap_or_default(),
                    s.replay_lag_seconds.map_or("-".into(), seconds),
                    s.replay_behind_bytes.map_or("-".into(), format::bytes),
                ]
            })
            .collect(),
        empty: "no standby streams from this server",
    });
    blocks.push(Block::Table {
        headers: vec!["slot", "type", "active", "retained", "wal_status"],
        rows: replication
            .slots
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.slot_type.clone(),
                    if s.active { "yes" } else { "no" }.to_string(),
                    s.retained_bytes.map_or("-".into(), format::bytes),
                    s.wal_status.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        empty: "no replication slot",
    });
    blocks.push(Block::Heading("Maintenance due".into()));
    blocks.push(Block::Table {
        headers: vec!["table", "dead tuples", "dead %", "why"],
        rows: report
            .maintenance_due
            .iter()
            .map(|m| {
                vec![
                    m.table.clone(),
                    format::thousands(m.dead_tuples),
                    format::percent(m.dead_ratio),
                    m.reason.clone(),
                ]
            })
            .collect(),
        empty: "nothing due",
    });
    blocks.push(Block::Heading("Index flags".into()));
    blocks.push(Block::Table {
        headers: vec!["index", "table", "size", "flags"],
        rows: report
            .index_flags
            .iter()
            .map(|i| {
                vec![
                    i.index.clone(),
                    i.table.clone(),
                    format::bytes(i.size_bytes),
                    i.flags.join(", "),
                ]
            })
            .collect(),
        empty: "no index flagged",
    });
    blocks
}

fn shares_table(rows: &[Share]) -> Block {
    Block::Table {
        headers: vec!["avg sessions", "share", "name"],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    format!("{:.2}", r.average_active_sessions),
                    format::percent(Some(r.share)),
                    if r.name.is_empty() {
                        "(none)".to_string()
                    } else {
                        query(&r.name)
                    },
                ]
            })
            .collect(),
        empty: "no active session sampled",
    }
}

fn query(text: &str) -> String {
    format::truncate(text, QUERY_CHARS)
}

fn seconds(value: f64) -> String {
    format::duration(std::time::Duration::from_secs_f64(value.max(0.0)))
}
