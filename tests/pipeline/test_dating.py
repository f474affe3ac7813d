"""Dating step: formats, sources, reconciliation traps and round-trip properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.dating import DateCandidate, find_date, find_date_candidates, parse_date_text

TODAY = date(2024, 6, 1)
URL = "https://www.example.org.uk/news/a-post"


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>t</title>{head}</head><body>{body}</body></html>"


def _jsonld(script: str) -> str:
    return f'<script type="application/ld+json">{script}</script>'


def _listing(text: str) -> DateCandidate:
    value = parse_date_text(text)
    assert value is not None
    return DateCandidate(value, "listing", text)


# -- formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/2/2020", date(2020, 2, 25)),
        ("5/2/2020", date(2020, 2, 5)),
        ("3/1/2020", date(2020, 1, 3)),
        ("05.02.2020", date(2020, 2, 5)),
        ("5-2-2020", date(2020, 2, 5)),
        ("2020-02-05", date(2020, 2, 5)),
        ("2020/02/05", date(2020, 2, 5)),
        ("5 February 2020", date(2020, 2, 5)),
        ("Feb 5, 2020", date(2020, 2, 5)),
        ("February 5th, 2020", date(2020, 2, 5)),
        ("Wednesday 5th February 2020", date(2020, 2, 5)),
        ("05/02/20", date(2020, 2, 5)),
        ("Monday 27 January 2020 08:46 GMT", date(2020, 1, 27)),
        ("Mon, 27 Jan 2020 08:46:00 +0000", date(2020, 1, 27)),
        ("2020-02-05T10:11:12+01:00", date(2020, 2, 5)),
        ("Posted on 5 Feb 2020 by the office", date(2020, 2, 5)),
        ("2/13/2020", date(2020, 2, 13)),  # unambiguous: 13 cannot be a month
        ("5. März 2020", date(2020, 3, 5)),
    ],
)
def test_parse_date_text_formats(text: str, expected: date) -> None:
    assert parse_date_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["32/13/2020", "13/13/2020", "29/2/2021", "31 June 2020", "2020-13-01", "", "news", "12:30"],
)
def test_invalid_dates_are_none(text: str) -> None:
    assert parse_date_text(text) is None


def test_en_us_is_month_first_and_swaps_only_when_unambiguous() -> None:
    assert parse_date_text("5/2/2020", "en-US") == date(2020, 5, 2)
    assert parse_date_text("25/2/2020", "en-US") == date(2020, 2, 25)


# -- sources ------------------------------------------------------------------------------------


def test_weebly_visible_date_is_day_first() -> None:
    body = (
        '<h2 class="blog-title">Liz McInnes</h2>'
        '<p class="blog-date"><span class="date-text">5/2/2020</span></p>'
    )
    choice = find_date(_page(body=body), URL, today=TODAY)
    assert choice is not None and (choice.date, choice.source) == (date(2020, 2, 5), "visible")


def test_wordpress_date_only_in_metadata() -> None:
    head = (
        '<meta property="article:published_time" content="2017-05-18T10:12:33+01:00">'
        '<meta property="article:modified_time" content="2017-06-01T09:00:00+01:00">'
    )
    choice = find_date(
        _page(head, "<h1>Heidi Alexander – virtual hustings</h1><p>Text</p>"), URL, today=TODAY
    )
    assert choice is not None and (choice.date, choice.source) == (date(2017, 5, 18), "meta")
    assert choice.updated_at == datetime(2017, 6, 1, 8, 0, tzinfo=UTC)


def test_independent_visible_and_jsonld_agree_with_high_confidence() -> None:
    head = _jsonld('{"@type":"NewsArticle","datePublished":"2020-01-27T08:46:00.000Z"}')
    body = (
        '<h1>Rosena Allin-Khan</h1><div class="byline">Lizzy Buchan</div>'
        '<time class="publish-date">Monday 27 January 2020 08:46 GMT</time>'
    )
    choice = find_date(
        _page(head, body),
        "https://www.independent.co.uk/news/uk/politics/x-a9303436.html",
        today=TODAY,
    )
    assert choice is not None and choice.date == date(2020, 1, 27)
    assert choice.confidence >= 0.9 and not choice.conflicts
    assert {c.source for c in choice.candidates} >= {"jsonld", "visible"}


def test_time_element_and_naive_time_read_as_london() -> None:
    body = (
        '<article><time datetime="2020-06-30T23:30:00" class="entry-date">30 June</time></article>'
    )
    [cand] = [c for c in find_date_candidates(_page(body=body), URL) if c.source == "time"]
    assert cand.value == date(2020, 6, 30)
    assert cand.at == datetime(2020, 6, 30, 22, 30, tzinfo=UTC)


def test_utc_stamp_reports_the_london_date() -> None:
    head = '<meta property="article:published_time" content="2020-06-30T23:30:00Z">'
    choice = find_date(_page(head), URL, today=TODAY)
    assert choice is not None and choice.date == date(2020, 7, 1)


def test_utc_stamp_yields_to_a_pinned_local_date() -> None:
    head = _jsonld('{"@type":"NewsArticle","datePublished":"2023-11-09T03:28:35Z"}')
    choice = find_date(_page(head), "https://nypost.com/2023/11/08/news/x/", today=TODAY)
    assert choice is not None and choice.date == date(2023, 11, 8) and not choice.conflicts


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            '{"@graph":[{"@type":"WebSite"},{"@type":"BlogPosting","datePublished":"2020-02-05"}]}',
            date(2020, 2, 5),
        ),
        ('[{"@type":"Article","dateCreated":"2020-02-05T09:00:00+00:00"}]', date(2020, 2, 5)),
        ('{"@type":"Article","datePublished":"2020-02-05",}', date(2020, 2, 5)),
        (
            '{"@type":"Article", "headline": "broken "quote", "datePublished": "2020-02-05"',
            date(2020, 2, 5),
        ),
    ],
)
def test_jsonld_graph_lists_and_broken_json(script: str, expected: date) -> None:
    html = _page(_jsonld(script))
    assert [c.value for c in find_date_candidates(html, URL) if c.source == "jsonld"] == [expected]


@pytest.mark.parametrize(
    "head",
    [
        '<meta name="DC.date" content="2020-02-05">',
        '<meta name="pubdate" content="2020-02-05T10:00:00Z">',
        '<meta name="sailthru.date" content="2020-02-05 10:00:00">',
        '<meta name="parsely-pub-date" content="2020-02-05T10:00:00Z">',
        '<meta property="og:article:published_time" content="2020-02-05T10:00:00+00:00">',
    ],
)
def test_meta_keys(head: str) -> None:
    assert [c.value for c in find_date_candidates(_page(head), URL)] == [date(2020, 2, 5)]


def test_url_dates() -> None:
    day = find_date(_page(body="<p>hi</p>"), "https://x.org.uk/2020/02/05/post/", today=TODAY)
    assert day is not None and (day.date, day.source) == (date(2020, 2, 5), "url")
    [month] = find_date_candidates(_page(), "https://x.org.uk/2020/02/post/")
    assert (month.value, month.raw) == (date(2020, 2, 1), "2020/02")
    assert find_date(_page(body="<p>hi</p>"), "https://x.org.uk/2020/02/post/", today=TODAY) is None


def test_url_does_not_override_metadata() -> None:
    head = '<meta property="article:published_time" content="2020-03-01T10:00:00+00:00">'
    choice = find_date(_page(head), "https://x.org.uk/2019/12/05/post/", today=TODAY)
    assert choice is not None and choice.date == date(2020, 3, 1)
    assert [c.source for c in choice.conflicts] == ["url"]


def test_htmldate_is_the_low_confidence_fallback() -> None:
    body = "<article><p>Some text here</p><p>Posted 2020-02-05 in news</p></article>"
    choice = find_date(_page(body=body), URL, today=TODAY)
    assert choice is not None and (choice.date, choice.source) == (date(2020, 2, 5), "htmldate")
    assert choice.confidence <= 0.5


def test_future_and_pre_1990_candidates_are_discarded() -> None:
    head = (
        '<meta property="article:published_time" content="2030-01-01T10:00:00Z">'
        '<meta name="DC.date" content="1985-01-01">'
    )
    choice = find_date(_page(head), "https://x.org.uk/2020/02/05/post/", today=TODAY)
    assert choice is not None and choice.date == date(2020, 2, 5)
    assert all(date(1990, 1, 1) <= c.value <= TODAY for c in choice.candidates)


# -- reconciliation -----------------------------------------------------------------------------


def test_listing_and_metadata_agree() -> None:
    head = '<meta property="article:published_time" content="2020-02-25T10:00:00+00:00">'
    choice = find_date(_page(head), URL, hints=[_listing("25/2/2020")], today=TODAY)
    assert choice is not None and (choice.date, choice.source) == (date(2020, 2, 25), "listing")
    assert choice.confidence >= 0.9 and not choice.conflicts


def test_listing_disagreeing_with_timed_metadata_loses_and_is_recorded() -> None:
    head = '<meta property="article:published_time" content="2020-02-27T10:00:00+00:00">'
    hint = _listing("25/2/2020")
    choice = find_date(_page(head), URL, hints=[hint], today=TODAY)
    assert choice is not None and choice.date == date(2020, 2, 27)
    assert choice.conflicts == (hint,) and choice.confidence < 0.9


def test_day_month_swap_trusts_the_day_first_listing() -> None:
    head = '<meta property="article:published_time" content="2020-05-02T10:00:00+00:00">'
    choice = find_date(_page(head), URL, hints=[_listing("5/2/2020")], today=TODAY)
    assert choice is not None and choice.date == date(2020, 2, 5)


def test_feed_hint_alone() -> None:
    choice = find_date(
        _page(),
        URL,
        hints=[DateCandidate(date(2020, 2, 5), "feed", "Wed, 05 Feb 2020")],
        today=TODAY,
    )
    assert choice is not None and (choice.date, choice.source) == (date(2020, 2, 5), "feed")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<<<>>>",
        "\x00\x01",
        b"<html><body>caf\xe9</body></html>",
        "<?xml version='1.0' encoding='utf-8'?><html/>",
    ],
)
def test_broken_pages_never_raise(html: str | bytes) -> None:
    assert find_date(html, "", today=TODAY) is None


def test_accepts_a_parsed_tree() -> None:
    tree = lxml.html.document_fromstring(_page('<meta name="DC.date" content="2020-02-05">'))
    choice = find_date(tree, URL, today=TODAY)
    assert choice is not None and choice.date == date(2020, 2, 5)


# -- properties ---------------------------------------------------------------------------------


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


RENDERERS: list[Callable[[date], str]] = [
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: f"{d.day}-{d.month}-{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{d.isoformat()}T12:30:00+01:00",
    lambda d: f"{d.isoformat()}T12:30:00",
    lambda d: f"{d.day} {d.strftime('%B')} {d.year}",
    lambda d: f"{d.strftime('%b')} {d.day}, {d.year}",
    lambda d: f"{d.strftime('%A')} {_ordinal(d.day)} {d.strftime('%B')} {d.year}",
    lambda d: f"{d.strftime('%a')}, {d.day:02d} {d.strftime('%b')} {d.year} 12:30:00 +0000",
]


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(RENDERERS))
def test_every_rendering_round_trips(value: date, render: Callable[[date], str]) -> None:
    assert parse_date_text(render(value), "en-GB") == value


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31)))
def test_two_digit_years_round_trip(value: date) -> None:
    assert parse_date_text(value.strftime("%d/%m/%y"), "en-GB") == value


@given(st.integers(1, 12), st.integers(1, 12), st.integers(1000, 9999))
def test_day_first_is_never_silently_swapped(day: int, month: int, year: int) -> None:
    parsed = parse_date_text(f"{day}/{month}/{year}", "en-GB")
    assert parsed is not None and (parsed.day, parsed.month) == (day, month)


@given(st.text(max_size=300))
def test_garbage_never_raises(text: str) -> None:
    parse_date_text(text)
    parse_date_text(text, "en-US")
    find_date(text, text, today=TODAY)


@given(st.lists(st.tuples(st.dates(), st.sampled_from(["listing", "feed"])), max_size=4))
def test_confidence_is_a_probability(hints: list[tuple[date, str]]) -> None:
    choice = find_date(
        _page(), URL, hints=[DateCandidate(d, s, d.isoformat()) for d, s in hints], today=TODAY
    )
    assert choice is None or 0.0 <= choice.confidence <= 1.0


def test_placeholder_year_one_timestamp_does_not_cost_the_real_date() -> None:
    """A CMS placeholder ``0001-01-01T00:00:00Z`` in JSON-LD is dropped, not fatal."""
    html = (
        '<html><head><script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}'
        "</script></head><body><article><h1>A story</h1><p>Text.</p></article></body></html>"
    )
    choice = find_date(html, "https://news.example.com/story/2019/11/19/a-story/")
    assert choice is not None and choice.date == date(2019, 11, 19)
