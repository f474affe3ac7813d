"""Migrations: numbered, applied once each in order, recorded, twice is a no-op."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpnews.exceptions import WarehouseError
from mpnews.warehouse.db import connect
from mpnews.warehouse.migrate import applied_versions, migrate, migrations


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    found = migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert found[0].name == "m001_create_posts"
    assert all(re.fullmatch(r"m\d{3}_[a-z0-9_]+", m.name) for m in found)


def test_migrate_applies_all_in_order_then_nothing(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        first = migrate(con)
        second = migrate(con)
        rows = con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    finally:
        con.close()
    assert first == [m.name for m in migrations()]
    assert second == []
    assert rows == [(m.version, m.name) for m in migrations()]


def test_migrate_twice_across_connections_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    for expected in ([m.name for m in migrations()], []):
        con = connect(path)
        try:
            assert migrate(con) == expected
            assert applied_versions(con) == [m.version for m in migrations()]
        finally:
            con.close()


def test_a_schema_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        migrate(con)
        con.execute("INSERT INTO schema_migrations VALUES (999, 'm999_future', now())")
        with pytest.raises(WarehouseError, match=r"version 999.*upgrade mpnews"):
            migrate(con)
    finally:
        con.close()
