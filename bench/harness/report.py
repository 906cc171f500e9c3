"""Per-run numbers from the raw measurements, medians over the repetitions, the table
printed at the end (Markdown, so it can go into the README as it is) and the JSON."""

import math
import statistics

MIB = 1024.0


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def parse_frames(path):
    """The frame log: `<unix_ns> draw_us=<n> after_key_us=<n or ->` per line."""
    frames = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) != 3:
                    continue
                ns = int(parts[0])
                draw_us = int(parts[1].split("=", 1)[1])
                after = parts[2].split("=", 1)[1]
                frames.append([ns, draw_us, None if after == "-" else int(after)])
    except FileNotFoundError:
        pass
    return frames


def key_latencies_ms(keys, frames):
    """For each key the harness wrote (after the first frame), the time from just before
    the write to the end of the first frame that answered a key (its after_key_us is set)
    and ended after it: pty, input parsing, queueing behind other events, update and draw
    included. Each answering frame is matched to one key only."""
    if not frames:
        return [], len(keys)
    first_frame = frames[0][0]
    answered = [f[0] for f in frames if f[2] is not None]
    latencies, missed, used = [], 0, 0
    for key_ns, _ in keys:
        if key_ns < first_frame:
            missed += 1
            continue
        while used < len(answered) and answered[used] <= key_ns:
            used += 1
        if used < len(answered):
            latencies.append((answered[used] - key_ns) / 1e6)
            used += 1
        else:
            missed += 1
    return latencies, missed


def summarize_run(run, frame_budget_ms=None):
    """Adds the per-run figures to a run record in place."""
    frames = run.get("frames") or []
    if frames:
        draws = [f[1] / 1000 for f in frames]
        run["frames_drawn"] = len(frames)
        run["render_median_ms"] = statistics.median(draws)
        run["render_p95_ms"] = percentile(draws, 95)
    latencies, missed = key_latencies_ms(run.get("keys") or [], run.pop("key_frames", None) or frames)
    run["key_latency_ms"] = latencies
    run["keys_unanswered"] = missed if frames else None
    if latencies:
        run["key_median_ms"] = statistics.median(latencies)
        run["key_p95_ms"] = percentile(latencies, 95)
        run["key_max_ms"] = max(latencies)
    if run.get("peak_rss_kib") is not None:
        run["peak_rss_mib"] = run["peak_rss_kib"] / MIB


def keys_within(run, budget_ms):
    """Share (%) of the run's keys answered within `budget_ms`; unanswered keys count as late."""
    pressed = len(run.get("key_latency_ms") or []) + (run.get("keys_unanswered") or 0)
    if not pressed:
        return None
    return 100.0 * sum(1 for x in run["key_latency_ms"] if x <= budget_ms) / pressed


# (key in a run record, label, decimals, budget per 30 s or absolute, scales with time)
METRICS = [
    ("cpu_s", "client CPU s", 2, 0.06, True),
    ("peak_rss_mib", "peak RSS MiB", 1, 8.0, False),
    ("server_ms", "server exec ms", 0, 60.0, True),
    ("server_calls", "server calls", 0, None, False),
    ("frames_drawn", "frames drawn", 0, None, False),
    ("render_median_ms", "render ms / frame, median", 2, None, False),
    ("render_p95_ms", "render ms / frame, p95", 2, None, False),
    ("key_median_ms", "key-to-frame ms, median", 1, None, False),
    ("key_p95_ms", "key-to-frame ms, p95", 1, None, False),
]
# Only in the scale scenario, where "keys answer within one frame" is the point.
KEY_METRICS = [
    ("key_max_ms", "key-to-frame ms, max", 1, None, False),
    ("keys_in_frame_pct", "keys answered within one frame, %", 0, 100.0, False),
]


def chosen(runs, size, window, scenario, tool):
    return [
        r
        for r in runs
        if r["tables"] == size
        and r["window"] == window
        and r["scenario"] == scenario
        and r["tool"] == tool
        and not r.get("error")
    ]


