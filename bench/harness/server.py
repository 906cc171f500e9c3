"""A throwaway PostgreSQL server with the project's harness conventions (as in
src/cluster/ and tests/common/): initdb into a private temp dir, a free port on
127.0.0.1 only, trust auth on loopback (no password anywhere), pg_stat_statements
preloaded, track_io_timing on, durability off; as root, run as the `postgres` user."""

import os
import signal
import socket
import subprocess
import time

from .procs import clean_env, log, server_parent, server_user, stop

HOST = "127.0.0.1"
SUPERUSER = "postgres"
DATABASE = "bench"


def free_port():
    """A port that was free a moment ago (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, cleanup, pgbin, max_connections=100):
        self.cleanup = cleanup
        self.max_connections = max_connections
        self.pgbin = pgbin
        self.user = server_user()
        self.dir = cleanup.mkdtemp("pg", owner=self.user, parent=server_parent())
        self.data = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "server.log")
        self.port = free_port()
        self.proc = None

    def bin(self, name):
        return os.path.join(self.pgbin, name)

    def start(self):
        log(f"initdb and start PostgreSQL ({self.pgbin}) on {HOST}:{self.port}, data in {self.dir}")
        self.cleanup.run_cmd(
            [
                self.bin("initdb"),
                "-D",
                self.data,
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=trust",
                "-N",
            ],
            user=self.user,
            cwd=self.dir,
            env=clean_env(),
            timeout=300,
            what="initdb",
        )
        with open(os.path.join(self.data, "PG_VERSION")) as f:
            major = int(f.read().split(".")[0])
        settings = {
            "port": str(self.port),
            "listen_addresses": f"'{HOST}'",
            "unix_socket_directories": f"'{self.dir}'",
            "shared_preload_libraries": "'pg_stat_statements'",
            # Room for the ~5,000 workload statements plus pgbench's and the tools' own,
            # so nothing is evicted during a run (the default max is 5,000).
            "pg_stat_statements.max": "10000",
            "track_io_timing": "on",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            # The scale scenario's 1,000 extra sessions, with room for the load and the tools.
            "max_connections": str(self.max_connections),
            # The shared lock table holds max_locks_per_transaction x max_connections
            # locks (~100,000 here): a batch of 250 new tables takes ~1,500 of them, and a
            # peer that sizes every relation in one statement takes one per relation
            # (40,000 and more at 10,000 tables). Kept near 100,000 in all, as with 1024 x
            # 100, so 1,100 connections do not make the shared memory ten times larger.
            "max_locks_per_transaction": str(max(64, 102_400 // self.max_connections)),
            "logging_collector": "off",
        }
        if major >= 14:
            settings["compute_query_id"] = "on"
        conf = "\n# ---- added by bench/run ----\n" + "".join(f"{k} = {v}\n" for k, v in settings.items())
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(conf)
        with open(self.log_path, "ab") as server_log:
            # SIGINT is the fast shutdown: also what the server gets if we die.
            self.proc = self.cleanup.spawn(
                [self.bin("postgres"), "-D", self.data],
                user=self.user,
                cwd=self.dir,
                env=clean_env(),
                stdin=subprocess.DEVNULL,
                stdout=server_log,
                stderr=server_log,
                stop_signal=signal.SIGINT,
                group_kill=False,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
            ready = [self.bin("pg_isready"), "-q", "-h", HOST, "-p", str(self.port)]
            ok = subprocess.run(ready, env=clean_env(), check=False).returncode == 0
            if ok:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not accept connections in 60 s:\n{self.log_tail()}")
            time.sleep(0.2)
        self.psql("CREATE DATABASE bench", db="postgres")
        return major

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def conn_args(self, user=SUPERUSER, db=DATABASE):
        return ["-h", HOST, "-p", str(self.port), "-U", user, "-d", db]

    def psql(self, sql=None, *, file=None, db=DATABASE, user=SUPERUSER, timeout=None):
        """Runs SQL (a string or a file) with psql, stopping at the first error; returns
        the unaligned, tuples-only output."""
        argv = [self.bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", *self.conn_args(user, db)]
        argv += ["-f", file] if file else ["-c", sql]
        return self.cleanup.run_cmd(argv, env=clean_env(), timeout=timeout, what="psql", stderr=subprocess.PIPE).strip()

    def psql_spawn(self, sql, out_path):
        """Starts psql on `sql` in the background with its output in `out_path`: the pty
        runner keeps reading the tool's terminal meanwhile. `psql_wait` gives the output."""
        argv = [self.bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", *self.conn_args(), "-c", sql]
        with open(out_path, "w") as out:
            proc = self.cleanup.spawn(argv, env=clean_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        proc.out_path = out_path
        return proc

    def psql_wait(self, proc, timeout=60):
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(proc)
            raise RuntimeError(f"psql did not answer within {timeout} s") from None
        self.cleanup.forget(proc.cleanup_token)
        with open(proc.out_path, errors="replace") as f:
            out = f.read().strip()
        if code != 0:
            raise RuntimeError(f"psql failed ({code}): {out[-2000:]}")
        return out

    def stop(self):
        if self.proc is not None:
            stop(self.proc, signal.SIGINT, group=False, grace=30)
