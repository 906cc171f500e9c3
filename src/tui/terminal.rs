//! The terminal side: set-up and restore (also on panic and on SIGTERM/SIGHUP), and the
//! event loop joining keys, mouse, snapshots and signals into `App::update`.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::actions::executor::{self, ExecutorConfig, ExecutorEvent};
use crate::monitor::collector::PgBouncerClient;
use crate::monitor::poller::{self, Poller, PollerConfig};
use crate::pg::open::{ConnectOptions, LiveStart, open_monitoring_or_wait};
use crate::recording::background::DROPPING;
use crate::recording::{BackgroundRecorder, Recorder, RecorderConfig, Sent, ServerIdentity};
use crate::text::sanitize::sanitized;
use crate::tui::app::{App, Effect, Event, TICK};
use crate::tui::setup;

/// What the command line asks of the live view, as plain values (the command line's
/// parser fills it in; this layer does not know the parser).
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    /// Where to connect and how: psql's flags and the monitoring session's options.
    pub conn: ConnectOptions,
    /// The positional connection string or URI.
    pub conninfo: Option<String>,
    /// `--target NAME`: a connection string from the config file.
    pub target: Option<String>,
    /// `--refresh` (range-checked when parsed); `None`: the config file's.
    pub refresh: Option<Duration>,
    /// `--slow-refresh` (range-checked when parsed); `None`: the config file's.
    pub slow_refresh: Option<Duration>,
    /// `--theme`.
    pub theme: Option<String>,
    /// `--no-mouse`.
    pub no_mouse: bool,
    /// `--record DIR`: also write every snapshot to a recording, as `pgpulse record`.
    pub record: Option<std::path::PathBuf>,
    /// `--read-only`.
    pub read_only: bool,
}

/// Connects to the command line's target, then runs the live view until the user quits or
/// a signal arrives.
pub async fn run(cli: &LiveOptions) -> anyhow::Result<ExitCode> {
    let settings = setup::load_config(crate::settings::paths::config_dir().as_deref())?;
    let conninfo = setup::conninfo(&settings, cli.target.as_deref(), cli.conninfo.clone())?;
    run_on(cli, &cli.conn, conninfo, Extras::default()).await
}

/// What a caller adds to the live view: a header badge (the demo says it is a demo) and
/// pools to show besides the config file's, and a PgBouncer to read instead of the config
/// file's `[pgbouncer]` (the demo's own).
#[derive(Debug, Default)]
pub struct Extras {
    pub badge: Option<String>,
    pub pools: Vec<crate::settings::config::Pool>,
    /// The admin console's conninfo, as `[pgbouncer] conninfo` takes it.
    pub pgbouncer: Option<String>,
}

