"""The tools measured: two pgpulse builds, and the peers when installed.

A tool is a command line plus how to drive it: the key that quits it, whether it has
pgpulse's screens 1..8 (the "all screens" scenario) and whether it writes the frame log.
Issue 13 adds more peers here.
"""

import shutil
import subprocess
from dataclasses import dataclass, field

from .server import DATABASE, HOST


@dataclass
class Tool:
    name: str  # "baseline", "candidate", "pg_activity", "pg_top"
    title: str  # the report's column header
    command: list  # without connection arguments
    version: str
    screens: bool = False  # has screens 1..8 and the scale scenario's keys
    frames: bool = False  # writes PGPULSE_BENCH_FRAMES
    quit_key: bytes | tuple = b"q"  # one key, or keys pressed in turn
    extra_env: dict = field(default_factory=dict)

    @property
    def role(self):
        return f"bench_{self.name}"

    def argv(self, port, refresh):
        conn = ["-h", HOST, "-p", str(port), "-U", self.role, "-d", DATABASE]
        if self.name == "pg_top":  # whole seconds only
            return [*self.command, *conn, "-s", str(max(1, round(refresh)))]
        return [*self.command, *conn, "--refresh", f"{refresh:g}"]  # pgpulse, pg_activity


def pgpulse(name, binary, describe):
    # Esc first: a run may end with the filter prompt open (the scale scenario types into
    # it), where q would be typed into the filter.
    return Tool(
        name=name,
        title=f"{name} {describe}",
        command=[binary],
        version=describe,
        screens=True,
        frames=True,
        quit_key=(b"\x1b", b"q"),
    )


def _unshim(name, path):
    """The real program behind a pyenv shim: the shim's bash and pyenv start-up would be
    counted as the tool's CPU (exec keeps the pid)."""
    if "/shims/" not in path:
        return path
    real = subprocess.run(["pyenv", "which", name], capture_output=True, text=True, check=False).stdout.strip()
    return real or path


def peers():
    """The peers found on PATH, and a note for each one missing."""
    found, notes = [], []
    candidates = [
        ("pg_activity", ["--version"], "pip install 'pg_activity[psycopg]'"),
        ("pg_top", ["--version"], "apt-get install pgtop"),
    ]
    for name, version_args, install in candidates:
        path = shutil.which(name)
        if path is None:
            notes.append(f"{name} is not installed ({install}): its column is skipped")
            continue
        path = _unshim(name, path)
        out = subprocess.run([path, *version_args], capture_output=True, text=True, check=False).stdout.strip()
        version = out.split()[-1] if out else "?"
        found.append(Tool(name=name, title=f"{name} {version}", command=[path], version=version))
    return found, notes
