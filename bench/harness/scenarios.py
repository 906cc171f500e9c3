"""What each scenario does in front of a tool: the keys pressed and when.

Schedules are cyclic from the tool's launch to the end of the run, so that any window of
`--seconds` (the launch window and the steady-state window after it) sees the same mix:
in "all", every screen is on view for the same share of any such window.
"""

SCREENS = 8  # src/tui/screen.rs: Screen::ALL, digits 1..8

SCENARIOS = {
    "dashboard": "Dashboard only",
    "all": f"every screen in turn: keys 1..{SCREENS}, --seconds / {SCREENS} each",
    "scale": "1,000 extra sessions: screen switches, scrolling, sorting and filtering, a key every 0.4 s",
}

# The scale scenario's keys, one every SCALE_KEY_INTERVAL_S, repeated: the Activity
# screen with its 1,000+ sessions and the Queries screen with its ~5,000 statements, each
# scrolled (j/k, G/g), re-sorted (>, r) and filtered (/ text Enter, then Esc), with a
# visit to the Dashboard between them. Esc alone is a key: crossterm reads a lone ESC
# byte with nothing after it as Esc.
SCALE_KEY_INTERVAL_S = 0.4
_FILTER_ACTIVITY = [b"/", b"c", b"r", b"o", b"w", b"d", b"\r", b"\x1b"]
_FILTER_QUERIES = [b"/", b"b", b"e", b"n", b"c", b"h", b"\r", b"\x1b"]
_BROWSE = [b"j", b"j", b"j", b"k", b">", b"r", b"G", b"k", b"g"]
SCALE_KEYS = [b"2", *_BROWSE, *_FILTER_ACTIVITY, b"3", *_BROWSE, *_FILTER_QUERIES, b"1"]


def dwell(seconds):
    """Seconds on each screen in the all-screens scenario: the run's measured window
    visits every screen once."""
    return seconds / SCREENS


# No key in the run's last second: its frame would come after the client figures are
# read, and the key would count as unanswered.
QUIET_END_S = 1.0
# The scale scenario's first key, once the tool has drawn its first frame.
SCALE_FIRST_KEY_S = 1.0


def key_schedule(scenario, seconds, total):
    """(offset in s from launch, bytes) for a run of `total` seconds whose measured
    windows are `seconds` long. The Dashboard is on view at launch."""
    last = total - QUIET_END_S
    keys, i = [], 1
    if scenario == "all":
        step = dwell(seconds)
        while step * i <= last:
            keys.append((step * i, str(1 + i % SCREENS).encode()))
            i += 1
    elif scenario == "scale":
        while (t := SCALE_FIRST_KEY_S + SCALE_KEY_INTERVAL_S * (i - 1)) <= last:
            keys.append((t, SCALE_KEYS[(i - 1) % len(SCALE_KEYS)]))
            i += 1
    return keys
