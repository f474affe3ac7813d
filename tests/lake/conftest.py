"""Fixtures for the shared-warehouse (DuckLake) tests: one PostgreSQL for the session."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import PgServer, pg_server

# the warehouse tests' row builders and analyst sample serve these tests too
sys.path.append(str(Path(__file__).parents[1] / "warehouse"))
_NAMES = itertools.count(1)


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """A PostgreSQL server on 127.0.0.1, started for these tests and stopped after."""
    with pg_server() as server:
        yield server


@pytest.fixture
def lake(pg: PgServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new lake made by ``mpnews lake init``: catalog in its own database, Parquet in tmp."""
    from mpnews.cli import main

    location = pg.lake(f"lake{next(_NAMES)}")
    data = tmp_path_factory.mktemp("lakedata")
    assert main(["lake", "--warehouse", location, "init", "--data", str(data)]) == 0
    return location
