//! The binary itself, in a pseudo-terminal, against a real server (issue 10, F5): it
//! starts, draws, answers keys, and gives the terminal back exactly as it found it
//! (termios, main screen, cursor, mouse) after `q`, Ctrl-C, SIGTERM, SIGHUP and a panic;
//! under NO_COLOR it sends no colour; `y` sends one OSC 52 with the row's exact text; and
//! `--read-only` never opens the action connection, which the server confirms.

use crate::common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use common::live::{exec, must, spawn_sql};
use nix::libc;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, SlavePty, native_pty_system};

/// Every wait on the program's screen or the server is bounded by this.
const WAIT: Duration = Duration::from_secs(20);
const COLS: u16 = 160;
const ROWS: u16 = 48;

/// What the program wrote: the bytes as sent, and the screen they paint.
struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
}

/// pgpulse running in a pty of its own.
pub(crate) struct Pgpulse {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    /// Held open so the terminal's settings can be read after the program exits.
    _slave: Box<dyn SlavePty + Send>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Output>>,
    /// The pty's settings before the program started (cooked mode).
    original: libc::termios,
    _dirs: tempfile::TempDir,
}

impl Pgpulse {
    pub(crate) fn start(conninfo: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let pair = must(
            native_pty_system().openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            }),
            "openpty",
        );
        let dirs = must(tempfile::tempdir(), "temp dir");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_pgpulse"));
        command.arg(conninfo);
        command.args(args);
        for var in ["NO_COLOR", "PGPULSE_TEST_PANIC", "PGPULSE_LOG"] {
            command.env_remove(var);
        }
        command.env("TERM", "xterm-256color");
        for var in [
            "HOME",
            "PGPULSE_CONFIG_DIR",
            "PGPULSE_DATA_DIR",
            "PGPULSE_STATE_DIR",
        ] {
            command.env(var, dirs.path());
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let original = termios(pair.master.as_ref());
        let child = must(pair.slave.spawn_command(command), "spawning pgpulse");
        let mut reader = must(pair.master.try_clone_reader(), "pty reader");
        let writer = must(pair.master.take_writer(), "pty writer");
        let output = Arc::new(Mutex::new(Output {
            raw: Vec::new(),
            screen: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
        }));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                let mut out = sink.lock().unwrap_or_else(|e| e.into_inner());
                out.raw.extend_from_slice(&buf[..n]);
                out.screen.process(&buf[..n]);
            }
        });
        Self {
            child,
            master: pair.master,
            _slave: pair.slave,
            writer,
            output,
            original,
            _dirs: dirs,
        }
    }

    fn screen(&self) -> String {
        let out = self.output.lock().unwrap_or_else(|e| e.into_inner());
        out.screen.screen().contents()
    }

    fn raw(&self) -> Vec<u8> {
        let out = self.output.lock().unwrap_or_else(|e| e.into_inner());
        out.raw.clone()
    }

    /// Waits until the screen shows `text`; panics with the screen after [`WAIT`].
    pub(crate) async fn shows(&self, text: &str) -> String {
        self.until(&format!("the screen to show {text:?}"), |p| {
            p.screen().contains(text)
        })
        .await;
        self.screen()
    }

    /// Waits until the filtered list's title counts one row: "(1)" when that is every row,
    /// "(1 of N)" when other sessions of the database (the harness's own, on some majors
    /// still connected) are filtered out.
    async fn shows_one_match(&self) {
        self.until("the filter to leave one row", |p| {
            let screen = p.screen();
            screen.contains("(1)") || screen.contains("(1 of ")
        })
        .await;
    }

    /// Waits until `done` holds; panics after [`WAIT`] with the screen.
    async fn until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(self) {
            if Instant::now() >= deadline {
                panic!("waited {WAIT:?} for {what}; screen:\n{}", self.screen());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub(crate) fn keys(&mut self, keys: &str) {
        must(self.writer.write_all(keys.as_bytes()), "typing");
        must(self.writer.flush(), "typing");
    }

    fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = self.child.process_id().expect("no pid");
        must(
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal),
            "signalling pgpulse",
        );
    }

    /// Waits for the program to exit; its exit code.
    pub(crate) async fn exited(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = must(self.child.try_wait(), "waiting for pgpulse") {
                return status.exit_code();
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!("pgpulse still running after {WAIT:?}:\n{}", self.screen());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Checks that the terminal is back as it was: the restoring sequences come after the
    /// last ones that changed it, and the line settings equal the original cooked mode.
    async fn assert_terminal_restored(&self, how: &str) {
        // Output may still be in flight after the exit: wait for the restore sequences.
        self.until(&format!("the terminal restore after {how}"), |p| {
            restored(&p.raw()).is_ok()
        })
        .await;
        let now = termios(self.master.as_ref());
        let flags = |t: &libc::termios| (t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
        assert_eq!(
            flags(&now),
            flags(&self.original),
            "{how}: termios not restored (lflag ICANON|ECHO expected)"
        );
        assert_ne!(now.c_lflag & libc::ICANON, 0, "{how}: cooked mode");
        assert_ne!(now.c_lflag & libc::ECHO, 0, "{how}: echo");
    }
}

impl Drop for Pgpulse {
    fn drop(&mut self) {
        // A failed test must not leave a pgpulse behind.
        let _ = self.child.kill();
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

/// The terminal's line settings (tcgetattr on the master).
fn termios(master: &dyn MasterPty) -> libc::termios {
    master.get_termios().expect("tcgetattr").into()
}

/// The terminal was given back: after the last sequence that switched something on, the
/// one that switches it off. `Err` names what is still on.
fn restored(raw: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(raw);
    let pairs = [
        ("alternate screen", "\x1b[?1049h", "\x1b[?1049l"),
        ("hidden cursor", "\x1b[?25l", "\x1b[?25h"),
        ("mouse capture", "\x1b[?1000h", "\x1b[?1000l"),
        ("mouse drag capture", "\x1b[?1002h", "\x1b[?1002l"),
        ("mouse motion capture", "\x1b[?1003h", "\x1b[?1003l"),
        ("SGR mouse", "\x1b[?1006h", "\x1b[?1006l"),
    ];
    for (what, on, off) in pairs {
        let Some(switched_on) = text.rfind(on) else {
            return Err(format!("{what} was never switched on"));
        };
        if text.rfind(off).is_none_or(|at| at <= switched_on) {
            return Err(format!("{what} is still on"));
        }
    }
    Ok(())
}

/// Every SGR parameter that sets a colour: 30–37, 40–47, 90–97, 100–107 and the 38/48/58
/// extended forms. 39/49/59 (back to the terminal's default) set none.
fn colour_sgrs(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut found = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("\x1b[") {
        rest = &rest[start + 2..];
        let end = rest
            .find(|c: char| ('\x40'..='\x7e').contains(&c))
            .unwrap_or(rest.len());
        let (params, tail) = rest.split_at(end);
        if tail.starts_with('m') {
            let colour = params.split([';', ':']).any(|p| {
                matches!(
                    p.parse::<u32>(),
                    Ok(30..=38 | 40..=48 | 58 | 90..=97 | 100..=107)
                )
            });
            if colour {
                found.push(params.to_string());
            }
        }
        rest = tail;
    }
    found
}

/// A database with a session sleeping under a query text nobody else has.
async fn sleeping_session(db: &common::TestDb<'_>, marker: &str) -> String {
    let sleeper = db.client().await;
    exec(&sleeper, "SET application_name = 'pty sleeper'").await;
    let query = format!("SELECT pg_sleep(600) /* {marker} */");
    let _task = spawn_sql(sleeper, query.clone());
    query
}

/// Starts pgpulse on `db` and waits for its first full frame (tabs and header).
async fn started(db: &common::TestDb<'_>, args: &[&str], env: &[(&str, &str)]) -> Pgpulse {
    let pgpulse = Pgpulse::start(&db.conninfo(), args, env);
    pgpulse.shows("Dashboard").await;
    pgpulse.shows("postgres@127.0.0.1").await;
    pgpulse.shows("Activity").await;
    pgpulse
}

#[tokio::test(flavor = "multi_thread")]
async fn it_starts_draws_answers_keys_and_restores_the_terminal_on_q() {
    let db = common::shared().create_database().await;
    let mut pgpulse = started(&db, &[], &[]).await;
    pgpulse.keys("2");
    pgpulse.shows("Sessions").await;
    pgpulse.keys("q");
    assert_eq!(pgpulse.exited().await, 0);
    pgpulse.assert_terminal_restored("q").await;
    assert!(
        !colour_sgrs(&pgpulse.raw()).is_empty(),
        "the default theme has colours (the NO_COLOR check can fail)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_sigterm_sighup_and_a_panic_restore_the_terminal() {
    use nix::sys::signal::Signal;
    let db = common::shared().create_database().await;

    let mut pgpulse = started(&db, &[], &[]).await;
    pgpulse.keys("\x03");
    assert_eq!(pgpulse.exited().await, 0, "Ctrl-C");
    pgpulse.assert_terminal_restored("Ctrl-C").await;

    for signal in [Signal::SIGTERM, Signal::SIGHUP] {
        let mut pgpulse = started(&db, &[], &[]).await;
        pgpulse.signal(signal);
        pgpulse.exited().await;
        pgpulse.assert_terminal_restored(signal.as_str()).await;
    }

    let mut pgpulse = Pgpulse::start(&db.conninfo(), &[], &[("PGPULSE_TEST_PANIC", "1")]);
    assert_ne!(pgpulse.exited().await, 0, "a panic is a failure");
    pgpulse.assert_terminal_restored("a panic").await;
    let text = String::from_utf8_lossy(&pgpulse.raw()).into_owned();
    assert!(
        text.contains("PGPULSE_TEST_PANIC"),
        "the panic message shows: {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_color_sends_no_colour() {
    let db = common::shared().create_database().await;
    let mut pgpulse = started(&db, &[], &[("NO_COLOR", "1")]).await;
    pgpulse.keys("2");
    pgpulse.shows("Sessions").await;
    pgpulse.keys("q");
    pgpulse.exited().await;
    let colours = colour_sgrs(&pgpulse.raw());
    assert!(
        colours.is_empty(),
        "colour SGRs under NO_COLOR: {colours:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn y_sends_one_osc_52_with_the_exact_text_of_the_row() {
    let db = common::shared().create_database().await;
    let query = sleeping_session(&db, "pty copy marker").await;
    let mut pgpulse = started(&db, &[], &[]).await;
    pgpulse.keys("2");
    pgpulse.shows("pty sleeper").await;
    pgpulse.keys("/pty copy marker\r");
    pgpulse.shows_one_match().await;
    pgpulse.keys("y");
    pgpulse.shows("copied").await;
    pgpulse.keys("q");
    pgpulse.exited().await;
    let raw = String::from_utf8_lossy(&pgpulse.raw()).into_owned();
    let copies: Vec<&str> = raw.split("\x1b]52;").skip(1).collect();
    assert_eq!(copies.len(), 1, "exactly one OSC 52: {copies:?}");
    let payload = copies[0]
        .strip_prefix("c;")
        .and_then(|p| p.split_once("\x1b\\"))
        .map(|(encoded, _)| encoded)
        .unwrap_or_else(|| panic!("malformed OSC 52: {:?}", copies[0]));
    let decoded = must(
        base64::engine::general_purpose::STANDARD.decode(payload),
        "base64",
    );
    assert_eq!(String::from_utf8_lossy(&decoded), query);
}

/// How many action connections the server has, by application_name.
async fn action_backends(db: &common::TestDb<'_>) -> i64 {
    let client = db.client().await;
    let row = must(
        client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgpulse actions'",
                &[],
            )
            .await,
        "counting action connections",
    );
    row.get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_never_opens_the_action_connection_and_without_it_one_opens() {
    // A private server: no other test's pgpulse can open an action connection on it.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let _query = sleeping_session(&db, "pty action target").await;

    let mut pgpulse = started(&db, &["--read-only"], &[]).await;
    pgpulse.keys("2");
    pgpulse.shows("pty sleeper").await;
    pgpulse.keys("/pty action target\r");
    pgpulse.shows_one_match().await;
    for key in ["c", "y", "K", "y", "S"] {
        pgpulse.keys(key);
        assert_eq!(
            action_backends(&db).await,
            0,
            "after {key:?} in read-only mode"
        );
    }
    pgpulse.shows("read-only mode").await;
    assert_eq!(action_backends(&db).await, 0);
    pgpulse.keys("q");
    pgpulse.exited().await;

    // The control: the same keys without --read-only open it, so the check above can fail.
    let mut pgpulse = started(&db, &[], &[]).await;
    pgpulse.keys("2");
    pgpulse.shows("pty sleeper").await;
    pgpulse.keys("/pty action target\r");
    pgpulse.shows_one_match().await;
    pgpulse.keys("c");
    pgpulse.shows("pg_cancel_backend").await;
    pgpulse.keys("y");
    let deadline = Instant::now() + WAIT;
    while action_backends(&db).await == 0 {
        assert!(
            Instant::now() < deadline,
            "no action connection after confirming a cancel:\n{}",
            pgpulse.screen()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    pgpulse.keys("q");
    pgpulse.exited().await;
}
