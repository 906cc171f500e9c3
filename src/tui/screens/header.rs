//! The header line: who and what we are connected to, and whether the numbers are fresh.
//!
//! ```text
//! postgres@db1:5432/app  PG 15.18 primary  up 3d 4h  every 1s  polled 0s ago   PAUSED STALE 12s
//! ```
//!
//! The badges on the right always get their room; the facts on the left are dropped
//! whole, least useful first (uptime, the upstream, the interval, the poll age: the STALE
//! badge says when it matters), when the line is too narrow; then a long target is cut to
//! [`TARGET_FLOOR`] columns before the standbys' lag and the version and role go. Nothing
//! is drawn over.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::text::format;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::theme::Role;

/// The columns a long target keeps (with `…`) before the facts of order
/// [`CUT_TARGET_BEFORE_ORDER`] and below are dropped: `postgres@db-prod-eu-west-1…` still
/// says where we are.
const TARGET_FLOOR: usize = 24;

/// Facts of this drop order and below outrank the target's tail.
const CUT_TARGET_BEFORE_ORDER: u8 = 2;

/// One fact on the left: its text, style and how early it goes when space is short
/// (higher goes first; 0 always stays).
struct Fact {
    text: String,
    style: Style,
    drop_order: u8,
}

/// The header as drawn: the facts on the left, the badges on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderView {
    pub facts: Line<'static>,
    pub badges: Line<'static>,
    /// The columns the badges take (each followed by a space).
    pub badges_width: u16,
}

/// The header for a line `width` columns wide.
pub fn view(app: &App, width: u16) -> HeaderView {
    let badges = badges(app);
    let badges_width: usize = badges
        .iter()
        .map(|(text, _)| text.chars().count() + 1)
        .sum();
    let badges_width = badges_width.min(usize::from(width));
    let left_room = usize::from(width).saturating_sub(badges_width);
    let facts = Line::from(fit_facts(facts(app), left_room));
    let badges: Vec<Span> = badges
        .into_iter()
        .flat_map(|(text, style)| [Span::styled(text, style), Span::raw(" ")])
        .collect();
    HeaderView {
        facts,
        badges: Line::from(badges),
        badges_width: u16::try_from(badges_width).unwrap_or(u16::MAX),
    }
}

/// Every text the header may show, whole (for the layout checks in tests).
#[cfg(test)]
pub(crate) fn labels(app: &App) -> Vec<String> {
    facts(app)
        .into_iter()
        .map(|f| f.text.trim().to_string())
        .chain(badges(app).into_iter().map(|(t, _)| t.trim().to_string()))
        .collect()
}

/// The facts that fit in `room` columns, in their order; the target is cut with `…` only
/// when nothing else is left.
fn fit_facts(mut facts: Vec<Fact>, room: usize) -> Vec<Span<'static>> {
    let width = |facts: &[Fact]| -> usize { facts.iter().map(|f| f.text.chars().count()).sum() };
    while width(&facts) > room {
        let Some((drop_at, order)) = facts
            .iter()
            .enumerate()
            .filter(|(_, f)| f.drop_order > 0)
            .max_by_key(|(_, f)| f.drop_order)
            .map(|(index, f)| (index, f.drop_order))
        else {
            break;
        };
        // A long target is cut to its floor before the facts that say what the server is
        // (version, role, standbys' lag) and how fresh the numbers are go.
        if order <= CUT_TARGET_BEFORE_ORDER {
            let target = facts.first().map_or(0, |f| f.text.chars().count());
            let others = width(&facts) - target;
            if others + target.min(TARGET_FLOOR) <= room {
                break;
            }
        }
        facts.remove(drop_at);
    }
    // What stays after the target (` standby`) keeps its room; the target takes the rest.
    let after_target = width(facts.get(1..).unwrap_or_default());
    facts
        .into_iter()
        .enumerate()
        .map(|(index, fact)| {
            let text = if index == 0 {
                crate::tui::fit::fit(&fact.text, room.saturating_sub(after_target))
            } else if fact.drop_order == 0 {
                crate::tui::fit::fit(&fact.text, room)
            } else {
                fact.text
            };
            Span::styled(text, fact.style)
        })
        .collect()
}

