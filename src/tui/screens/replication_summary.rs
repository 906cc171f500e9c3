//! The top panel of the Replication & WAL screen, as lines of facts: on a standby its
//! upstream, receiver, positions, replay lag, a paused replay and recovery conflicts; on
//! every server the WAL rate, the archiver and the checkpoints. Each line is whole facts
//! joined by ` · `, the least important last: a narrow terminal loses facts from the end,
//! never half a word.

use ratatui::text::{Line, Span};

use super::empty::Empty;
use super::table::Severity;
use crate::analysis::replication::{ReplicationAnalysis, ReplicationThresholds};
use crate::monitor::snapshot::replication::{
    RecoveryConflicts, ReplayPause, StandbyStatus, WalActivity,
};
use crate::monitor::snapshot::{Section, SectionError};
use crate::text::format;
use crate::text::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::fit;
use crate::tui::theme::{Role, Theme};

/// One fact on a line: its text and how bad it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub text: String,
    pub role: Role,
}

impl Fact {
    fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            role: Role::Text,
        }
    }

    fn judged(text: impl Into<String>, severity: Severity) -> Self {
        Self {
            text: text.into(),
            role: severity.role(),
        }
    }

    fn muted(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            role: Role::Muted,
        }
    }
}

/// The facts that fit in `width` columns, whole, joined by ` · `: the first always stays
/// (cut at a word when it alone is too long).
pub fn fit_facts(theme: &Theme, facts: Vec<Fact>, width: usize) -> Line<'static> {
    let mut kept = facts;
    let total = |facts: &[Fact]| -> usize {
        facts.iter().map(|f| fit::width(&f.text)).sum::<usize>() + 3 * facts.len().saturating_sub(1)
    };
    while kept.len() > 1 && total(&kept) > width {
        kept.pop();
    }
    let mut spans = Vec::new();
    for (index, fact) in kept.into_iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" · ", theme.style(Role::Muted)));
        }
        let text = if index == 0 && fit::width(&fact.text) > width {
            fit::fit_words(&fact.text, width).unwrap_or_else(|| fit::fit(&fact.text, width))
        } else {
            fact.text
        };
        spans.push(Span::styled(text, theme.style(fact.role)));
    }
    Line::from(spans)
}

/// `1.2 MiB/s`.
fn rate(bytes_per_second: f64) -> String {
    format!("{}/s", format::bytes(bytes_per_second.round() as i64))
}

/// The WAL line: rate from the position's delta, records and full-page images per second
/// (`pg_stat_wal`, 14+), the position. `standby` says the WAL is received, not written.
pub fn wal_facts(
    wal: Option<&Section<WalActivity>>,
    analysis: &ReplicationAnalysis,
    major: Option<i32>,
    standby: bool,
) -> Vec<Fact> {
    let name = if standby { "WAL received" } else { "WAL" };
    let read = match wal {
        None => return vec![Fact::muted(format!("{name}: waiting for the first poll…"))],
        Some(Err(error)) => {
            return vec![Fact::judged(
                format!("{name} could not be read: {error}"),
                Severity::Warn,
            )];
        }
        Some(Ok(read)) => read,
    };
    let interval = analysis.wal.as_ref();
    let mut facts = vec![match interval.and_then(|i| i.wal_rate()) {
        Some(bytes) => Fact::plain(format!("{name} {}", rate(bytes))),
        None => Fact::muted(format!("{name} rate after the next poll")),
    }];
    match (&read.stats, interval) {
        // pg_stat_wal counts the WAL this server generates: none on a standby.
        _ if standby => {}
        (Some(_), Some(i)) => {
            if let Some(records) = i.wal_records.and_then(|r| i.per_second(r)) {
                facts.push(Fact::plain(format!(
                    "{} records/s",
                    format::quantity(records)
                )));
            }
            if let Some(fpi) = i.wal_full_page_images.and_then(|r| i.per_second(r)) {
                facts.push(Fact::plain(format!("{} FPI/s", format::quantity(fpi))));
            }
        }
        (Some(_), None) => {}
        (None, _) => facts.push(Fact::muted(match major {
            Some(major) if major < 14 => format!("records/s: not on {major} (pg_stat_wal is 14+)"),
            _ => "records/s: pg_stat_wal not read".into(),
        })),
    }
    if let Some(lsn) = &read.lsn {
        facts.push(Fact::muted(format!("at {}", sanitize(lsn))));
    }
    facts
}

