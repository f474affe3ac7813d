"""Markup every family shares: comment and share widgets, meta/JSON-LD categories."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml.cssselect import CSSSelector
from lxml.etree import Element, XPath
from lxml.html import HtmlElement

__all__ = [
    "COMMON_PRUNE",
    "Pruner",
    "clean_names",
    "first",
    "json_ld",
    "meta_categories",
    "node_text",
    "selector",
]

# Comment forms, share/like bars, "related" rails, cookie and newsletter prompts.
COMMON_PRUNE = (
    "#respond",
    ".comment-respond",
    "#comments",
    ".comments-area",
    "#disqus_thread",
    ".sharedaddy",
    "#jp-post-flair",
    ".jp-relatedposts",
    ".sd-sharing",
    ".share-buttons",
    ".social-share",
    ".newsletter-signup",
    "#cookie-notice",
    ".cookie-banner",
)

_SIMPLE = re.compile(r"[#.]?[\w-]+|[\w-]+\.[\w-]+")
_META = XPath(
    "//meta[@property='article:tag' or @property='article:section' or @name='keywords'"
    " or @name='news_keywords']/@content"
)
_JSON_LD = XPath("//script[@type='application/ld+json']/text()")
_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "WebPage",
        "LiveBlogPosting",
    }
)


class Pruner:
    """Elements matching any of simple selectors (``tag``, ``#id``, ``.class``,
    ``tag.class``), found in ONE walk of the tree: a union of many CSS selectors walks it
    once per selector."""

    __slots__ = ("_classes", "_ids", "_tag_classes", "_tags")

    def __init__(self, *css: str) -> None:
        self._tags: set[str] = set()
        self._ids: set[str] = set()
        self._classes: set[str] = set()
        self._tag_classes: set[tuple[str, str]] = set()
        for item in css:
            self._add(item)

    def _add(self, item: str) -> None:
        if not _SIMPLE.fullmatch(item):
            raise ValueError(f"not a simple selector: {item!r}")
        if item.startswith("#"):
            self._ids.add(item[1:])
        elif item.startswith("."):
            self._classes.add(item[1:])
        elif "." in item:
            tag, cls = item.split(".", 1)
            self._tag_classes.add((tag, cls))
        else:
            self._tags.add(item)

    def __call__(self, tree: HtmlElement) -> list[HtmlElement]:
        found = []
        for node in tree.iter(Element):
            tag = node.tag
            if tag in self._tags or node.get("id") in self._ids:
                found.append(node)
                continue
            classes = node.get("class")
            if classes and self._has_class(tag, classes.split()):
                found.append(node)
        return found

    def _has_class(self, tag: str, classes: list[str]) -> bool:
        return any(c in self._classes or (tag, c) in self._tag_classes for c in classes)


def selector(*css: str) -> CSSSelector:
    """One compiled selector matching any of ``css``."""
    return CSSSelector(", ".join(css))


def first(tree: HtmlElement, *selectors: CSSSelector) -> HtmlElement | None:
    """The first match of the first selector that matches (selectors in priority order)."""
    for sel in selectors:
        found = sel(tree)
        if found:
            return found[0]
    return None


def node_text(node: HtmlElement) -> str:
    """Visible text of ``node`` with whitespace collapsed."""
    return " ".join(node.text_content().split())


def clean_names(names: Iterable[str]) -> tuple[str, ...]:
    """Trim, drop empties and the catch-all "All"/"Uncategorized", keep first spelling."""
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split()).strip(" ,;")
        if name and name.casefold() not in {"all", "uncategorized", "uncategorised"}:
            seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Article-like JSON-LD objects on the page (``@graph`` flattened, bad JSON skipped)."""
    for text in _JSON_LD(tree):
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for item in _flatten(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(k in _ARTICLE_TYPES for k in kinds):
                yield item


def meta_categories(tree: HtmlElement) -> tuple[str, ...]:
    """Categories the page declares: ``article:section``/``article:tag`` meta and JSON-LD
    ``articleSection``/``keywords``."""
    names: list[str] = []
    for item in json_ld(tree):
        for key in ("articleSection", "keywords"):
            names.extend(_as_list(item.get(key)))
    if not names:
        for content in _META(tree):
            names.extend(content.split(",") if "," in content else [content])
    return clean_names(names)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph", []))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