fn facts(app: &App) -> Vec<Fact> {
    let theme = app.theme();
    let mut facts = vec![Fact {
        text: format!(" {}", app.settings().target()),
        style: theme.style(Role::Title),
        drop_order: 0,
    }];
    let caps = app
        .model()
        .snapshot()
        .and_then(|s| s.capabilities.as_deref());
    if let Some(caps) = caps {
        let role = if caps.in_recovery {
            "standby"
        } else {
            "primary"
        };
        if caps.in_recovery {
            // On a standby the word outlives the version: it changes what every panel means.
            facts.push(Fact {
                text: format!("  PG {}", caps.short_version()),
                style: theme.style(Role::Text),
                drop_order: 2,
            });
            facts.push(Fact {
                text: format!(" {role}"),
                style: theme.style(Role::Warn),
                drop_order: 0,
            });
        } else {
            facts.push(Fact {
                text: format!("  PG {} {role}", caps.short_version()),
                style: theme.style(Role::Text),
                drop_order: 1,
            });
        }
        facts.extend(replication_facts(app, caps.in_recovery));
        let uptime = app
            .model()
            .snapshot()
            .and_then(|s| s.server.as_ref().ok())
            .map(|server| {
                server
                    .now
                    .duration_since(server.postmaster_start_time)
                    .unwrap_or_default()
            });
        if let Some(uptime) = uptime {
            facts.push(Fact {
                text: format!("  up {}", format::duration(uptime)),
                style: theme.style(Role::Muted),
                drop_order: 6,
            });
        }
    }
    facts.push(Fact {
        text: format!("  every {}", format::duration(app.refresh())),
        style: theme.style(Role::Muted),
        drop_order: 4,
    });
    if let Some(last) = app.model().last_success() {
        // Whole seconds: the clock ticks once a second, so tenths would be a random
        // phase, and a text that changes on every tick costs a frame on every tick.
        let age = app.now().duration_since(last).unwrap_or_default();
        let age = std::time::Duration::from_secs(age.as_secs());
        facts.push(Fact {
            text: format!("  polled {} ago", format::duration(age)),
            style: theme.style(Role::Muted),
            // The STALE badge says it when it matters.
            drop_order: 3,
        });
    }
    facts
}

/// On a standby: its upstream and replay lag (the lag outlives the version when space is
/// short). On a primary with standbys: how many and the worst lag.
fn replication_facts(app: &App, in_recovery: bool) -> Vec<Fact> {
    let theme = app.theme();
    let model = app.model();
    let analysis = model.replication();
    let limit = model.replication_thresholds().lag_crit;
    let lag_style =
        |lag: std::time::Duration| theme.style(if lag >= limit { Role::Crit } else { Role::Text });
    let mut facts = Vec::new();
    if in_recovery {
        let upstream = model
            .snapshot()
            .and_then(|s| s.replication.standby.as_ref().ok())
            .and_then(|s| s.receiver.as_ref())
            .and_then(super::replication_summary::upstream);
        facts.push(Fact {
            text: match upstream {
                Some(upstream) => format!(" of {upstream}"),
                None => " (not streaming)".into(),
            },
            style: theme.style(Role::Text),
            drop_order: 5,
        });
        if let Some(lag) = analysis.own_lag {
            facts.push(Fact {
                text: format!("  replay lag {}", format::duration(lag)),
                style: lag_style(lag),
                drop_order: 1,
            });
        }
    } else if !analysis.standbys.is_empty() {
        let count = analysis.standbys.len();
        let noun = if count == 1 { "standby" } else { "standbys" };
        let text = match analysis.standbys.iter().filter_map(|s| s.lag).max() {
            Some(lag) => format!("  {count} {noun}, max lag {}", format::duration(lag)),
            None => format!("  {count} {noun}"),
        };
        let worst = analysis.standbys.iter().filter_map(|s| s.lag).max();
        facts.push(Fact {
            text,
            style: worst.map_or(theme.style(Role::Text), lag_style),
            drop_order: 2,
        });
    }
    facts
}

