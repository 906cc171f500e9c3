//! The top of the Pool screen: the server's connection slots as a gauge (with the
//! reserved slots named), client backends by state, the longest idle transaction, and
//! one gauge per `[[pools]]` entry of the config.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::analysis::pool::{IdleInTransaction, PoolUsage, StateCounts};
use crate::monitor::snapshot::ServerState;
use crate::text::format;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

use super::gauge::{Gauge, gauge_lines};

/// An idle-in-transaction session whose transaction has been open this long is flagged.
/// The seed gives no figure. A request-scoped transaction lasts milliseconds to seconds,
/// so a minute open while idle means a missing COMMIT or a stuck client, while the
/// locks it holds and the xmin horizon it pins are still cheap to release; warning
/// sooner would flag every psql user who pauses between two statements.
pub const IDLE_IN_TRANSACTION_WARN: Duration = Duration::from_secs(60);

/// Where the config file lives, for the "how to configure" hints.
pub(super) const CONFIG_PATH: &str = "~/.config/pgpulse/config.toml";

/// The summary on narrow terminals: the server gauge, states and idle transaction, then
/// `pool_lines` lines of pool gauges, all in one panel with the gauges aligned.
pub(super) fn render_merged(app: &App, frame: &mut Frame, area: Rect, pool_lines: usize) {
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines = match app.model.pool_usage().as_ref() {
        Some(usage) => {
            let mut gauges = vec![server_gauge(app, usage)];
            let pools = pool_gauges(app, usage, pool_lines, "pool ");
            let more = pools.more.map(|more| more_line(&app.theme, more));
            gauges.extend(pools.gauges);
            let mut gauge_lines = gauge_lines(&app.theme, &gauges, width).into_iter();
            let mut lines: Vec<Line<'static>> = gauge_lines.next().into_iter().collect();
            lines.push(states_line(&app.theme, &usage.states, &hidden_fix(app)));
            lines.push(idle_line(
                &app.theme,
                usage.longest_idle_in_transaction.as_ref(),
                usage.hidden,
            ));
            if app.config.pools.is_empty() {
                lines.extend(pools_hint(&app.theme, pool_lines));
            }
            lines.extend(gauge_lines);
            lines.extend(more);
            lines
        }
        None => no_usage_lines(app, pool_lines),
    };
    lines.truncate(3 + pool_lines);
    let block = panel(&app.theme, connections_title(app, area.width));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The server's connections on wide terminals (the pools have their own panel).
pub(super) fn render_server(app: &App, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width.saturating_sub(2));
    let lines = match app.model.pool_usage().as_ref() {
        Some(usage) => {
            let mut lines = gauge_lines(&app.theme, &[server_gauge(app, usage)], width);
            lines.push(states_line(&app.theme, &usage.states, &hidden_fix(app)));
            lines.push(idle_line(
                &app.theme,
                usage.longest_idle_in_transaction.as_ref(),
                usage.hidden,
            ));
            lines.push(Line::from(Span::styled(
                format!(
                    "idle in txn flagged from {} (it holds locks and the xmin horizon)",
                    format::duration(IDLE_IN_TRANSACTION_WARN)
                ),
                app.theme.style(Role::Muted),
            )));
            lines
        }
        None => no_usage_lines(app, 0),
    };
    let block = panel(&app.theme, connections_title(app, area.width));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The configured pools' gauges on wide terminals, `pool_lines` lines at most.
pub(super) fn render_pools(app: &App, frame: &mut Frame, area: Rect, pool_lines: usize) {
    let width = usize::from(area.width.saturating_sub(2));
    let lines = if app.config.pools.is_empty() {
        pools_hint(&app.theme, pool_lines)
    } else if let Some(usage) = app.model.pool_usage().as_ref() {
        let pools = pool_gauges(app, usage, pool_lines, "");
        let mut lines = gauge_lines(&app.theme, &pools.gauges, width);
        lines.extend(pools.more.map(|more| more_line(&app.theme, more)));
        lines
    } else {
        vec![Line::from(Span::styled(
            "no session data to count the pools' connections",
            app.theme.style(Role::Muted),
        ))]
    };
    let title = if app.config.pools.is_empty() {
        " Application pools · none configured ".to_string()
    } else {
        format!(" Application pools ({}) ", app.config.pools.len())
    };
    frame.render_widget(Paragraph::new(lines).block(panel(&app.theme, title)), area);
}

fn panel(theme: &Theme, title: String) -> Block<'static> {
    Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(Span::styled(title, theme.style(Role::Title)))
}