/// Runs the live view on `conninfo` (resolved with `conn`'s flags like psql would).
pub async fn run_on(
    cli: &LiveOptions,
    conn: &ConnectOptions,
    conninfo: Option<String>,
    extras: Extras,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return Err(anyhow::anyhow!(
            "the live view needs a terminal; for text output use `pgpulse doctor`"
        ));
    }
    let config_dir = crate::settings::paths::config_dir();
    let mut settings = setup::load_config(config_dir.as_deref())?;
    settings.pools.extend(extras.pools);
    if let Some(conninfo) = extras.pgbouncer {
        settings.pgbouncer = Some(crate::settings::config::Target { conninfo });
    }
    let poller_config =
        PollerConfig::from_settings(&settings.refresh, cli.refresh, cli.slow_refresh);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = setup::theme(
        &settings,
        cli.theme.as_deref(),
        no_color,
        config_dir.as_deref(),
    )?;
    let keymap = setup::keymap(&settings)?;
    // Connect before taking over the terminal, so password prompts and connection errors
    // appear as ordinary lines; a server that is down or starting is waited for on screen.
    let start = open_monitoring_or_wait(conn, conninfo).await?;
    let session = match &start {
        LiveStart::Ready(session, _) | LiveStart::Waiting(session, _) => session,
    };
    let target = sanitized(&session.params().display_target());
    let action_params = session.params().clone();
    // Opened before the terminal is taken over, so a directory that cannot be created is
    // an ordinary error line; written on its own thread, so a slow disk delays neither
    // polling nor drawing.
    let mut recorder = match &cli.record {
        Some(dir) => {
            let identity = ServerIdentity {
                target: target.clone(),
                server_version: match &start {
                    LiveStart::Ready(_, caps) => Some(sanitized(&caps.server_version)),
                    LiveStart::Waiting(..) => None,
                },
            };
            let config = RecorderConfig::new(dir.clone());
            Some(BackgroundRecorder::start(Recorder::open(
                config, identity,
            )?)?)
        }
        None => None,
    };
    let (mut poller, server_version_num) = match start {
        LiveStart::Ready(session, caps) => {
            let version = caps.server_version_num;
            (Poller::new(session, caps, poller_config), Some(version))
        }
        LiveStart::Waiting(session, error) => {
            (Poller::waiting(session, poller_config, &error), None)
        }
    };
    if let Some(bouncer) = &settings.pgbouncer {
        let client = PgBouncerClient::from_conninfo(&bouncer.conninfo)
            .map_err(|e| anyhow::anyhow!("[pgbouncer] conninfo: {e}"))?;
        poller = poller.with_pgbouncer(client);
    }
    let read_only = cli.read_only || settings.read_only;
    let role = sanitized(&action_params.user);
    let journal = crate::actions::journal::Journal::default_location();
    let past_actions = journal
        .as_ref()
        .map(|j| {
            j.recent(crate::tui::app::JOURNAL_KEPT)
                .into_iter()
                .filter(|entry| entry.server == target)
                .collect()
        })
        .unwrap_or_default();
    // Read-only mode never opens the action connection at all (`for_live_view`). The
    // executor needs the server version (EXPLAIN's variant): when the server was down at
    // start, it starts with the first snapshot that has it.
    let mut executor_config = {
        let mut config = ExecutorConfig::new(action_params, 0);
        config.lock_timeout = settings.actions.lock_timeout;
        config.statement_timeout = settings.actions.statement_timeout;
        config.maintenance_timeout = settings.actions.maintenance_timeout;
        config.journal = journal;
        Some(config)
    };
    let (mut executor, mut executor_events) = (None, None);
    if let Some(version) = server_version_num {
        (executor, executor_events) = start_executor(&mut executor_config, read_only, version);
    }
    // The detail view's on-demand reads come back on their own channel.
    let (detail_sink, mut details) = tokio::sync::mpsc::unbounded_channel();
    let poller = poller.with_detail_sink(detail_sink);
    let (snapshots, commands) = poller::spawn_poller(poller);

    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;

    // ratatui::init installs a panic hook that restores the terminal before the message;
    // ours also releases the mouse first.
    let mut terminal = ratatui::init();
    let mouse = !cli.no_mouse;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
            previous(info);
        }));
    }
    let mut app = App::new(target, poller_config.fast, SystemTime::now(), keymap, theme)
        .with_config(settings)
        .with_read_only(read_only)
        .with_identity(role, extras.badge)
        .with_journal(past_actions);
    app.set_recording(recorder.is_some());
    if let Ok(size) = terminal.size() {
        app.update(Event::Resize(size.width, size.height));
    }
    let mut keys = EventStream::new();
    let mut clock = tokio::time::interval(TICK);
    // Test-only, not a user option: the pty test forces a panic after the first frame to
    // check that the panic hooks give the terminal back.
    let panic_after_first_frame = std::env::var_os("PGPULSE_TEST_PANIC").is_some();
    // Benchmark hook (bench/run), off unless PGPULSE_BENCH_FRAMES is set.
    let mut frame_log = crate::tui::frame_log::FrameLog::from_env();
    let outcome = loop {
        // Only a frame that differs from the last one is drawn (see `App::frame_due`):
        // an idle screen costs nothing between polls.
        if app.frame_due() {
            let draw_started = frame_log.as_ref().map(|_| std::time::Instant::now());
            let drawn = terminal.draw(|frame| {
                let view = app.frame_view(frame.area());
                let drawn = crate::tui::ui::render(frame, &view, app.theme());
                app.drawn(drawn);
                app.frame_drawn(view);
            });
            if let Err(e) = drawn {
                break Err(anyhow::anyhow!("drawing failed: {e}"));
            }
            if let (Some(log), Some(started)) = (&mut frame_log, draw_started) {
                log.frame(started.elapsed());
            }
            if panic_after_first_frame {
                panic!("PGPULSE_TEST_PANIC is set: panicking after the first frame");
            }
        }
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) => Event::Key(key),
                Some(Ok(TermEvent::Mouse(mouse))) => Event::Mouse(mouse),
                Some(Ok(TermEvent::Resize(width, height))) => Event::Resize(width, height),
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(anyhow::anyhow!("terminal input failed: {e}")),
                None => Event::Terminate,
            },
            changed = snapshots.changed() => match changed {
                Ok(()) => match snapshots.take() {
                    Some(snapshot) => {
                        if let Some(caps) = snapshot.capabilities.as_deref()
                            && executor.is_none()
                        {
                            (executor, executor_events) =
                                start_executor(&mut executor_config, read_only, caps.server_version_num);
                        }
                        // Never waits for the disk; a full queue drops this one.
                        if let Some(writer) = &mut recorder
                            && writer.send(snapshot.clone()) == (Sent::Dropped { first: true })
                        {
                            tracing::warn!("{DROPPING}");
                            app.warn(DROPPING.to_string());
                        }
                        Event::Snapshot(Box::new(snapshot))
                    }
                    None => continue,
                },
                Err(_) => break Err(anyhow::anyhow!("the poller stopped")),
            },
            // A failed write stops the recording, never the live view.
            error = BackgroundRecorder::failed_of(&mut recorder) => {
                tracing::error!(%error, "recording stopped");
                app.warn(format!("recording stopped: {error}"));
                app.set_recording(false);
                recorder = None;
                continue;
            }
            Some(event) = next_executor_event(&mut executor_events) => Event::Executor(event),
            Some(fetched) = details.recv() => Event::DetailFetched(Box::new(fetched)),
            _ = clock.tick() => Event::Tick(SystemTime::now()),
            _ = terminate.recv() => Event::Terminate,
            _ = hangup.recv() => Event::Terminate,
            _ = interrupt.recv() => Event::Terminate,
        };
        if let (Some(log), Event::Key(_)) = (&mut frame_log, &event) {
            log.key();
        }
        let mut quit = false;
        for effect in app.update(event) {
            match effect {
                Effect::Quit => quit = true,
                Effect::Poller(command) => {
                    let _ = commands.send(command);
                }
                Effect::Copy(text) => copy_to_clipboard(&text),
                Effect::RunAction { id, plan } => {
                    if let Some(executor) = &executor {
                        executor.run(id, *plan);
                    }
                }
                Effect::StopAction(id) => {
                    if let Some(executor) = &executor {
                        executor.stop(id);
                    }
                }
                Effect::Bell => {
                    let mut stdout = std::io::stdout();
                    let _ = stdout.write_all(b"\x07");
                    let _ = stdout.flush();
                }
            }
        }
        if quit {
            break Ok(ExitCode::SUCCESS);
        }
    };
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    // After the terminal is given back: a slow disk may take up to `CLOSE_WAIT` here,
    // and what went wrong can be said on the terminal.
    if let Some(writer) = recorder {
        let dropped = writer.dropped();
        let problem = match writer.close() {
            Err(error) => Some(format!("recording stopped: {error}")),
            Ok(closed) if !closed.finished => Some(
                "recording: the disk did not finish writing; the last snapshots may be missing"
                    .to_string(),
            ),
            Ok(_) => None,
        };
        if let Some(line) = problem {
            tracing::error!("{line}");
            eprintln!("pgpulse: {}", sanitized(&line));
        }
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "recording: snapshots dropped, the disk did not keep up"
            );
        }
    }
    outcome
}

