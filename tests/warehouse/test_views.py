"""Analyst views return the rows analysts expect."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from wh_builders import at, post_row, run_record

from warehouse.load import load_run, record_run
from warehouse.snapshot import reader


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = reader(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _load_posts(path: Path) -> None:
    jo = [
        post_row("a", published_date=date(2024, 3, 5)),
        post_row("b", published_date=date(2024, 3, 28)),
        post_row("c", published_date=date(2024, 4, 1)),
        post_row("d", published_date=None),
    ]
    load_run(path, run=run_record("r1"), posts=jo)
    news = [
        post_row(
            "n1", source="paper", kind="news_site", mp="Ann Other", published_date=date(2024, 4, 9)
        ),
        post_row("n2", source="paper", kind="news_site", mp=None, published_date=date(2024, 4, 10)),
    ]
    load_run(path, run=run_record("r1", source="paper", kind="news_site"), posts=news)


def test_posts_per_mp_month(warehouse: Path) -> None:
    _load_posts(warehouse)
    rows = _query(warehouse, "SELECT mp, month, posts FROM posts_per_mp_month ORDER BY mp, month")
    assert rows == [
        ("Ann Other", date(2024, 4, 1), 1),
        ("Jo Bloggs", date(2024, 3, 1), 2),
        ("Jo Bloggs", date(2024, 4, 1), 1),
    ]


def test_latest_posts_newest_first_per_source(warehouse: Path) -> None:
    _load_posts(warehouse)
    rows = _query(warehouse, "SELECT source, recency_rank, post_id FROM latest_posts")
    assert rows == [
        ("jo-bloggs", 1, "c"),
        ("jo-bloggs", 2, "b"),
        ("jo-bloggs", 3, "a"),
        ("jo-bloggs", 4, "d"),
        ("paper", 1, "n2"),
        ("paper", 2, "n1"),
    ]


def test_crawl_health(warehouse: Path) -> None:
    load_run(warehouse, run=run_record("r1", started_at=at(0)), posts=[post_row("a")])
    record_run(warehouse, run_record("r2", started_at=at(24), status="failed", error="timeout"))
    load_run(warehouse, run=run_record("r3", started_at=at(48)), posts=[post_row("a", "r3")])
    record_run(
        warehouse, run_record("r1", source="down", started_at=at(1), status="failed", error="DNS")
    )
    rows = _query(
        warehouse,
        "SELECT source, last_run_id, last_run_at, last_status, runs, failures, last_error, "
        "last_error_at, last_success_at FROM crawl_health",
    )
    assert rows == [
        ("down", "r1", at(1), "failed", 1, 1, "DNS", at(1), None),
        ("jo-bloggs", "r3", at(48), "succeeded", 3, 1, "timeout", at(24), at(48)),
    ]
