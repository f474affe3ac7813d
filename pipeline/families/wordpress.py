"""WordPress and WordPress.com: ``article`` with ``.entry-content``, ``rel="category tag"``
links, Jetpack share/like blocks (``.sharedaddy``) and a ``#respond`` comment form."""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipeline.dating import is_figure_or_modified
from pipeline.families import Family, PostBlock
from pipeline.families.common import (
    COMMON_PRUNE,
    Pruner,
    clean_names,
    meta_categories,
    node_text,
    selector,
)

__all__ = ["FAMILY"]

_MARKERS = XPath(
    "boolean(//meta[@name='generator' and starts-with(@content,'WordPress')]"
    " | //link[contains(@href,'/wp-content/') or contains(@href,'/wp-includes/')]"
    " | //script[contains(@src,'/wp-content/') or contains(@src,'/wp-includes/')]"
    " | //link[contains(@href,'//s0.wp.com/') or contains(@href,'.files.wordpress.com/')]"
    " | //article[contains(concat(' ',normalize-space(@class),' '),' hentry ')]"
    "[.//*[contains(concat(' ',normalize-space(@class),' '),' entry-content ')]])"
)
_PRUNE = Pruner(
    *COMMON_PRUNE,
    "#secondary",
    ".widget-area",
    ".post-navigation",
    ".nav-links",
    ".navigation",
    ".entry-meta",
    ".entry-footer",
    "#wpcom-follow-bubbles",
    ".wpcnt",
    "#actionbar",
    ".comment-navigation",
    ".sd-block",
    ".wp-block-jetpack-subscriptions",
)
_CATEGORY_LINKS = XPath(
    "//a[contains(concat(' ',normalize-space(@rel),' '),' tag ') "
    "or contains(concat(' ',normalize-space(@rel),' '),' category ')]"
)
_DATE_SELECTORS = (
    selector("time.entry-date"),
    selector(".posted-on time"),
    selector(".entry-date"),
)
_ARTICLES = selector("article")
_TITLE_LINK = selector(".entry-title a")
_CONTENT = selector(".entry-content")
_TITLE = selector(".entry-title")
_TEASER = selector(".entry-summary", ".more-link")


def _matches(tree: HtmlElement) -> bool:
    return bool(_MARKERS(tree))


def _prune(tree: HtmlElement) -> list[HtmlElement]:
    return _PRUNE(tree)


def _categories(tree: HtmlElement) -> tuple[str, ...]:
    own = clean_names(node_text(a) for a in _CATEGORY_LINKS(tree))
    return own or meta_categories(tree)


def _date_texts(tree: HtmlElement) -> tuple[tuple[str, str], ...]:
    raw = _date_raw(tree)
    return (("visible", raw),) if raw else ()


def _date_raw(tree: HtmlElement) -> str | None:
    for sel in _DATE_SELECTORS:
        found = next((e for e in sel(tree) if not is_figure_or_modified(e)), None)
        if found is not None:
            return found.get("datetime") or node_text(found)
    return None


def _title(tree: HtmlElement) -> str | None:
    found = _TITLE(tree)
    return node_text(found[0]) or None if found else None


def _blocks(tree: HtmlElement) -> list[PostBlock]:
    articles = _ARTICLES(tree)
    return [b for a in articles if (b := _block(a)) is not None] if len(articles) > 1 else []


def _block(article: HtmlElement) -> PostBlock | None:
    links = _TITLE_LINK(article)
    content = _CONTENT(article)
    if not links or not content or not links[0].get("href"):
        return None
    return PostBlock(
        title=node_text(links[0]),
        href=links[0].get("href", ""),
        date_text=_date_raw(article),
        content=content[0],
        categories=clean_names(node_text(a) for a in _CATEGORY_LINKS(article)),
        teaser=bool(_TEASER(article)),
    )


FAMILY = Family(
    name="wordpress",
    matches=_matches,
    prune=_prune,
    categories=_categories,
    date_texts=_date_texts,
    blocks=_blocks,
    title=_title,
)
