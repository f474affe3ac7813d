"""Real ``mpnews`` commands as subprocesses on one warehouse, for the warehouse fault tests.

Each command runs as a user would start it: this venv's ``mpnews`` entry point, its own
local Prefect API (Prefect's home in the data folder, not the test session's), its output in
files under the run's home so a test can watch a line appear while the command runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from fault_server import Fault, FaultRequest
from fault_sites import FaultSite, listing, post_page, post_path

__all__ = ["Command", "blog", "hold_run_lock", "posts", "start", "wait_until"]

_MPNEWS = Path(sys.executable).with_name("mpnews")
_GATE_SECONDS = 60.0  # a gated page is served after this at the latest
_ROOT = Path(__file__).parents[2]
_HOLDER = r"""
import sys, time
from pathlib import Path
from warehouse.runlock import run_lock

with run_lock(sys.argv[1], wait=0):
    print("held", flush=True)
    deadline = time.monotonic() + 120
    while not Path(sys.argv[2]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
"""
_DROP = ("PREFECT_HOME", "PREFECT_API_URL", "MPNEWS_WAREHOUSE", "MPNEWS_LAKE", "MPNEWS_DATA_DIR")


def blog(name: str, titles: Mapping[str, str], gate: threading.Event | None = None) -> FaultSite:
    """A blog whose ``/news`` lists ``titles`` (slug -> title). With ``gate``, the first post
    is served only once the gate opens (at most ``_GATE_SECONDS`` later)."""
    routes: dict[str, object] = {"/news": Fault(200, listing(titles))}
    for n, (slug, title) in enumerate(titles.items()):
        page = Fault(200, post_page(title).encode())
        routes[post_path(slug)] = _gated(page, gate) if gate is not None and n == 0 else page
    return FaultSite(name, routes)  # type: ignore[arg-type]


def _gated(page: Fault, gate: threading.Event) -> Callable[[FaultRequest], Fault]:
    def reply(_request: FaultRequest) -> Fault:
        gate.wait(_GATE_SECONDS)
        return page

    return reply


@dataclass
class Command:
    """One ``mpnews`` command running (or run) in a subprocess."""

    name: str
    proc: subprocess.Popen[bytes]
    out: Path
    err: Path
    exit_code: int | None = field(default=None)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 600) -> int:
        self.exit_code = self.proc.wait(timeout=timeout)
        return self.exit_code


def start(name: str, home: Path, *args: str, env: Mapping[str, str] | None = None) -> Command:
    """Start ``mpnews ARGS`` with its output in ``home/<name>.out`` and ``.err``."""
    environ = {k: v for k, v in os.environ.items() if k not in _DROP}
    environ |= dict(env or {})
    out, err = home / f"{name}.out", home / f"{name}.err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen(
            [str(_MPNEWS), *args], cwd=home, env=environ, stdout=stdout, stderr=stderr
        )
    return Command(name, proc, out, err)


def wait_until(check: Callable[[], bool], what: str, timeout: float = 300) -> None:
    """Poll ``check`` until it is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def posts(warehouse: Path) -> list[tuple[str, str]]:
    """The (url, title) of every post in the published warehouse, sorted."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT url, title FROM posts ORDER BY url").fetchall()


@contextmanager
def hold_run_lock(warehouse: Path, release: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``warehouse``'s run lock until ``release`` exists (or 120 s)."""
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(warehouse), str(release)],
        cwd=_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as other:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        try:
            yield other
        finally:
            release.touch()
