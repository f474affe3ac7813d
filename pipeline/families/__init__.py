"""Site families: what each platform puts around a post, and how to find its parts.

A family is data plus a few small functions (fundus-style): elements to drop before
extraction, the post's own categories, visible date texts, and — on listing pages —
the blocks that each hold one whole post. A new platform is a new module here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml.html import HtmlElement

__all__ = ["FAMILIES", "Family", "PostBlock", "detect_family"]


@dataclass(frozen=True, slots=True)
class PostBlock:
    """One post shown on a listing page: its title link, visible date and content."""

    title: str
    href: str
    date_text: str | None
    content: HtmlElement
    categories: tuple[str, ...] = ()
    teaser: bool = False


@dataclass(frozen=True, slots=True)
class Family:
    """How one platform lays out a post (selectors are CSS, compiled by the module)."""

    name: str
    matches: Callable[[HtmlElement], bool]
    prune: Callable[[HtmlElement], list[HtmlElement]]
    categories: Callable[[HtmlElement], tuple[str, ...]]
    date_texts: Callable[[HtmlElement], tuple[tuple[str, str], ...]]
    blocks: Callable[[HtmlElement], list[PostBlock]]
    title: Callable[[HtmlElement], str | None]


def detect_family(tree: HtmlElement, name: str = "auto") -> Family:
    """The family called ``name``, or (for ``auto``) the first whose markers the page has."""
    by_name = {f.name: f for f in FAMILIES}
    if name in by_name:
        return by_name[name]
    return next(f for f in FAMILIES if f.matches(tree))


def _families() -> tuple[Family, ...]:
    from pipeline.families import news, weebly, wordpress

    return (weebly.FAMILY, wordpress.FAMILY, news.FAMILY)


FAMILIES: tuple[Family, ...] = _families()
