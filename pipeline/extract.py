"""Turn one archived page into posts: ``extract_page(RawPage) -> list[Post] | Rejected``.

Pure and total: every failure, expected or not, comes back as a ``Rejected`` row.
A ``post`` page gives one post; a ``listing`` page gives the posts it shows whole
(none for a listing of teasers); feeds, sitemaps, robots and other pages give none (one
that answered with an error status is a rejection, like any page that gave nothing).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.etree import ParserError, XPath
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title
from trafilatura.settings import Document

from pipeline.clean import clean_text, page_cues, prune_tree
from pipeline.dating import (
    DateCandidate,
    DateChoice,
    find_date,
    find_invalid_date_text,
    parse_date_text,
)
from pipeline.dating_formats import home_zone
from pipeline.decode import decode_body, looks_binary
from pipeline.families import Family, PostBlock, detect_family
from pipeline.listing import block_document, whole_posts
from pipeline.post_identity import content_hash
from pipeline.records import Post, RawPage, Rejected
from pipeline.urls import canonical_url

__all__ = ["date_page", "decode_body", "extract_page"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})
_SKIPPED_ROLES = frozenset({"feed", "sitemap", "robots", "other"})
_READ_STATUSES = frozenset({200, 304})
_CANONICAL = XPath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
_OG_TITLE = XPath("//meta[@property='og:title']/@content | //h1")
_BODY_BLOCKS = XPath("//body//*[self::div or self::section][@class][p]")
_BODY_CLASS = re.compile(r"body|content|text|article|entry|story|post|paragraph", re.I)
_NOT_BODY_CLASS = re.compile(
    r"teaser|card|related|promo|item|list|comment|nav|menu|footer|next|more|recommend|sidebar"
    r"|widget|share|preview|excerpt|summary",
    re.I,
)
_SPLIT_MIN = 80
_AD_ROW_MAX = 300
_DOCUMENT_PARSER = HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
)


@dataclass(frozen=True, slots=True)
class _Parts:
    """What one page or listing block gives, before it becomes a Post."""

    title: str
    body: str
    author: str | None
    categories: tuple[str, ...]
    date: DateChoice | None
    date_error: str | None = None


def extract_page(
    page: RawPage, *, locale: str = "en-GB", family: str = "auto"
) -> list[Post] | Rejected:
    """Posts on ``page`` (a post page gives one), or why there are none. Never raises."""
    try:
        return _extract(page, locale, family)
    except Exception as exc:  # noqa: BLE001 - rejection is data; nothing may escape a worker
        return _reject(page, f"extraction error: {type(exc).__name__}: {exc}")


def date_page(page: RawPage, *, locale: str = "en-GB", family: str = "auto") -> DateChoice | None:
    """The date ``extract_page`` would give a post page, without extracting its text (for
    measuring the dating step alone); None when the page has no date or cannot be read."""
    if _problem(page):
        return None
    tree = _parse(decode_body(page.body, page.header("Content-Type")))
    if tree is None:
        return None
    choice, _error = _date(tree, page.final_url, detect_family(tree, family), locale, ())
    return choice


def _extract(page: RawPage, locale: str, family_name: str) -> list[Post] | Rejected:
    if page.role in _SKIPPED_ROLES:
        return _unread(page)
    problem = _problem(page)
    if problem:
        return _reject(page, problem)
    tree = _parse(decode_body(page.body, page.header("Content-Type")))
    if tree is None:
        return _reject(page, "no main text")
    family = detect_family(tree, family_name)
    if page.role == "listing":
        return _listing_posts(page, tree, family, locale)
    parts = _post_parts(tree, page.final_url, family, locale, ())
    if not parts.body:
        return _reject(page, "no main text", parts.date)
    canonical = _canonical(tree, page.final_url)
    return [_post(page, canonical, parts, from_listing=False, locale=locale)]


def _unread(page: RawPage) -> list[Post] | Rejected:
    """Feeds, sitemaps and other pages hold no post; one that failed is still a rejection
    (a robots.txt that is missing just means no rules)."""
    if page.role == "robots" or page.status in _READ_STATUSES:
        return []
    return _reject(page, f"{page.role} status {page.status}")


def _problem(page: RawPage) -> str | None:
    if page.status != 200:
        return f"status {page.status}"
    if not page.body.strip():
        return "empty body"
    if page.content_type not in _HTML_TYPES:
        return f"not html: {page.content_type}"
    if looks_binary(page.body):
        return "binary body"
    declared = page.header("Content-Length") or ""
    if (
        declared.isdigit()
        and not page.header("Content-Encoding")
        and len(page.body) < int(declared)
    ):
        return f"truncated body: {len(page.body)} of {declared} bytes"
    return None


def _parse(html: str) -> HtmlElement | None:
    """Parse as trafilatura does (comments and PIs dropped, so inline text stays whole).
    Markup before ``<html>`` (a PHP warning) makes lxml return a fragment: re-read it as a
    whole document then."""
    try:
        tree = trafilatura.load_html(html)
        if tree is not None and tree.find("body") is None:
            tree = document_fromstring(html.encode("utf-8"), parser=_DOCUMENT_PARSER)
    except (ParserError, ValueError):
        return None
    return tree if tree is not None and tree.find("body") is not None else None


def _listing_posts(page: RawPage, tree: HtmlElement, family: Family, locale: str) -> list[Post]:
    posts = []
    for block in whole_posts(tree, family, page.final_url):
        parts = _block_parts(block, family, locale)
        if parts is not None:
            posts.append(_post(page, block.href, parts, from_listing=True, locale=locale))
    return posts


def _block_parts(block: PostBlock, family: Family, locale: str) -> _Parts | None:
    raw = block.date_text
    parsed = parse_date_text(raw, locale) if raw else None
    hints = (DateCandidate(parsed, "listing", raw or ""),) if parsed else ()
    tree = _parse(block_document(block))
    if tree is None:
        return None
    parts = _post_parts(tree, block.href, family, locale, hints, title=block.title)
    if not parts.body:
        return None
    if raw and parsed is None and parts.date is None:
        parts = replace(parts, date_error=f"no valid date: {raw}")
    return _with_categories(parts, block.categories)


def _post_parts(
    tree: HtmlElement,
    url: str,
    family: Family,
    locale: str,
    hints: tuple[DateCandidate, ...],
    *,
    title: str | None = None,
) -> _Parts:
    """The page's parts; ``body`` is empty when it has no main text (its date still counts)."""
    date, date_error = _date(tree, url, family, locale, hints)
    categories = family.categories(tree)
    title = title or family.title(tree)
    page_title = title or _page_title(tree)
    cues = page_cues(tree)
    _join_split_body(tree)
    meta_title, author = _metadata(prune_tree(tree, family))
    fallback_title = title or meta_title or page_title
    text = _main_text(tree, url)
    body = clean_text(text, title=fallback_title, cues=cues) if text else ""
    return _Parts(fallback_title or "", body, author, categories, date, date_error)


