"""The URL canonicaliser against crawl traps: session ids are noise, and ``url_pattern`` gives
the shape the crawl budgets count variants of."""

from __future__ import annotations

import pytest

from pipeline.urls import canonical_url, strip_tracking, url_key, url_pattern

PAGE = "https://www.jobloggs.example/news/flood-defences"


@pytest.mark.parametrize(
    "spelling",
    [
        f"{PAGE};jsessionid=0A1B2C3D4E5F",
        f"{PAGE};JSESSIONID=abc.node1?utm_source=mail",
        f"{PAGE}?sid=8f14e45fceea167a5a36dedd4bea2543",
        f"{PAGE}?PHPSESSID=q3v7l0d2&utm_medium=email&utm_campaign=may",
        f"{PAGE}?sessionid=1&fbclid=IwAR0",
    ],
)
def test_session_ids_and_tracking_collapse_to_one_url(spelling: str) -> None:
    assert canonical_url(spelling) == PAGE
    assert url_key(spelling) == url_key(PAGE)
    assert strip_tracking(spelling) == PAGE


def test_real_parameters_stay() -> None:
    url = f"{PAGE};jsessionid=XYZ?page=2&PHPSESSID=abc&ref=home"
    assert strip_tracking(url) == f"{PAGE}?page=2&ref=home"
    assert canonical_url(url) == f"{PAGE}?page=2&ref=home"


@pytest.mark.parametrize(
    ("url", "pattern"),
    [
        ("http://h.example/events?month=2020-01", "h.example/events?month=*"),
        ("http://h.example/events?month=2031-12&sid=77", "h.example/events?month=*"),
        ("https://H.example:8443/news/page/12/", "h.example:8443/news/page/N/"),
        ("http://h.example/news?ref=123&b=1&a=", "h.example/news?a=*&b=*&ref=*"),
        ("http://h.example/2024/05/02/a-post", "h.example/N/N/N/a-post"),
    ],
)
def test_url_pattern_replaces_digits_and_drops_query_values(url: str, pattern: str) -> None:
    assert url_pattern(url) == pattern


def test_variants_of_one_calendar_share_a_pattern() -> None:
    months = {f"http://h.example/events?month={y}-{m:02d}" for y in (2020, 2021) for m in (1, 7)}
    assert len({url_key(u) for u in months}) == 4
    assert {url_pattern(u) for u in months} == {"h.example/events?month=*"}
