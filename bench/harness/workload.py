"""The loaded database of issue 13, built with plain SQL through psql.

- N tables (`bench_t00001`...) with 3 indexes each (primary key + two), 20 rows each,
  created by two sessions side by side; a larger size adds tables to a smaller one;
- the seed's monitoring tables with the seed's own DDL, taken from queries/schema/ but
  without the indexes pgpulse's `schema install` adds (so `query_performance_log` has no
  index on `executed_at`, as in the issue's measurement), 300,000 log rows spread over the
  last 24 h, a week of daily statistics snapshots per table and a month of task history;
- ~5,000 distinct statements in pg_stat_statements (made again for each size);
- pgbench (8 clients, scale 1, throttled to a fixed rate so every run sees the same load)
  and a writer that logs into `query_performance_log` at the rate the 300,000 rows imply,
  so the latency window holds the same number of rows in every run;
- a lock chain (a session holding a row lock, idle in transaction, and two waiting behind
  it), staged anew for each run so every run sees the same lock ages.
"""

import glob
import os
import subprocess
import time

from .procs import clean_env, log, stop
from .server import HOST, SUPERUSER

TABLES_PER_TRANSACTION = 250
LOG_ROWS = 300_000
LOG_SPAN_S = 24 * 3600
STATEMENTS = 5_000


def table(i):
    return f"bench_t{i:05d}"


