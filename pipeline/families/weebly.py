"""Weebly blogs: ``div.blog-post`` blocks (title link, ``.date-text``, ``.blog-content``),
a ``.blog-sidebar`` of Categories/Archives/RSS Feed, and a ``#commentArea`` form."""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipeline.families import Family, PostBlock
from pipeline.families.common import (
    COMMON_PRUNE,
    Pruner,
    clean_names,
    first,
    meta_categories,
    node_text,
    selector,
)

__all__ = ["FAMILY"]

_MARKERS = XPath(
    "boolean(//meta[@name='generator' and contains(translate(@content,'WEBLY','webly'),'weebly')]"
    " | //script[contains(@src,'weebly')] | //link[contains(@href,'weebly')]"
    " | //div[contains(concat(' ',normalize-space(@class),' '),' blog-post ')])"
)
_PRUNE = Pruner(
    *COMMON_PRUNE,
    ".blog-sidebar",
    "#commentArea",
    ".blog-comments",
    ".blog-comments-bottom",
    ".blog-category-list",
    ".blog-social",
    ".blog-social-item",
    ".blog-comments-top",
    ".blog-footer",
    ".wsite-menu-default",
    ".wsite-menu-wrap",
    "#navigation",
    ".wsite-mobile-menu",
    ".wsite-footer",
    "#footer",
    ".footer-wrap",
    ".blog-separator",
)
_POSTS = selector("div.blog-post")
_TITLE_LINK = selector(".blog-title a")
_TITLE = selector(".blog-title")
_DATE_TEXT = selector(".blog-date .date-text")
_DATE = selector(".blog-date")
_CONTENT = selector(".blog-content")
_POST_CATEGORIES = selector(".blog-category-list a", ".blog-categories a")
_READ_MORE = XPath(
    ".//*[contains(@class,'read-more')] | .//a[translate(normalize-space(.),"
    "'READMOCNTIUG','readmocntiug')='read more' or starts-with(translate(normalize-space(.),"
    "'CONTIUERADG','contiueradg'),'continue reading')]"
)


def _matches(tree: HtmlElement) -> bool:
    return bool(_MARKERS(tree))


def _prune(tree: HtmlElement) -> list[HtmlElement]:
    return _PRUNE(tree)


def _categories(tree: HtmlElement) -> tuple[str, ...]:
    posts = _POSTS(tree)
    own = [node_text(a) for post in posts[:1] for a in _POST_CATEGORIES(post)]
    return clean_names(own) or meta_categories(tree)


def _date_texts(tree: HtmlElement) -> tuple[tuple[str, str], ...]:
    posts = _POSTS(tree)
    found = first(posts[0], _DATE_TEXT, _DATE) if posts else None
    text = node_text(found) if found is not None else ""
    return (("visible", text),) if text else ()


def _title(tree: HtmlElement) -> str | None:
    found = _TITLE(tree)
    return node_text(found[0]) or None if found else None


def _blocks(tree: HtmlElement) -> list[PostBlock]:
    return [block for post in _POSTS(tree) if (block := _block(post)) is not None]


def _block(post: HtmlElement) -> PostBlock | None:
    links = _TITLE_LINK(post)
    content = _CONTENT(post)
    if not links or not content or not links[0].get("href"):
        return None
    dated = first(post, _DATE_TEXT, _DATE)
    return PostBlock(
        title=node_text(links[0]) or node_text(_TITLE(post)[0]),
        href=links[0].get("href", ""),
        date_text=node_text(dated) if dated is not None else None,
        content=content[0],
        categories=clean_names(node_text(a) for a in _POST_CATEGORIES(post)),
        teaser=bool(_READ_MORE(post)),
    )


FAMILY = Family(
    name="weebly",
    matches=_matches,
    prune=_prune,
    categories=_categories,
    date_texts=_date_texts,
    blocks=_blocks,
    title=_title,
)
