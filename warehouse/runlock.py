"""One run at a time on a warehouse file: the next one waits its turn, saying so once.

A scheduled run (``mpnews serve``) firing while someone runs ``mpnews crawl`` on the same
warehouse, or two deployments overlapping, would otherwise interleave their loads into one
working file and publish each other's half-finished runs. A run therefore holds an
exclusive ``flock`` on ``<data>/.mpnews/<stem>.run.lock`` (beside the working file) from
before its first read of the warehouse until its snapshot is published. The file names the
holder (pid, start time) for the one line a waiting run prints::

    mpnews: waiting: another run holds warehouse FILE (pid 4242, since ...); waiting up to 21600s

After ``wait`` seconds (``MPNEWS_RUN_WAIT``) the waiting run gives up with
WarehouseBusyError. The lock dies with its process, so a killed run never blocks the next.
Within one process the lock is re-entrant (the ``mpnews crawl`` command takes it before
Prefect starts, the flow takes it again). A DuckLake needs no lock: it takes many writers.

:func:`exclusive_run` is the lock plus the checks that must happen under it: a damaged
working copy is set aside (the next load seeds it again from the published file), and a
damaged published file stops the run (or, for a rebuild, is set aside too).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from mpnews.exceptions import WarehouseBusyError
from warehouse.integrity import ensure_whole, find_damage, set_aside
from warehouse.lake import is_lake
from warehouse.snapshot import working_path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: DuckDB's own lock still guards the file
    fcntl = None  # type: ignore[assignment]

__all__ = ["RUN_WAIT_SECONDS", "exclusive_run", "holder", "lock_path", "run_lock"]

RUN_WAIT_SECONDS = 21600.0
_POLL_SECONDS = 0.2
_ANNOUNCE_GRACE = 2.0  # seconds to let a just-started holder write its name
_HELD: dict[Path, tuple[IO[bytes], int]] = {}  # lock file -> (open handle, depth)
_HELD_LOCK = threading.Lock()

Report = Callable[[str], None]


def lock_path(path: str | Path) -> Path:
    """The run lock of the warehouse file ``path``."""
    return working_path(path).with_name(f"{Path(path).stem}.run.lock").absolute()


def holder(path: str | Path) -> tuple[int, datetime] | None:
    """The pid and start time the run holding ``path``'s lock wrote, if readable."""
    try:
        pid, since = lock_path(path).read_text(encoding="utf-8").split()
        return int(pid), datetime.fromisoformat(since)
    except (OSError, ValueError):
        return None


@contextmanager
def run_lock(
    path: str | Path, *, wait: float = RUN_WAIT_SECONDS, report: Report | None = None
) -> Iterator[bool]:
    """Hold the run lock of the warehouse file ``path``, waiting up to ``wait`` seconds.

    Yields True when this call took the lock, False when this process already held it (or
    ``path`` is a DuckLake). Raises WarehouseBusyError when the wait runs out.
    """
    if is_lake(path) or fcntl is None:
        yield False
        return
    key = lock_path(path)
    with _HELD_LOCK:
        held = _HELD.get(key)
        if held is not None:
            _HELD[key] = (held[0], held[1] + 1)
    if held is None:
        handle = _acquire(key, path, wait, report or _stderr)
        with _HELD_LOCK:
            _HELD[key] = (handle, 1)
    try:
        yield held is None
    finally:
        _release(key)


@contextmanager
def exclusive_run(
    path: str | Path,
    *,
    wait: float = RUN_WAIT_SECONDS,
    rebuild: bool = False,
    report: Report | None = None,
) -> Iterator[None]:
    """Hold the run lock, then make sure the run starts from whole files.

    A damaged working copy is set aside without a word. A damaged published file raises
    WarehouseDamagedError, or with ``rebuild`` (``mpnews reprocess``) is set aside, with
    one line, so the run rebuilds it.
    """
    with run_lock(path, wait=wait, report=report) as fresh:
        if fresh:
            _check(path, rebuild, report or _stderr)
        yield


def _check(path: str | Path, rebuild: bool, report: Report) -> None:
    work = working_path(path)
    if find_damage(work) is not None:
        set_aside(work)
    if not rebuild:
        ensure_whole(path)
        return
    reason = find_damage(path)
    if reason is not None:
        aside = set_aside(path)
        report(
            f"mpnews: set aside damaged warehouse file {path} as {aside.name} ({reason}); "
            "rebuilding it from the archive"
        )


def _acquire(key: Path, path: str | Path, wait: float, report: Report) -> IO[bytes]:
    key.parent.mkdir(parents=True, exist_ok=True)
    handle = open(key, "a+b")  # noqa: SIM115 - held until the run ends (_release)
    try:
        _wait_for(handle, path, wait, report)
        handle.truncate(0)
        handle.write(f"{os.getpid()} {datetime.now(UTC).isoformat(timespec='seconds')}\n".encode())
        handle.flush()
    except BaseException:
        handle.close()
        raise
    return handle


def _wait_for(handle: IO[bytes], path: str | Path, wait: float, report: Report) -> None:
    started = time.monotonic()
    announced = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - started
        if waited >= wait:
            raise WarehouseBusyError(
                f"another run ({_who(path)}) still holds warehouse {path} after {wait:g}s of "
                "waiting; run again when it has finished, or raise MPNEWS_RUN_WAIT"
            )
        if not announced and (holder(path) is not None or waited >= _ANNOUNCE_GRACE):
            report(
                f"mpnews: waiting: another run holds warehouse {path} ({_who(path)}); "
                f"waiting up to {wait:g}s"
            )
            announced = True
        time.sleep(min(_POLL_SECONDS, max(0.0, wait - waited)))


def _release(key: Path) -> None:
    with _HELD_LOCK:
        handle, depth = _HELD[key]
        if depth > 1:
            _HELD[key] = (handle, depth - 1)
            return
        del _HELD[key]
    try:
        handle.truncate(0)  # nobody holds it now
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def _who(path: str | Path) -> str:
    found = holder(path)
    if found is None:
        return "pid unknown"
    pid, since = found
    return f"pid {pid}, since {since:%Y-%m-%d %H:%M:%S} UTC"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