def create_tables(cleanup, server, scratch, first, last, workers=2):
    """Tables `first`..`last` with 3 indexes and 20 rows each, in DO blocks of
    TABLES_PER_TRANSACTION tables (one transaction each: psql autocommits), the chunks
    dealt out to `workers` psql sessions running side by side."""
    log(f"creating tables {first:,}..{last:,} with 3 indexes each ({workers} sessions)")
    chunks = [(a, min(last, a + TABLES_PER_TRANSACTION - 1)) for a in range(first, last + 1, TABLES_PER_TRANSACTION)]
    procs = []
    for w in range(workers):
        mine = chunks[w::workers]
        if not mine:
            continue
        path = os.path.join(scratch, f"tables-{first}-{w}.sql")
        with open(path, "w") as f:
            f.writelines(
                f"""DO $$ BEGIN
FOR i IN {start}..{end} LOOP
  EXECUTE format('CREATE TABLE bench_t%s (id int PRIMARY KEY, a int, b text, c timestamptz DEFAULT now())', lpad(i::text, 5, '0'));
  EXECUTE format('CREATE INDEX ON bench_t%s (a)', lpad(i::text, 5, '0'));
  EXECUTE format('CREATE INDEX ON bench_t%s (b)', lpad(i::text, 5, '0'));
  EXECUTE format('INSERT INTO bench_t%s (id, a, b) SELECT g, g %% 7, md5(g::text) FROM generate_series(1, 20) g', lpad(i::text, 5, '0'));
END LOOP; END $$;
"""
                for start, end in mine
            )
        argv = [server.bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *server.conn_args(), "-f", path]
        procs.append(
            cleanup.spawn(argv, env=clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        )
    for proc in procs:
        out, _ = proc.communicate()
        cleanup.forget(proc.cleanup_token)
        if proc.returncode != 0:
            raise RuntimeError(f"creating tables failed ({proc.returncode}):\n{out.decode(errors='replace')[-2000:]}")


def create_monitoring_tables(server, repo):
    """The seed's DDL, statement by statement from queries/schema/ (the indexes pgpulse
    adds are left out: the measurement is of the seed's tables as the application has them)."""
    files = sorted(glob.glob(os.path.join(repo, "queries", "schema", "*.sql")))
    if not files:
        raise RuntimeError(f"no queries/schema/*.sql under {repo}")
    for path in files:
        with open(path) as f:
            sql = f.read()
        if "CREATE INDEX" in sql.upper():
            continue
        server.psql(sql)
    log(f"filling query_performance_log with {LOG_ROWS} rows")
    server.psql(f"""
INSERT INTO query_performance_log (query_hash, execution_time_ms, rows_examined, rows_returned, executed_at)
SELECT md5((g % 200)::text), (random() * random() * 400)::int, g % 5000, g % 50,
       localtimestamp - random() * interval '{LOG_SPAN_S} seconds'
FROM generate_series(1, {LOG_ROWS}) g;
INSERT INTO maintenance_task_log (task_name, status, started_at, finished_at, rows_processed)
SELECT task, 'completed', localtimestamp - d * interval '1 day', localtimestamp - d * interval '1 day' + interval '2 min', 1000
FROM unnest(ARRAY['cleanup', 'statistics', 'reindex', 'vacuum', 'integrity', 'archive']) task, generate_series(1, 30) d;
""")


def add_snapshots(server, first, last):
    """A week of daily statistics snapshots of tables `first`..`last`."""
    server.psql(f"""
INSERT INTO database_statistics_snapshot (table_name, table_size_bytes, row_count, cache_hit_ratio, snapshot_date)
SELECT 'bench_t' || lpad(t::text, 5, '0'), 16384, 20, 90 + random() * 10, localtimestamp - d * interval '1 day'
FROM generate_series({first}, {last}) t, generate_series(0, 6) d;
""")


def create_roles(server, roles):
    """One login role per tool: pg_stat_statements is read per role, so each tool's own
    statements are told apart. pg_monitor and SELECT on the monitoring tables is what a
    monitoring role gets in practice."""
    for role in roles:
        server.psql(f"""
CREATE ROLE {role} LOGIN IN ROLE pg_monitor;
GRANT SELECT ON query_performance_log, database_statistics_snapshot, maintenance_task_log TO {role};
""")


def fill_statements(server, scratch, n):
    """~5,000 distinct statements: per table, `IN` lists of growing length on two columns
    (constants are normalized away, the list length is not, up to PostgreSQL 17)."""
    log(f"running {STATEMENTS} distinct statements for pg_stat_statements")
    path = os.path.join(scratch, "statements.sql")
    with open(path, "w") as f:
        for k in range(STATEMENTS):
            i, j = k % n + 1, k // n
            column = ("id", "a")[j % 2]
            values = ", ".join(str(v) for v in range(1, j // 2 + 2))
            f.write(f"SELECT count(*) FROM {table(i)} WHERE {column} IN ({values});\n")
    server.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    # A grown database starts again from none: the statements of the smaller size go.
    server.psql("SELECT pg_stat_statements_reset()")
    server.psql(file=path)


def settle(server):
    """Statistics and visibility maps up to date and a checkpoint done, so autovacuum and
    the checkpointer do not work through the fresh tables during the first runs."""
    log("VACUUM ANALYZE and CHECKPOINT")
    server.psql("VACUUM ANALYZE")
    server.psql("CHECKPOINT")


class Pgbench:
    """The background load, running through every measured run."""

    def __init__(self, cleanup, server, scratch, clients, rate):
        self.cleanup, self.server, self.scratch = cleanup, server, scratch
        self.clients, self.rate = clients, rate
        self.procs = []

    def init(self):
        log("pgbench -i (scale 1)")
        self.cleanup.run_cmd(
            [self.server.bin("pgbench"), "-i", "-s", "1", "-q", *self._conn()], env=clean_env(), what="pgbench -i"
        )

    def _conn(self):
        return ["-h", HOST, "-p", str(self.server.port), "-U", SUPERUSER, "bench"]

    def start(self):
        writer = os.path.join(self.scratch, "log_writer.sql")
        with open(writer, "w") as f:
            f.write("""\\set h random(0, 199)
\\set ms random_exponential(1, 2000, 8)
INSERT INTO query_performance_log (query_hash, execution_time_ms, rows_examined, rows_returned) VALUES (md5(:h::text), :ms, :ms * 10, :ms % 50);
""")
        load = [self.server.bin("pgbench"), "-n", "-c", str(self.clients), "-j", "2", "-T", "864000"]
        if self.rate > 0:
            load += ["-R", str(self.rate)]
        writer_rate = f"{LOG_ROWS / LOG_SPAN_S:.3f}"
        commands = [
            load + self._conn(),
            [self.server.bin("pgbench"), "-n", "-c", "1", "-T", "864000", "-R", writer_rate, "-f", writer, *self._conn()],
        ]
        for i, argv in enumerate(commands):
            with open(os.path.join(self.scratch, f"pgbench-{i}.log"), "ab") as out:
                self.procs.append(self.cleanup.spawn(argv, env=clean_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=out))
        log(f"pgbench running: {self.clients} clients at {self.rate or 'unthrottled'} tps, log writer at {writer_rate} rows/s")

    def check(self):
        for i, proc in enumerate(self.procs):
            if proc.poll() is not None:
                with open(os.path.join(self.scratch, f"pgbench-{i}.log"), errors="replace") as f:
                    tail = f.read()[-2000:]
                raise RuntimeError(f"pgbench stopped ({proc.returncode}):\n{tail}")


class LockChain:
    """Three sessions on one row of the first table: the first holds it (idle in
    transaction after SELECT ... FOR UPDATE), the second waits for it, the third waits
    behind the second."""

    APP = "bench lock chain"

    def __init__(self, cleanup, server):
        self.cleanup, self.server = cleanup, server
        self.procs = []

    def start(self):
        target = table(1)
        steps = [
            ("BEGIN;\nSELECT id FROM {t} WHERE id = 1 FOR UPDATE;\n", "state = 'idle in transaction'"),
            ("UPDATE {t} SET a = a + 1 WHERE id = 1;\n", "wait_event_type = 'Lock'"),
            ("UPDATE {t} SET a = a + 1 WHERE id = 1;\n", "wait_event_type = 'Lock'"),
        ]
        for n, (sql, reached) in enumerate(steps, 1):
            app = f"{self.APP} {n}"
            proc = self.cleanup.spawn(
                [self.server.bin("psql"), "-X", "-q", *self.server.conn_args()],
                env=clean_env(PGAPPNAME=app),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.procs.append(proc)
            proc.stdin.write(sql.format(t=target).encode())
            proc.stdin.flush()  # the pipe stays open: psql waits for more input
            self._wait_for(f"application_name = '{app}' AND {reached}")

    def _wait_for(self, condition):
        deadline = time.monotonic() + 20
        while self.server.psql(f"SELECT count(*) FROM pg_stat_activity WHERE {condition}") != "1":
            if time.monotonic() > deadline:
                raise RuntimeError(f"lock chain: no session with {condition} after 20 s")
            time.sleep(0.1)

    def stop(self):
        # A backend blocked on a lock does not notice that its client went away, so end
        # the sessions on the server first (the holder's transaction rolls back).
        if self.procs:
            self.server.psql(
                f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE '{self.APP} %'"
            )
        for proc in self.procs:
            stop(proc)
            self.cleanup.forget(proc.cleanup_token)
        self.procs = []
