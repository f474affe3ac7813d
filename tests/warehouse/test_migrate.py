"""Migrations: numbered, applied once each in order, recorded, twice is a no-op."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mpnews.exceptions import WarehouseError
from warehouse.db import connect
from warehouse.migrate import applied_versions, migrate, migrations


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


def _seed_rows(con: object) -> None:
    """Rows in the keyed tables every schema version has, as a loaded warehouse would hold."""
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO posts (post_id, url, source, kind, title, body, categories, content_hash,"
        " first_seen_at, last_seen_at, last_run_id, first_run_id) SELECT 'p' || i,"
        " 'https://x.org/' || i, 's', 'mp_site', 't', 'b', ['c'], 'h' || i, now(), now(), 'r1',"
        " 'r1' FROM range(50) t(i)"
    )
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO crawl_runs (run_id, source, kind, started_at, status) "
        "SELECT 'r' || i, 's', 'mp_site', now(), 'succeeded' FROM range(20) t(i)"
    )


@pytest.mark.parametrize("start", [5, 6, 7, 8, 9, 10])
def test_a_loaded_warehouse_upgrades_from_an_older_version(tmp_path: Path, start: int) -> None:
    if start >= len(migrations()):
        pytest.fail(f"no migration after {start}: drop this case")
    con = connect(tmp_path / "w.duckdb")
    try:
        migrate(con, target=start)
        _seed_rows(con)
    finally:
        con.close()  # stored on disk, as a published warehouse is
    con = connect(tmp_path / "w.duckdb")
    try:
        applied = migrate(con)
        counts = [
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("posts", "crawl_runs")
        ]
    finally:
        con.close()
    assert applied == [m.name for m in migrations()[start:]]
    assert counts == [50, 20]
