"""The MP registry in the warehouse (m014, m015): the mps table, post_mps.member_id, views."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from wh_builders import post_row, run_record

from mpnews.house.members import Mp
from warehouse.load import load_run
from warehouse.registry import sync_mps
from warehouse.snapshot import reader, writer


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with reader(warehouse) as con:
        return con.execute(sql).fetchall()


def test_every_load_carries_the_packaged_registry(warehouse: Path) -> None:
    with writer(warehouse):
        pass
    sitting, total, ids = _rows(
        warehouse, "SELECT count(*) FILTER (sitting), count(*), count(member_id) FROM mps"
    )[0]
    assert sitting == 650 and total > 650 and ids >= 655
    rosena = _rows(
        warehouse,
        "SELECT member_id, constituency, party, honorifics, site FROM mps "
        "WHERE name = 'Rosena Allin-Khan'",
    )
    assert rosena == [(4573, "Tooting", "Labour", ["Dr"], "own")]


def test_post_mps_rows_carry_member_id(warehouse: Path) -> None:
    mps = (
        ("Rosena Allin-Khan", "author"),
        ("Rosena Allin Khan", "mentioned"),
        ("Nobody", "mentioned"),
    )
    load_run(warehouse, run=run_record(), posts=[post_row("a", mps=mps)])
    rows = _rows(warehouse, "SELECT mp, member_id FROM post_mps ORDER BY mp")
    assert rows == [("Nobody", None), ("Rosena Allin Khan", 4573), ("Rosena Allin-Khan", 4573)]


def test_registry_sync_replaces_rows_and_backfills_member_ids(warehouse: Path) -> None:
    load_run(warehouse, run=run_record(), posts=[post_row("a", mps=(("Ann Example", "author"),))])
    assert _rows(warehouse, "SELECT member_id FROM post_mps") == [(None,)]
    ann = Mp("Ann Example", "Testshire", "Green", member_id=9001, sat_from=date(2024, 7, 4))
    with writer(warehouse) as con:
        sync_mps(con, [ann])
    assert _rows(warehouse, "SELECT member_id, name, sitting, sat_from FROM mps") == [
        (9001, "Ann Example", True, date(2024, 7, 4))
    ]
    assert _rows(warehouse, "SELECT member_id FROM post_mps") == [(9001,)]


def test_party_month_and_never_posting_views(warehouse: Path) -> None:
    posts = [
        post_row("a", mp="Rosena Allin-Khan", published_date=date(2020, 2, 5),
                 mps=(("Rosena Allin-Khan", "author"),)),
        post_row("b", mp="Rosena Allin-Khan", published_date=date(2020, 2, 9),
                 mps=(("Rosena Allin-Khan", "author"), ("Keir Starmer", "mentioned"))),
        post_row("c", mp="Kemi Badenoch", published_date=date(2020, 3, 1),
                 mps=(("Kemi Badenoch", "author"),)),
    ]  # fmt: skip
    load_run(warehouse, run=run_record(), posts=posts)
    assert _rows(warehouse, "SELECT party, month, posts, mps FROM posts_per_party_month") == [
        ("Labour", date(2020, 2, 1), 2, 1),
        ("Conservative", date(2020, 3, 1), 1, 1),
    ]
    never = _rows(warehouse, "SELECT name, mentions FROM mps_without_posts")
    names = dict(never)
    assert len(never) == 648
    assert "Rosena Allin-Khan" not in names and "Kemi Badenoch" not in names
    assert names["Keir Starmer"] == 1 and names["Stephen Kinnock"] == 0
