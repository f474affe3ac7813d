"""Crawl budgets: depth, query variants per URL shape and pages, each recorded when it refuses."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from mpnews.config import Source
from spiders.budgets import BudgetLedger, CrawlBudgets
from spiders.mp_site import MpSiteSpider

SITE = "https://www.jobloggs.example"


def _ledger(**limits: int) -> BudgetLedger:
    return BudgetLedger(CrawlBudgets(**{"max_pages": 1000, **limits}))


def _follow(ledger: BudgetLedger, url: str, *, role: str = "listing", depth: int = 1) -> str | None:
    from pipeline.urls import url_key

    key = url_key(url)
    budget = ledger.refusal(url, key, role=role, depth=depth)
    if budget is None:
        ledger.admit(url, key, role=role)
    else:
        ledger.refuse(budget, url, key)
    return budget


def test_query_variants_stop_at_the_budget_per_url_shape() -> None:
    ledger = _ledger(max_query_variants=3)
    months = [f"{SITE}/events?month=2020-{m:02d}" for m in range(1, 7)]
    assert [_follow(ledger, u) for u in months] == [None] * 3 + ["max_query_variants"] * 3
    assert _follow(ledger, months[0]) is None  # a variant already admitted stays admitted
    assert _follow(ledger, f"{SITE}/news?ref=1") is None  # another shape has its own budget
    assert ledger.budgets_hit == ["max_query_variants"]
    assert ledger.examples == [f"max_query_variants: {SITE[8:]}/events?month=*"]
    assert ledger.pages_over_budget == 3


def test_posts_pagination_and_session_ids_make_no_variants() -> None:
    ledger = _ledger(max_query_variants=2)
    posts = [_follow(ledger, f"{SITE}/?p={n}", role="post") for n in range(10)]
    pages = [_follow(ledger, f"{SITE}/news?page={n}") for n in range(10)]
    sessions = [_follow(ledger, f"{SITE}/news?sid={n}&PHPSESSID={n}") for n in range(10)]
    assert posts == pages == sessions == [None] * 10
    assert ledger.budgets_hit == []


def test_depth_refuses_links_beyond_it() -> None:
    ledger = _ledger(max_depth=3)
    found = [_follow(ledger, f"{SITE}/news/page/{d}/", depth=d) for d in range(6)]
    assert found == [None] * 4 + ["max_depth"] * 2
    assert ledger.examples == [f"max_depth: {SITE[8:]}/news/page/N/"]


def test_max_pages_still_counts_requests() -> None:
    ledger = _ledger(max_pages=2)
    found = [_follow(ledger, f"{SITE}/2024/05/0{n}/post", role="post") for n in range(1, 5)]
    assert found == [None, None, "max_pages", "max_pages"]
    assert ledger.requested == 2 and ledger.budgets_hit == ["max_pages"]


def _listing(url: str, depth: int, links: str) -> Response:
    body = f"<html><body>{links}</body></html>".encode()
    return HtmlResponse(url=url, body=body, request=Request(url, meta={"depth": depth}))


def test_spider_follows_links_within_the_source_budgets_and_records_the_rest() -> None:
    source = Source(
        name="t",
        kind="mp_site",
        mp="An MP",
        start_urls=(f"{SITE}/news",),
        max_depth=4,
        max_query_variants=2,
    )
    crawler = get_crawler(MpSiteSpider)
    spider = MpSiteSpider.from_crawler(crawler, source=source)
    crawler.stats.open_spider()
    calendar = "".join(f'<a rel="next" href="/events?month=2020-0{m}">n</a>' for m in (1, 2, 3))
    shallow = list(spider.parse_listing(_listing(f"{SITE}/news/archive", 0, calendar)))
    assert [r.url for r in shallow] == [
        f"{SITE}/events?month=2020-01",
        f"{SITE}/events?month=2020-02",
    ]
    deep = list(
        spider.parse_listing(
            _listing(f"{SITE}/news/page/4/", 4, '<a rel="next" href="/news/page/5/">n</a>')
        )
    )
    assert deep == []
    stats = crawler.stats
    assert stats.get_value("mpnews/budgets_hit") == ["max_query_variants", "max_depth"]
    assert stats.get_value("mpnews/pages_over_budget") == 2
    assert stats.get_value("mpnews/max_pages_reached") is None
    assert spider.requested == 2
    examples = stats.get_value("mpnews/budget_examples")
    assert examples == [
        f"max_query_variants: {SITE[8:]}/events?month=*",
        f"max_depth: {SITE[8:]}/news/page/N/",
    ]
