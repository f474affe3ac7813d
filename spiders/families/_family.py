"""The shape every site family module fills in: selectors and URL patterns, no logic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.etree import XPath

__all__ = ["PAGER_TEXT", "PAGER_URLS", "READ_MORE_TEXT", "Family", "link_role"]

#: Anchor text of "Previous" / "Next" / "Older posts" style pagination links.
PAGER_TEXT = re.compile(
    r"^\W*(next|previous|prev|older|newer)(\s+(posts?|entries|page|articles|news))?\W*$", re.I
)
#: Anchor text of an excerpt's link to its whole post ("Read More", "Continue reading →").
READ_MORE_TEXT = re.compile(
    r"^\W*(read\s+(more|on|the\s+(full|whole|rest)\b.*)|continue\s+reading\b.*|"
    r"full\s+(story|article|post))\W*$",
    re.I,
)
#: URL shapes of a paginated listing, whatever the family (static mirrors add ``.html``).
PAGER_URLS = (
    re.compile(r"/page/\d+(\.html?)?/?$"),
    re.compile(r"[?&](page|paged|pg)=\d+(&|$)"),
    re.compile(r"/previous/\d+(\.html?)?/?$"),
)


@dataclass(frozen=True, slots=True)
class Family:
    """How to read one site family's listing pages.

    ``post_links`` / ``listing_links`` select ``href`` values on a listing page;
    ``post_urls`` / ``listing_urls`` classify any other on-site link by URL
    (path plus query); ``markers`` detect the family in a page's HTML bytes.
    """

    name: str
    post_links: tuple[XPath, ...]
    listing_links: tuple[XPath, ...] = ()
    post_urls: tuple[re.Pattern[str], ...] = ()
    listing_urls: tuple[re.Pattern[str], ...] = ()
    feed_urls: tuple[re.Pattern[str], ...] = ()
    markers: tuple[re.Pattern[bytes], ...] = ()


def link_role(family: Family, url: str) -> str | None:
    """``listing``, ``post``, ``feed`` or None (not worth following) for an on-site URL."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if any(p.search(target) for p in family.feed_urls):
        return "feed"
    if any(p.search(target) for p in (*PAGER_URLS, *family.listing_urls)):
        return "listing"
    if any(p.search(target) for p in family.post_urls):
        return "post"
    return None
