"""Read helpers the CLI uses after a run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wh_builders import post_row, rejection, run_record

from warehouse.load import load_run, record_run
from warehouse.queries import EXAMPLE_QUERY, count_posts, run_query, run_summary


def test_run_summary_and_count(warehouse: Path) -> None:
    assert count_posts(warehouse) == 0
    assert run_summary(warehouse, "r1") == []
    load_run(
        warehouse,
        run=run_record("r1", pages_fetched=5, posts_found=2),
        posts=[post_row("a"), post_row("b")],
        rejections=[rejection("https://jobloggs.example/z")],
    )
    record_run(
        warehouse,
        run_record(
            "r1", source="down", status="failed", error="refused", pages_fetched=0, posts_found=0
        ),
    )
    assert count_posts(warehouse) == 2
    assert run_summary(warehouse, "r1") == [
        {
            "source": "down",
            "kind": "mp_site",
            "status": "failed",
            "pages_fetched": 0,
            "posts_found": 0,
            "posts_new": 0,
            "rejections": 0,
            "error": "refused",
        },
        {
            "source": "jo-bloggs",
            "kind": "mp_site",
            "status": "succeeded",
            "pages_fetched": 5,
            "posts_found": 2,
            "posts_new": 2,
            "rejections": 1,
            "error": None,
        },
    ]


def test_run_query_returns_columns_and_rows(warehouse: Path) -> None:
    load_run(warehouse, run=run_record("r1"), posts=[post_row("a"), post_row("b")])
    columns, rows = run_query(warehouse, EXAMPLE_QUERY)
    assert columns == ["mp", "month", "posts"]
    assert rows == [("Jo Bloggs", date(2024, 4, 1), 2)]
    assert run_query(warehouse, "SELECT count(*) AS n FROM posts WHERE post_id = ?", ["a"]) == (
        ["n"],
        [(1,)],
    )
