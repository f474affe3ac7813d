"""Pages that lie, one source each in one real crawl (conftest ``fault_run``): mislabelled
encodings, robots.txt rules, impossible dates. The post is kept, read right; only what is
false is dropped, and said so."""

from __future__ import annotations

from fault_crawl import ENCODED_TEXT, ENCODED_TITLE, FaultRun
from fault_sites import post_path


def test_mislabelled_encodings_are_read_as_written(fault_run: FaultRun) -> None:
    rows = fault_run.query(
        "SELECT title, body FROM posts WHERE source = 'encodings' ORDER BY title"
    )
    assert [title for title, _ in rows] == [f"{ENCODED_TITLE} ({n})" for n in (1, 2, 3)]
    for _, body in rows:
        assert ENCODED_TEXT in body
        assert "\ufffd" not in body and "\u00c3" not in body and "\u00e2\u20ac" not in body


def test_robots_rules_are_obeyed_and_counted(fault_run: FaultRun) -> None:
    assert fault_run.asked("robots", "/robots.txt") == 1
    assert fault_run.asked("robots", post_path("private-x")) == 0
    assert fault_run.stats("robots")["robots_blocked"] == 1
    assert fault_run.titles("robots") == ["Open to all"]


def test_an_impossible_date_costs_the_date_not_the_post_and_says_why(
    fault_run: FaultRun,
) -> None:
    rows = fault_run.query(
        "SELECT title, published_date, date_source, date_error FROM posts "
        "WHERE source = 'impossible-dates' ORDER BY title"
    )
    assert rows == [
        ("Dated the 31st of April", None, None, "no valid date: 31/04/2021"),
        ("Dated the 32nd of the 13th", None, None, "no valid date: 32/13/2020"),
    ]