def medians(runs, size, window, scenario, tool, frame_budget_ms=None):
    """Median over the repetitions of each metric (runs that failed are left out)."""
    picked = chosen(runs, size, window, scenario, tool)
    out = {"runs": len(picked)}
    for key, *_ in METRICS + KEY_METRICS:
        if key == "keys_in_frame_pct":
            values = [keys_within(r, frame_budget_ms) for r in picked] if frame_budget_ms else []
            values = [v for v in values if v is not None]
        else:
            values = [r[key] for r in picked if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    return out


def _fmt(value, decimals):
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"


def table(runs, size, window, scenario, tools, seconds, frame_budget_ms):
    """The Markdown table of one scenario: budget, baseline, candidate, their ratio, each
    peer with candidate/peer in parentheses."""
    pgpulse = [t for t in tools if t.frames]
    peers = [t for t in tools if not t.frames and scenario != "all"]
    base, cand = (medians(runs, size, window, scenario, t.name, frame_budget_ms) for t in pgpulse[:2])
    cols = ["metric", f"budget / {seconds:g} s", pgpulse[0].title, pgpulse[1].title, "cand / base", "cand in budget"]
    cols += [f"{p.title} (cand / it)" for p in peers]
    peer_medians = [medians(runs, size, window, scenario, p.name) for p in peers]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    metrics = METRICS + (KEY_METRICS if scenario == "scale" else [])
    for key, label, decimals, budget, scales in metrics:
        if key == "keys_in_frame_pct":
            label = f"keys answered within one frame ({frame_budget_ms:g} ms), %"
        limit = None if budget is None else budget * (seconds / 30 if scales else 1)
        verdict = "–"
        if limit is not None and cand[key] is not None:
            verdict = "yes" if (cand[key] >= limit if key == "keys_in_frame_pct" else cand[key] <= limit) else "no"
            if verdict == "no" and key != "keys_in_frame_pct":
                verdict = f"no ({cand[key] / limit:.1f}×)"
        row = [
            label,
            _fmt(limit, decimals + (1 if scales and seconds != 30 else 0)),
            _fmt(base[key], decimals),
            _fmt(cand[key], decimals),
            _ratio(cand[key], base[key]),
            verdict,
        ]
        for pm in peer_medians:
            row.append("–" if pm[key] is None else f"{_fmt(pm[key], decimals)} ({_ratio(cand[key], pm[key])})")
        lines.append("| " + " | ".join(row) + " |")
    counts = ", ".join(f"{t.name} {m['runs']}" for t, m in zip(pgpulse[:2] + peers, [base, cand, *peer_medians], strict=True))
    lines.append("")
    lines.append(f"Medians of the runs that completed ({counts}).")
    return "\n".join(lines)


def _label(statement):
    """What a statement is, in a few words: the first line of its leading `--` comment
    (pgpulse's query files all start with one), else the start of its text."""
    head = statement.get("head") or ""
    if head.startswith("--"):
        text = head.lstrip("-").strip()
    else:
        text = statement.get("query") or head
    text = " ".join(text.replace("|", "/").split())
    return text if len(text) <= 70 else text[:69] + "…"


def top_statements(runs, size, window, scenario, tool, n=8):
    """The statements costing the most server time, as a mean per run over the runs:
    (calls, ms, label). A statement outside a run's recorded top counts 0 there."""
    picked = chosen(runs, size, window, scenario, tool)
    if not picked:
        return []
    total = {}
    for r in picked:
        for st in r.get("top_statements") or []:
            key = st.get("query") or st.get("head")
            calls, ms, _ = total.get(key, (0, 0.0, st))
            total[key] = (calls + st["calls"], ms + st["ms"], st)
    rows = sorted(total.values(), key=lambda t: -t[1])[:n]
    return [(calls / len(picked), ms / len(picked), _label(st)) for calls, ms, st in rows]


def top_table(runs, size, window, scenario, tool):
    rows = top_statements(runs, size, window, scenario, tool)
    if not rows:
        return ""
    lines = ["| calls | ms | statement (first words of its comment) |", "|---:|---:|---|"]
    lines += [f"| {calls:,.0f} | {ms:,.1f} | {label} |" for calls, ms, label in rows]
    return "\n".join(lines)
