"""One measured run of one tool, read as one or two windows of `--seconds`:

- "launch": from the tool's start, as a user opening it pays (start-up reads included);
- "steady": from `--steady-after` seconds after the start on, when the start-up is over.

Both come from the same process, so a run lasts `steady_after + seconds`, not twice as
long. Client CPU is a difference of /proc samples at the window's edges; the peak RSS of
the steady window is read after resetting VmHWM at its start (clear_refs), the launch
window's is the larger of the peaks before and after that reset; server time is the
difference of two pg_stat_statements snapshots of the tool's own role (reset before the
launch). Render and key figures count the frames and keys inside the window.
"""

import json
import os
import time

from . import ptyrun, report, scenarios
from .procs import clean_env, log

# Every statement of one role: its identity (for the difference of two snapshots), cost,
# the first line of its text (pgpulse's statements start with a `--` comment saying what
# they are) and the start of the text with whitespace collapsed.
SNAPSHOT = """
SELECT coalesce(json_agg(json_build_object(
  'id', dbid::text || ':' || coalesce(queryid::text, '') || ':' || toplevel::text,
  'calls', calls, 'ms', total_exec_time,
  'head', left(btrim(split_part(btrim(query, E' \\n\\t'), E'\\n', 1)), 120),
  'query', left(regexp_replace(query, '\\s+', ' ', 'g'), 160))), '[]')
FROM pg_stat_statements WHERE userid = '{role}'::regrole
"""
TOP = 12  # statements kept per run in the JSON


def statements_between(before, after):
    """Per-statement calls and ms of `after` minus `before` (lists of SNAPSHOT rows); the
    statements that ran in between, costliest first."""
    earlier = {s["id"]: s for s in before}
    out = []
    for s in after:
        b = earlier.get(s["id"], {"calls": 0, "ms": 0.0})
        calls, ms = s["calls"] - b["calls"], s["ms"] - b["ms"]
        if calls > 0 or ms > 0.0005:
            out.append({"calls": calls, "ms": round(ms, 3), "head": s["head"], "query": s["query"]})
    return sorted(out, key=lambda s: -s["ms"])


