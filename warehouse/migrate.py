"""Numbered SQL migrations (``migrations/mNNN_name.sql``), each applied once, in order.

Applied migrations are recorded in ``schema_migrations(version, name, applied_at)``.
Each migration runs in its own transaction: a failing one leaves nothing behind.

DuckDB refuses to commit a transaction that alters one keyed table more than once (it
re-checks the primary key and reports a false "duplicate key"), so a migration may be cut
into steps with a line ``-- step``: each step commits on its own, the version is recorded
with the last, and every step must be safe to run again (``ADD COLUMN IF NOT EXISTS``,
``CREATE ... IF NOT EXISTS``) in case a run stopped between two steps.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from mpnews.exceptions import WarehouseError
from warehouse.db import error_line

__all__ = ["Migration", "applied_versions", "migrate", "migrations"]

_FILE = re.compile(r"^m(\d{3})_[a-z0-9_]+\.sql$")
_STEP = re.compile(r"^--\s*step\s*$", re.M)
_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file: ``version`` 1 is ``m001_create_posts``."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with the package, in version order."""
    folder = resources.files("warehouse").joinpath("migrations")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise WarehouseError(f"two migrations numbered {version:03d}: rename one")
        name = entry.name.removesuffix(".sql")
        found[version] = Migration(version, name, entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Versions already recorded in ``schema_migrations`` (empty on a new file)."""
    con.execute(_CREATE_TABLE)
    rows = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    return [int(row[0]) for row in rows]


def migrate(con: duckdb.DuckDBPyConnection, *, target: int | None = None) -> list[str]:
    """Apply the migrations not yet applied (up to ``target``, default all); return their names."""
    known = migrations()
    done = set(applied_versions(con))
    newest = max((m.version for m in known), default=0)
    if done and max(done) > newest:
        raise WarehouseError(
            f"warehouse schema is at version {max(done)} but this mpnews knows only "
            f"{newest}; upgrade mpnews"
        )
    applied: list[str] = []
    for migration in known:
        if migration.version not in done and (target is None or migration.version <= target):
            _apply(con, migration)
            applied.append(migration.name)
    return applied


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    steps = [step for step in _STEP.split(migration.sql) if step.strip()]
    for index, step in enumerate(steps, start=1):
        _run_step(con, migration, step, record=index == len(steps))


def _run_step(
    con: duckdb.DuckDBPyConnection, migration: Migration, sql: str, *, record: bool
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql)
        if record:
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())",
                [migration.version, migration.name],
            )
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        raise WarehouseError(f"migration {migration.name} failed: {error_line(exc)}") from exc


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed COMMIT has already ended it)."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")
