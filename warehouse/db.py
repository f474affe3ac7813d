"""Open the DuckDB warehouse offline, with errors a user can act on.

DuckDB never downloads an extension here: autoinstall and autoload are off, and the
full-text-search extension is loaded from the ``duckdb-extension-fts`` package.
Read-only connections attach the file inside a fresh in-memory database, so every
reader sees the file currently at ``path`` (a plain ``duckdb.connect`` would reuse an
instance this process already opened on an older copy of the file).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mpnews.exceptions import WarehouseError
from warehouse.lake import connect_lake, is_lake

__all__ = ["OFFLINE_CONFIG", "connect", "error_line", "exists", "fts_extension_path", "load_fts"]

OFFLINE_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

_RESERVED_ALIASES = frozenset({"memory", "system", "temp", "main"})


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file ``path`` (session time zone UTC).

    Writable connections create the parent directory and the file; read-only ones need
    the file to exist. Raises WarehouseError naming the path when the file is locked by
    another process, is not a DuckDB database, or cannot be opened.
    """
    if is_lake(path):
        return connect_lake(path, read_only=read_only)
    path = Path(path)
    try:
        con = _open_read_only(path) if read_only else _open_writable(path)
        con.execute("SET TimeZone = 'UTC'")
    except duckdb.Error as exc:
        raise WarehouseError(_describe(path, exc)) from exc
    return con


def exists(path: str | Path) -> bool:
    """Whether the warehouse at ``path`` (a file, or a DuckLake location) holds anything yet."""
    if is_lake(path):
        from warehouse.lake import lake_exists

        return lake_exists(path)
    return Path(path).is_file()


def fts_extension_path() -> Path:
    """Where the ``duckdb-extension-fts`` package keeps the extension for this DuckDB."""
    try:
        import duckdb_extension_fts
    except ImportError:
        raise WarehouseError(
            f"full-text search needs the package duckdb-extension-fts=={duckdb.__version__}"
        ) from None
    root = Path(duckdb_extension_fts.__file__).parent
    return root / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the bundled full-text-search extension into ``con`` (never downloads)."""
    path = fts_extension_path()
    if not path.is_file():
        raise WarehouseError(
            f"{path}: fts extension missing; install duckdb-extension-fts=={duckdb.__version__}"
        )
    try:
        con.execute(f"LOAD {_quote_literal(str(path))}")
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot load fts extension: {error_line(exc)}") from exc


def _open_writable(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"{path}: cannot create warehouse directory: {exc}") from exc
    return duckdb.connect(str(path), config=OFFLINE_CONFIG)


def _open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        raise WarehouseError(f"{path}: warehouse file not found (run a load first)")
    con = duckdb.connect(":memory:", config=OFFLINE_CONFIG)
    try:
        alias = _quote_identifier(_alias(path))
        con.execute(f"ATTACH {_quote_literal(str(path))} AS {alias} (READ_ONLY)")
        con.execute(f"USE {alias}")
    except duckdb.Error:
        con.close()
        raise
    return con


def _alias(path: Path) -> str:
    stem = path.stem
    return "warehouse" if not stem or stem.lower() in _RESERVED_ALIASES else stem


def _describe(path: Path, exc: duckdb.Error) -> str:
    detail = error_line(exc)
    lowered = detail.lower()
    if "lock" in lowered:
        return f"{path}: warehouse file is locked by another process; close it or wait ({detail})"
    if "not a valid duckdb database" in lowered or "corrupt" in lowered:
        return f"{path}: not a readable DuckDB warehouse (corrupt or not DuckDB): {detail}"
    return f"{path}: cannot open warehouse: {detail}"


def error_line(exc: BaseException) -> str:
    """The first line of an error message (DuckDB errors can run to many lines)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
