"""The warehouse's writes, as a DuckLake accepts them.

The loads upsert with ``INSERT ... BY NAME <select> ON CONFLICT (keys) DO UPDATE SET ...``,
which needs a primary key; DuckLake has none. :func:`to_merge` rewrites each such statement
into the equivalent ``MERGE INTO table USING (<select>) AS excluded ON <keys equal>
WHEN MATCHED THEN UPDATE SET ... WHEN NOT MATCHED THEN INSERT BY NAME`` (``excluded`` and
the table's own name mean what they meant in ``ON CONFLICT``), so one set of load
statements serves both backends.

:class:`LakeConnection` hands the load code a connection that applies the rewrite and, at
the start of every write transaction, bumps ``load_ticket`` so that overlapping writers
conflict (see ``warehouse.lake``).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

__all__ = ["LakeConnection", "to_merge"]

_UPSERT = re.compile(
    r"INSERT\s+INTO\s+(?P<table>\w+)\s+BY\s+NAME\s+(?P<select>[^;]*?)\s+"
    r"ON\s+CONFLICT\s*\((?P<keys>[^)]*)\)\s*DO\s+UPDATE\s+SET\s+(?P<sets>[^;]*)",
    re.IGNORECASE | re.DOTALL,
)
_IGNORE = re.compile(
    r"INSERT\s+INTO\s+(?P<table>[\w.]+)\s+(?P<select>SELECT\b[^;]*?)\s+ON\s+CONFLICT\s+DO\s+NOTHING",
    re.IGNORECASE | re.DOTALL,
)
_BEGIN = re.compile(r"^\s*BEGIN(\s+TRANSACTION)?\s*;?\s*$", re.IGNORECASE)
_BUMP = """
UPDATE load_ticket SET ticket = ticket + 1, loaded_at = now()
"""
_FIRST_TICKET = "INSERT INTO load_ticket (ticket, loaded_at) VALUES (1, now())"


def to_merge(sql: str) -> str:
    """``sql`` with every ``INSERT ... ON CONFLICT DO UPDATE`` turned into a ``MERGE``, and
    every ``INSERT INTO t SELECT ... ON CONFLICT DO NOTHING`` into an insert of the rows ``t``
    does not hold yet (whole rows compared: used for tables that are all key)."""
    sql = _UPSERT.sub(_merge, sql)
    return _IGNORE.sub(
        lambda m: (
            f"INSERT INTO {m['table']} SELECT * FROM ({m['select']}) "
            f"EXCEPT SELECT * FROM {m['table']}"
        ),
        sql,
    )


def _merge(match: re.Match[str]) -> str:
    table = match["table"]
    keys = [k.strip() for k in match["keys"].split(",") if k.strip()]
    on = " AND ".join(f"{table}.{k} = excluded.{k}" for k in keys)
    return (
        f"MERGE INTO {table} USING ({match['select']}) AS excluded ON {on}\n"
        f"WHEN MATCHED THEN UPDATE SET {match['sets'].rstrip()}\n"
        "WHEN NOT MATCHED THEN INSERT BY NAME"
    )


class LakeConnection:
    """A DuckDB connection on a lake that speaks the loads' SQL (see module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        if _BEGIN.match(sql):
            self._con.execute(sql)
            self._take_ticket()
            return self._con
        rewritten = to_merge(sql)
        if parameters is None:
            return self._con.execute(rewritten)
        return self._con.execute(rewritten, parameters)

    def _take_ticket(self) -> None:
        row = self._con.execute(_BUMP).fetchone()
        if not row or not row[0]:
            self._con.execute(_FIRST_TICKET)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)
