"""The schema analysts and outside checks rely on: names and types are a contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.snapshot import reader

TS = "TIMESTAMP WITH TIME ZONE"
CONTRACT = {
    "posts": {
        "post_id": "VARCHAR",
        "url": "VARCHAR",
        "source": "VARCHAR",
        "kind": "VARCHAR",
        "title": "VARCHAR",
        "author": "VARCHAR",
        "published_date": "DATE",
        "date_source": "VARCHAR",
        "updated_at": TS,
        "body": "VARCHAR",
        "categories": "VARCHAR[]",
        "mp": "VARCHAR",
        "content_hash": "VARCHAR",
        "first_seen_at": TS,
        "last_seen_at": TS,
        "last_run_id": "VARCHAR",
    },
    "crawl_runs": {
        "run_id": "VARCHAR",
        "source": "VARCHAR",
        "kind": "VARCHAR",
        "started_at": TS,
        "finished_at": TS,
        "status": "VARCHAR",
        "pages_fetched": "INTEGER",
        "posts_found": "INTEGER",
        "posts_new": "INTEGER",
        "rejections": "INTEGER",
        "error": "VARCHAR",
    },
    "post_sightings": {
        "post_id": "VARCHAR",
        "url": "VARCHAR",
        "source": "VARCHAR",
        "page_url": "VARCHAR",
        "first_seen_at": TS,
        "last_seen_at": TS,
        "last_run_id": "VARCHAR",
    },
    "pages": {
        "run_id": "VARCHAR",
        "source": "VARCHAR",
        "url": "VARCHAR",
        "final_url": "VARCHAR",
        "status": "INTEGER",
        "role": "VARCHAR",
        "content_type": "VARCHAR",
        "fetched_at": TS,
        "warc_file": "VARCHAR",
    },
    "rejections": {
        "run_id": "VARCHAR",
        "source": "VARCHAR",
        "url": "VARCHAR",
        "stage": "VARCHAR",
        "reason": "VARCHAR",
        "fetched_at": TS,
    },
    "schema_migrations": {"version": "INTEGER", "name": "VARCHAR", "applied_at": TS},
}
VIEWS = {
    "posts_per_mp_month": ("mp", "month", "posts"),
    "latest_posts": ("source", "published_date", "title", "url"),
    "crawl_health": ("source", "last_run_id", "last_status", "runs", "failures", "last_error"),
}


def _columns(path: Path, table: str) -> dict[str, str]:
    con = reader(path)
    try:
        rows = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_table_has_contract_columns_and_types(warehouse: Path, table: str) -> None:
    columns = _columns(warehouse, table)
    assert {name: columns.get(name) for name in CONTRACT[table]} == CONTRACT[table]


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_view_has_its_columns(warehouse: Path, view: str) -> None:
    assert set(VIEWS[view]) <= set(_columns(warehouse, view))


def test_keys(warehouse: Path) -> None:
    con = reader(warehouse)
    try:
        rows = con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    finally:
        con.close()
    keys = {table: tuple(columns) for table, columns in rows}
    assert keys["posts"] == ("post_id",)
    assert keys["crawl_runs"] == ("run_id", "source")
    assert keys["post_sightings"] == ("post_id", "url", "source")
