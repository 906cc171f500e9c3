"""The scale scenario's crowd: 1,000 extra sessions held open by one pgbench process.

One pgbench with `-c 1000` holds 1,000 libpq connections in two threads (it waits with
ppoll, so more than 1,024 descriptors are fine), far cheaper than 1,000 psql processes.
Each session loops on a script that is mostly a client-side `\\sleep` (the session shows
as idle) and one time in ten a `pg_sleep` on the server (it shows as active, waiting on
PgSleep): about 100 active and 900 idle sessions at any moment, ~200 short statements a
second in all.
"""

import os
import subprocess
import time

from .procs import clean_env, log, stop
from .server import HOST, SUPERUSER

SESSIONS = 1000
APP = "bench crowd"
SCRIPT = """\\set r random(1, 100)
\\if :r <= 10
SELECT pg_sleep(5);
\\else
\\sleep 5 s
\\endif
"""


class Crowd:
    def __init__(self, cleanup, server, scratch, sessions=SESSIONS):
        self.cleanup, self.server, self.scratch, self.sessions = cleanup, server, scratch, sessions
        self.proc = None

    def start(self):
        script = os.path.join(self.scratch, "crowd.sql")
        with open(script, "w") as f:
            f.write(SCRIPT)
        argv = [self.server.bin("pgbench"), "-n", "-c", str(self.sessions), "-j", "2", "-T", "864000", "-f", script]
        argv += ["-h", HOST, "-p", str(self.server.port), "-U", SUPERUSER, "bench"]
        log(f"opening {self.sessions:,} sessions (pgbench -c {self.sessions})")
        started = time.monotonic()
        self.log_path = os.path.join(self.scratch, "crowd.log")
        with open(self.log_path, "ab") as out:
            self.proc = self.cleanup.spawn(argv, env=clean_env(PGAPPNAME=APP), stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        deadline = time.monotonic() + 180
        while True:
            n = int(self.server.psql(f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{APP}'"))
            if n >= self.sessions:
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"the crowd's pgbench stopped ({self.proc.returncode}):\n{self._tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the crowd: {n} of {self.sessions} sessions after 180 s")
            time.sleep(0.5)
        log(f"{self.sessions:,} sessions open in {time.monotonic() - started:.1f} s")

    def _tail(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-2000:]

    def check(self):
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"the crowd's pgbench stopped ({self.proc.returncode}):\n{self._tail()}")

    def stop(self):
        if self.proc is None:
            return
        stop(self.proc, group=True)
        self.cleanup.forget(self.proc.cleanup_token)
        self.proc = None
        # A session inside pg_sleep notices its closed connection only when the sleep
        # ends: end them now, and wait until they are gone so the next scenario does not
        # see them.
        # Called from a `finally`: a server already gone must not hide the first error.
        try:
            self.server.psql(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{APP}'")
            deadline = time.monotonic() + 60
            while self.server.psql(f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{APP}'") != "0":
                if time.monotonic() > deadline:
                    log("the crowd's sessions did not all end within 60 s")
                    break
                time.sleep(0.5)
        except RuntimeError as e:
            log(f"the crowd: {e}")
