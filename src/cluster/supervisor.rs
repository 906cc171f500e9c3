//! The `sh` supervisor that owns the postgres process and the temp dir.
//!
//! Why a supervisor: a test binary keeps its shared cluster in a `static`, which is never
//! dropped, and may also die from SIGKILL. The supervisor reads commands from a pipe whose
//! write end only we hold; however our process ends, the OS closes that pipe, the
//! supervisor sees EOF, fast-stops postgres and removes the temp dir.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::error::{ClusterError, io_err};
use super::setup::{RunAs, command};

/// Positional args: $1 postgres binary, $2 data dir, $3 log file, $4 temp dir to remove
/// (empty: a kept cluster, nothing is removed).
/// Replies on stdout: `started <pid>` once, then `ok <pid>` per `restart` or `start`
/// command and `stopped` per `stop` command (a fast shutdown; the dir stays). `start`
/// after a server that stopped on its own reaps it first, like `restart`.
const SCRIPT: &str = r#"
pg=$1 data=$2 log=$3 dir=$4
trap '' PIPE
exec 2>>"$log"
pid=
start() {
  "$pg" -D "$data" </dev/null >>"$log" 2>&1 &
  pid=$!
}
stop() {
  if [ -n "$pid" ]; then
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
  fi
}
cleanup() {
  stop
  if [ -n "$dir" ]; then rm -rf "$dir"; fi
}
trap 'cleanup; exit 0' TERM HUP INT
start
echo "started $pid"
while read -r cmd; do
  case $cmd in
    restart) stop; start; echo "ok $pid" ;;
    stop) stop; echo "stopped" ;;
    start) stop; start; echo "ok $pid" ;;
    *) echo "error unknown command: $cmd" ;;
  esac
done
cleanup
"#;

/// How long to wait for the supervisor to answer a command or to exit.
pub(super) const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(25);

/// Our end of the supervisor: its process, the pipe it reads commands from, and the lines
/// it prints (read by a helper thread so every wait can have a deadline).
pub(super) struct Supervisor {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// The postmaster pid the supervisor last reported.
    pub pg_pid: Option<u32>,
}

