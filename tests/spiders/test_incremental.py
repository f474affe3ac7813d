"""Incremental crawling pieces: state file, archive index and re-read, conditional GETs,
skipped posts, and which archived runs a re-process reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from mpnews.config import Source
from pipeline.records import RawPage
from pipeline.warc import write_pages
from spiders.archive import ArchivedRun, select_runs
from spiders.incremental import (
    NOT_MODIFIED_FLAG,
    NOT_MODIFIED_META,
    ConditionalGetMiddleware,
    CrawlState,
    IndexEntry,
    UrlState,
    build_state,
    index_path,
    read_index,
    read_previous,
    read_state,
    write_state,
)
from spiders.mp_site import MpSiteSpider
from warehouse.crawlstate import UrlSeen

SITE = "https://mp.example"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
LISTING_HTML = b"<html><body><a href='/news/one'>One</a></body></html>"


def _page(
    url: str, status: int = 200, body: bytes = LISTING_HTML, role: str = "listing"
) -> RawPage:
    headers = (("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"{len(body)}"'))
    return RawPage(url, url, status, headers, body, NOW, "t", "r1", role)


@pytest.fixture
def archived(tmp_path: Path) -> Path:
    """A source's archive folder holding one run: a 404, then the listing and a post."""
    folder = tmp_path / "t"
    folder.mkdir()
    write_pages(
        folder / "r1.warc.gz",
        [
            _page(f"{SITE}/gone", 404, b"nope", "post"),
            _page(f"{SITE}/news"),
            _page(f"{SITE}/news/one", body=b"<p>post</p>", role="post"),
        ],
    )
    return folder


def _seen(url: str, role: str = "listing", status: int = 200, age_days: float = 1) -> UrlSeen:
    return UrlSeen(url, role, status, NOW - timedelta(days=age_days), "r1.warc.gz")


def test_state_file_round_trips(tmp_path: Path) -> None:
    states = [UrlState(f"{SITE}/news", "listing", 304, NOW, '"e"', None, "/a.warc.gz", 10)]
    assert read_state(write_state(tmp_path / "s.jsonl", states)) == states
    assert read_state(tmp_path / "missing.jsonl") == []


def test_index_is_rebuilt_from_the_warc_when_missing(archived: Path) -> None:
    entries = read_index(archived / "r1.warc.gz")
    assert not index_path(archived / "r1.warc.gz").exists()
    assert [(e.url.removeprefix(SITE), e.status) for e in entries] == [
        ("/gone", 404),
        ("/news", 200),
        ("/news/one", 200),
    ]
    assert entries[0].offset == 0 < entries[1].offset < entries[2].offset


def test_state_points_at_the_last_200_copy_which_reads_back(archived: Path) -> None:
    states = build_state([_seen(f"{SITE}/news"), _seen(f"{SITE}/unknown")], archived)
    listing, unknown = states
    assert listing.etag == f'"{len(LISTING_HTML)}"' and listing.readable
    assert not unknown.readable and unknown.etag is None
    previous = read_previous(listing)
    assert previous is not None
    url, headers, body = previous
    assert (url, body) == (f"{SITE}/news", LISTING_HTML)
    assert ("Content-Type", "text/html; charset=utf-8") in headers


def test_known_posts_are_fresh_until_recheck_days() -> None:
    state = CrawlState(
        [
            UrlState(f"{SITE}/new", "post", 200, NOW - timedelta(days=2)),
            UrlState(f"{SITE}/old", "post", 304, NOW - timedelta(days=9)),
            UrlState(f"{SITE}/broken", "post", 500, NOW - timedelta(days=1)),
            UrlState(f"{SITE}/news", "listing", 200, NOW - timedelta(days=1)),
        ]
    )
    assert state.is_fresh_post(f"{SITE}/new#comments", 7, NOW)
    assert not state.is_fresh_post(f"{SITE}/old", 7, NOW)
    assert state.is_fresh_post(f"{SITE}/old", 10, NOW)
    assert not state.is_fresh_post(f"{SITE}/broken", 7, NOW)
    assert not state.is_fresh_post(f"{SITE}/news", 7, NOW)
    assert not CrawlState(state._by_key.values(), recheck_all=True).is_fresh_post(
        f"{SITE}/new", 7, NOW
    )


