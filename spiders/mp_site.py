"""``MpSiteSpider``: an MP's own news pages (Weebly, WordPress, NationBuilder, other)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scrapy.http import Request, Response, TextResponse

from pipeline.urls import url_key
from spiders.base import SourceSpider, anchors, feed_alternates
from spiders.discovery import start_page_links
from spiders.families import PAGER_TEXT, Family, detect_family, get_family, link_role
from spiders.urls import absolute_http_url
from spiders.xmlfeeds import parse_sitemap

__all__ = ["MpSiteSpider", "listing_links"]


def listing_links(family: Family, response: Response) -> list[tuple[str, str]]:
    """``(url, role)`` pairs worth following from a news listing page, first reading wins.

    Order: declared feeds, the family's post permalinks, its pagination/category/
    archive links, then any other anchor whose text or URL shape says what it is.
    """
    if not isinstance(response, TextResponse):
        return []
    root = response.selector.root
    found: dict[str, str] = {}
    for feed in feed_alternates(response):
        found.setdefault(feed, "feed")
    for role, selectors in (("post", family.post_links), ("listing", family.listing_links)):
        for selector in selectors:
            for href in selector(root):
                link = absolute_http_url(str(href), response.url)
                if link:
                    found.setdefault(link, role)
    for url, text in anchors(response):
        guessed = "listing" if PAGER_TEXT.match(text) else link_role(family, url)
        if guessed:
            found.setdefault(url, guessed)
    return list(found.items())


class MpSiteSpider(SourceSpider):
    """Follows an MP site's news listings, pagination, categories, archives, feeds and posts."""

    name = "mp_site"
    _last_family: Family | None = None
    callbacks: ClassVar[dict[str, str]] = {
        "listing": "parse_listing",
        "feed": "parse_feed",
        "sitemap": "parse_sitemap",
    }

    def family_for(self, response: Response) -> Family:
        """The configured family, or the one the page itself shows when ``auto``."""
        if self.source.family != "auto":
            return get_family(self.source.family)
        return detect_family(response.body)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        self.mark_seen(response)
        family = self.family_for(response)
        self._last_family = family
        links = listing_links(family, response)
        yield from self.follow_all(links)
        if self._needs_discovery(response, links):  # spiders/discovery.py
            yield from self.follow_all(start_page_links(response, family, self.source))

    def _needs_discovery(self, response: Response, links: list[tuple[str, str]]) -> bool:
        """A start page of an ``auto`` site that lists no posts: look for the news."""
        if self.source.family != "auto" or any(role == "post" for _, role in links):
            return False
        return self._is_start(response)

    def _is_start(self, response: Response) -> bool:
        starts = {url_key(u) for u in self.source.start_urls[:1]}
        return url_key(response.request.url if response.request else response.url) in starts

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap entries are followed only when the family's URL shapes classify them."""
        self.mark_seen(response)
        sitemap = parse_sitemap(response.body)
        urls = (absolute_http_url(u, response.url) for u in sitemap.urls)
        if sitemap.kind == "index":
            yield from self.follow_all((u, "sitemap") for u in urls if u)
            return
        family = self._last_family or get_family(self.source.family)
        yield from self.follow_all((u, role) for u in urls if u and (role := link_role(family, u)))