/// `Connections · max_connections 100 − 3 superuser-reserved = 97 usable`: the slots an
/// application can take, and why there are fewer than `max_connections`. Whole parts give
/// way from the end when the panel is narrow (the staleness stays).
fn connections_title(app: &App, panel_width: u16) -> String {
    let server = app.model.snapshot().and_then(|s| s.server.as_ref().ok());
    let stale = app
        .stale(crate::analysis::model::SectionId::Activity)
        .map(|stale| stale.title_suffix(app.now))
        .unwrap_or_default();
    let title = match server {
        Some(server) => format!("Connections{stale} · {}", slots(server)),
        None => format!("Connections{stale}"),
    };
    let room = usize::from(panel_width.saturating_sub(4));
    format!(" {} ", crate::tui::ui::text::fit_title(&title, room))
}

fn slots(server: &ServerState) -> String {
    let usable = i64::from(server.max_connections)
        - i64::from(server.superuser_reserved_connections)
        - i64::from(server.reserved_connections);
    let mut text = format!("max_connections {}", server.max_connections);
    match (
        server.superuser_reserved_connections,
        server.reserved_connections,
    ) {
        (0, 0) => {}
        (superuser, 0) => text.push_str(&format!(" − {superuser} superuser-reserved")),
        (superuser, reserved) => {
            text.push_str(&format!(" − {superuser} superuser − {reserved} reserved"));
        }
    }
    text.push_str(&format!(" = {usable} usable"));
    text
}

fn server_gauge(app: &App, usage: &PoolUsage) -> Gauge {
    Gauge {
        label: "server".into(),
        count: format!("{}/{}", usage.used, usage.available),
        ratio: usage.utilisation,
        level: app.model.thresholds().utilisation_level(usage.utilisation),
        note: String::new(),
    }
}

/// Pool gauges that fit in `lines`, and how many pools did not.
struct PoolGauges {
    gauges: Vec<Gauge>,
    more: Option<usize>,
}

/// The config's pools in config order; when they do not all fit, the fullest ones,
/// since those are the ones about to refuse connections.
fn pool_gauges(app: &App, usage: &PoolUsage, lines: usize, prefix: &str) -> PoolGauges {
    let mut pools: Vec<_> = usage.pools.iter().collect();
    let mut more = None;
    if pools.len() > lines {
        pools.sort_by(|a, b| b.utilisation.total_cmp(&a.utilisation));
        let shown = lines.saturating_sub(1);
        more = Some(pools.len() - shown);
        pools.truncate(shown);
    }
    let gauges = pools
        .into_iter()
        .map(|pool| Gauge {
            label: format!("{prefix}{}", pool.name),
            count: format!("{}/{}", pool.used, pool.max),
            ratio: pool.utilisation,
            level: app.model.thresholds().utilisation_level(pool.utilisation),
            note: if pool.hidden > 0 {
                format!(
                    "{} hidden · {} active · {} idle in txn",
                    pool.hidden, pool.active, pool.idle_in_transaction
                )
            } else {
                format!(
                    "{} active · {} idle in txn",
                    pool.active, pool.idle_in_transaction
                )
            },
        })
        .collect();
    PoolGauges { gauges, more }
}

fn more_line(theme: &Theme, more: usize) -> Line<'static> {
    Line::from(Span::styled(
        format!("+{more} more pools (the fullest are shown; a taller terminal shows all)"),
        theme.style(Role::Muted),
    ))
}

/// What lets this role see the hidden sessions' states (said once, on the states line).
fn hidden_fix(app: &App) -> String {
    app.model
        .snapshot()
        .and_then(|s| s.capabilities.as_ref())
        .map_or_else(
            || "GRANT pg_read_all_stats".into(),
            |caps| caps.stats_visibility_fix(),
        )
}

/// `active 3  idle 5  idle in txn 1  aborted txn 0  lock wait 1`: sessions holding a
/// transaction open or waiting on a lock are flagged as soon as there is one. Sessions
/// hidden from the role come first when there are any: every count after them is only
/// of what the role can see.
fn states_line(theme: &Theme, states: &StateCounts, fix: &str) -> Line<'static> {
    let flagged = |n: usize| if n > 0 { Role::Warn } else { Role::Text };
    let mut items = vec![
        ("active", states.active, Role::Text),
        ("idle", states.idle, Role::Text),
        (
            "idle in txn",
            states.idle_in_transaction,
            flagged(states.idle_in_transaction),
        ),
        (
            "aborted txn",
            states.idle_in_transaction_aborted,
            flagged(states.idle_in_transaction_aborted),
        ),
        (
            "lock wait",
            states.waiting_on_lock,
            flagged(states.waiting_on_lock),
        ),
    ];
    if states.other > 0 {
        items.push(("other", states.other, Role::Text));
    }
    let mut spans = Vec::new();
    for (i, (label, count, role)) in items.into_iter().enumerate() {
        let gap = if i == 0 { "" } else { "  " };
        spans.push(Span::styled(
            format!("{gap}{label} "),
            theme.style(Role::Muted),
        ));
        spans.push(Span::styled(count.to_string(), theme.style(role)));
    }
    if states.hidden > 0 {
        spans.insert(
            0,
            Span::styled(
                format!("hidden {} ({fix}) · visible: ", states.hidden),
                theme.style(Role::Warn),
            ),
        );
    }
    Line::from(spans)
}