def _middleware(state: CrawlState) -> ConditionalGetMiddleware:
    source = Source(name="t", kind="mp_site", mp="An MP", start_urls=(f"{SITE}/news",))
    crawler = get_crawler(MpSiteSpider)
    spider = MpSiteSpider(source=source)
    spider.crawl_state = state
    crawler.spider = spider
    crawler.stats.open_spider()
    return ConditionalGetMiddleware(crawler)


def _request(url: str, role: str) -> Request:
    return Request(url, meta={"mpnews_role": role})


def test_listing_gets_validators_and_a_304_becomes_the_archived_copy(archived: Path) -> None:
    middleware = _middleware(CrawlState(build_state([_seen(f"{SITE}/news")], archived)))
    request = _request(f"{SITE}/news", "listing")
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == f'"{len(LISTING_HTML)}"'.encode()
    not_modified = Response(f"{SITE}/news", status=304, request=request)
    rebuilt = middleware.process_response(request, not_modified)
    assert isinstance(rebuilt, HtmlResponse)
    assert (rebuilt.status, rebuilt.body) == (200, LISTING_HTML)
    assert NOT_MODIFIED_FLAG in rebuilt.flags
    assert request.meta[NOT_MODIFIED_META] is not_modified


def test_unknown_urls_and_other_roles_are_not_conditional(archived: Path) -> None:
    middleware = _middleware(CrawlState(build_state([_seen(f"{SITE}/news")], archived)))
    for request in (_request(f"{SITE}/elsewhere", "listing"), _request(f"{SITE}/news", "other")):
        middleware.process_request(request)
        assert b"If-None-Match" not in request.headers


def test_a_304_without_a_readable_copy_is_fetched_again() -> None:
    state = UrlState(f"{SITE}/one", "post", 200, NOW, etag='"x"')
    middleware = _middleware(CrawlState([state]))
    request = _request(f"{SITE}/one", "post")
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"x"'
    again = middleware.process_response(request, Response(request.url, status=304))
    assert isinstance(again, Request) and again.dont_filter
    assert b"If-None-Match" not in again.headers
    middleware.process_request(again)
    assert b"If-None-Match" not in again.headers


def test_spider_skips_fresh_known_posts_and_counts_them() -> None:
    source = Source(name="t", kind="mp_site", mp="An MP", start_urls=(f"{SITE}/news",))
    crawler = get_crawler(MpSiteSpider)
    spider = MpSiteSpider.from_crawler(crawler, source=source)
    crawler.stats.open_spider()
    recent = datetime.now(UTC) - timedelta(days=1)
    spider.crawl_state = CrawlState([UrlState(f"{SITE}/news/one", "post", 200, recent)])
    assert spider.follow_url(f"{SITE}/news/one", "post") is None
    assert spider.follow_url(f"{SITE}/news/one", "post") is None  # seen: counted once
    assert spider.follow_url(f"{SITE}/news/two", "post") is not None
    assert spider.follow_url(f"{SITE}/news/one", "listing") is None  # already seen
    assert crawler.stats.get_value("mpnews/skipped") == 1
    assert spider.requested == 1


def _run(run_id: str, day: int, *entries: tuple[str, int]) -> ArchivedRun:
    when = datetime(2026, 3, day, tzinfo=UTC)
    index = tuple(IndexEntry(u, u, s, "listing", 0, when.isoformat()) for u, s in entries)
    return ArchivedRun(run_id, Path(f"{run_id}.warc.gz"), when, when, index)


def test_reprocess_since_reads_the_runs_holding_the_latest_200_copies() -> None:
    runs = [
        _run("r1", 1, ("/a", 200), ("/b", 200)),
        _run("r2", 2, ("/a", 200), ("/b", 304)),
        _run("r3", 3, ("/c", 200)),
        _run("r4", 4, ("/a", 304), ("/c", 304)),
    ]
    assert [r.run_id for r in select_runs(runs)] == ["r1", "r2", "r3", "r4"]
    assert [r.run_id for r in select_runs(runs, date(2026, 3, 4))] == ["r2", "r3", "r4"]
    assert [r.run_id for r in select_runs(runs, date(2026, 3, 2))] == ["r1", "r2", "r3", "r4"]
    assert select_runs(runs, date(2026, 3, 5)) == []
