"""load_run / record_run: bulk, idempotent, all-or-nothing, first/last-seen semantics."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from wh_builders import at, dump, page_row, post_row, rejection, run_record

from mpnews.exceptions import WarehouseError
from pipeline.records import Post
from warehouse.load import load_run, record_run
from warehouse.rows import LoadResult
from warehouse.snapshot import reader, working_path


def _query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = reader(path)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _first_run(path: Path) -> LoadResult:
    return load_run(
        path,
        run=run_record("r1"),
        posts=[post_row("a"), post_row("b")],
        pages=[page_row("https://jobloggs.example/news/"), page_row("https://jobloggs.example/x")],
        rejections=[rejection("https://jobloggs.example/x")],
    )


def test_first_load_counts_and_stores_everything(warehouse: Path) -> None:
    assert _first_run(warehouse) == LoadResult(posts_new=2, posts_updated=0, sightings=2)
    tables = dump(warehouse)
    assert len(tables["posts"]) == 2
    assert len(tables["pages"]) == 2
    assert len(tables["rejections"]) == 1
    assert _query(warehouse, "SELECT posts_new, rejections, status FROM crawl_runs") == [
        (2, 1, "succeeded")
    ]


def test_loading_the_same_run_twice_changes_nothing(warehouse: Path) -> None:
    _first_run(warehouse)
    before = dump(warehouse)
    assert _first_run(warehouse) == LoadResult(posts_new=0, posts_updated=0, sightings=2)
    assert dump(warehouse) == before


def _bad_rejection(path: Path) -> None:
    load_run(
        path,
        run=run_record("r2", started_at=at(24)),
        posts=[post_row("c", "r2"), post_row("a", "r2", title="Changed", seen_at=at(24))],
        pages=[page_row("https://jobloggs.example/news/", "r2")],
        rejections=[
            rejection("https://jobloggs.example/y", "r2"),
            rejection("https://jobloggs.example/z", "r2", reason=None),
        ],
    )


def _bad_page(path: Path) -> None:
    pages = [page_row("https://jobloggs.example/ok", "r2"), page_row("u", "r2", role="bogus")]
    load_run(path, run=run_record("r2"), posts=[post_row("c", "r2")], pages=pages)


def _bad_post(path: Path) -> None:
    posts = [post_row("c", "r2"), post_row("d", "r2", kind="blog")]
    load_run(path, run=run_record("r2"), posts=posts)


def _bad_status(path: Path) -> None:
    load_run(path, run=run_record("r2", status="sort-of"), posts=[post_row("c", "r2")])


@pytest.mark.parametrize("failing_load", [_bad_rejection, _bad_page, _bad_post, _bad_status])
def test_a_load_failing_midway_leaves_the_warehouse_unchanged(
    warehouse: Path, failing_load: Any
) -> None:
    _first_run(warehouse)
    before = dump(warehouse)
    published_inode = os.stat(warehouse).st_ino
    with pytest.raises(WarehouseError, match=r"run 'r2'.*nothing was changed"):
        failing_load(warehouse)
    assert dump(warehouse) == before
    assert os.stat(warehouse).st_ino == published_inode  # nothing was published
    assert dump(working_path(warehouse)) == before  # the loader's own file too


def test_a_value_of_the_wrong_type_is_refused_before_writing(warehouse: Path) -> None:
    _first_run(warehouse)
    before = dump(warehouse)
    bad = post_row("c", "r2", published_date="yesterday")
    with pytest.raises(WarehouseError, match=r"posts\.published_date"):
        load_run(warehouse, run=run_record("r2"), posts=[bad])
    assert dump(warehouse) == before


@pytest.mark.parametrize("categories", [None, "housing", ("ok", 3)])
def test_bad_categories_are_refused(warehouse: Path, categories: Any) -> None:
    with pytest.raises(WarehouseError, match="categories"):
        load_run(warehouse, run=run_record(), posts=[post_row("a", categories=categories)])
    assert dump(warehouse)["posts"] == []


def test_rows_of_another_run_are_refused(warehouse: Path) -> None:
    with pytest.raises(WarehouseError, match="belongs to run 'r9'"):
        load_run(warehouse, run=run_record("r1"), posts=[post_row("a", "r9")])
    with pytest.raises(WarehouseError, match="other-source"):
        load_run(warehouse, run=run_record("r1"), pages=[page_row("u", source="other-source")])


def test_a_later_run_updates_last_seen_and_content_but_keeps_first_seen(warehouse: Path) -> None:
    _first_run(warehouse)
    changed = post_row(
        "a", "r2", title="New title", categories=("nhs",), seen_at=at(24), content_hash="hash-a2"
    )
    result = load_run(
        warehouse,
        run=run_record("r2", started_at=at(24)),
        posts=[changed, post_row("b", "r2", seen_at=at(24))],
    )
    assert result == LoadResult(posts_new=0, posts_updated=1, sightings=2)
    rows = _query(
        warehouse,
        "SELECT post_id, title, categories, first_seen_at, last_seen_at, last_run_id "
        "FROM posts ORDER BY post_id",
    )
    assert rows == [
        ("a", "New title", ["nhs"], at(0.5), at(24), "r2"),
        ("b", "Title b", ["housing", "local"], at(0.5), at(24), "r2"),
    ]
    sightings = _query(
        warehouse, "SELECT first_seen_at, last_seen_at, last_run_id FROM post_sightings"
    )
    assert set(sightings) == {(at(0.5), at(24), "r2")}


def test_reloading_an_older_run_does_not_roll_posts_back(warehouse: Path) -> None:
    _first_run(warehouse)
    load_run(
        warehouse, run=run_record("r2"), posts=[post_row("a", "r2", title="New", seen_at=at(24))]
    )
    assert _first_run(warehouse).posts_updated == 0
    assert _query(warehouse, "SELECT title, last_run_id FROM posts WHERE post_id = 'a'") == [
        ("New", "r2")
    ]


def test_crawl_runs_posts_new_counts_posts_first_seen_in_that_run(warehouse: Path) -> None:
    _first_run(warehouse)
    second = [post_row("a", "r2", seen_at=at(24)), post_row("c", "r2", seen_at=at(24))]
    load_run(warehouse, run=run_record("r2", started_at=at(24)), posts=second)
    load_run(warehouse, run=run_record("r2", started_at=at(24)), posts=second)
    rows = _query(warehouse, "SELECT run_id, posts_new FROM crawl_runs ORDER BY run_id")
    assert rows == [("r1", 2), ("r2", 1)]


def test_a_duplicate_group_keeps_one_post_and_every_sighting(warehouse: Path) -> None:
    listing = "https://jobloggs.example/news/"
    copies = [
        post_row("a"),
        post_row(
            "a", url="https://jobloggs.example/2024/04/a", title="Other copy", page_url=listing
        ),
        post_row("a", page_url=listing, seen_at=at(0.2)),
    ]
    result = load_run(warehouse, run=run_record(), posts=copies)
    assert result == LoadResult(posts_new=1, posts_updated=0, sightings=2)
    assert _query(warehouse, "SELECT title, first_seen_at FROM posts") == [("Title a", at(0.2))]
    sightings = _query(warehouse, "SELECT url, page_url FROM post_sightings ORDER BY url")
    assert sightings == [
        ("https://jobloggs.example/2024/04/a", listing),
        ("https://jobloggs.example/news/a", "https://jobloggs.example/news/a"),
    ]


def test_reprocessing_a_run_replaces_its_pages_and_rejections(warehouse: Path) -> None:
    _first_run(warehouse)
    load_run(warehouse, run=run_record("r1"), posts=[post_row("a"), post_row("b")])
    assert _query(warehouse, "SELECT count(*) FROM rejections") == [(0,)]
    assert _query(warehouse, "SELECT count(*) FROM pages") == [(0,)]
    assert _query(warehouse, "SELECT rejections FROM crawl_runs") == [(0,)]


@pytest.mark.parametrize(
    "categories", [(), ("housing",), ("Santé", "NHS & care", "a,b", "x" * 500), ("dup", "dup")]
)
def test_categories_round_trip_as_a_varchar_list(
    warehouse: Path, categories: tuple[str, ...]
) -> None:
    load_run(warehouse, run=run_record(), posts=[post_row("a", categories=categories)])
    rows = _query(warehouse, "SELECT categories, typeof(categories) FROM posts")
    assert rows == [(list(categories), "VARCHAR[]")]


def test_fields_round_trip(warehouse: Path) -> None:
    row = post_row("a", updated_at=at(3), published_date=date(2023, 12, 31), author=None, mp=None)
    load_run(warehouse, run=run_record(), posts=[row])
    stored = _query(
        warehouse,
        "SELECT url, source, kind, title, author, published_date, date_source, updated_at, "
        "body, mp, content_hash FROM posts",
    )
    assert stored == [
        (
            row.url,
            row.source,
            row.kind,
            row.title,
            None,
            date(2023, 12, 31),
            "meta",
            at(3),
            row.body,
            None,
            row.content_hash,
        )
    ]


def test_record_run_stores_a_failed_source_and_keeps_its_rows(warehouse: Path) -> None:
    _first_run(warehouse)
    failed = run_record("r1", status="failed", error="connection refused", posts_found=0)
    record_run(warehouse, failed)
    record_run(warehouse, failed)
    rows = _query(warehouse, "SELECT status, error, posts_new, rejections FROM crawl_runs")
    assert rows == [("failed", "connection refused", 2, 1)]
    assert _query(warehouse, "SELECT count(*) FROM posts") == [(2,)]


def test_record_run_with_a_bad_status_is_refused(warehouse: Path) -> None:
    with pytest.raises(WarehouseError, match="nothing was changed"):
        record_run(warehouse, replace(run_record(), status="maybe"))
    assert _query(warehouse, "SELECT count(*) FROM crawl_runs") == [(0,)]


def test_finalised_posts_and_page_records_load_as_they_are(warehouse: Path) -> None:
    post = Post(
        url="https://jobloggs.example/news/a",
        source="jo-bloggs",
        title="A",
        body="One.\n\nTwo.",
        fetched_at=at(0.5),
        page_url="https://jobloggs.example/news/",
        categories=("nhs",),
        run_id="r1",
        post_id="id-a",
        kind="mp_site",
        mp="Jo Bloggs",
        updated_at=date(2024, 4, 3),
        content_hash="h",
    )
    result = load_run(warehouse, run=run_record(), posts=[post])
    assert result == LoadResult(posts_new=1, posts_updated=0, sightings=1)
    rows = _query(warehouse, "SELECT post_id, kind, mp, updated_at, categories FROM posts")
    assert rows == [("id-a", "mp_site", "Jo Bloggs", datetime(2024, 4, 3, tzinfo=UTC), ["nhs"])]


def test_a_post_without_an_id_is_refused(warehouse: Path) -> None:
    with pytest.raises(WarehouseError, match="has no post_id"):
        load_run(warehouse, run=run_record(), posts=[post_row("")])


def test_a_crawl_cut_short_by_its_budget_is_recorded(warehouse: Path) -> None:
    run = run_record("r1", budget_hit=True, pages_over_budget=412, max_pages=2000)
    load_run(warehouse, run=run, posts=[post_row("a")])
    record_run(warehouse, run_record("r2", started_at=at(24), max_pages=20000))
    rows = _query(
        warehouse,
        "SELECT run_id, budget_hit, pages_over_budget, max_pages FROM crawl_runs ORDER BY run_id",
    )
    assert rows == [("r1", True, 412, 2000), ("r2", False, 0, 20000)]


def test_the_budgets_a_crawl_trap_hit_are_recorded(warehouse: Path) -> None:
    trapped = run_record(
        "r1",
        budget_hit=True,
        pages_over_budget=3,
        budgets_hit=("max_query_variants", "max_depth"),
        budget_examples=("max_query_variants: example.org/events?month=*",),
        max_depth=500,
        max_query_variants=50,
    )
    load_run(warehouse, run=trapped, posts=[post_row("a")])
    load_run(warehouse, run=trapped, posts=[post_row("a")])  # twice: nothing changes
    record_run(warehouse, run_record("r2", started_at=at(24)))
    rows = _query(
        warehouse,
        "SELECT run_id, budget_hit, budgets_hit, budget_examples, max_depth, max_query_variants "
        "FROM crawl_runs ORDER BY run_id",
    )
    assert rows == [
        (
            "r1",
            True,
            ["max_query_variants", "max_depth"],
            ["max_query_variants: example.org/events?month=*"],
            500,
            50,
        ),
        ("r2", False, [], [], None, None),
    ]
