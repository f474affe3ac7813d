"""Topics, date confidence and post_mps (m006) and the duplicate index (m007) in the warehouse."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from wh_builders import at, post_row, run_record

from warehouse.load import load_run
from warehouse.snapshot import reader, writer

ARTICLE = " ".join(
    f"Paragraph {i} of the article says the council will spend more on housing repairs "
    f"in ward {i} and publish a plan."
    for i in range(12)
)


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with reader(warehouse) as con:
        return con.execute(sql).fetchall()


def _post(post_id: str, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "topics": ("housing", "local-government"),
        "date_confidence": 0.9,
        "mps": (("Jo Bloggs", "author"), ("Ann Other", "mentioned")),
    }
    return post_row(post_id, **(fields | changes))


def test_topics_confidence_and_mps_loaded(warehouse: Path) -> None:
    load_run(warehouse, run=run_record(), posts=[_post("a"), post_row("b")])
    posts = _rows(warehouse, "SELECT post_id, topics, date_confidence FROM posts ORDER BY 1")
    assert posts == [("a", ["housing", "local-government"], 0.9), ("b", [], None)]
    mps = _rows(warehouse, "SELECT post_id, mp, role FROM post_mps ORDER BY ALL")
    assert mps == [("a", "Ann Other", "mentioned"), ("a", "Jo Bloggs", "author")]


def test_load_twice_changes_nothing(warehouse: Path) -> None:
    for _ in range(2):
        load_run(warehouse, run=run_record(), posts=[_post("a"), _post("b")])
    for table in ("posts", "post_mps", "post_sightings", "post_fingerprints", "post_lsh_bands"):
        before = _rows(warehouse, f"SELECT * FROM {table} ORDER BY ALL")
        load_run(warehouse, run=run_record(), posts=[_post("a"), _post("b")])
        assert _rows(warehouse, f"SELECT * FROM {table} ORDER BY ALL") == before


def test_newer_content_replaces_mps_older_does_not(warehouse: Path) -> None:
    load_run(warehouse, run=run_record(), posts=[_post("a")])
    newer = _post("a", run_id="r2", seen_at=at(5), mps=(("Jo Bloggs", "author"),), topics=())
    load_run(warehouse, run=run_record("r2"), posts=[newer])
    assert _rows(warehouse, "SELECT mp, role FROM post_mps") == [("Jo Bloggs", "author")]
    assert _rows(warehouse, "SELECT topics FROM posts") == [([],)]
    older = _post("a", run_id="r0", seen_at=at(-5), mps=(("Someone Else", "mentioned"),))
    load_run(warehouse, run=run_record("r0"), posts=[older])
    assert _rows(warehouse, "SELECT mp, role FROM post_mps") == [("Jo Bloggs", "author")]


def test_copy_from_another_source_is_a_sighting_only(warehouse: Path) -> None:
    original = _post("orig", body=ARTICLE, kind="news_site", source="paper", title="Original")
    copy = _post("copy", body=f"My comment.\n\n{ARTICLE}", title="Shared", seen_at=at(2))
    load_run(warehouse, run=run_record(source="paper", kind="news_site"), posts=[original])
    load_run(warehouse, run=run_record(), posts=[copy])
    assert _rows(warehouse, "SELECT post_id, title, body FROM posts") == [
        ("orig", "Original", ARTICLE)
    ]
    sightings = _rows(warehouse, "SELECT post_id, url, source FROM post_sightings ORDER BY 3")
    assert [(s[0], s[2]) for s in sightings] == [("orig", "jo-bloggs"), ("orig", "paper")]
    assert _rows(warehouse, "SELECT last_seen_at FROM posts") == [(at(2),)]
    assert _rows(warehouse, "SELECT post_id, copy_id FROM post_copies") == [("orig", "copy")]


def test_earlier_original_loaded_later_takes_over(warehouse: Path) -> None:
    copy = _post("copy", body=f"My comment.\n\n{ARTICLE}", published_date=date(2024, 4, 3))
    original = _post("orig", body=ARTICLE, kind="news_site", source="paper", seen_at=at(3))
    load_run(warehouse, run=run_record(), posts=[copy])
    load_run(warehouse, run=run_record(source="paper", kind="news_site"), posts=[original])
    assert _rows(warehouse, "SELECT post_id, first_seen_at FROM posts") == [("orig", at(0.5))]
    sightings = _rows(warehouse, "SELECT post_id, source FROM post_sightings ORDER BY 2")
    assert sightings == [("orig", "jo-bloggs"), ("orig", "paper")]
    assert {r[0] for r in _rows(warehouse, "SELECT post_id FROM post_mps")} == {"orig"}
    load_run(warehouse, run=run_record("r2"), posts=[replace(copy, run_id="r2", seen_at=at(9))])
    assert _rows(warehouse, "SELECT post_id, last_seen_at FROM posts") == [("orig", at(9))]


def test_same_title_different_body_stays_two(warehouse: Path) -> None:
    a = _post("a", title="One title", body=ARTICLE)
    other = " ".join(f"Day {i}: volunteers planted trees along street {i}." for i in range(30))
    b = _post("b", title="One title", body=other)
    c = _post("c", title="One title", body="A completely different short post.")
    load_run(warehouse, run=run_record(), posts=[a, c])
    load_run(warehouse, run=run_record("r2"), posts=[replace(b, run_id="r2")])
    assert len(_rows(warehouse, "SELECT * FROM posts")) == 3


def test_posts_loaded_before_the_index_are_indexed(warehouse: Path) -> None:
    load_run(warehouse, run=run_record(), posts=[_post("orig", body=ARTICLE)])
    with writer(warehouse) as con:  # as if stored by an mpnews without the index
        con.execute("DELETE FROM post_fingerprints; DELETE FROM post_lsh_bands")
    copy = _post("copy", body=f"Shared.\n\n{ARTICLE}", source="other", seen_at=at(4))
    load_run(warehouse, run=run_record(source="other"), posts=[copy])
    assert _rows(warehouse, "SELECT post_id FROM posts") == [("orig",)]
