//! `pgpulse report`: a one-shot incident summary for a ticket, in text, Markdown or JSON.
//! It connects like the live view (same flags, env, pgpass, service, read-only session),
//! watches the server for `--sample` at the refresh interval through the same poller and
//! model, and prints what the window showed. The exit status says whether a critical
//! alert is active, for cron and CI: 0 none, 3 at least one (1 is a failure to report).

pub mod build;
pub mod fields;
pub mod render;
#[cfg(test)]
mod tests;

use std::process::ExitCode;
use std::time::SystemTime;

use crate::analysis::model::{Model, ModelSettings};
use crate::commands::cli::{ReportArgs, ReportFormat};
use crate::monitor::poller::{Poller, PollerConfig};
use crate::pg::open::open_monitoring;
use crate::text::sanitize::sanitized;
use crate::tui::setup;
use crate::tui::terminal::LiveOptions;

/// The exit status when a critical alert is active at the end of the window.
pub const CRITICAL_EXIT: u8 = 3;

/// Samples the server for `args.sample` and prints the report.
pub async fn run(
    live: &LiveOptions,
    conninfo: Option<String>,
    args: &ReportArgs,
) -> anyhow::Result<ExitCode> {
    let config = setup::load_config(crate::settings::paths::config_dir().as_deref())?;
    if let Some(path) = &args.from {
        let report = from_recording(path, args, &config)?;
        return print(&report, args.format);
    }
    let conninfo = setup::conninfo(&config, live.target.as_deref(), conninfo)?;
    // The latency percentiles cover the report's window, not the live view's.
    let poller_config = PollerConfig {
        latency_window: args.window,
        ..PollerConfig::from_settings(&config.refresh, live.refresh, live.slow_refresh)
    };
    let refresh = poller_config.fast;
    let (session, caps) = open_monitoring(&live.conn, conninfo).await?;
    let target = sanitized(&session.params().display_target());
    let mut poller = Poller::new(session, caps, poller_config);
    let mut model = Model::new(ModelSettings::from_config(refresh, &config));
    // Everything at the start and at the end (the statements are compared across the
    // window); the fast tier in between, at the live view's pace.
    let first = poller.poll_everything().await;
    model.absorb(first.clone());
    // Two polls at least: rates and deltas need an interval.
    let polls = (args.sample.as_secs_f64() / refresh.as_secs_f64())
        .ceil()
        .max(2.0) as u64;
    let mut ticks = tokio::time::interval(refresh);
    ticks.tick().await;
    for poll in 1..polls {
        ticks.tick().await;
        let snapshot = if poll + 1 == polls {
            poller.poll_everything().await
        } else {
            poller.poll_once().await
        };
        model.absorb(snapshot);
    }
    let report = build::build(
        &model,
        Some(&first),
        &build::Origin {
            kind: "live",
            target: &target,
            now: SystemTime::now(),
        },
    );
    print(&report, args.format)
}

/// Prints `report` and gives the exit status it calls for.
fn print(report: &build::Report, format: ReportFormat) -> anyhow::Result<ExitCode> {
    let out = match format {
        ReportFormat::Text => render::text(report),
        ReportFormat::Markdown => render::markdown(report),
        ReportFormat::Json => serde_json::to_string_pretty(report)? + "\n",
    };
    print!("{out}");
    Ok(if report.critical {
        ExitCode::from(CRITICAL_EXIT)
    } else {
        ExitCode::SUCCESS
    })
}

/// The report of the recording's `--window` ending at `--at` (or at its end): its polls
/// go through the same model as live ones, from five minutes before the window so the
/// rates and the alerts' windows are those of the time.
fn from_recording(
    path: &std::path::Path,
    args: &ReportArgs,
    config: &crate::settings::config::Config,
) -> anyhow::Result<build::Report> {
    let recording = crate::recording::Recording::open(path)?;
    let Some((first, last)) = recording.time_range() else {
        return Err(anyhow::anyhow!(
            "{}: no snapshot in this recording",
            sanitized(&path.display().to_string())
        ));
    };
    let end = args.at.unwrap_or(last).clamp(first, last);
    let start = end.checked_sub(args.window).unwrap_or(first).max(first);
    let warm_up = start
        .checked_sub(std::time::Duration::from_secs(300))
        .unwrap_or(first);
    let target = recording
        .segments()
        .iter()
        .find_map(|s| s.header.as_ref())
        .map_or_else(|| "recording".to_string(), |h| sanitized(&h.server.target));
    let mut model = Model::new(ModelSettings::from_config(config.refresh.fast, config));
    let mut first_in_window = None;
    for snapshot in recording.snapshots_between(warm_up, end) {
        // A damaged record ends what can be read of its segment; the rest still counts.
        let Ok(snapshot) = snapshot else { continue };
        if first_in_window.is_none() && snapshot.taken_at >= start {
            first_in_window = Some(snapshot.clone());
        }
        model.absorb(snapshot);
    }
    Ok(build::build(
        &model,
        first_in_window.as_ref(),
        &build::Origin {
            kind: "recording",
            target: &target,
            now: SystemTime::now(),
        },
    ))
}
