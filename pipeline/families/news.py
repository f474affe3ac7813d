"""News sites and anything else (the generic family): JSON-LD/meta categories, commenting
and registration prompts, related-article rails. Matches every page."""

from __future__ import annotations

from lxml.html import HtmlElement

from pipeline.dating import is_figure_or_modified
from pipeline.families import Family, PostBlock
from pipeline.families.common import (
    COMMON_PRUNE,
    Pruner,
    json_ld,
    meta_categories,
    node_text,
    selector,
)

__all__ = ["FAMILY"]

_PRUNE = Pruner(
    *COMMON_PRUNE,
    "#comments-section",
    ".comments-section",
    "#commenting",
    ".commenting",
    ".article-comments",
    ".registration-prompt",
    ".related-articles",
    ".newsletter",
    "aside.related",
    ".most-popular",
)
_VISIBLE_DATE = selector("article time", "header time", "time[datetime]")


def _matches(tree: HtmlElement) -> bool:
    return True


def _prune(tree: HtmlElement) -> list[HtmlElement]:
    """Furniture only: photo captions stay (on a gallery they are the text, and dropping one
    can tip trafilatura's choice of main block); a caption printed twice goes in clean_text."""
    return _PRUNE(tree)


def _date_texts(tree: HtmlElement) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for item in json_ld(tree):
        if isinstance(item.get("datePublished"), str):
            found.append(("jsonld", item["datePublished"]))
    published = next((t for t in _VISIBLE_DATE(tree) if not is_figure_or_modified(t)), None)
    if published is not None:
        found.append(("visible", published.get("datetime") or node_text(published)))
    return tuple(found)


def _blocks(tree: HtmlElement) -> list[PostBlock]:
    return []


def _title(tree: HtmlElement) -> str | None:
    return None  # trafilatura's title (og:title, <title>, h1) is right for news pages


FAMILY = Family(
    name="news",
    matches=_matches,
    prune=_prune,
    categories=meta_categories,
    date_texts=_date_texts,
    blocks=_blocks,
    title=_title,
)
