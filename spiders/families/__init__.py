"""Site families: one small module each, holding selectors and URL patterns."""

from __future__ import annotations

from lxml.html import HtmlElement

from spiders.families._family import PAGER_TEXT, PAGER_URLS, READ_MORE_TEXT, Family, link_role
from spiders.families.generic import GENERIC
from spiders.families.nationbuilder import NATIONBUILDER
from spiders.families.squarespace import SQUARESPACE
from spiders.families.weebly import WEEBLY
from spiders.families.wordpress import WORDPRESS

__all__ = [
    "FAMILIES",
    "PAGER_TEXT",
    "PAGER_URLS",
    "READ_MORE_TEXT",
    "Family",
    "detect_family",
    "fit_family",
    "get_family",
    "link_role",
]

#: Detection order matters: a WordPress theme may mention "weebly" less often than not.
FAMILIES: dict[str, Family] = {
    f.name: f for f in (WORDPRESS, WEEBLY, NATIONBUILDER, SQUARESPACE, GENERIC)
}
_SNIFF_BYTES = 200_000


def get_family(name: str) -> Family:
    """The family called ``name``; unknown names (and ``news``) read as generic."""
    return FAMILIES.get(name, GENERIC)


def detect_family(body: bytes) -> Family:
    """Guess the family from generator meta tags and CMS markers in the HTML."""
    head = body[:_SNIFF_BYTES]
    for family in FAMILIES.values():
        if any(marker.search(head) for marker in family.markers):
            return family
    return GENERIC


def fit_family(root: HtmlElement, guess: Family) -> Family:
    """``guess`` when its post selectors find links on the page ``root``; otherwise the first
    family whose selectors do (a copy of a Weebly or WordPress blog that lost its CMS
    markers still shows that CMS's listing markup); ``guess`` when none does."""
    if _finds_posts(guess, root):
        return guess
    return next((f for f in FAMILIES.values() if f is not guess and _finds_posts(f, root)), guess)


def _finds_posts(family: Family, root: HtmlElement) -> bool:
    return any(selector(root) for selector in family.post_links)
