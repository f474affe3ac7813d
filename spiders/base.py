"""Plumbing shared by the spiders: a Source, a domain policy, crawl budgets, one fetch per URL."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from lxml.etree import XPath
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from mpnews.config import Source, source_from_json
from mpnews.exceptions import ConfigError
from pipeline.urls import url_key
from spiders.archive import ROLE_META
from spiders.budgets import BudgetLedger, CrawlBudgets
from spiders.incremental import NOT_MODIFIED_FLAG, CrawlState
from spiders.middlewares import DOWNLOAD_ERROR
from spiders.urls import DomainPolicy, absolute_http_url
from spiders.xmlfeeds import feed_links

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["SourceSpider", "anchors", "feed_alternates"]

logger = logging.getLogger(__name__)
_DECOMPRESSION_LIMIT = re.compile(r"exceeded DOWNLOAD_MAXSIZE \((\d+) B\) during decompression")

_ANCHORS = XPath("//a[@href]")
_FEED_ALTERNATES = XPath(
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
    "[contains(@type, 'rss+xml') or contains(@type, 'atom+xml')]/@href"
)
_COMMENTS_FEED = re.compile(r"/comments/feed/?$|/feed/?\?|[?&]withcomments=", re.I)
_PRIORITY = {"robots": 30, "sitemap": 20, "feed": 20, "listing": 10, "post": 0, "other": 0}


def anchors(response: Response) -> Iterator[tuple[str, str]]:
    """``(absolute http(s) URL, link text)`` for every ``<a href>`` of an HTML page."""
    if not isinstance(response, TextResponse):
        return
    root = response.selector.root
    for a in _ANCHORS(root):
        url = absolute_http_url(a.get("href", ""), response.url)
        if url:
            yield url, " ".join("".join(a.itertext()).split())


def feed_alternates(response: Response) -> list[str]:
    """RSS/Atom feeds a page declares with ``<link rel="alternate">`` (comment feeds left out)."""
    if not isinstance(response, TextResponse):
        return []
    hrefs = (absolute_http_url(h, response.url) for h in _FEED_ALTERNATES(response.selector.root))
    return [h for h in dict.fromkeys(hrefs) if h and not _COMMENTS_FEED.search(h)]


class SourceSpider(scrapy.Spider):
    """Base for spiders that crawl one :class:`~mpnews.config.Source`.

    Pass ``source_json`` (``Source.to_json()``) on the command line
    (``scrapy crawl NAME -a source_json=...``) or ``source`` from Python.
    Every request goes through :meth:`follow_url`, which drops offsite and
    non-http(s) links, requests each canonical URL once and keeps to the source's crawl
    budgets (``max_pages``, ``max_depth``, ``max_query_variants``: :mod:`spiders.budgets`).
    Known post permalinks the ``crawl_state`` confirmed within the source's
    ``recheck_days`` are skipped: not requested, counted in ``mpnews/skipped``. So are
    the known listings a listing page with no new post links to
    (``mpnews/skipped_listings``; see :mod:`spiders.incremental`).
    """

    callbacks: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        source_json: str | None = None,
        *,
        source: Source | None = None,
        max_pages: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if source is None:
            if not source_json:
                raise ConfigError(f"spider {self.name}: pass -a source_json='<Source.to_json()>'")
            source = source_from_json(source_json)
        self.source = source
        self.domain_policy = DomainPolicy(source.domains)
        self.max_pages = int(max_pages) if max_pages else source.max_pages
        self.budgets = CrawlBudgets(self.max_pages, source.max_depth, source.max_query_variants)
        self.start_urls = list(source.start_urls)
        self.crawl_state = CrawlState()
        self._seen: set[str] = set()
        self._skipped_listings: set[str] = set()
        self._ledger = BudgetLedger(self.budgets)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.crawl_state = CrawlState.load(
            settings.get("MPNEWS_STATE_FILE"),
            recheck_all=settings.getbool("MPNEWS_RECHECK_ALL"),
        )
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for request in self.seed_requests():
            yield request

    def seed_requests(self) -> Iterator[Request]:
        """Requests for the source's start URLs, feeds and sitemaps."""
        seeds = (
            [(u, "listing") for u in self.source.start_urls]
            + [(u, "feed") for u in self.source.feeds]
            + [(u, "sitemap") for u in self.source.sitemaps]
        )
        yield from self.follow_all(seeds)

    @property
    def requested(self) -> int:
        """Requests made so far (the ``max_pages`` budget counts these)."""
        return self._ledger.requested

    def follow_url(
        self, url: str, role: str, *, parent: Response | None = None, **meta: Any
    ) -> Request | None:
        """A request for ``url`` read as ``role``, found on ``parent`` (None for a seed), or
        None (offsite, seen, over a budget)."""
        if not self.domain_policy.allows(url):
            return None
        key = url_key(url)
        if key in self._seen:
            return None
        if role == "post" and self.crawl_state.is_fresh_post(url, self.source.recheck_days):
            self._seen.add(key)
            known = self.crawl_state.get(url)
            self._note_skipped(has_post=known is not None and known.has_post)
            return None
        budget = self._ledger.refusal(url, key, role=role, depth=_depth(parent) + 1)
        if budget is not None:
            self._note_budget_reached(budget, url, key)
            return None
        self._seen.add(key)
        self._ledger.admit(url, key, role=role)
        callback = getattr(self, self.callbacks.get(role, "parse_nothing"))
        meta = {ROLE_META: role, **meta}
        return Request(
            url, callback=callback, errback=self.on_error, meta=meta, priority=_PRIORITY[role]
        )

    def follow_all(
        self,
        links: Iterable[tuple[str, str]],
        *,
        parent: Response | None = None,
        **meta: Any,
    ) -> Iterator[Request]:
        links = list(links)
        settled = parent is not None and self._shows_nothing_new(parent, links)
        for url, role in links:
            if settled and self._is_settled_listing(url, role):
                continue
            request = self.follow_url(url, role, parent=parent, **meta)
            if request is not None:
                yield request

    def _shows_nothing_new(self, parent: Response, links: list[tuple[str, str]]) -> bool:
        """Whether a listing page shows no new post: every post link on it is a known post
        confirmed within ``recheck_days``, or it has none and is unchanged (a 304)."""
        if self.crawl_state.recheck_all or not len(self.crawl_state):
            return False
        try:
            if parent.meta.get(ROLE_META) != "listing":
                return False
        except AttributeError:  # a response built without a request (unit tests)
            return False
        posts = [url for url, role in links if role == "post"]
        if not posts:
            return NOT_MODIFIED_FLAG in parent.flags
        days = self.source.recheck_days
        return all(self.crawl_state.is_fresh_post(url, days) for url in posts)

    def _is_settled_listing(self, url: str, role: str) -> bool:
        """A known listing confirmed within ``recheck_days``, linked from a page showing
        nothing new: not requested (nor marked seen: a page with news may still follow it)."""
        if role != "listing" or not self.crawl_state.is_fresh(
            url, "listing", self.source.recheck_days
        ):
            return False
        if url_key(url) in self._seen or not self.domain_policy.allows(url):
            return True
        self._skipped_listings.add(url_key(url))
        stats = getattr(getattr(self, "crawler", None), "stats", None)
        if stats is not None:
            stats.set_value("mpnews/skipped_listings", len(self._skipped_listings))
        return True

    def on_error(self, failure: Failure) -> None:
        """Download errors are already counted in the crawl stats; note them quietly.

        A body refused while being decompressed (a gzip bomb) is no download error to Scrapy:
        it is counted here, as a size limit.
        """
        request = getattr(failure, "request", None)
        message = failure.getErrorMessage()
        bomb = _DECOMPRESSION_LIMIT.search(message) if failure.check(IgnoreRequest) else None
        crawler = getattr(self, "crawler", None)
        if bomb is not None and request is not None and crawler is not None:
            reason = f"size limit: over {bomb[1]} bytes once decompressed (DOWNLOAD_MAXSIZE)"
            crawler.signals.send_catch_log(DOWNLOAD_ERROR, request=request, reason=reason)
        logger.info("No page for %s: %s", getattr(request, "url", "?"), message)

    def mark_seen(self, response: Response) -> None:
        """Remember the final URL of a redirected response so it is not fetched again."""
        self._seen.add(url_key(response.url))

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Feed items are posts."""
        self.mark_seen(response)
        yield from self.follow_all(
            ((url, "post") for url in self.feed_items(response)), parent=response
        )

    def feed_items(self, response: Response) -> list[str]:
        found = (absolute_http_url(u, response.url) for u in feed_links(response.body))
        return [u for u in found if u]

    def parse_nothing(self, response: Response) -> Iterator[Request]:
        """Posts and other leaf pages: archived, nothing followed."""
        self.mark_seen(response)
        yield from ()

    def parse(self, response: Response, **kwargs: Any) -> Any:
        return self.parse_nothing(response)

    def _note_skipped(self, *, has_post: bool) -> None:
        stats = getattr(getattr(self, "crawler", None), "stats", None)
        if stats is not None:
            stats.inc_value("mpnews/skipped")
            if has_post:
                stats.inc_value("mpnews/skipped_posts")

    def _note_budget_reached(self, budget: str, url: str, key: str) -> None:
        """Count a distinct URL a budget refused; log the first one each budget refuses."""
        first = self._ledger.refuse(budget, url, key)
        stats = getattr(getattr(self, "crawler", None), "stats", None)
        if stats is None:
            return
        stats.set_value("mpnews/pages_over_budget", self._ledger.pages_over_budget)
        stats.set_value("mpnews/budgets_hit", self._ledger.budgets_hit)
        stats.set_value("mpnews/budget_examples", self._ledger.examples)
        if budget == "max_pages":
            stats.set_value("mpnews/max_pages_reached", True)
        if first:
            logger.warning(
                "Reached %s=%d for %s at %s; links beyond it are counted, not fetched",
                budget,
                self.budgets.limit(budget),
                self.source.name,
                url,
            )


def _depth(parent: Response | None) -> int:
    """Link hops from a seed to ``parent`` (Scrapy's depth middleware keeps it in meta)."""
    if parent is None:
        return -1
    try:
        return int(parent.meta.get("depth", 0))
    except AttributeError:  # a response built without a request (unit tests)
        return 0