def _join_split_body(tree: HtmlElement) -> None:
    """A body split into sibling blocks of the same tag and class (``div.article-body`` …
    ad row … ``div.article-body``) becomes one block, in order, so extraction keeps all of it
    and not only the first. Only body-like classes, only blocks holding paragraphs, and only
    across short rows (ads, embeds) between them."""
    groups: dict[tuple[int, str, str], list[HtmlElement]] = {}
    for block in _BODY_BLOCKS(tree):
        classes = block.get("class", "")
        if _BODY_CLASS.search(classes) and not _NOT_BODY_CLASS.search(classes):
            parent = block.getparent()
            groups.setdefault((id(parent), block.tag, classes), []).append(block)
    for blocks in groups.values():
        if len(blocks) > 1 and all(_paragraph_chars(b) >= _SPLIT_MIN for b in blocks):
            _merge_siblings(blocks)


def _merge_siblings(blocks: list[HtmlElement]) -> None:
    first = blocks[0]
    members = {id(b) for b in blocks}
    between: list[HtmlElement] = []
    for sibling in first.itersiblings():
        if id(sibling) in members:
            if any(len(" ".join(e.text_content().split())) > _AD_ROW_MAX for e in between):
                return
            first.extend(list(sibling))
            between = []
        else:
            between.append(sibling)


def _paragraph_chars(block: HtmlElement) -> int:
    return sum(len(p.text_content().strip()) for p in block.iterchildren("p"))


