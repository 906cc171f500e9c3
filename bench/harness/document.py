"""The report: Markdown, printed on stdout and, with `--markdown FILE`, written to a file
that can be pasted into the README's *Benchmark results* as it is. One section per
database size; in each, one table per scenario and window, then where the server time of
each pgpulse revision goes."""

from . import report, scenarios

WINDOWS = {
    "launch": "from launch (what opening the tool costs: start-up reads included)",
    "steady": "steady state",
}


def render(meta, runs, subjects, args):
    m = meta["machine"]
    out = [f"# pgpulse benchmark, {meta['date']}", ""]
    out.append(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM, Linux {m['kernel']}; "
        f"load average {m['loadavg_before']} before the benchmark, "
        f"{_load_range(runs)} (1 min) after the runs. PostgreSQL {meta['postgresql']} "
        f"(`{meta['pgbin']}`), data in {meta['pgdata_parent']}, fsync off, max_connections {meta['max_connections']}."
    )
    out.append("")
    out.append(
        f"Workload: query_performance_log {meta['log_rows']:,} rows (seed DDL, no index on executed_at), "
        f"~{meta['statements']:,} distinct statements in pg_stat_statements, pgbench {meta['pgbench']['clients']} clients "
        f"at {meta['pgbench']['rate_tps']} tps, a 3-session lock chain. Each tool in a {meta['terminal']} pty at "
        f"{meta['refresh']:g} s refresh; tools interleaved, {meta['reps']} run{'s' if meta['reps'] != 1 else ''} each; medians. "
        + _windows_sentence(meta)
    )
    out.append("")
    out.append("Tools: " + ", ".join(f"{t['title']} (role {t['role']})" for t in meta["tools"]) + ".")
    for size in meta["sizes"]:
        setup = meta["setup"][str(size["tables"])]
        out += ["", f"## {size['tables']:,} tables, {size['indexes']:,} indexes", ""]
        out.append(
            f"Set-up: {setup['total_s']:.0f} s ("
            + ", ".join(f"{k.replace('_s', '').replace('_', ' ')} {v:.0f} s" for k, v in setup.items() if k != "total_s")
            + ")."
        )
        for scenario in args.scenarios:
            if scenario == "scale" and size["tables"] not in meta["scale_tables"]:
                continue
            for window in meta["windows"]:
                title = scenarios.SCENARIOS[scenario]
                if scenario == "all":
                    title = f"every screen in turn: keys 1..{scenarios.SCREENS}, {scenarios.dwell(args.seconds):g} s each"
                out += ["", f"### {title}; {WINDOWS[window]}", ""]
                if scenario == "scale":
                    out.append(
                        f"{meta['crowd_sessions']:,} extra sessions (~10 % active) besides the load; "
                        f"{len(scenarios.SCALE_KEYS)} keys in a loop, one every {scenarios.SCALE_KEY_INTERVAL_S:g} s; "
                        f"one frame = {args.frame_ms:g} ms."
                    )
                    out.append("")
                out.append(report.table(runs, size["tables"], window, scenario, subjects, args.seconds, args.frame_ms))
        out += ["", f"### Where the server time goes ({size['tables']:,} tables)", ""]
        out.append(
            "The costliest statements of each pgpulse revision, mean per run of "
            f"{args.seconds:g} s (calls, execution ms), the statement named by the first words of its comment."
        )
        for t in [s for s in subjects if s.frames]:
            for scenario in args.scenarios:
                if scenario == "scale" and size["tables"] not in meta["scale_tables"]:
                    continue
                for window in meta["windows"]:
                    text = report.top_table(runs, size["tables"], window, scenario, t.name)
                    if text:
                        out += ["", f"**{t.title}, {scenario}, {window}**", "", text]
    out += ["", *_notes(meta, runs, subjects, args)]
    return "\n".join(out) + "\n"


def _windows_sentence(meta):
    s = meta["seconds"]
    if "steady" in meta["windows"]:
        return (
            f"Each run lasts {meta['steady_after'] + s:g} s and is read as two windows of {s:g} s: from launch, and "
            f"steady state from {meta['steady_after']:g} s after launch (CPU and server time as differences, "
            "peak RSS after resetting VmHWM at the window's start)."
        )
    return f"Each run lasts {s:g} s from launch (start-up included)."


def _load_range(runs):
    loads = [r["loadavg_1m"] for r in runs]
    return f"{min(loads):.2f} to {max(loads):.2f}" if loads else "–"


def _notes(meta, runs, subjects, args):
    notes = list(meta["notes"])
    if any(not t.screens for t in subjects) and "all" in args.scenarios:
        notes.append("the peers have no screens 1..8: they run the Dashboard and scale scenarios only, without keys")
    for r in runs:
        if r["window"] != "launch":
            continue
        where = f"{r['tables']:,} tables, {r['tool']} {r['scenario']} rep {r['rep']}"
        if r.get("error"):
            notes.append(f"{where}: {r['error']}")
        elif r.get("keys_unanswered"):
            notes.append(f"{where}: {r['keys_unanswered']} of {len(r['keys'])} keys got no frame")
    if any(t.frames for t in subjects) and not any(r.get("frames") for r in runs if r["tool"] in ("baseline", "candidate")):
        notes.append("no frame log: a revision without the PGPULSE_BENCH_FRAMES hook reports no render or key figures")
    budget = (
        "Budget: DESIGN.md *Budget* (per 30 s; CPU and server time scale with --seconds). Ratios are "
        "candidate / baseline and candidate / peer (below 1: the candidate is lighter or faster). Key-to-frame: "
        "from the benchmark writing the key to the pty to the end of the first frame drawn after it."
    )
    return [budget, *(f"- {n}" for n in notes)]
