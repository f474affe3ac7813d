"""News sites: telling an article URL from a section, tag, topic or listing URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from courlan import is_navigation_page, is_not_crawlable

from spiders.families._family import PAGER_URLS

__all__ = ["is_article_url", "news_link_role"]

_ARTICLE_PATHS = (
    re.compile(r"(?<!/index)\.s?html?$", re.I),  # /news/uk/politics/some-story-a9302106.html
    re.compile(r"/\d{4}/(\d{1,2}|[a-z]{3})/\d{1,2}/[^/]+"),  # /2020/01/27/slug, /2020/jan/27/slug
    re.compile(r"[a-z]-\d{6,}/?$"),  # /news/uk-politics-51234567
    re.compile(r"/[a-z0-9]+(-[a-z0-9]+){4,}/?$", re.I),  # a long slug: five words or more
)
_FEED_PATHS = re.compile(r"(/rss|/feed|\.rss|\.atom|/atom)/?$", re.I)


def is_article_url(url: str) -> bool:
    """Whether ``url`` looks like one article rather than a page of links."""
    if is_not_crawlable(url) or is_navigation_page(url):
        return False
    path = urlsplit(url).path
    return any(p.search(path) for p in _ARTICLE_PATHS)


def news_link_role(url: str) -> str | None:
    """``post``, ``listing`` (tag/topic/category/pagination), ``feed`` or None (ignore)."""
    if is_not_crawlable(url):
        return None
    parts = urlsplit(url)
    if _FEED_PATHS.search(parts.path):
        return "feed"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if any(p.search(target) for p in PAGER_URLS):  # before articles: /previous/2.html
        return "listing"
    if is_article_url(url):
        return "post"
    if is_navigation_page(url):
        return "listing"
    return None
