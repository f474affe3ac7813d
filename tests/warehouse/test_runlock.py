"""One run at a time on a warehouse file: a second process waits its turn with one line, or
gives up after ``MPNEWS_RUN_WAIT`` with one line; the lock dies with its holder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mpnews.exceptions import WarehouseBusyError, WarehouseDamagedError
from mpnews.schedules import is_transient
from mpnews.settings import Settings
from warehouse.runlock import holder, lock_path, run_lock

_ROOT = Path(__file__).parents[2]
_WAITING = re.compile(
    r"^mpnews: waiting: another run holds warehouse (?P<path>\S+) "
    r"\(pid (?P<pid>\d+), since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); waiting up to (?P<s>\S+)s$"
)

_HOLDER = r"""
import sys, time
from pathlib import Path
from warehouse.runlock import run_lock

warehouse, release = sys.argv[1], Path(sys.argv[2])
with run_lock(warehouse, wait=0):
    print("held", flush=True)
    deadline = time.monotonic() + 120
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
"""


def _hold(warehouse: Path, release: Path) -> subprocess.Popen[str]:
    """A process holding ``warehouse``'s run lock until ``release`` exists."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(warehouse), str(release)],
        cwd=_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_a_second_process_waits_its_turn_with_one_line(warehouse: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    lines: list[str] = []

    def report(line: str) -> None:
        lines.append(line)
        release.touch()  # the holder finishes once we are seen waiting

    with _hold(warehouse, release) as first:
        holder_pid = first.pid
        with run_lock(warehouse, wait=120, report=report) as fresh:
            assert fresh
            assert first.wait(timeout=60) == 0  # we got the lock only once it let go
            found = holder(warehouse)
            assert found is not None and found[0] == os.getpid()
    assert len(lines) == 1
    match = _WAITING.match(lines[0])
    assert match, lines[0]
    assert match["path"] == str(warehouse) and int(match["pid"]) == holder_pid
    assert match["s"] == "120"
    assert holder(warehouse) is None  # released: nobody named


def test_the_wait_runs_out_with_one_line(warehouse: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    lines: list[str] = []
    with _hold(warehouse, release) as first:
        try:
            with (
                pytest.raises(WarehouseBusyError) as raised,
                run_lock(warehouse, wait=0.5, report=lines.append),
            ):
                pytest.fail("the lock was taken from a live holder")
        finally:
            release.touch()
        assert first.wait(timeout=60) == 0
    message = str(raised.value)
    assert "\n" not in message
    assert f"pid {first.pid}" in message and str(warehouse) in message
    assert "MPNEWS_RUN_WAIT" in message
    assert len(lines) == 1 and _WAITING.match(lines[0])
    assert raised.value.exit_code != 0
    assert not is_transient(raised.value)  # a schedule never retries a busy warehouse


def test_a_killed_holder_never_blocks_the_next_run(warehouse: Path, tmp_path: Path) -> None:
    with _hold(warehouse, tmp_path / "never") as first:
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=60) == -signal.SIGKILL
    lines: list[str] = []
    with run_lock(warehouse, wait=0, report=lines.append) as fresh:
        assert fresh
    assert lines == []


def test_the_lock_is_reentrant_in_one_process_and_exclusive_across_processes(
    warehouse: Path,
) -> None:
    probe = [sys.executable, "-c", _HOLDER, str(warehouse), "-"]
    with run_lock(warehouse, wait=0) as outer:
        with run_lock(warehouse, wait=0) as inner:
            assert (outer, inner) == (True, False)
        refused = subprocess.run(probe, cwd=_ROOT, capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and "WarehouseBusyError" in refused.stderr
    assert lock_path(warehouse) == warehouse.parent / ".mpnews" / "mpnews.run.lock"
    with run_lock(warehouse, wait=0) as again:
        assert again


def test_a_ducklake_takes_no_lock(tmp_path: Path) -> None:
    lake = "ducklake:postgres:dbname=nowhere"
    with run_lock(lake, wait=0) as fresh:
        assert not fresh
    assert not any(tmp_path.rglob("*.run.lock"))


def test_the_wait_limit_is_read_from_mpnews_run_wait() -> None:
    assert Settings.from_env({}).run_wait == 21600
    assert Settings.from_env({"MPNEWS_RUN_WAIT": "5"}).run_wait == 5


def test_busy_and_damaged_errors_are_never_retried() -> None:
    assert not is_transient(WarehouseBusyError("another run still holds the lock"))
    assert not is_transient(WarehouseDamagedError("warehouse file x is damaged (block)"))