def _metadata(tree: HtmlElement) -> tuple[str | None, str | None]:
    """Title and author as trafilatura's ``extract_metadata`` finds them, minus its date
    search (the dating step is the one date authority)."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader is best effort
        found = extract_meta_json(tree, found)
    found.title = found.title or extract_title(tree)
    found.author = found.author or extract_author(tree)
    trimmed = Document()
    trimmed.title, trimmed.author = found.title, found.author
    trimmed.clean_and_trim()
    return trimmed.title or None, trimmed.author or None


def _main_text(tree: HtmlElement, url: str) -> str | None:
    """trafilatura's main text (comments excluded, tables kept), no metadata pass."""
    doc = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, with_metadata=False, include_tables=True
    )
    return doc.text if isinstance(doc, Document) and doc.text else None


def _date(
    tree: HtmlElement, url: str, family: Family, locale: str, hints: tuple[DateCandidate, ...]
) -> tuple[DateChoice | None, str | None]:
    """The dating step's choice; a failure there costs the date, not the post."""
    try:
        hints = hints + _visible_hints(tree, family, locale)
        choice = find_date(tree, url, locale=locale, hints=hints)
        invalid = None if choice else _bad_family_date(tree, family, locale)
        invalid = invalid or (find_invalid_date_text(tree) if choice is None else None)
        return choice, f"no valid date: {invalid}" if invalid else None
    except Exception as exc:  # noqa: BLE001 - recorded on the post as extras["date_error"]
        return None, f"{type(exc).__name__}: {exc}"


def _bad_family_date(tree: HtmlElement, family: Family, locale: str) -> str | None:
    """The first date text in the family's date places that is no valid date."""
    bad = (raw.strip() for _, raw in family.date_texts(tree) if not parse_date_text(raw, locale))
    return next((raw for raw in bad if raw), None)


def _visible_hints(tree: HtmlElement, family: Family, locale: str) -> tuple[DateCandidate, ...]:
    found = []
    for source, raw in family.date_texts(tree):
        value = parse_date_text(raw, locale)
        if value is not None:
            found.append(DateCandidate(value, source, raw))
    return tuple(found)


def _with_categories(parts: _Parts, extra: tuple[str, ...]) -> _Parts:
    merged = tuple(dict.fromkeys((*extra, *parts.categories)))
    return replace(parts, categories=merged)


def _page_title(tree: HtmlElement) -> str | None:
    found = _OG_TITLE(tree)
    if not found:
        return None
    first = found[0]
    return " ".join((first if isinstance(first, str) else first.text_content()).split()) or None


def _canonical(tree: HtmlElement, final_url: str) -> str:
    """The page's declared canonical URL when it is on the same site, else the final URL."""
    for href in _CANONICAL(tree):
        absolute = urljoin(final_url, href.strip())
        if _site(absolute) == _site(final_url):
            return absolute
    return final_url


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _post(page: RawPage, url: str, parts: _Parts, *, from_listing: bool, locale: str) -> Post:
    date = parts.date
    return Post(
        url=canonical_url(url),
        source=page.source,
        title=parts.title,
        body=parts.body,
        fetched_at=page.fetched_at,
        page_url=page.final_url,
        author=parts.author,
        published_date=date.date if date else None,
        date_source=date.source if date else None,
        categories=parts.categories,
        from_listing=from_listing,
        run_id=page.run_id,
        updated_at=_local_day(date.updated_at, locale) if date else None,
        date_confidence=date.confidence if date else None,
        content_hash=content_hash(parts.body),
        date_conflicts=_conflicts(date),
        extras=(("date_error", parts.date_error),) if parts.date_error else (),
    )


def _conflicts(choice: DateChoice | None) -> tuple[str, ...]:
    """The dates other candidates gave, as ``"<source>:<YYYY-MM-DD>"``, sorted."""
    if choice is None:
        return ()
    found = {f"{c.source}:{c.value.isoformat()}" for c in choice.conflicts}
    return tuple(sorted(f for f in found if not f.endswith(choice.date.isoformat())))


def _local_day(moment: datetime | date | None, locale: str) -> date | None:
    """The publisher's calendar day of an instant (docs/warehouse.md, "How dates are
    decided"): 23:30 UTC on 30 June is 1 July in London."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(home_zone(locale)).date()
    return moment.date() if isinstance(moment, datetime) else moment


def _reject(page: RawPage, reason: str, date: DateChoice | None = None) -> Rejected:
    return Rejected(
        url=page.final_url or page.url,
        source=page.source,
        reason=reason,
        fetched_at=page.fetched_at,
        run_id=page.run_id,
        published_date=date.date if date else None,
        date_source=date.source if date else None,
    )
