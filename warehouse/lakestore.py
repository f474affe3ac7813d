"""Readers and writers of a DuckLake warehouse (the shared counterpart of ``snapshot``).

A lake needs no published copy: DuckLake gives every reader a consistent snapshot while
writers commit, so analysts and the loads share one warehouse directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import duckdb

from warehouse.lake import ALIAS, connect_lake, lake_exists, retry_conflicts
from warehouse.lakeschema import sync_schema
from warehouse.lakesql import LakeConnection

__all__ = ["lake_reader", "lake_writer"]


@contextmanager
def lake_writer(location: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated connection on the lake whose writes DuckLake accepts (``lakesql``)."""
    con = connect_lake(location)
    try:
        retry_conflicts(lambda: sync_schema(con, ALIAS))  # first writers race to create it
        con.execute(f"USE {ALIAS}")
        yield cast(duckdb.DuckDBPyConnection, LakeConnection(con))
    finally:
        con.close()


def lake_reader(location: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the lake (migrated first when it is still empty)."""
    if not lake_exists(location):
        with lake_writer(location):
            pass
    return connect_lake(location, read_only=True)