def tool_env(scratch, tool, frames_path):
    """Every tool gets the same terminal and an empty configuration of its own, so a
    developer's config files cannot change what is measured."""
    home = os.path.join(scratch, "home", tool.name)
    dirs = {k: os.path.join(home, k.lower()) for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    env = clean_env(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", **dirs)
    if tool.frames:
        env.update(
            PGPULSE_CONFIG_DIR=dirs["XDG_CONFIG_HOME"],
            PGPULSE_DATA_DIR=dirs["XDG_DATA_HOME"],
            PGPULSE_STATE_DIR=dirs["XDG_STATE_HOME"],
            PGPULSE_BENCH_FRAMES=frames_path,
        )
    return env


class Bench:
    def __init__(self, args, cleanup, scratch, server, pgbench, lock_chain):
        self.args, self.cleanup, self.scratch = args, cleanup, scratch
        self.server, self.pgbench, self.lock_chain = server, pgbench, lock_chain
        self.counter = 0

    def _snapshot_async(self, role, name):
        path = os.path.join(self.scratch, f"pgss-{self.counter:03d}-{name}.json")
        return self.server.psql_spawn(SNAPSHOT.format(role=role), path)

    def measure(self, tool, scenario, rep, seconds, steady_after, tables):
        """One run of `tool`; returns one record per window ("launch", and "steady" when
        `steady_after` > 0)."""
        self.pgbench.check()
        self.counter += 1
        self.server.psql(f"SELECT pg_stat_statements_reset('{tool.role}'::regrole::oid, 0, 0)")
        self.lock_chain.start()
        frames_path = os.path.join(self.scratch, f"frames-{self.counter:03d}-{tool.name}-{scenario}.log")
        total = steady_after + seconds
        marks = {}  # name -> (client sample, psql process of the pg_stat_statements snapshot)

        def mark(name, reset_rss=False):
            def at(pid):
                sample = ptyrun.sample(pid)
                if reset_rss:
                    sample["rss_reset"] = ptyrun.reset_peak_rss(pid)
                marks[name] = (sample, self._snapshot_async(tool.role, name))
                return name

            return at

        checkpoints = []
        if steady_after > 0:
            checkpoints = [(seconds, mark("launch_end")), (steady_after, mark("steady_start", reset_rss=True))]
        try:
            result = ptyrun.run(
                self.cleanup,
                tool.argv(self.server.port, self.args.refresh),
                env=tool_env(self.scratch, tool, frames_path),
                seconds=total,
                keys=scenarios.key_schedule(scenario, seconds, total) if tool.screens else [],
                quit_key=tool.quit_key,
                rows=self.args.rows,
                cols=self.args.cols,
                checkpoints=sorted(checkpoints, key=lambda c: c[0]),
            )
            # A statement still running at quit is counted when it ends.
            time.sleep(0.5)
        finally:
            self.lock_chain.stop()
        end_rows = json.loads(self.server.psql(SNAPSHOT.format(role=tool.role)))
        snaps = {name: json.loads(self.server.psql_wait(proc)) for name, (_, proc) in marks.items()}
        with open("/proc/loadavg") as f:
            load = float(f.read().split()[0])
        frames = report.parse_frames(frames_path) if tool.frames else None
        base = {"tool": tool.name, "scenario": scenario, "rep": rep, "tables": tables, "seconds": seconds, "loadavg_1m": load}
        base.update(error=result["error"], exit_code=result.get("exit_code"), screen_tail=result["screen_tail"])
        records = []
        if result["error"] or steady_after <= 0 or len(marks) < 2:
            # One window from launch to the end (or a failed run, reported as such).
            rec = {**base, "window": "launch", **_client(result, None, result.get("peak_rss_kib"))}
            rec.update(_server(statements_between([], end_rows)))
            rec.update(_timeline(result, frames, result["start_ns"], result.get("end_ns")))
            records.append(rec)
            if steady_after > 0:
                records.append({**rec, "window": "steady"})
        else:
            (start_s, _), (end_s, _) = marks["steady_start"], marks["launch_end"]
            launch_peak = end_s["peak_rss_kib"]
            if steady_after < seconds and launch_peak is not None and start_s["peak_rss_kib"] is not None:
                # VmHWM was reset inside the launch window: its peak is the larger one.
                launch_peak = max(launch_peak, start_s["peak_rss_kib"])
            launch = {**base, "window": "launch", **_client(end_s, None, launch_peak)}
            launch.update(_server(statements_between([], snaps["launch_end"])))
            launch.update(_timeline(result, frames, result["start_ns"], end_s["ns"]))
            steady_peak = result.get("peak_rss_kib") if start_s.get("rss_reset") else None
            steady = {**base, "window": "steady", **_client(result, start_s, steady_peak)}
            steady.update(_server(statements_between(snaps["steady_start"], end_rows)))
            steady.update(_timeline(result, frames, start_s["ns"], result.get("end_ns")))
            records += [launch, steady]
        for rec in records:
            report.summarize_run(rec)
        self._log(tool, scenario, rep, records)
        return records

    def _log(self, tool, scenario, rep, records):
        for r in records:
            if r["error"]:
                log(f"  {tool.name}: {r['error']}; its screen said: {r['screen_tail'][-300:]}")
                return
            log(
                f"  {tool.name:<12} {scenario:<9} rep {rep} {r['window']:<6}: cpu {r['cpu_s']:.2f} s, peak RSS "
                + (f"{r['peak_rss_mib']:.1f} MiB" if r.get("peak_rss_mib") is not None else "–")
                + f", server {r['server_ms']:.0f} ms / {r['server_calls']} calls"
                + (f", {r.get('frames_drawn', 0)} frames" if tool.frames else "")
            )


def _client(end, start, peak_kib):
    """CPU seconds between two samples (from launch when `start` is None) and the peak."""
    if end.get("cpu_s") is None:
        return {"cpu_s": None, "peak_rss_kib": None}
    cpu = end["cpu_s"] - (start["cpu_s"] if start else 0.0)
    return {"cpu_s": round(cpu, 3), "peak_rss_kib": peak_kib}


def _server(statements):
    return {
        "server_ms": round(sum(s["ms"] for s in statements), 3),
        "server_calls": sum(s["calls"] for s in statements),
        "server_statements": len(statements),
        "top_statements": statements[:TOP],
    }


def _timeline(result, frames, from_ns, to_ns):
    """The frames and keys inside [from_ns, to_ns]; a key pressed inside is matched with
    the frames after it even past the window's end (`key_frames`, dropped once used), up
    to the run's end: the frames drawn while quitting answer the quit keys."""
    to_ns = to_ns or float("inf")
    run_end = result.get("end_ns") or float("inf")
    keys = [k for k in result["keys"] if from_ns <= k[0] <= to_ns]
    if frames is None:
        return {"keys": keys, "frames": None, "start_ns": from_ns}
    inside = [f for f in frames if from_ns <= f[0] <= to_ns]
    answering = [f for f in frames if from_ns <= f[0] <= run_end]
    return {"keys": keys, "frames": inside, "key_frames": answering, "start_ns": from_ns}
