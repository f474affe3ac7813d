"""Loads never block analysts, and analysts never block loads.

DuckDB lets one process write a file and refuses other openers while it does, and an
open reader blocks the writer. So the file analysts open (``FILE``, e.g.
``warehouse/mpnews.duckdb``) is a published, read-only snapshot. Loads write a working
file in the warehouse's data folder (``<data>/.mpnews/<stem>.work.duckdb``, where ``<data>`` is
``mpnews.settings.default_data_dir``: beside FILE, or ``data/`` for the repository's
``warehouse/`` package folder) and, after each successful load,
publish: refresh the full-text search index when posts changed, CHECKPOINT, close, copy
to a temp file in ``<dir>``, fsync, ``os.replace`` onto FILE, fsync ``<dir>``: FILE is
always the old snapshot or the new one, whole, even when a publish is killed (the next
publish removes a killed one's temp file). A reader still holding the old FILE keeps
reading its old copy; new readers see the new one, search index included.

Loaders take an exclusive lock file beside the working file, so parallel loads (threads
or processes) wait their turn instead of failing on DuckDB's lock.

A crawl publishes once per run, not once per load: inside ``publish_once(FILE)`` loads (from
any thread of the process) only update the working file, reads that need the newest data
(``current``) read the working file under the lock, and on leaving the block the snapshot is
published once, if anything was loaded. Analysts keep the previous snapshot until then.
"""

from __future__ import annotations

import glob
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from mpnews.exceptions import WarehouseError
from mpnews.settings import default_data_dir
from warehouse.db import connect
from warehouse.lake import is_lake
from warehouse.lakestore import lake_reader, lake_writer
from warehouse.migrate import migrate
from warehouse.registry import sync_mps
from warehouse.search import refresh_index

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: DuckDB's own lock still guards the file
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "LOCK_TIMEOUT_SECONDS",
    "current",
    "publish",
    "publish_once",
    "reader",
    "working_path",
    "writer",
]

LOCK_TIMEOUT_SECONDS = 600.0
_POLL_SECONDS = 0.05
_DEFERRED: dict[Path, bool] = {}  # working file -> loaded since the block began
_DEFERRED_LOCK = threading.Lock()


def working_path(path: str | Path) -> Path:
    """The loader's private working file for the published file ``path``."""
    published = Path(path)
    return default_data_dir(published) / ".mpnews" / f"{published.stem}.work.duckdb"


@contextmanager
def writer(
    path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated connection on the working file; on clean exit ``path`` is republished
    (with a search index of its posts, rebuilt only when they changed).

    On an error nothing is published and the error propagates. A DuckLake location
    (``warehouse.lake``) is written directly: DuckLake itself isolates its readers.
    """
    if is_lake(path):
        with lake_writer(path) as lake:
            yield lake
        return
    published = Path(path)
    work = working_path(published)
    deferred = _deferred(work)
    with _exclusive(work.with_suffix(".lock"), lock_timeout):
        _seed(work, published)
        con = connect(work)
        try:
            migrate(con)
            sync_mps(con)
            yield con
            if not deferred:
                refresh_index(con)
                con.execute("CHECKPOINT")
        finally:
            con.close()
        if deferred:
            _mark_loaded(work)
        else:
            _publish(work, published)


@contextmanager
def publish_once(path: str | Path) -> Iterator[None]:
    """Inside this block, loads on ``path`` are published once, when it ends (also on error).

    Nested blocks on the same file publish when the outermost ends.
    """
    work = working_path(path).absolute()
    with _DEFERRED_LOCK:
        outermost = work not in _DEFERRED
        _DEFERRED.setdefault(work, False)
    if not outermost:
        yield
        return
    try:
        yield
    finally:
        with _DEFERRED_LOCK:
            loaded = _DEFERRED.pop(work)
        if loaded:
            publish(path)


def publish(path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
    """Refresh the search index, checkpoint and publish the working file onto ``path``."""
    published = Path(path)
    work = working_path(published)
    with _exclusive(work.with_suffix(".lock"), lock_timeout):
        _seed(work, published)
        con = connect(work)
        try:
            migrate(con)
            refresh_index(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _publish(work, published)


@contextmanager
def current(
    path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection on the newest data: inside ``publish_once`` the working file
    (under the loaders' lock, so keep it short), otherwise the published snapshot."""
    work = working_path(path)
    if not _deferred(work) or not work.is_file():
        con = reader(path)
    else:
        with _exclusive(work.with_suffix(".lock"), lock_timeout):
            con = connect(work, read_only=True)
            try:
                yield con
            finally:
                con.close()
        return
    try:
        yield con
    finally:
        con.close()


def _deferred(work: Path) -> bool:
    with _DEFERRED_LOCK:
        return work.absolute() in _DEFERRED


def _mark_loaded(work: Path) -> None:
    with _DEFERRED_LOCK:
        key = work.absolute()
        if key in _DEFERRED:
            _DEFERRED[key] = True


def reader(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the published file (created empty and migrated if missing)."""
    if is_lake(path):
        return lake_reader(path)
    published = Path(path)
    if not published.is_file():
        with writer(published):
            pass
    return connect(published, read_only=True)


def _seed(work: Path, published: Path) -> None:
    """Start the working file from the published one (fresh machine, copied warehouse)."""
    if work.exists() or not published.is_file():
        return
    work.parent.mkdir(parents=True, exist_ok=True)
    _copy_atomically(published, work)


def _publish(work: Path, published: Path) -> None:
    _copy_atomically(work, published)


def _copy_atomically(src: Path, dest: Path) -> None:
    """Copy ``src`` onto ``dest`` so that ``dest`` is always the old file or the new one,
    whole, even across a kill or a power cut: copy to a temp file, fsync it, rename it over
    ``dest``, fsync the folder. Temp files left by dead processes are removed first."""
    _remove_dead_temps(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
        _fsync_folder(dest.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WarehouseError(f"{dest}: cannot publish warehouse copy of {src}: {exc}") from exc


def _remove_dead_temps(dest: Path) -> None:
    """Delete ``dest``'s temp copies whose writer (the pid in the name) is gone."""
    for tmp in dest.parent.glob(f".{glob.escape(dest.name)}.*.tmp"):
        pid = tmp.name[len(dest.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename itself is still atomic
    finally:
        os.close(fd)


@contextmanager
def _exclusive(lock_path: Path, timeout: float) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        if fcntl is not None:
            _acquire(handle.fileno(), lock_path, timeout)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(fd: int, lock_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"{lock_path}: another load held the warehouse for over {timeout:.0f}s"
                ) from None
            time.sleep(_POLL_SECONDS)
