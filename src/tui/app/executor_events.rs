//! What the executor's reports change: the status line, the journal panel, the running
//! badges, the EXPLAIN output view, and the invalid index offered for dropping.

use super::event::Effect;
use super::shell::App;
use super::state::Mode;
use crate::actions::executor::ExecutorEvent;
use crate::actions::journal::JournalEntry;
use crate::actions::{ActionKind, Outcome, StepReport};
use crate::monitor::poller::PollerCommand;
use crate::text::sanitize::sanitize_multiline;
use crate::tui::keymap::Action;

/// Entries kept in memory for the Maintenance screen.
pub const JOURNAL_KEPT: usize = 200;

pub(super) fn on_event(app: &mut App, event: ExecutorEvent) -> Vec<Effect> {
    match event {
        ExecutorEvent::Started { id, backend_pid } => {
            if let Some(running) = app.running.iter_mut().find(|r| r.id == id) {
                running.backend_pid = Some(backend_pid);
            }
            vec![]
        }
        ExecutorEvent::Step { id, report } => {
            if let Some(running) = app.running.iter_mut().find(|r| r.id == id) {
                running.done += 1;
            }
            on_report(app, &report);
            vec![]
        }
        ExecutorEvent::Done { id } => {
            let before = app.running.len();
            app.running.retain(|r| r.id != id);
            if app.running.len() < before {
                vec![Effect::Poller(PollerCommand::RefreshNow)]
            } else {
                vec![]
            }
        }
    }
}

fn on_report(app: &mut App, report: &StepReport) {
    let failed = report.outcome.is_failure();
    let took = crate::text::format::duration(report.duration);
    let what = if report.message.contains(&report.target) {
        report.kind.title().to_string()
    } else {
        format!("{} {}", report.kind.title(), report.target)
    };
    let mut status = format!("{what}: {} ({took})", report.message);
    if let Some(left) = report.left_invalid.last() {
        app.invalid_left = Some(left.clone());
        // What happened and the key that cleans up come first: the rest may be cut on a
        // narrow status line (the journal's detail view shows it whole).
        let key = app
            .settings
            .keymap()
            .keys_for(Action::DropInvalidIndex)
            .join("/");
        let ended = if report.outcome == Outcome::Cancelled {
            "stopped"
        } else {
            "failed"
        };
        status = format!(
            "{} {ended}, {key} drops its leftover {}.{} · {what}: {}",
            report.kind.title(),
            left.schema,
            left.name,
            report.message
        );
    }
    // Dropped, or already gone: nothing left to offer. (Refused because it became valid
    // or a build runs on its table: a later D says so again.)
    let gone = report.outcome == Outcome::Ok || report.message.ends_with("no longer exists");
    if report.kind == ActionKind::DropInvalidIndex && gone {
        app.invalid_left = None;
    }
    app.set_status(status, failed);
    if report.kind == ActionKind::Explain
        && report.outcome == Outcome::Ok
        && matches!(app.mode, Mode::Normal | Mode::Detail)
    {
        app.output_scroll = 0;
        app.mode = Mode::Output {
            title: format!("EXPLAIN · {}", report.target),
            lines: explain_lines(report),
        };
    }
    app.journal.push(JournalEntry::from_report(
        report,
        app.settings.target(),
        app.settings.role(),
    ));
    let excess = app.journal.len().saturating_sub(JOURNAL_KEPT);
    app.journal.drain(..excess);
    app.order_tables();
}

/// The output view starts with the exact text that was planned (line breaks kept), then
/// the plan: what was explained is never in doubt.
fn explain_lines(report: &StepReport) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(planned) = &report.planned {
        lines.push("-- planned text:".to_string());
        // Terminals draw no tab on the normal text path: indent with spaces instead.
        let text = sanitize_multiline(planned).replace('\t', "    ");
        lines.extend(text.lines().map(str::to_string));
        lines.push(String::new());
        lines.push("-- plan:".to_string());
    }
    lines.extend(report.output.iter().cloned());
    lines
}
