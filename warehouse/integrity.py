"""Whether a warehouse file can be read whole, and what to do when it cannot.

A file cut short (a full disk, a copy that stopped) or with flipped bytes (a failing disk)
makes DuckDB fail deep inside a load or a query. :func:`find_damage` opens the file
read-only and reads its catalog and every row of every table (DuckDB checks each block's
checksum as it reads), so damage is found before a run starts, with one clear line
(:func:`ensure_whole`). A damaged file is renamed out of the way (:func:`set_aside`), never
deleted: the working copy is then seeded again from the published file, and the published
file is rebuilt from the WARC archive by ``mpnews reprocess``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from mpnews.exceptions import WarehouseDamagedError
from warehouse.db import OFFLINE_CONFIG, error_line
from warehouse.lake import is_lake

__all__ = ["ensure_whole", "find_damage", "set_aside"]

_ALIAS = "checked"
# held open by a writer or by this process; written by another version of DuckDB
_NOT_DAMAGE = ("conflicting lock", "could not set lock", "already attached", "version number")
_TABLES = (
    "SELECT schema_name, table_name FROM duckdb_tables() "
    f"WHERE database_name = '{_ALIAS}' ORDER BY ALL"
)


def find_damage(path: str | Path) -> str | None:
    """Why the DuckDB file ``path`` cannot be read whole, or None (also when it is missing,
    is a DuckLake, or is held by a writer and so cannot be checked now)."""
    if is_lake(path) or not Path(path).is_file():
        return None
    con = duckdb.connect(":memory:", config=OFFLINE_CONFIG)
    try:
        con.execute(f"ATTACH {_literal(str(path))} AS {_ALIAS} (READ_ONLY)")
        for schema, table in con.execute(_TABLES).fetchall():
            name = f"{_ALIAS}.{_ident(schema)}.{_ident(table)}"
            con.execute(f"SELECT count(*), sum(hash(t)) FROM {name} AS t").fetchall()
    except duckdb.Error as exc:
        reason = _reason(exc, path)
        return None if any(word in reason.lower() for word in _NOT_DAMAGE) else reason
    finally:
        con.close()
    return None


def ensure_whole(path: str | Path) -> None:
    """Raise WarehouseDamagedError, naming the file and the fix, when ``path`` is damaged."""
    reason = find_damage(path)
    if reason is not None:
        raise WarehouseDamagedError(
            f"warehouse file {path} is damaged ({reason}); "
            "rebuild it from the archive with `mpnews reprocess`"
        )


def set_aside(path: str | Path, *, now: datetime | None = None) -> Path:
    """Rename the damaged file ``path`` (and its write-ahead log) to
    ``<name>.damaged-<UTC time>``; return the new path."""
    path = Path(path)
    stamp = f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}"
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    wal = path.with_name(f"{path.name}.wal")
    if wal.exists():  # a stale log replayed onto a fresh file would damage it in turn
        wal.replace(aside.with_name(f"{aside.name}.wal"))
    path.replace(aside)
    return aside


def _reason(exc: duckdb.Error, path: str | Path) -> str:
    """DuckDB's first line, without the class prefix and the path it repeats."""
    line = error_line(exc).removeprefix("IO Error: ").removeprefix("Serialization Error: ")
    return line.replace(f' "{path}"', "").replace(f" {path}", "")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