/// The session whose idle transaction is oldest: pid, application, user and ages.
fn idle_line(theme: &Theme, longest: Option<&IdleInTransaction>, hidden: usize) -> Line<'static> {
    let label = Span::styled("longest idle in txn ", theme.style(Role::Muted));
    let Some(idle) = longest else {
        let none = if hidden > 0 { "none visible" } else { "none" };
        return Line::from(vec![label, Span::styled(none, theme.style(Role::Muted))]);
    };
    // Judged by the transaction's age: that is how long its locks and snapshot are held.
    let role = if idle.xact_age >= IDLE_IN_TRANSACTION_WARN {
        Role::Warn
    } else {
        Role::Text
    };
    let application = if idle.application.is_empty() {
        "(no application_name)"
    } else {
        idle.application.as_str()
    };
    // Ages before names: on a narrow line the end is what gets cut.
    let mut text = format!("pid {} · open {}", idle.pid, format::age(idle.xact_age));
    if let Some(idle_for) = idle.idle_for {
        text.push_str(&format!(", idle {}", format::age(idle_for)));
    }
    text.push_str(&format!(" · {application}"));
    if let Some(user) = idle.user.as_deref() {
        text.push_str(&format!(" · user {user}"));
    }
    Line::from(vec![label, Span::styled(text, theme.style(role))])
}

/// How to configure `[[pools]]`, in as many lines as there are: the TOML to paste when
/// there is room for it, one line otherwise.
fn pools_hint(theme: &Theme, lines: usize) -> Vec<Line<'static>> {
    let muted = |text: String| Line::from(Span::styled(text, theme.style(Role::Muted)));
    let toml = |text: &str| Line::from(Span::styled(text.to_string(), theme.style(Role::Text)));
    let header = muted(format!(
        "No [[pools]] configured: add them to {CONFIG_PATH}"
    ));
    match lines {
        0 => vec![],
        1 => vec![header],
        2 | 3 => vec![
            header,
            muted(
                "e.g. application = \"learning-assistant-production\", max = 50 (dev: 10)".into(),
            ),
        ],
        _ => vec![
            header,
            toml("[[pools]]"),
            toml("application = \"learning-assistant-production\""),
            Line::from(vec![
                Span::styled("max = 50", theme.style(Role::Text)),
                Span::styled(
                    "  # the seed's sizes: 50 in production, 10 in development",
                    theme.style(Role::Muted),
                ),
            ]),
        ],
    }
}

/// Why there is no usage to show (no poll yet, or the sessions or settings could not
/// be read), and the pools hint when none are configured.
fn no_usage_lines(app: &App, pool_lines: usize) -> Vec<Line<'static>> {
    let (reason, failed) = no_usage_reason(app);
    let role = if failed { Role::Crit } else { Role::Muted };
    let mut lines = vec![Line::from(Span::styled(reason, app.theme.style(role)))];
    if app.config.pools.is_empty() {
        lines.extend(pools_hint(&app.theme, pool_lines));
    }
    lines
}

/// Why `app.model.pool_usage()` is missing, and whether that is a failure (as opposed to no
/// poll yet). Meaningless when it is present.
pub(super) fn no_usage_reason(app: &App) -> (String, bool) {
    match app.model.snapshot() {
        None => ("waiting for the first poll…".into(), false),
        Some(snapshot) => match (&snapshot.activity, &snapshot.server) {
            (Err(error), _) if app.model.connection_lost().is_some() => {
                (format!("no connection: {error}"), true)
            }
            (Err(error), _) => (format!("pg_stat_activity could not be read: {error}"), true),
            (_, Err(error)) => (format!("server settings could not be read: {error}"), true),
            (Ok(_), Ok(_)) => ("no connection data yet".into(), false),
        },
    }
}
