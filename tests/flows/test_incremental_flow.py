"""Incremental crawling end to end: a second run over unchanged sample sites downloads only
listings and feeds, and an edited post found on a re-check becomes a new version."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mpnews.samples.server import SITES_DIR, Hit, serve_samples

SOURCES = ["rosena-allin-khan", "hustings-blog", "independent-politics"]
EDITED = "news/uk/politics/local-elections-may-councils-prepare-a9281617.html"
OLD_TEXT = "Councils in England have been told to begin preparations"
NEW_TEXT = "Councils across England were told last week to begin preparations"
POSTS = "SELECT post_id, url, title, body, content_hash, published_date FROM posts ORDER BY post_id"


@dataclass
class Runs:
    warehouse: Path
    hits: list[list[Hit]]  # requests answered, per run
    posts: list[list[tuple[Any, ...]]]  # posts table, after each run


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Runs:
    """Run 1 (full), run 2 (unchanged sites), then an edit and run 3 (re-check every post)."""
    from flows.crawl import crawl_flow

    home = tmp_path_factory.mktemp("incremental")
    root = home / "sites"
    shutil.copytree(SITES_DIR, root)
    warehouse = home / "wh" / "mpnews.duckdb"
    hits: list[list[Hit]] = []
    posts: list[list[tuple[Any, ...]]] = []
    with serve_samples(root) as samples:
        sources = home / "sources.toml"
        sources.write_text(samples.sources_toml(), encoding="utf-8")
        for run in range(3):
            if run == 2:
                page = root / "news" / EDITED
                page.write_text(page.read_text("utf-8").replace(OLD_TEXT, NEW_TEXT), "utf-8")
            samples.reset_hits()
            crawl_flow(str(sources), str(warehouse), SOURCES, recheck_all=run == 2)
            hits.append(samples.requests)
            posts.append(_query(warehouse, POSTS))
    return Runs(warehouse, hits, posts)


def _roles(warehouse: Path, run: int) -> dict[tuple[str, int], int]:
    """(role, status) -> pages of the n-th run (0-based), from the pages table."""
    rows = _query(
        warehouse,
        "SELECT role, status, count(*) FROM pages WHERE run_id = (SELECT run_id FROM "
        f"(SELECT DISTINCT run_id FROM crawl_runs ORDER BY run_id) OFFSET {run} LIMIT 1) "
        "GROUP BY ALL",
    )
    return {(role, status): n for role, status, n in rows}


def test_second_run_downloads_only_listings_and_feeds(runs: Runs) -> None:
    roles = _roles(runs.warehouse, 1)
    downloaded = {role for (role, status) in roles if status == 200}
    assert downloaded <= {"robots"}  # robots.txt is fetched by Scrapy's own middleware
    assert roles[("listing", 304)] > 0 and roles[("feed", 304)] > 0
    assert not any(role == "post" for role, _ in roles)


def test_second_run_requests_no_post_permalink(runs: Runs) -> None:
    first, second = Counter(h.path for h in runs.hits[0]), Counter(h.path for h in runs.hits[1])
    assert Counter(h.status for h in runs.hits[1]).keys() <= {200, 304}
    ok_paths = {h.path for h in runs.hits[1] if h.status == 200}
    assert ok_paths <= {"/robots.txt"}
    assert sum(second.values()) < sum(first.values())


def test_crawl_runs_record_200_304_and_skipped(runs: Runs) -> None:
    rows = _query(
        runs.warehouse,
        "SELECT source, responses_200, responses_304, skipped, pages_fetched, posts_found "
        "FROM crawl_runs ORDER BY run_id, source",
    )
    first, second = rows[:3], rows[3:6]
    assert all(r200 > 0 and r304 == 0 and skipped == 0 for _, r200, r304, skipped, *_ in first)
    for _, r200, r304, skipped, pages, _ in second:
        assert r304 > 0 and skipped > 0
        assert r200 + r304 == pages
    # known posts skipped unchanged still count as found: full and incremental runs compare
    assert [r[5] for r in second] == [r[5] for r in first]


def test_unchanged_sites_keep_the_same_posts(runs: Runs) -> None:
    assert runs.posts[0] and runs.posts[1] == runs.posts[0]


def test_recheck_answers_unchanged_posts_with_304(runs: Runs) -> None:
    roles = _roles(runs.warehouse, 2)
    assert roles[("post", 304)] > 0
    assert roles[("post", 200)] == 1  # only the edited article is downloaded again


def test_edited_post_keeps_its_old_version(runs: Runs) -> None:
    versions = _query(
        runs.warehouse,
        "SELECT v.version, v.body, v.run_id FROM post_versions AS v JOIN posts AS p "
        "USING (post_id) WHERE p.url LIKE '%a9281617%' ORDER BY version",
    )
    assert [v for v, _, _ in versions] == [1, 2]
    assert OLD_TEXT in versions[0][1] and NEW_TEXT in versions[1][1]
    assert versions[0][2] != versions[1][2]
    (body,) = _query(runs.warehouse, "SELECT body FROM posts WHERE url LIKE '%a9281617%'")[0]
    assert NEW_TEXT in body
    changes = _query(runs.warehouse, "SELECT url, version, body_changed FROM post_changes")
    assert len(changes) == 1 and changes[0][1:] == (2, True)
    assert len(runs.posts[2]) == len(runs.posts[0])
