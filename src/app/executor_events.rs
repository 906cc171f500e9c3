//! What the executor's reports change: the status line, the journal panel, the running
//! badge, and the EXPLAIN output view.

use super::{App, Effect, Mode};
use crate::actions::executor::ExecutorEvent;
use crate::actions::journal::JournalEntry;
use crate::actions::{ActionKind, Outcome};
use crate::poller::PollerCommand;

/// Entries kept in memory for the Maintenance screen.
pub const JOURNAL_KEPT: usize = 200;

pub(super) fn on_event(app: &mut App, event: ExecutorEvent) -> Vec<Effect> {
    match event {
        ExecutorEvent::Step(report) => {
            if let Some(running) = &mut app.running {
                running.done += 1;
            }
            let failed = report.outcome.is_failure();
            let took = crate::format::duration(report.duration);
            let what = if report.message.contains(&report.target) {
                report.kind.title().to_string()
            } else {
                format!("{} {}", report.kind.title(), report.target)
            };
            app.set_status(format!("{what}: {} ({took})", report.message), failed);
            if report.kind == ActionKind::Explain
                && report.outcome == Outcome::Ok
                && matches!(app.mode, Mode::Normal | Mode::Detail)
            {
                app.output_scroll = 0;
                app.mode = Mode::Output {
                    title: format!("EXPLAIN · {}", report.target),
                    lines: report.output.clone(),
                };
            }
            app.journal
                .push(JournalEntry::from_report(&report, &app.target, &app.role));
            let excess = app.journal.len().saturating_sub(JOURNAL_KEPT);
            app.journal.drain(..excess);
            app.rebuild_tables();
            vec![]
        }
        ExecutorEvent::Done => {
            let changed_server = app.running.is_some();
            app.running = None;
            if changed_server {
                vec![Effect::Poller(PollerCommand::RefreshNow)]
            } else {
                vec![]
            }
        }
    }
}