/// Whether the standby's replay is paused (or a pause was asked for).
fn replay_paused(app: &App) -> bool {
    use crate::monitor::snapshot::replication::ReplayPause;
    app.model()
        .snapshot()
        .and_then(|s| s.replication.standby.as_ref().ok())
        .is_some_and(|s| s.replay_paused != ReplayPause::NotPaused)
}

/// The badges, most important last (nearest the right edge): they always get their room.
fn badges(app: &App) -> Vec<(String, Style)> {
    let theme = app.theme();
    let mut badges = Vec::new();
    // The least urgent badge, so the leftmost; a recording that stops says why in the
    // status line and the badge goes.
    if app.recording() {
        badges.push((" ● REC ".into(), theme.style(Role::Crit)));
    }
    if let Some(replay) = app.replay() {
        let state = if replay.playing {
            format!(" ▶ {}× ", replay.speed)
        } else {
            " ❚❚ paused ".to_string()
        };
        badges.push((state, theme.style(Role::BadgeAlert)));
    }
    if let Some((at, behind)) = app.history_moment() {
        // A replay is all history: its badge says REPLAY already, the time is enough.
        let label = if app.replay().is_some() {
            ""
        } else {
            "HISTORY "
        };
        badges.push((
            format!(
                " {label}{} (−{}) ",
                crate::text::when::local_clock(at),
                format::duration(behind)
            ),
            theme.style(Role::BadgeStale),
        ));
    }
    if let Some(badge) = app.settings().badge() {
        badges.push((
            format!(" {badge} "),
            theme.style(Role::Title).add_modifier(Modifier::REVERSED),
        ));
    }
    let alerts = app.model().alerts().active().len();
    if alerts > 0 {
        let role = match app.model().alerts().worst() {
            crate::analysis::metrics::Level::Crit => Role::Crit,
            _ => Role::Warn,
        };
        let label = if alerts == 1 { "ALERT" } else { "ALERTS" };
        badges.push((
            format!(" {alerts} {label} "),
            theme.style(role).add_modifier(Modifier::REVERSED),
        ));
    }
    if replay_paused(app) {
        badges.push((" REPLAY PAUSED ".into(), theme.style(Role::BadgeAlert)));
    }
    for badge in running_badges(app) {
        badges.push((
            badge,
            theme.style(Role::Warn).add_modifier(Modifier::REVERSED),
        ));
    }
    // A replay cannot act on anything: READ-ONLY would only take room.
    if app.settings().read_only() && app.replay().is_none() {
        badges.push((" READ-ONLY ".into(), theme.style(Role::BadgeStale)));
    }
    if app.paused() {
        badges.push((" PAUSED ".into(), theme.style(Role::BadgeAlert)));
    }
    match (app.staleness(), app.model().last_success()) {
        (Some(age), _) => badges.push((
            format!(" STALE {} ", format::duration(age)),
            theme.style(Role::BadgeStale),
        )),
        (None, None) => badges.push((" connecting… ".into(), theme.style(Role::Muted))),
        (None, Some(_)) => {}
    }
    badges
}

/// One header badge per running action, e.g. ` RUNNING REINDEX CONCURRENTLY 1m 2s · waits
/// for pid 4242 · x stops `: with a signal in flight beside a VACUUM, both show. The stop
/// key is named on the action it would stop.
pub fn running_badges(app: &App) -> Vec<String> {
    let stops = app
        .running()
        .iter()
        .min_by_key(|r| (r.started, r.id))
        .map(|r| r.id);
    let stop = app.keymap().keys_for(Action::StopAction).join("/");
    app.running()
        .iter()
        .map(|running| {
            let took = app
                .now()
                .duration_since(running.started)
                .unwrap_or_default();
            let verb = if running.stopping {
                "STOPPING"
            } else {
                "RUNNING"
            };
            let mut badge = format!(
                " {verb} {} {}",
                running.title,
                crate::text::format::duration(took)
            );
            if let Some(first) = running.waiting_for.first() {
                badge.push_str(&format!(" · waits for pid {first}"));
            }
            if stops == Some(running.id) && !running.stopping {
                badge.push_str(&format!(" · {stop} stops"));
            }
            badge.push(' ');
            badge
        })
        .collect()
}
