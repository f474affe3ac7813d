"""``mpnews reprocess``: the archive of a crawl, re-extracted with no network, gives the same
posts as the crawl itself (a full run, then an incremental run whose 304s carry no body)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mpnews.cli import main
from mpnews.samples.server import serve_samples

SOURCES = ["rosena-allin-khan", "hustings-blog", "independent-politics"]
POSTS = "SELECT * EXCLUDE (first_seen_at, last_seen_at) FROM posts ORDER BY post_id"


@dataclass
class Warehouses:
    crawled: Path
    reprocessed: Path
    sources: Path
    archive: Path
    exit_code: int


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Warehouses:
    from flows.crawl import crawl_flow

    home = tmp_path_factory.mktemp("reprocess")
    crawled = home / "a" / "mpnews.duckdb"
    sources = home / "sources.toml"
    with serve_samples() as samples:
        sources.write_text(samples.sources_toml(), encoding="utf-8")
        for _ in range(2):  # a full crawl, then an incremental one (304s, skipped posts)
            crawl_flow(str(sources), str(crawled), SOURCES)
        samples.reset_hits()
        reprocessed = home / "b" / "mpnews.duckdb"
        argv = ["reprocess", "--sources", str(sources), "--warehouse", str(reprocessed)]
        archive = crawled.parent / "archive"
        code = main([*argv, "--archive", str(archive), *(f"--source={s}" for s in SOURCES)])
        assert samples.requests == []  # no network
    return Warehouses(crawled, reprocessed, sources, archive, code)


def test_reprocess_exits_0(warehouses: Warehouses) -> None:
    assert warehouses.exit_code == 0


def test_reprocess_gives_the_same_posts_as_the_crawl(warehouses: Warehouses) -> None:
    crawled = _query(warehouses.crawled, POSTS)
    assert crawled
    assert _query(warehouses.reprocessed, POSTS) == crawled


def test_reprocess_rebuilds_pages_and_runs(warehouses: Warehouses) -> None:
    pages = "SELECT run_id, source, url, status, role FROM pages ORDER BY ALL"
    assert _query(warehouses.reprocessed, pages) == _query(warehouses.crawled, pages)
    runs = "SELECT run_id, source, pages_fetched, responses_200, responses_304 FROM crawl_runs"
    assert sorted(_query(warehouses.reprocessed, runs)) == sorted(_query(warehouses.crawled, runs))


def test_reprocess_into_the_crawled_warehouse_changes_nothing(warehouses: Warehouses) -> None:
    before = _query(warehouses.crawled, "SELECT * FROM posts ORDER BY post_id")
    runs = "SELECT * FROM crawl_runs ORDER BY run_id, source"
    runs_before = _query(warehouses.crawled, runs)
    argv = ["reprocess", "--sources", str(warehouses.sources), "--warehouse"]
    assert main([*argv, str(warehouses.crawled), "--source", SOURCES[0]]) == 0
    assert _query(warehouses.crawled, "SELECT * FROM posts ORDER BY post_id") == before
    assert _query(warehouses.crawled, runs) == runs_before


def test_missing_archive_is_a_usage_error(
    warehouses: Warehouses, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["reprocess", "--sources", str(warehouses.sources), "--warehouse"]
    assert main([*argv, str(tmp_path / "none.duckdb")]) == 2
    assert "no archive folder" in capsys.readouterr().err
