"""Site families: one small module each, holding selectors and URL patterns."""

from __future__ import annotations

from spiders.families._family import PAGER_TEXT, PAGER_URLS, Family, link_role
from spiders.families.generic import GENERIC
from spiders.families.nationbuilder import NATIONBUILDER
from spiders.families.squarespace import SQUARESPACE
from spiders.families.weebly import WEEBLY
from spiders.families.wordpress import WORDPRESS

__all__ = [
    "FAMILIES",
    "PAGER_TEXT",
    "PAGER_URLS",
    "Family",
    "detect_family",
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
