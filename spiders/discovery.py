"""Find the news on a site never seen before, from its start URL alone.

On a start page the MP-site spider asks :func:`start_page_links` what else to fetch: the news
listing (menu links named News, Latest, Press, Blog, Updates...) and, when the page declares no
feed, the usual feed addresses (``/feed``, ``/rss``; ``?format=rss`` on Squarespace).
Everything fetched is archived as usual, robots.txt included (Scrapy fetches it before
anything else). After the crawl :func:`discover_site` reads the run's pages back and says what
answered — the site family, the feeds, the sitemaps robots.txt names (:func:`robots_sitemaps`)
and the listings — and the flow stores that in the warehouse (``site_discovery``). The next
crawl starts from it too (:func:`with_discovery`), sitemaps included, so nothing has to be
found twice.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError, XPath
from scrapy.http import Response, TextResponse

from mpnews.config import Source
from pipeline.urls import url_key
from spiders.base import feed_alternates
from spiders.families import Family, detect_family
from spiders.urls import absolute_http_url

__all__ = [
    "NEWS_TEXT",
    "SiteDiscovery",
    "discover_site",
    "news_links",
    "robots_sitemaps",
    "same_discovery",
    "start_page_links",
    "with_discovery",
]

#: Menu text of a site's news listing.
NEWS_TEXT = re.compile(
    r"^\W*(?:(?:latest|my|all)\s+)?(?:news|press(?:\s+releases?)?|blog|updates?|latest|"
    r"articles|media(?:\s+centre)?|news\s+(?:and|&)\s+\w+|in\s+the\s+news|campaign\s+news)\W*$",
    re.I,
)
_ANCHORS = XPath("//a[@href]")
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
_FEED_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S
)
_SITEMAP_START = re.compile(rb"<(?:urlset|sitemapindex)\b")
_MAX_LISTINGS = 3


class ArchivedPage(Protocol):
    """What discovery needs of an archived response (``pipeline.records.RawPage`` has it)."""

    @property
    def url(self) -> str: ...

    @property
    def final_url(self) -> str: ...

    @property
    def status(self) -> int: ...

    @property
    def role(self) -> str: ...

    @property
    def body(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class SiteDiscovery:
    """What one crawl found on a site from its start URL."""

    source: str
    start_url: str
    family: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()


class _Found(Protocol):
    @property
    def feeds(self) -> Sequence[str]: ...

    @property
    def sitemaps(self) -> Sequence[str]: ...

    @property
    def listings(self) -> Sequence[str]: ...


def news_links(root: lxml.html.HtmlElement, base_url: str) -> list[str]:
    """On-site links whose text names a news listing, in page order (at most three)."""
    host = _host(base_url)
    found: list[str] = []
    for a in _ANCHORS(root):
        text = " ".join("".join(a.itertext()).split())
        url = absolute_http_url(a.get("href", ""), base_url)
        if url and NEWS_TEXT.match(text) and _host(url) == host and url not in found:
            found.append(url)
    return found[:_MAX_LISTINGS]


def start_page_links(response: Response, family: Family, source: Source) -> list[tuple[str, str]]:
    """``(url, role)`` to fetch from a start page so the news, feeds and sitemaps are found."""
    if not isinstance(response, TextResponse):
        return []
    news = news_links(response.selector.root, response.url)
    links = [(url, "listing") for url in news]
    if not source.feeds and not feed_alternates(response):
        links += [(url, "feed") for url in _feed_guesses(response.url, family, news)]
    return links


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, on the robots.txt's own host."""
    host = _host(base_url)
    urls = (absolute_http_url(m.group(1), base_url) for m in _SITEMAP_LINE.finditer(text))
    return [u for u in dict.fromkeys(urls) if u and _host(u) == host]


def discover_site(pages: Iterable[ArchivedPage], source: Source) -> SiteDiscovery | None:
    """What a crawl of ``source`` found, from its archived pages (None: no start page answered)."""
    starts = {url_key(u) for u in source.start_urls}
    start: ArchivedPage | None = None
    feeds: list[str] = []
    sitemaps: list[str] = []
    listings: dict[str, str] = {}
    for page in pages:
        if page.status != 200:
            continue
        if start is None and url_key(page.url) in starts and page.role == "listing":
            start = page
        if page.role == "feed" and _FEED_START.match(page.body[:2000]):
            feeds.append(page.url)
        elif page.role == "sitemap" and _SITEMAP_START.search(page.body[:2000]):
            sitemaps.append(page.url)
        elif page.role == "robots":
            sitemaps += robots_sitemaps(page.body.decode("utf-8", "replace"), page.url)
        elif page.role == "listing":
            listings.setdefault(url_key(page.url), page.url)
    if start is None:
        return None
    menu = [url_key(u) for u in news_links(_parse(start.body), start.final_url or start.url)]
    return SiteDiscovery(
        source=source.name,
        start_url=start.url,
        family=detect_family(start.body).name,
        feeds=_new(feeds, source.feeds),
        sitemaps=_new(sitemaps, source.sitemaps),
        listings=_new([listings[k] for k in menu if k in listings], source.start_urls),
    )


def with_discovery(source: Source, found: _Found | None) -> Source:
    """``source`` with what an earlier crawl discovered added to its seeds."""
    if found is None:
        return source
    return dataclasses.replace(
        source,
        start_urls=tuple(dict.fromkeys((*source.start_urls, *found.listings))),
        feeds=tuple(dict.fromkeys((*source.feeds, *found.feeds))),
        sitemaps=tuple(dict.fromkeys((*source.sitemaps, *found.sitemaps))),
    )


def same_discovery(found: _Found, stored: _Found | None) -> bool:
    """Whether ``stored`` already says what ``found`` says (so nothing needs writing)."""
    if stored is None:
        return False
    fields = ("feeds", "sitemaps", "listings")
    same = all(tuple(getattr(found, f)) == tuple(getattr(stored, f)) for f in fields)
    return same and getattr(found, "family", None) == getattr(stored, "family", None)


def _feed_guesses(url: str, family: Family, news: list[str]) -> list[str]:
    if family.name == "squarespace":  # each blog collection has its own feed
        return [u.split("?", 1)[0] + "?format=rss" for u in news]
    return [urljoin(url, "/feed"), urljoin(url, "/rss")]


def _parse(body: bytes) -> lxml.html.HtmlElement:
    try:
        return lxml.html.document_fromstring(body or b"<html></html>")
    except (ParserError, ValueError):
        return lxml.html.document_fromstring(b"<html></html>")


def _new(found: Iterable[str], declared: Iterable[str]) -> tuple[str, ...]:
    known = {url_key(u) for u in declared}
    return tuple(u for u in dict.fromkeys(found) if url_key(u) not in known)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")
