"""Crawl traps, one source each in one real crawl (``trap_crawl``): an endless calendar,
session ids in every link, ever-deeper pagination, a listing linking to itself with a new query
string. Each crawl stays bounded, ends ``succeeded``, keeps its real posts, and ``crawl_runs``
plus a ``crawl_budget_hit`` alert say which budget stopped it and at what URL shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_sites import post_path
from trap_crawl import MAX_DEPTH, MAX_QUERY_VARIANTS, TrapRun, trap_run


@pytest.fixture(scope="module")
def traps(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[TrapRun]:
    yield trap_run(tmp_path_factory)


def _titles(run: TrapRun, source: str) -> list[str]:
    rows = run.query("SELECT title FROM posts WHERE source = ? ORDER BY title", [source])
    return [title for (title,) in rows]


def _assert_budget_reported(run: TrapRun, source: str, budget: str, shape: str) -> None:
    """The run succeeded; crawl_runs, the stats and one alert name ``budget`` and ``shape``."""
    row = run.run_row(source)
    assert (row["status"], row["error"], row["budget_hit"]) == ("succeeded", None, True)
    assert row["budgets_hit"] == [budget]
    assert any(e.endswith(shape) for e in row["budget_examples"]), row["budget_examples"]
    assert row["pages_over_budget"] >= 1
    assert (row["max_depth"], row["max_query_variants"]) == (MAX_DEPTH, MAX_QUERY_VARIANTS)
    assert run.stats(source)["budgets_hit"] == [budget]
    [alert] = run.alerts_for(source)
    assert alert["check"] == "crawl_budget_hit"
    assert f"{budget}=" in alert["reason"] and shape in alert["reason"]
    [(check, message)] = run.query(
        "SELECT \"check\", message FROM alerts WHERE source = ? AND state = 'firing'", [source]
    )
    assert check == "crawl_budget_hit" and shape in message


def test_an_endless_calendar_stops_at_the_query_variant_budget(traps: TrapRun) -> None:
    asked = traps.asked["endless-calendar"]
    months = [p for p in asked if p.startswith("/events?month=")]
    assert len(months) == MAX_QUERY_VARIANTS == len(set(months))
    assert len(asked) <= MAX_QUERY_VARIANTS + 4  # robots.txt, /news, the post
    assert _titles(traps, "endless-calendar") == ["Spring fair on the green"]
    _assert_budget_reported(traps, "endless-calendar", "max_query_variants", "/events?month=*")


def test_session_ids_collapse_to_one_url_and_an_unknown_token_is_bounded(traps: TrapRun) -> None:
    asked = traps.asked["session-ids"]
    assert not [p for p in asked if any(s in p for s in ("jsessionid", "sid=", "SESSID", "utm_"))]
    assert asked.count(post_path("surgery-dates")) == 1
    assert asked.count(post_path("bus-route")) == 1
    assert asked.count("/news") == 1  # its PHPSESSID/utm_ self-links are the same URL
    assert len([p for p in asked if p.startswith("/news?visit=")]) == MAX_QUERY_VARIANTS
    assert len(asked) <= MAX_QUERY_VARIANTS + 5
    urls = traps.query("SELECT url FROM posts WHERE source = 'session-ids' ORDER BY url")
    assert [u.rsplit("/", 1)[1] for (u,) in urls] == ["bus-route", "surgery-dates"]
    assert _titles(traps, "session-ids") == [
        "Surgery dates for June",
        "The number 12 bus route is saved",
    ]
    _assert_budget_reported(traps, "session-ids", "max_query_variants", "/news?visit=*")


def test_ever_deeper_pagination_stops_at_the_depth_budget(traps: TrapRun) -> None:
    asked = traps.asked["deep-pagination"]
    pages = [p for p in asked if p.startswith("/news/")]
    assert len(pages) == MAX_DEPTH + 1  # /news/ at depth 0, then one page per hop
    assert max(p.count("/page/") for p in pages) == MAX_DEPTH
    assert len(asked) <= MAX_DEPTH + 5
    assert _titles(traps, "deep-pagination") == ["A post on the first page"]
    shape = "/news/" + "page/N/" * (MAX_DEPTH + 1)  # the first link one hop too deep
    _assert_budget_reported(traps, "deep-pagination", "max_depth", shape)


def test_a_listing_linking_to_itself_with_new_queries_is_bounded(traps: TrapRun) -> None:
    asked = traps.asked["self-linking"]
    assert len([p for p in asked if p.startswith("/news?ref=")]) == MAX_QUERY_VARIANTS
    assert asked.count(post_path("library")) == 1
    assert len(asked) <= MAX_QUERY_VARIANTS + 4
    assert _titles(traps, "self-linking") == ["The library stays open"]
    _assert_budget_reported(traps, "self-linking", "max_query_variants", "/news?ref=*")
