"""Child processes and cleanup.

Every process the benchmark starts and every scratch directory it makes is registered
with a `Cleanup` and removed at exit, also on Ctrl-C, SIGTERM and SIGHUP (they raise
`Interrupted`, so `finally` blocks run). As a second line of defence each child gets a
parent-death signal, so even a `kill -9` of the benchmark does not leave a server or a
pgbench running (its scratch dirs stay behind then, and the next run removes them: they are named
/tmp/pgpulse-bench-<pid>-* or /dev/shm/pgpulse-bench-<pid>-* after the benchmark that
made them).
"""

import ctypes
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile

_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1
_TIOCSCTTY = 0x540E

# Children start in their own session: a Ctrl-C in the developer's terminal reaches only
# the benchmark, which then stops everything in order (the server last).
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    """A stop signal arrived; cleanup runs in the `finally` blocks on the way out."""


def install_signal_handlers():
    def handler(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    for sig in _STOP_SIGNALS:
        signal.signal(sig, handler)


def log(message):
    """Progress goes to stderr; stdout carries only the report."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def clean_env(**extra):
    """Our environment without PG* variables (PGPULSE_* included), so a developer's
    PGSERVICE, PGSSLMODE, PGOPTIONS or PGPULSE_CONFIG_DIR cannot change what is measured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(extra)
    return env


def server_user():
    """The account the server runs as: `postgres` when we are root (initdb and postgres
    refuse to run as root, as in src/cluster/), else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise SystemExit("bench: running as root and no `postgres` or `nobody` user to run the server as")


class Cleanup:
    """Undo actions, run last-registered first."""

    def __init__(self):
        self._actions = {}
        self._next = 0

    def push(self, fn, *args):
        self._next += 1
        self._actions[self._next] = (fn, args)
        return self._next

    def forget(self, token):
        self._actions.pop(token, None)

    def run(self):
        # A second Ctrl-C must not cut the cleanup short and leave a server behind.
        for sig in _STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        for token in sorted(self._actions, reverse=True):
            fn, args = self._actions.pop(token)
            try:
                fn(*args)
            except Exception as e:  # noqa: BLE001 -- keep cleaning up whatever fails
                log(f"cleanup: {fn.__name__}: {e}")

    def mkdtemp(self, prefix, owner=None, parent="/tmp"):
        """A private scratch dir under `parent` (short paths: the server's socket lives in
        one), removed at exit; `owner` (a pwd entry) gets it when the server user needs it."""
        path = tempfile.mkdtemp(prefix=f"pgpulse-bench-{os.getpid()}-{prefix}-", dir=parent)
        if owner is not None:
            os.chown(path, owner.pw_uid, owner.pw_gid)
        self.push(shutil.rmtree, path, True)
        return path

    def spawn(self, argv, *, user=None, ctty=False, group_kill=True, stop_signal=signal.SIGTERM, **popen):
        """Starts `argv` in its own session, with a parent-death signal, as `user` (a pwd
        entry) if given; with `ctty` its stdin (a pty slave) becomes its controlling
        terminal. The process is stopped at cleanup unless `forget` is called."""
        parent = os.getpid()

        def child_setup():
            # Runs after setsid() and after the uid change (a uid change would clear it).
            _LIBC.prctl(_PR_SET_PDEATHSIG, int(stop_signal))
            if os.getppid() != parent:  # the benchmark died between fork and here
                os.kill(os.getpid(), stop_signal)
            if ctty:
                import fcntl

                fcntl.ioctl(0, _TIOCSCTTY, 0)

        if user is not None:
            popen.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
        # preexec_fn is unsafe with threads; the benchmark runs none.
        proc = subprocess.Popen(argv, start_new_session=True, preexec_fn=child_setup, **popen)  # noqa: PLW1509
        proc.cleanup_token = self.push(stop, proc, stop_signal, group_kill)
        return proc

    def run_cmd(self, argv, *, check=True, timeout=None, what=None, **popen):
        """Runs `argv` to completion (stopped at cleanup if we are interrupted) and returns
        its stdout as text; on failure raises with its output."""
        popen.setdefault("stdout", subprocess.PIPE)
        popen.setdefault("stderr", subprocess.STDOUT)
        proc = self.spawn(argv, text=True, **popen)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(proc)
            raise RuntimeError(f"{what or argv[0]} timed out after {timeout} s") from None
        self.forget(proc.cleanup_token)
        if check and proc.returncode != 0:
            name = what or " ".join(map(str, argv[:3]))
            raise RuntimeError(f"{name} failed ({proc.returncode}):\n{out or ''}{err or ''}")
        return out or ""


def server_parent(min_free_gib=4):
    """Where the server's data dir goes: /dev/shm (tmpfs) when it has room, else /tmp.
    On a disk mounted with `discard` every unlink waits for the device: removing a
    10,000-table cluster (~50,000 files) took minutes there, and creating it is slower
    too. With fsync off and the whole database in the page cache, the server reads the
    same memory either way; tmpfs only takes away the disk's write-back noise."""
    try:
        st = os.statvfs("/dev/shm")
    except OSError:
        return "/tmp"
    if st.f_bavail * st.f_frsize >= min_free_gib * 2**30 and os.access("/dev/shm", os.W_OK):
        return "/dev/shm"
    return "/tmp"


def sweep_stale():
    """Removes the scratch dirs of benchmarks that were killed outright (their pid is gone)."""
    for path in glob.glob("/tmp/pgpulse-bench-*-*") + glob.glob("/dev/shm/pgpulse-bench-*-*"):
        pid = os.path.basename(path).split("-")[2]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            log(f"removing {path}, left behind by a benchmark that was killed")
            shutil.rmtree(path, ignore_errors=True)


def stop(proc, sig=signal.SIGTERM, group=True, grace=10.0):
    """Stops `proc` (its whole process group by default): `sig`, then SIGKILL after `grace`."""
    if proc.poll() is not None:
        return
    try:
        (os.killpg if group else os.kill)(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            (os.killpg if group else os.kill)(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
