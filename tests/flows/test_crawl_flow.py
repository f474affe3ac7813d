"""End to end: sample sites on 127.0.0.1 -> `mpnews crawl` under Prefect -> DuckDB warehouse."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mpnews.cli import main
from mpnews.receiver import WebhookReceiver

BOILERPLATE = (
    "Leave a Reply",
    "Join our commenting forum",
    "Categories",
    "Archives",
    "RSS Feed",
    "promoted by",
    "Subscribe to my Newsletter",
    "Fill in your details below",
)
PICTURE_LINE = re.compile(r"^\s*Picture\s*$", re.M)
DOWN = "down-mp-site"


@dataclass
class Crawled:
    warehouse: Path
    exit_codes: tuple[int, int]
    alerts: tuple[list[dict[str, Any]], list[dict[str, Any]]]
    counts: tuple[dict[str, int], dict[str, int]]


def _counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("posts", "post_sightings", "crawl_runs", "rejections")
        }


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory, samples: Any, prefect_harness: None
) -> Crawled:
    home = tmp_path_factory.mktemp("e2e")
    sources = home / "sources.toml"
    sources.write_text(samples.sources_toml(), encoding="utf-8")
    warehouse = home / "wh" / "mpnews.duckdb"
    argv = ["crawl", "--sources", str(sources), "--warehouse", str(warehouse)]
    with WebhookReceiver() as receiver:
        os.environ["MPNEWS_ALERT_WEBHOOK"] = receiver.url
        try:
            first = main(argv)
            alerts_first, counts_first = list(receiver.received), _counts(warehouse)
            second = main(argv)
            alerts_second = receiver.received[len(alerts_first) :]
        finally:
            os.environ.pop("MPNEWS_ALERT_WEBHOOK", None)
    return Crawled(
        warehouse,
        (first, second),
        (alerts_first, alerts_second),
        (counts_first, _counts(warehouse)),
    )


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _expected() -> list[dict[str, Any]]:
    text = resources.files("mpnews.samples").joinpath("expected_posts.json").read_text("utf-8")
    return json.loads(text)


def test_exit_code_is_1_when_a_source_failed(crawled: Crawled) -> None:
    assert crawled.exit_codes == (1, 1)


def test_warehouse_holds_exactly_the_expected_posts(crawled: Crawled) -> None:
    rows = _query(
        crawled.warehouse,
        "SELECT source, url, title, published_date, categories, mp FROM posts",
    )
    got = sorted(
        (s, re.sub(r"^https?://[^/]+", "", u), t, str(d), sorted(c), mp)
        for s, u, t, d, c, mp in rows
    )
    want = sorted(
        (e["source"], e["path"], e["title"], e["published_date"], sorted(e["categories"]), e["mp"])
        for e in _expected()
    )
    assert got == want


def test_each_post_once(crawled: Crawled) -> None:
    dupes = _query(crawled.warehouse, "SELECT url, count(*) n FROM posts GROUP BY url HAVING n > 1")
    assert dupes == []


def test_same_title_same_day_posts_stay_two(crawled: Crawled) -> None:
    rows = _query(
        crawled.warehouse,
        "SELECT url, body FROM posts WHERE title = "
        "'Labour needs to become a party of progressive internationalism once again'",
    )
    assert len(rows) == 2
    assert rows[0][0] != rows[1][0] and rows[0][1] != rows[1][1]


def test_no_boilerplate_in_any_body(crawled: Crawled) -> None:
    bodies = [b for (b,) in _query(crawled.warehouse, "SELECT body FROM posts")]
    assert bodies and all(b.strip() for b in bodies)
    for body in bodies:
        for phrase in BOILERPLATE:
            assert phrase not in body
        assert not PICTURE_LINE.search(body)


def test_bodies_keep_paragraphs(crawled: Crawled) -> None:
    (body,) = _query(
        crawled.warehouse, "SELECT body FROM posts WHERE title LIKE 'Social Care Reform%'"
    )[0]
    assert "\n\n" in body
    assert "My father has fronto-temporal dementia" in body


def test_down_source_recorded_failed_with_reason(crawled: Crawled) -> None:
    rows = _query(
        crawled.warehouse,
        "SELECT source, status, error FROM crawl_runs ORDER BY started_at, source",
    )
    failed = [r for r in rows if r[1] == "failed"]
    assert [r[0] for r in failed] == [DOWN, DOWN]
    assert all(r[2] and "unreachable" in r[2] for r in failed)
    assert all(r[1] == "succeeded" for r in rows if r[0] != DOWN)


def test_one_alert_per_run_names_source_run_and_reason(crawled: Crawled) -> None:
    run_ids = [r for (r,) in _query(crawled.warehouse, "SELECT DISTINCT run_id FROM crawl_runs")]
    for alerts in crawled.alerts:
        assert len(alerts) == 1
        (alert,) = alerts
        assert alert["source"] == DOWN
        assert alert["run_id"] in run_ids
        assert "unreachable" in alert["reason"]


def test_second_run_adds_no_posts(crawled: Crawled) -> None:
    first, second = crawled.counts
    assert first["posts"] > 0
    assert second["posts"] == first["posts"]
    assert second["post_sightings"] == first["post_sightings"]
    assert second["crawl_runs"] == 2 * first["crawl_runs"]


def test_every_run_row_has_counts(crawled: Crawled) -> None:
    rows = _query(
        crawled.warehouse,
        "SELECT source, pages_fetched, posts_found FROM crawl_runs WHERE status = 'succeeded'",
    )
    assert rows and all(pages > 0 and posts > 0 for _, pages, posts in rows)