/// Starts the action executor once, for a server of `server_version_num`; nothing in
/// read-only mode or when it already runs (the config was taken).
fn start_executor(
    config: &mut Option<ExecutorConfig>,
    read_only: bool,
    server_version_num: i32,
) -> (
    Option<executor::ExecutorHandle>,
    Option<tokio::sync::mpsc::UnboundedReceiver<ExecutorEvent>>,
) {
    match config.take() {
        Some(mut config) => {
            config.server_version_num = server_version_num;
            match executor::for_live_view(read_only, config) {
                Some((handle, events)) => (Some(handle), Some(events)),
                None => (None, None),
            }
        }
        None => (None, None),
    }
}

/// The executor's next event; never resolves in read-only mode (there is no executor).
async fn next_executor_event(
    events: &mut Option<tokio::sync::mpsc::UnboundedReceiver<ExecutorEvent>>,
) -> Option<ExecutorEvent> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

/// OSC 52: the terminal (also over SSH and inside tmux with `set-clipboard on`) puts the
/// text on the clipboard. The text was sanitized at the data boundary and is base64-encoded
/// in the escape, so it cannot break out of it.
fn copy_to_clipboard(text: &str) {
    let mut stdout = std::io::stdout();
    let _ = crossterm::execute!(
        stdout,
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
    );
    let _ = stdout.flush();
}

/// One frame of `app`: its view model for the frame's size, drawn. Returns what was drawn
/// where, which the event loop hands back to the app (clicks and paging go by it).
pub fn draw(frame: &mut ratatui::Frame, app: &App) -> crate::tui::screens::drawn::Drawn {
    let view = app.view(frame.area());
    crate::tui::ui::render(frame, &view, app.theme())
}