/// The archiver line: whether it runs, failures and their growth in the window, the age
/// of the last archived segment, the last failure and its WAL file.
pub fn archiver_facts(
    wal: Option<&Section<WalActivity>>,
    analysis: &ReplicationAnalysis,
    limits: &ReplicationThresholds,
) -> Vec<Fact> {
    let Some(Ok(read)) = wal else {
        return Vec::new();
    };
    let a = &read.archiver;
    if a.mode == "off" {
        return vec![Fact::muted("archiving off (archive_mode = off)")];
    }
    let ago = |at: std::time::SystemTime| {
        format::duration(whole(read.now.duration_since(at).unwrap_or_default()))
    };
    let growth = analysis.archive_failures.unwrap_or(0);
    let failed = if growth > 0 {
        Fact::judged(
            format!(
                "{} failed, +{} in {}",
                format::thousands(a.failed_count),
                format::thousands(growth),
                format::duration(limits.archiver_window)
            ),
            Severity::Crit,
        )
    } else {
        Fact::plain(format!("{} failed", format::thousands(a.failed_count)))
    };
    let mut facts = vec![
        Fact::plain(format!("archiver {}", sanitize(&a.mode))),
        failed,
    ];
    match a.last_archived_time {
        Some(at) => facts.push(Fact::plain(format!("last archived {} ago", ago(at)))),
        None => facts.push(Fact::muted("nothing archived yet")),
    }
    if let Some(at) = a.last_failed_time {
        let file = a
            .last_failed_wal
            .as_deref()
            .map(|f| format!(" ({})", sanitize(f)))
            .unwrap_or_default();
        facts.push(Fact::muted(format!("last failure {} ago{file}", ago(at))));
    }
    facts
}

/// The checkpoints line: timed and requested in the window with the requested share, and
/// the last interval's write and sync time and buffers. A standby counts restartpoints.
pub fn checkpoint_facts(
    wal: Option<&Section<WalActivity>>,
    analysis: &ReplicationAnalysis,
    limits: &ReplicationThresholds,
    standby: bool,
) -> Vec<Fact> {
    let Some(Ok(_)) = wal else {
        return Vec::new();
    };
    let name = if standby {
        "restartpoints"
    } else {
        "checkpoints"
    };
    let Some(window) = analysis.checkpoints else {
        return vec![Fact::muted(format!("{name}: after the next poll"))];
    };
    let span = window.covered.min(limits.checkpoint_window);
    let share = window.requested_share();
    let severity = match share {
        Some(share) if share > limits.requested_checkpoints_warn => Severity::Warn,
        _ => Severity::Normal,
    };
    let share = share
        .map(|s| format!(" ({})", format::percent(Some(s))))
        .unwrap_or_default();
    let mut facts = vec![Fact::judged(
        format!(
            "{name} in {}: {} timed, {} requested{share}",
            format::duration(whole(span)),
            window.checkpoints_timed,
            window.checkpoints_requested
        ),
        severity,
    )];
    if let Some(delta) = analysis.wal.as_ref().and_then(|w| w.checkpoints) {
        if delta.timed + delta.requested == 0 && delta.buffers_checkpoint == 0 {
            facts.push(Fact::muted("none in the last interval"));
            return facts;
        }
        facts.push(Fact::plain(format!(
            "last interval: {} buffers, write {}, sync {}",
            format::quantity(delta.buffers_checkpoint as f64),
            format::millis_unit(delta.write_time_ms),
            format::millis_unit(delta.sync_time_ms)
        )));
    }
    facts
}

