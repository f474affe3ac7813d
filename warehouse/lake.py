"""The shared warehouse: a DuckLake (catalog in PostgreSQL, data files in Parquet).

A warehouse location that starts with ``ducklake:`` (``ducklake:postgres:dbname=mpnews_lake
host=db.internal user=mpnews``) names a DuckLake instead of a DuckDB file. Many workers
write it at once; analysts ``ATTACH`` the same string read-only and read consistent
snapshots while loads run.

DuckDB never downloads anything here: the ``ducklake`` and ``postgres_scanner`` extensions
are loaded from their pip packages (pinned to the duckdb version, as fts is).

Write transactions are serialised optimistically: every one bumps the single row of
``load_ticket``, so two loads that overlap in time conflict at COMMIT and the later one is
retried from the start on a fresh snapshot (:func:`retry_conflicts`). Dedupe across
writers therefore sees every post another worker committed first.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from mpnews.exceptions import WarehouseError
from mpnews.redaction import redact

__all__ = [
    "ALIAS",
    "CONFLICT_RETRIES",
    "PREFIX",
    "attach",
    "connect_lake",
    "extension_path",
    "init_lake",
    "is_lake",
    "lake_exists",
    "retry_conflicts",
]

PREFIX = "ducklake:"
ALIAS = "lake"
CONFLICT_RETRIES = 20
_BACKOFF_SECONDS = 0.2
_OFFLINE: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
_EXTENSIONS = (
    ("duckdb_extension_postgres_scanner", "postgres_scanner", "duckdb-extension-postgres-scanner"),
    ("duckdb_extension_ducklake", "ducklake", "duckdb-extension-ducklake"),
)

_T = TypeVar("_T")


def is_lake(location: str | Path) -> bool:
    """Whether ``location`` names a DuckLake rather than a DuckDB file."""
    return str(location).startswith(PREFIX)


def extension_path(module: str, name: str, package: str) -> Path:
    """Where the pip package ``package`` keeps the extension ``name`` for this DuckDB."""
    try:
        imported = importlib.import_module(module)
    except ImportError:
        imported = None
    if imported is None or imported.__file__ is None:
        raise WarehouseError(
            f"a DuckLake warehouse needs the package {package}=={duckdb.__version__}"
        )
    root = Path(imported.__file__).parent
    return root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def attach(
    con: duckdb.DuckDBPyConnection,
    location: str | Path,
    *,
    alias: str = ALIAS,
    read_only: bool = False,
    data_path: str | None = None,
) -> None:
    """Load the bundled extensions into ``con`` and attach the lake as ``alias``."""
    for module, name, package in _EXTENSIONS:
        path = extension_path(module, name, package)
        if not path.is_file():
            raise WarehouseError(f"{path}: extension missing; install {package}")
        con.execute(f"LOAD {_literal(str(path))}")
    options = ["READ_ONLY"] if read_only else []
    if data_path is not None:
        options.append(f"DATA_PATH {_literal(data_path)}")
    suffix = f" ({', '.join(options)})" if options else ""
    con.execute(f"ATTACH {_literal(str(location))} AS {alias}{suffix}")


def connect_lake(
    location: str | Path, *, read_only: bool = False, data_path: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached and in use (session time zone UTC).

    Raises WarehouseError naming the catalog when it cannot be reached or opened.
    """
    con = duckdb.connect(":memory:", config=_OFFLINE)
    try:
        attach(con, location, read_only=read_only, data_path=data_path)
        con.execute(f"USE {ALIAS}")
        con.execute("SET TimeZone = 'UTC'")
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(
            redact(f"{location}: cannot open DuckLake warehouse: {_line(exc)}")
        ) from exc
    except BaseException:
        con.close()
        raise
    return con


def init_lake(location: str | Path, data_path: str) -> None:
    """Create the lake (its catalog tables) with its Parquet files under ``data_path``.

    Safe on an existing lake: its data path stays the one it was created with.
    """
    if not data_path.startswith(("s3://", "gs://", "az://", "r2://")):
        Path(data_path).mkdir(parents=True, exist_ok=True)
    connect_lake(location, data_path=data_path).close()


def lake_exists(location: str | Path) -> bool:
    """Whether the lake holds the warehouse tables (WarehouseError when it cannot be reached)."""
    con = connect_lake(location, read_only=True)
    try:
        row = con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_catalog = ? AND table_name = 'posts'",
            [ALIAS],
        ).fetchone()
    finally:
        con.close()
    return bool(row and row[0])


def retry_conflicts(work: Callable[[], _T], *, attempts: int = CONFLICT_RETRIES) -> _T:
    """Run ``work``; when its commit lost a race with another writer, run it again."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except WarehouseError as exc:
            if attempt == attempts or not _is_conflict(exc):
                raise
        time.sleep(_BACKOFF_SECONDS * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _is_conflict(exc: BaseException) -> bool:
    cause = exc.__cause__
    if not isinstance(cause, duckdb.TransactionException):
        return False
    text = str(cause).lower()
    return "conflict" in text or "ducklake" in text


def _line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