impl Supervisor {
    /// Spawns the supervisor, which immediately starts postgres.
    pub fn spawn(
        bindir: &Path,
        dir: &Path,
        data: &Path,
        run_as: Option<RunAs>,
        remove_dir: bool,
    ) -> Result<Supervisor, ClusterError> {
        let mut cmd = command(Path::new("/bin/sh"), run_as, dir);
        cmd.arg("-c")
            .arg(SCRIPT)
            .arg("pgpulse-supervisor") // $0
            .arg(bindir.join("postgres"))
            .arg(data)
            .arg(dir.join("server.log"))
            .arg(if remove_dir {
                dir.as_os_str()
            } else {
                "".as_ref()
            })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group: a Ctrl-C in the terminal reaches us, and we stop the
            // server in order, instead of the server dying under its clients.
            .process_group(0);
        let mut child = cmd
            .spawn()
            .map_err(io_err("spawning", Path::new("/bin/sh")))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let (tx, lines) = std::sync::mpsc::channel();
        if let Some(stdout) = stdout {
            let reader = move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            };
            let spawned = std::thread::Builder::new()
                .name("pgpulse-supervisor".into())
                .spawn(reader);
            if let Err(e) = spawned {
                // Without a reader we cannot talk to it; closing stdin makes it clean up.
                let mut sup = Supervisor {
                    child,
                    stdin,
                    lines,
                    pg_pid: None,
                };
                sup.shutdown(remove_dir.then_some(dir));
                return Err(io_err("spawning a thread for", Path::new("/bin/sh"))(e));
            }
        }
        Ok(Supervisor {
            child,
            stdin,
            lines,
            pg_pid: None,
        })
    }

    /// Waits (bounded) for the next reply line, e.g. `started 123` -> 123.
    pub fn read_pid(&mut self, expect: &str) -> Result<u32, String> {
        let line = match self.lines.recv_timeout(REPLY_TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => return Err("supervisor did not answer".into()),
            Err(RecvTimeoutError::Disconnected) => return Err("supervisor exited".into()),
        };
        let pid = line
            .strip_prefix(expect)
            .and_then(|rest| rest.trim().parse().ok())
            .ok_or_else(|| format!("unexpected supervisor reply {line:?}"))?;
        self.pg_pid = Some(pid);
        Ok(pid)
    }

    /// Waits (bounded) for exactly `expect` as the next reply line.
    pub fn read_line(&mut self, expect: &str) -> Result<(), String> {
        match self.lines.recv_timeout(REPLY_TIMEOUT) {
            Ok(line) if line == expect => Ok(()),
            Ok(line) => Err(format!("unexpected supervisor reply {line:?}")),
            Err(RecvTimeoutError::Timeout) => Err("supervisor did not answer".into()),
            Err(RecvTimeoutError::Disconnected) => Err("supervisor exited".into()),
        }
    }

    /// Sends one command line.
    pub fn send(&mut self, cmd: &str) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("supervisor already stopped")?;
        stdin
            .write_all(format!("{cmd}\n").as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("writing to supervisor: {e}"))
    }

    /// Why the server is not running, if it is not: supervisor or postmaster exited.
    pub fn check_alive(&mut self, pid: u32) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Err(format!("supervisor exited ({status})")),
            Err(e) => Err(format!("waiting for supervisor: {e}")),
            Ok(None) if !process_alive(pid) => Err(format!("postgres (pid {pid}) exited")),
            Ok(None) => Ok(()),
        }
    }

    /// Closes the command pipe (the supervisor then stops postgres and removes `dir`) and
    /// waits for it, bounded; on timeout kills both processes and removes `dir` itself.
    /// Idempotent.
    pub fn shutdown(&mut self, dir: Option<&Path>) {
        if self.stdin.take().is_some() {
            let deadline = Instant::now() + REPLY_TIMEOUT;
            loop {
                match self.child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                    _ => {
                        tracing::warn!("cluster supervisor did not stop in time; killing it");
                        let _ = self.child.kill();
                        let _ = self.child.wait();
                        if let Some(pid) = self.pg_pid.filter(|&p| process_alive(p)) {
                            let pid = nix::unistd::Pid::from_raw(pid as i32);
                            let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
                        }
                        break;
                    }
                }
            }
        }
        // Normally already gone (the supervisor removed it).
        if let Some(dir) = dir.filter(|d| d.exists()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Whether `pid` is a live (non-zombie) process. A postmaster that died is a zombie until
/// the supervisor reaps it, and `kill(pid, 0)` succeeds on zombies, so look at /proc.
pub(super) fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, r)| r.trim().chars().next());
            !matches!(state, Some('Z' | 'X'))
        }
        Err(_) if Path::new("/proc/self/stat").exists() => false,
        // No procfs (not Linux): fall back to the signal probe.
        Err(_) => {
            let pid = nix::unistd::Pid::from_raw(pid as i32);
            nix::sys::signal::kill(pid, None).is_ok()
        }
    }
}

/// Waits until postmaster `pid` says `ready` in postmaster.pid (PG 10+) and accepts TCP
/// connections on `port`, bounded by [`REPLY_TIMEOUT`].
pub(super) fn wait_ready(
    sup: &mut Supervisor,
    data: &Path,
    port: u16,
    major: u32,
    pid: u32,
) -> Result<(), String> {
    let deadline = Instant::now() + REPLY_TIMEOUT;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    loop {
        sup.check_alive(pid)?;
        let pidfile = std::fs::read_to_string(data.join("postmaster.pid")).unwrap_or_default();
        let lines: Vec<&str> = pidfile.lines().map(str::trim).collect();
        // Line 1 is the pid, line 8 the status; PG < 10 has no status line.
        let ours = lines.first() == Some(&pid.to_string().as_str());
        let ready = major < 10 || lines.get(7) == Some(&"ready");
        if ours
            && ready
            && std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
        {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "server not ready after {} s",
                REPLY_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(POLL);
    }
}
