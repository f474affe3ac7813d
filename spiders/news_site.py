"""``NewsSiteSpider``: section fronts, sitemaps and feeds of a news site, to article pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Self

from courlan import is_navigation_page
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from pipeline.urls import url_key
from spiders.archive import page_role
from spiders.base import SourceSpider, anchors, feed_alternates
from spiders.families import GENERIC, Family, detect_family, get_family, link_role
from spiders.families.news import is_article_url, news_link_role
from spiders.mp_site import listing_links
from spiders.urls import absolute_http_url
from spiders.xmlfeeds import parse_sitemap, robots_sitemaps

__all__ = ["NewsSiteSpider", "section_links"]

_DEPTH = "mpnews_depth"


def section_links(response: Response, *, depth: int) -> list[tuple[str, str]]:
    """``(url, role)`` pairs to follow from a listing page at ``depth`` (0 = section front).

    Articles are always followed; tag/topic/pagination listings and feeds only
    from a section front, so the crawl stays one level deep.
    """
    found: dict[str, str] = {}
    if depth == 0:
        for url in feed_alternates(response):
            found.setdefault(url, "feed")
    for url, _text in anchors(response):
        role = news_link_role(url)
        if role == "post" or (role is not None and depth == 0):
            found.setdefault(url, role)
    return list(found.items())


class NewsSiteSpider(SourceSpider):
    """Reads section fronts, sitemaps (incl. robots.txt ``Sitemap:`` lines) and feeds.

    A news site built on a blog CMS (``family`` weebly/wordpress/nationbuilder, or
    detected when ``auto``) has its listings read with that family's selectors;
    otherwise article links are told apart by URL shape (:mod:`.families.news`).
    """

    name = "news_site"
    _last_family: Family | None = None
    callbacks: ClassVar[dict[str, str]] = {
        "listing": "parse_listing",
        "feed": "parse_feed",
        "sitemap": "parse_sitemap",
    }

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_received, signal=signals.response_received)
        return spider

    def robots_received(self, response: Response, request: Request, spider: Any) -> None:
        """Schedule the sitemaps a robots.txt declares (the robots middleware fetched it)."""
        if page_role(request) != "robots" or response.status != 200:
            return
        for req in self.follow_all((u, "sitemap") for u in robots_sitemaps(response.body)):
            self.crawler.engine.crawl(req)

    def family_for(self, response: Response) -> Family | None:
        """The blog family of a CMS-built site, or None for a newspaper's own CMS."""
        name = self.source.family
        family = detect_family(response.body) if name == "auto" else get_family(name)
        return None if family is GENERIC else family

    def parse_listing(self, response: Response) -> Iterator[Request]:
        self.mark_seen(response)
        depth = int(response.meta.get(_DEPTH, 0))
        family = self._last_family = self.family_for(response)
        links = listing_links(family, response) if family else section_links(response, depth=depth)
        for url, role in links:
            if depth > 0 and role != "post":
                continue
            request = self.follow_url(url, role, parent=response, **{_DEPTH: depth + 1})
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Index entries are sitemaps; urlset entries are articles, bar navigation pages."""
        self.mark_seen(response)
        sitemap = parse_sitemap(response.body)
        urls = [u for u in (absolute_http_url(x, response.url) for x in sitemap.urls) if u]
        if sitemap.kind == "index":
            yield from self.follow_all(((u, "sitemap") for u in urls), parent=response)
            return
        fronts = {url_key(u) for u in self.source.start_urls}
        family = self._last_family or self.family_for(response)
        articles = (u for u in urls if url_key(u) not in fronts and _article(family, u))
        yield from self.follow_all(((u, "post") for u in articles), parent=response)


def _article(family: Family | None, url: str) -> bool:
    """Whether a sitemap entry is an article: anything but navigation, or per the family."""
    if family is not None:
        return link_role(family, url) == "post" or is_article_url(url)
    parts = url.split("/", 3)
    return not is_navigation_page(url) and len(parts) == 4 and parts[3].strip("/") != ""
