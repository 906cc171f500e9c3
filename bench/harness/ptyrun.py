"""Runs one tool in a pseudo-terminal of a fixed size for a fixed time, pressing keys on
a schedule, and reads its client cost from /proc before asking it to quit."""

import fcntl
import os
import select
import struct
import termios
import time

from .procs import log, stop

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid):
    """utime + stime + cutime + cstime of /proc/PID/stat: every thread of the process,
    and its children once waited for, in clock ticks (10 ms) -> seconds."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime..cstime are fields 14..17.
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / CLK_TCK


def proc_status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def sample(pid):
    """The client figures of `pid` now: CPU seconds so far, peak and current RSS."""
    return {
        "ns": time.time_ns(),
        "cpu_s": proc_cpu_seconds(pid),
        "peak_rss_kib": proc_status_kib(pid, "VmHWM"),
        "rss_kib": proc_status_kib(pid, "VmRSS"),
    }


def reset_peak_rss(pid):
    """Sets VmHWM back to the current RSS (proc(5): clear_refs, "5"), so the peak of a later
    window can be read; False when the kernel refuses."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def run(cleanup, argv, *, env, seconds, keys, quit_key, rows=50, cols=200, checkpoints=()):
    """Runs `argv` in a `cols`x`rows` pty for `seconds`; `keys` is a list of (offset in s,
    bytes) written on schedule, `checkpoints` a list of (offset in s, fn(pid) -> value)
    called on schedule (before a key due at the same moment) while the tool runs; their
    values are in result["checkpoints"], in order. Returns the measurements and what
    happened."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    result = {"keys": [], "error": None}
    tail = bytearray()  # the last output, to show what the tool said when it failed
    answerer = Answerer()
    proc = None
    try:
        proc = cleanup.spawn(argv, env=env, stdin=slave, stdout=slave, stderr=slave, ctty=True)
        os.close(slave)
        slave = None
        started = time.monotonic()
        result["start_ns"] = time.time_ns()
        # (offset, 0 for a checkpoint / 1 for a key, payload): a checkpoint comes first.
        pending = sorted([(t, 0, i) for i, (t, _) in enumerate(checkpoints)] + [(t, 1, k) for t, k in keys])
        result["checkpoints"] = [None] * len(checkpoints)
        deadline = started + seconds
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            while pending and started + pending[0][0] <= now and proc.poll() is None:
                _, kind, payload = pending.pop(0)
                if kind == 0:
                    result["checkpoints"][payload] = checkpoints[payload][1](proc.pid)
                    continue
                # The time is taken before the write: the tool may answer (and log its
                # frame) before this process runs again after the write.
                result["keys"].append((time.time_ns(), payload.decode(errors="replace")))
                os.write(master, payload)
            wake = min(deadline, started + pending[0][0]) if pending else deadline
            if not _drain(master, tail, max(0.0, wake - time.monotonic()), answerer):
                break  # the tool exited (the pty closed)
        if proc.poll() is not None:
            result["error"] = f"exited early with {proc.returncode}"
        else:
            # Measured before quitting, so the teardown is not counted.
            end = sample(proc.pid)
            result["end_ns"] = end.pop("ns")
            result.update(end)
            # Pressed again every 2 s: a tool still starting up may not be reading keys yet.
            # `quit_key` may be several keys (e.g. Esc to close a prompt, then q), written
            # 0.2 s apart so that a terminal parser does not read them as one (Esc q: Alt+q).
            presses = [quit_key] if isinstance(quit_key, bytes) else list(quit_key)
            quit_by = time.monotonic() + 10
            press_at, n = 0.0, 0
            while proc.poll() is None and time.monotonic() < quit_by:
                if time.monotonic() >= press_at:
                    os.write(master, presses[n % len(presses)])
                    n += 1
                    press_at = time.monotonic() + (0.2 if n % len(presses) else 2)
                if not _drain(master, tail, 0.1, answerer):
                    time.sleep(0.05)  # the pty is closed: the tool is on its way out
            if proc.poll() is None:
                log(f"{os.path.basename(argv[0])} did not quit on {quit_key!r} within 10 s; stopping it")
                stop(proc)
        result["exit_code"] = proc.wait()
    finally:
        if proc is not None and proc.poll() is None:
            stop(proc)
        if proc is not None:
            cleanup.forget(proc.cleanup_token)
        if slave is not None:
            os.close(slave)
        os.close(master)
    result["screen_tail"] = _printable(bytes(tail[-2000:]))
    return result


class Answerer:
    """Answers the terminal queries a real terminal emulator answers: the cursor position
    report and the primary device attributes. Without an answer, a tool that asks (e.g.
    pg_activity's curses library asks for the cursor position) waits for a timeout on
    every frame, and its figures would be the harness's, not its own."""

    ANSWERS = {  # noqa: RUF012 -- never mutated
        b"\x1b[6n": b"\x1b[1;1R",
        b"\x1b[c": b"\x1b[?62;22c",
        b"\x1b[0c": b"\x1b[?62;22c",
    }
    LONGEST = max(len(q) for q in ANSWERS)

    def __init__(self):
        self.carry = b""  # the end of the last read: a query may be cut in two

    def feed(self, data):
        buf = self.carry + data
        answers, pos = [], 0
        while True:
            hits = [(buf.find(q, pos), q) for q in self.ANSWERS]
            hits = [(i, q) for i, q in hits if i >= 0]
            if not hits:
                break
            i, q = min(hits)
            answers.append(self.ANSWERS[q])
            pos = i + len(q)
        self.carry = buf[max(pos, len(buf) - (self.LONGEST - 1)) :]
        return b"".join(answers)


def _drain(master, tail, timeout, answerer):
    """Reads whatever the tool wrote within `timeout` (a tool blocks when its terminal is
    not read) and answers its queries. False once the pty is closed."""
    ready, _, _ = select.select([master], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO: every slave fd is closed, the tool has exited
        return False
    if not data:
        return False
    answer = answerer.feed(data)
    if answer:
        os.write(master, answer)
    tail += data
    del tail[:-8192]
    return True


def _printable(raw):
    """Terminal output with escape sequences dropped, for an error message."""
    text = raw.decode(errors="replace")
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\x1b":
            i += 1
            if i < len(text) and text[i] == "[":
                i += 1
                while i < len(text) and not ("@" <= text[i] <= "~"):
                    i += 1
            i += 1
            out.append(" ")
            continue
        out.append(c if c.isprintable() or c == "\n" else " ")
        i += 1
    return " ".join("".join(out).split())[-600:]
