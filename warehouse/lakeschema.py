"""Bring a DuckLake to the schema the numbered migrations give a DuckDB file.

DuckLake has no primary keys, unique or CHECK constraints and no defaults for list
columns, so the migrations' SQL cannot run on it as written. Instead they run on an
in-memory DuckDB (the reference), and the lake gets the same tables, columns (types,
NOT NULL, scalar defaults) and views; ``schema_migrations`` records the versions. The
contract only ever extends (new tables, new columns, replaced views), which is exactly
what this can apply to a lake already in use.

Keys stay true because every write goes through ``warehouse.lakesql`` (``MERGE`` on the
key columns) inside a serialised transaction.
"""

from __future__ import annotations

import contextlib

import duckdb

from mpnews.exceptions import WarehouseError
from warehouse.db import OFFLINE_CONFIG, error_line
from warehouse.migrate import migrate, migrations

__all__ = ["sync_schema"]

_COLUMNS = """
SELECT table_name, column_name, data_type, is_nullable, column_default
FROM duckdb_columns() WHERE database_name = $db AND schema_name = 'main'
AND table_name IN (SELECT table_name FROM duckdb_tables()
                   WHERE database_name = $db AND schema_name = 'main')
ORDER BY table_name, column_index
"""
_TABLES = "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'"
_SEED_TICKET = """
INSERT INTO {catalog}.load_ticket (ticket)
SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {catalog}.load_ticket)
"""
_VIEWS = """
SELECT view_name, sql FROM duckdb_views()
WHERE database_name = ? AND schema_name = 'main' AND NOT internal ORDER BY view_name
"""


def sync_schema(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    """Apply to the lake attached as ``catalog`` the migrations it lacks; return their names.

    One transaction: a concurrent worker doing the same loses the race at COMMIT and finds
    the work done when it retries.
    """
    known = migrations()
    newest = max((m.version for m in known), default=0)
    reference: duckdb.DuckDBPyConnection | None = None
    try:
        con.execute("BEGIN TRANSACTION")
        done = _applied(con, catalog)
        if done and max(done) > newest:
            raise WarehouseError(
                f"warehouse schema is at version {max(done)} but this mpnews knows only "
                f"{newest}; upgrade mpnews"
            )
        missing = [m for m in known if m.version not in done]
        if not missing:
            con.execute("COMMIT")
            return []
        reference = _reference()
        _sync_tables(con, reference, catalog)
        _sync_views(con, reference, catalog)
        con.execute(_SEED_TICKET.format(catalog=catalog))
        con.executemany(
            f"INSERT INTO {catalog}.schema_migrations VALUES (?, ?, now())",
            [[m.version, m.name] for m in missing],
        )
        con.execute("COMMIT")
    except BaseException as exc:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        if not isinstance(exc, duckdb.Error):
            raise
        raise WarehouseError(f"cannot migrate the DuckLake warehouse: {error_line(exc)}") from exc
    finally:
        if reference is not None:
            reference.close()
    return [m.name for m in missing]


def _applied(con: duckdb.DuckDBPyConnection, catalog: str) -> set[int]:
    tables = {r[0] for r in con.execute(_TABLES, [catalog]).fetchall()}
    if "schema_migrations" in tables:
        rows = con.execute(f"SELECT version FROM {catalog}.schema_migrations").fetchall()
        return {int(row[0]) for row in rows}
    con.execute(
        f"CREATE TABLE {catalog}.schema_migrations "
        "(version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    return set()


def _reference() -> duckdb.DuckDBPyConnection:
    ref = duckdb.connect(":memory:", config=OFFLINE_CONFIG)
    migrate(ref)
    return ref


def _sync_tables(
    con: duckdb.DuckDBPyConnection, ref: duckdb.DuckDBPyConnection, catalog: str
) -> None:
    have_tables = {r[0] for r in con.execute(_TABLES, [catalog]).fetchall()}
    have_columns = {(r[0], r[1]) for r in con.execute(_COLUMNS, {"db": catalog}).fetchall()}
    columns: dict[str, list[str]] = {}
    for table, column, dtype, nullable, default in ref.execute(
        _COLUMNS, {"db": "memory"}
    ).fetchall():
        if table not in have_tables:
            columns.setdefault(table, []).append(_column(column, dtype, nullable, default))
        elif (table, column) not in have_columns:  # rows already there: NULL is allowed
            spec = _column(column, dtype, True, default)
            con.execute(f"ALTER TABLE {catalog}.{_ident(table)} ADD COLUMN {spec}")
    for table, specs in columns.items():
        con.execute(f"CREATE TABLE {catalog}.{_ident(table)} ({', '.join(specs)})")


def _column(name: str, dtype: str, nullable: bool, default: str | None) -> str:
    spec = f"{_ident(name)} {dtype}"
    if default is not None and not dtype.endswith("[]") and not default.startswith("["):
        spec += f" DEFAULT {default}"
    return spec if nullable else f"{spec} NOT NULL"


def _sync_views(
    con: duckdb.DuckDBPyConnection, ref: duckdb.DuckDBPyConnection, catalog: str
) -> None:
    con.execute(f"USE {catalog}")
    for _name, sql in ref.execute(_VIEWS, ["memory"]).fetchall():
        body = sql.strip().rstrip(";")
        if body.upper().startswith("CREATE VIEW"):
            body = "CREATE OR REPLACE VIEW" + body[len("CREATE VIEW") :]
        con.execute(body)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