/// The standby's first line: a paused replay (first, it explains the lag), the upstream,
/// the slot, the WAL receiver's state.
pub fn receiver_facts(status: &StandbyStatus) -> Vec<Fact> {
    let mut facts = Vec::new();
    match status.replay_paused {
        ReplayPause::Paused => facts.push(Fact {
            text: " REPLAY PAUSED ".into(),
            role: Role::BadgeAlert,
        }),
        ReplayPause::Requested => facts.push(Fact {
            text: " REPLAY PAUSE REQUESTED ".into(),
            role: Role::BadgeAlert,
        }),
        ReplayPause::NotPaused => {}
    }
    match &status.receiver {
        None => facts.push(Fact::judged(
            "no WAL receiver: not streaming (upstream down, or archive recovery)",
            Severity::Crit,
        )),
        Some(r) if r.hidden => facts.push(Fact::judged(
            format!(
                "WAL receiver pid {}: details hidden (needs pg_read_all_stats)",
                r.pid
            ),
            Severity::Muted,
        )),
        Some(r) => {
            if let Some(upstream) = upstream(r) {
                facts.push(Fact::plain(format!("upstream {upstream}")));
            }
            let state = r.status.as_deref().map(sanitize).unwrap_or_default();
            facts.push(Fact::judged(
                format!("receiver {state}"),
                super::rows::warn_if(state != "streaming"),
            ));
            if let Some(slot) = &r.slot_name {
                facts.push(Fact::plain(format!("slot {}", sanitize(slot))));
            }
        }
    }
    facts
}

/// `host:port` of the upstream a receiver streams from.
pub fn upstream(receiver: &crate::monitor::snapshot::replication::WalReceiver) -> Option<String> {
    let host = receiver.sender_host.as_deref().map(sanitize)?;
    Some(match receiver.sender_port {
        Some(port) => format!("{host}:{port}"),
        None => host.into_owned(),
    })
}

/// The standby's second line: replay lag (crit from the limit), bytes received but not
/// replayed, the receive and replay positions.
pub fn replay_facts(
    status: &StandbyStatus,
    analysis: &ReplicationAnalysis,
    limits: &ReplicationThresholds,
) -> Vec<Fact> {
    let lag = match analysis.own_lag {
        Some(lag) if lag >= limits.lag_crit => Fact::judged(
            format!("replay lag {}", format::duration(lag)),
            Severity::Crit,
        ),
        Some(lag) => Fact::plain(format!("replay lag {}", format::duration(lag))),
        None => Fact::muted("replay lag unknown (nothing replayed yet)"),
    };
    let mut facts = vec![lag];
    if let Some(behind) = status.replay_behind_bytes {
        facts.push(Fact::plain(format!("{} behind", format::bytes(behind))));
    }
    let lsn = |lsn: &Option<String>| -> String {
        lsn.as_deref()
            .map_or_else(|| "-".to_string(), |l| sanitize(l).into_owned())
    };
    facts.push(Fact::plain(format!(
        "received {}",
        lsn(&status.receive_lsn)
    )));
    facts.push(Fact::plain(format!("replayed {}", lsn(&status.replay_lsn))));
    facts
}

/// The standby's third line: queries cancelled by recovery conflicts, by type.
pub fn conflict_facts(conflicts: &RecoveryConflicts) -> Vec<Fact> {
    let by_type = [
        ("snapshot", conflicts.snapshot),
        ("lock", conflicts.lock),
        ("bufferpin", conflicts.bufferpin),
        ("deadlock", conflicts.deadlock),
        ("tablespace", conflicts.tablespace),
    ];
    if conflicts.total == 0 {
        return vec![Fact::muted("recovery conflicts: none since stats reset")];
    }
    let mut facts = vec![Fact::judged(
        format!(
            "recovery conflicts {} (queries cancelled)",
            format::thousands(conflicts.total)
        ),
        Severity::Warn,
    )];
    facts.extend(
        by_type
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|(kind, count)| Fact::plain(format!("{kind} {}", format::thousands(count)))),
    );
    facts
}

/// The standby's lines, or why they are missing.
pub fn standby_lines(
    app: &App,
    status: &Section<StandbyStatus>,
    width: usize,
) -> Vec<Line<'static>> {
    let theme = app.theme();
    let model = app.model();
    match status {
        Ok(status) => vec![
            fit_facts(theme, receiver_facts(status), width),
            fit_facts(
                theme,
                replay_facts(status, model.replication(), model.replication_thresholds()),
                width,
            ),
            fit_facts(theme, conflict_facts(&status.conflicts), width),
        ],
        Err(error @ SectionError::Failed(_)) => vec![fit_facts(
            theme,
            vec![Fact::judged(
                Empty::CouldNotRead {
                    source: "the standby's status",
                    error,
                }
                .message(app.keymap()),
                Severity::Warn,
            )],
            width,
        )],
        Err(SectionError::Unavailable { .. }) => Vec::new(),
    }
}

fn whole(d: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_secs(d.as_secs())
}
