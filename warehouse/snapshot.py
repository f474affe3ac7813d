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
(``current``) read the working file, and on leaving the block the snapshot is published once,
if anything was loaded. Analysts keep the previous snapshot until then. The block opens the
working file once, on its first use, and keeps it open (and the loaders' lock held) until it
ends: each load or read takes a cursor of that one database, in turn, so a run of hundreds of
sources does not pay for opening, migrating and closing the file for every one of them. A
load that fails closes the file (its transaction is rolled back); the next opens it again.
"""

from __future__ import annotations

import contextlib
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
_SESSION_MEMORY = 256 << 20  # bytes DuckDB may keep for a run's open working file
_SESSIONS: dict[Path, _Session] = {}  # working file -> its publish_once block
_SESSIONS_LOCK = threading.Lock()


def working_path(path: str | Path) -> Path:
    """The loader's private working file for the published file ``path``."""
    published = Path(path)
    return default_data_dir(published) / ".mpnews" / f"{published.stem}.work.duckdb"


class _Session:
    """A ``publish_once`` block's working file: opened on first use, kept open to the end.

    Loads and reads take turns (``turn``), each on its own cursor of the one database.
    """

    def __init__(self, work: Path, published: Path) -> None:
        self.work, self.published = work, published
        self.turn = threading.RLock()
        self.loaded = False
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock: contextlib.ExitStack | None = None

    def database(self, lock_timeout: float) -> duckdb.DuckDBPyConnection:
        """The open, migrated working file (call with ``turn`` held)."""
        if self._lock is None:
            stack = contextlib.ExitStack()
            stack.enter_context(_exclusive(self.work.with_suffix(".lock"), lock_timeout))
            self._lock = stack
        if self._con is None:
            _seed(self.work, self.published)
            con = connect(self.work)
            try:
                migrate(con)
                sync_mps(con)
            except BaseException:
                con.close()
                raise
            self._con = con
        return self._con

    def discard(self) -> None:
        """Close the file after a failed load (rolled back); the next use opens it again."""
        if self._con is not None:
            con, self._con = self._con, None
            with contextlib.suppress(duckdb.Error):
                con.close()

    def trim(self) -> None:
        """Close the file when DuckDB holds more than ``_SESSION_MEMORY`` bytes for it (its
        buffer cache grows with what the loads touched); the next use opens it again, as
        every load did before runs kept it open."""
        if self._con is None:
            return
        row = self._con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
        if row is not None and (row[0] or 0) > _SESSION_MEMORY:
            self.discard()

    def end(self, lock_timeout: float) -> None:
        """Publish if anything was loaded, then close the file and release the lock."""
        try:
            if self.loaded:
                con = self.database(lock_timeout)
                refresh_index(con)
                con.execute("CHECKPOINT")
                self.discard()
                _publish(self.work, self.published)
        finally:
            self.discard()
            if self._lock is not None:
                self._lock.close()
                self._lock = None


@contextmanager
def writer(
    path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated connection on the working file; on clean exit ``path`` is republished
    (with a search index of its posts, rebuilt only when they changed), or, inside
    ``publish_once``, marked to be published when the block ends.

    On an error nothing is published and the error propagates. A DuckLake location
    (``warehouse.lake``) is written directly: DuckLake itself isolates its readers.
    """
    if is_lake(path):
        with lake_writer(path) as lake:
            yield lake
        return
    published = Path(path)
    work = working_path(published)
    session = _session(work)
    if session is not None:
        with session.turn:
            cursor = session.database(lock_timeout).cursor()
            try:
                yield cursor
            except BaseException:
                cursor.close()
                session.discard()
                raise
            cursor.close()
            session.loaded = True
            session.trim()
        return
    with _exclusive(work.with_suffix(".lock"), lock_timeout):
        _seed(work, published)
        con = connect(work)
        try:
            migrate(con)
            sync_mps(con)
            yield con
            refresh_index(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _publish(work, published)


@contextmanager
def publish_once(path: str | Path) -> Iterator[None]:
    """Inside this block, loads on ``path`` are published once, when it ends (also on error).

    Nested blocks on the same file publish when the outermost ends. A DuckLake location
    needs no block: its writes are isolated from readers as they are made.
    """
    if is_lake(path):
        yield
        return
    work = working_path(path).absolute()
    with _SESSIONS_LOCK:
        outermost = work not in _SESSIONS
        if outermost:
            _SESSIONS[work] = _Session(work, Path(path))
    if not outermost:
        yield
        return
    try:
        yield
    finally:
        with _SESSIONS_LOCK:
            session = _SESSIONS.pop(work)
        with session.turn:
            session.end(LOCK_TIMEOUT_SECONDS)


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
    """A read-only view of the newest data: inside ``publish_once`` a cursor on the working
    file (taking its turn with the loads, so keep it short), otherwise the published snapshot."""
    session = _session(working_path(path))
    if session is None or not (session.loaded or session.work.is_file()):
        con = reader(path)
        try:
            yield con
        finally:
            con.close()
        return
    with session.turn:
        cursor = session.database(lock_timeout).cursor()
        try:
            yield cursor
        finally:
            cursor.close()


def _session(work: Path) -> _Session | None:
    with _SESSIONS_LOCK:
        return _SESSIONS.get(work.absolute())


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
