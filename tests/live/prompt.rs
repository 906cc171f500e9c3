//! The password prompt, as a user meets it: pgpulse runs on a real pseudo-terminal, the
//! server asks for a password, pgpulse asks once without echo, and connects.

use crate::common;

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Reads the terminal's output on a thread, so every wait for it can be bounded.
fn spawn_reader(mut master: Box<dyn Read + Send>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // EIO once the child closed the terminal: that is the end of output.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Collects output until `done` says so or 20 s pass; returns everything read.
fn read_until(
    rx: &mpsc::Receiver<Vec<u8>>,
    seen: &mut String,
    done: impl Fn(&str) -> bool,
) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !done(seen) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Err(_) => return false,
        }
    }
    true
}

#[tokio::test]
async fn pgpulse_prompts_once_without_echo_when_the_server_asks_for_a_password() {
    let server = common::shared();
    server
        .create_role(
            "prompted",
            Some("typed-at-the-prompt"),
            "IN ROLE password_users",
        )
        .await;
    let pty = native_pty_system()
        .openpty(PtySize::default())
        .expect("openpty");
    let home = tempfile::tempdir().unwrap();
    let conninfo = format!(
        "host=127.0.0.1 port={} user=prompted dbname=postgres sslmode=disable",
        server.port()
    );
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_pgpulse"));
    command.args(["doctor", &conninfo]);
    command.env("HOME", home.path());
    command.env("PGPULSE_STATE_DIR", home.path());
    command.env_remove("PGPASSWORD");
    command.env_remove("PGPASSFILE");
    // The pty becomes the child's controlling terminal (portable-pty starts it in a
    // session of its own with TIOCSCTTY), so it can open /dev/tty, as in a real login.
    let mut child = pty.slave.spawn_command(command).expect("spawn");
    drop(pty.slave);
    let mut writer = pty.master.take_writer().expect("pty writer");
    let rx = spawn_reader(pty.master.try_clone_reader().expect("pty reader"));

    let mut seen = String::new();
    assert!(
        read_until(&rx, &mut seen, |s| s
            .contains("Password for user prompted:")),
        "no prompt appeared: {seen:?}"
    );
    // The prompt is printed just before echo is switched off; a person types later
    // than that, so wait (bounded) until the terminal really stopped echoing.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let attrs: nix::libc::termios = pty.master.get_termios().expect("tcgetattr").into();
        if attrs.c_lflag & nix::libc::ECHO == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "echo was never switched off"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    writer.write_all(b"typed-at-the-prompt\n").expect("typing");
    writer.flush().expect("typing");
    assert!(
        read_until(&rx, &mut seen, |s| s.contains("gap(s) found")
            || s.contains("All checks passed")),
        "doctor did not finish after the password: {seen:?}"
    );
    assert!(seen.contains("connected: PostgreSQL"), "{seen}");
    assert!(
        !seen.contains("typed-at-the-prompt"),
        "the password was echoed: {seen}"
    );
    assert_eq!(
        seen.matches("Password for user").count(),
        1,
        "prompted more than once: {seen}"
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{seen}");
}
