"""``MpSiteSpider``: an MP's own news pages (Weebly, WordPress, NationBuilder, other)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urlsplit

from scrapy.http import Request, Response, TextResponse

from pipeline.urls import url_key
from spiders.base import SourceSpider, anchors, feed_alternates
from spiders.discovery import start_page_links
from spiders.families import (
    PAGER_TEXT,
    READ_MORE_TEXT,
    Family,
    detect_family,
    fit_family,
    get_family,
    link_role,
)
from spiders.urls import absolute_http_url
from spiders.xmlfeeds import parse_sitemap

__all__ = ["MpSiteSpider", "listing_links"]


def listing_links(family: Family, response: Response) -> list[tuple[str, str]]:
    """``(url, role)`` pairs worth following from a news listing page, first reading wins.

    Order: declared feeds, the family's post permalinks, its pagination/category/
    archive links, then any other anchor whose text ("Read more", "Older posts") or URL
    shape says what it is.
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
        guessed = _text_role(text) or link_role(family, url)
        if guessed:
            found.setdefault(url, guessed)
    return list(found.items())


def _text_role(text: str) -> str | None:
    if PAGER_TEXT.match(text):
        return "listing"
    return "post" if READ_MORE_TEXT.match(text) else None


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
        """The configured family, or the one the page itself shows when ``auto``: its
        markers, else the family whose listing markup the page has."""
        if self.source.family != "auto":
            return get_family(self.source.family)
        guess = detect_family(response.body)
        if not isinstance(response, TextResponse):
            return guess
        return fit_family(response.selector.root, guess)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        self.mark_seen(response)
        family = self.family_for(response)
        self._last_family = family
        links = listing_links(family, response)
        yield from self.follow_all(links, parent=response)
        if self._needs_discovery(response, links):  # spiders/discovery.py
            discovered = start_page_links(response, family, self.source)
            yield from self.follow_all(discovered, parent=response)

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
            yield from self.follow_all(((u, "sitemap") for u in urls if u), parent=response)
            return
        family = self._last_family or get_family(self.source.family)
        yield from self.follow_all(
            ((u, role) for u in urls if u and (role := self._entry_role(family, u))),
            parent=response,
        )

    def _entry_role(self, family: Family, url: str) -> str | None:
        """A sitemap entry's role: by the family's URL shapes, else a page inside a start
        URL's folder (``/news/<slug>`` under ``/news``) is a post."""
        return link_role(family, url) or ("post" if _inside(url, self._folders) else None)

    @property
    def _folders(self) -> tuple[str, ...]:
        """``scheme://host/path/`` of each start URL below the site root."""
        found = []
        for start in self.source.start_urls:
            parts = urlsplit(start)
            path = re.sub(r"(/index)?\.html?$", "", parts.path).rstrip("/")
            if path:
                found.append(f"{parts.scheme}://{parts.netloc}{path}/".lower())
        return tuple(found)


def _inside(url: str, folders: tuple[str, ...]) -> bool:
    """Whether ``url`` is one page directly inside one of ``folders``."""
    lowered = url.split("?", 1)[0].split("#", 1)[0].lower()
    for folder in folders:
        rest = lowered.removeprefix(folder)
        if rest != lowered and rest.strip("/") and "/" not in rest.strip("/"):
            return True
    return False
