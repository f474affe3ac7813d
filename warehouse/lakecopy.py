"""Move a warehouse between a single DuckDB file and a DuckLake, both ways, whole.

Both have the same tables and columns (``warehouse.lakeschema``), so every table is copied
with ``INSERT ... BY NAME`` in one transaction: a failed copy leaves the target as it was.
The search index is not copied: the file rebuilds its own, the lake searches without one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from mpnews.exceptions import WarehouseError
from warehouse.db import error_line
from warehouse.lake import attach, retry_conflicts
from warehouse.lakestore import lake_writer
from warehouse.snapshot import writer

__all__ = ["export_lake", "import_file"]

_SKIP = frozenset({"schema_migrations", "load_ticket"})
_TABLES = """
SELECT table_name FROM duckdb_tables()
WHERE database_name = ? AND schema_name = 'main' ORDER BY table_name
"""


def import_file(location: str, path: str | Path, *, replace: bool = False) -> dict[str, int]:
    """Copy the warehouse file ``path`` into the lake; rows per table.

    Refuses a lake that already holds posts unless ``replace`` (then its rows are replaced).
    """
    source = Path(path)
    if not source.is_file():
        raise WarehouseError(f"{source}: warehouse file not found")

    def copy() -> dict[str, int]:
        with lake_writer(location) as con:
            con.execute(f"ATTACH {_literal(str(source))} AS src (READ_ONLY)")
            try:
                if not replace and _count(con, "posts"):
                    raise WarehouseError(
                        f"{location}: the lake already holds posts; pass --replace to "
                        "replace them with the file's"
                    )
                return _copy(con, "src", "lake", replace=True)
            finally:
                con.execute("USE lake")
                con.execute("DETACH src")

    return retry_conflicts(copy)


def export_lake(location: str, path: str | Path) -> dict[str, int]:
    """Write the lake's tables into a new warehouse file ``path``; rows per table."""
    target = Path(path)
    if target.exists():
        raise WarehouseError(f"{target}: already exists; export into a new file")
    with writer(target) as con:
        attach(con, location, alias="lakesrc", read_only=True)
        try:
            return _copy(con, "lakesrc", "main", replace=False)
        finally:
            con.execute("DETACH lakesrc")


def _copy(con: duckdb.DuckDBPyConnection, src: str, dest: str, *, replace: bool) -> dict[str, int]:
    tables = [r[0] for r in con.execute(_TABLES, [src]).fetchall() if r[0] not in _SKIP]
    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table in tables:
            if replace:
                con.execute(f'DELETE FROM {dest}."{table}"')
            con.execute(f'INSERT INTO {dest}."{table}" BY NAME SELECT * FROM {src}."{table}"')
            counts[table] = _count(con, f'{src}."{table}"')
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise WarehouseError(
            f"copy from {src} failed, nothing was changed: {error_line(exc)}"
        ) from exc
    return counts


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
