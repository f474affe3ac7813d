"""Safe reading of feeds (RSS/Atom/RDF), sitemaps and robots.txt ``Sitemap:`` lines.

XML is parsed with lxml set to never resolve entities, never touch the network,
never load a DTD and refuse huge trees, so a billion-laughs body stays small.
Gzip bodies are inflated with a size cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from scrapy.utils.gz import gunzip

__all__ = ["MAX_XML_BYTES", "Sitemap", "feed_links", "parse_sitemap", "robots_sitemaps"]

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own ceiling
_GZIP_MAGIC = b"\x1f\x8b"
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.I | re.S)
_PROLOG_BYTES = 1024 * 1024
_ROBOTS_SITEMAP = re.compile(rb"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
_HTTP = re.compile(r"^https?://", re.I)
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/"
_ENTRY_TAGS = frozenset({"item", "entry"})


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``index`` (urls are sitemaps) or ``urlset``."""

    kind: str
    urls: tuple[str, ...]
    is_news: bool = False


def feed_links(body: bytes) -> list[str]:
    """Item/entry permalinks of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in order."""
    root = _parse(body)
    if root is None:
        return []
    links: list[str] = []
    for el in root.iter(etree.Element):
        if _local(el) in _ENTRY_TAGS:
            link = _entry_link(el)
            if link:
                links.append(link)
    return list(dict.fromkeys(links))


def parse_sitemap(body: bytes) -> Sitemap:
    """Read a sitemap index, a urlset (incl. Google News) or a plain-text sitemap."""
    root = _parse(body)
    if root is None:
        return Sitemap("urlset", _text_sitemap(body))
    kind = "index" if _local(root) == "sitemapindex" else "urlset"
    urls: list[str] = []
    news = False
    for el in root.iter(etree.Element):
        name = _local(el)
        if name == "loc" and el.getparent() is not None:
            parent = _local(el.getparent())
            if parent in ("url", "sitemap") and (text := _plain_text(el)):
                urls.append(text)
        elif name == "news" and el.tag.startswith(_NEWS_NS):
            news = True
    return Sitemap(kind, tuple(dict.fromkeys(urls)), news)


def robots_sitemaps(body: bytes) -> list[str]:
    """The ``Sitemap:`` URLs declared in a robots.txt body."""
    found = (m.decode("utf-8", "replace") for m in _ROBOTS_SITEMAP.findall(body))
    return [u for u in dict.fromkeys(found) if _HTTP.match(u)]


def _parse(body: bytes) -> etree._Element | None:
    body = _strip_doctype(_inflate(body))
    if body.lstrip()[:1] != b"<":
        return None
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None


def _strip_doctype(body: bytes) -> bytes:
    """Feeds and sitemaps need no DTD: drop it, so no entity is ever declared."""
    found = _DOCTYPE.search(body, 0, _PROLOG_BYTES)
    return body[: found.start()] + body[found.end() :] if found else body


def _inflate(body: bytes) -> bytes:
    if body[:2] != _GZIP_MAGIC:
        return body
    try:
        return gunzip(body, max_size=MAX_XML_BYTES)
    except Exception:  # noqa: BLE001 - a corrupt or oversized gzip is simply unreadable
        return b""


def _entry_link(entry: etree._Element) -> str | None:
    about = entry.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    fallback = about if about and _HTTP.match(about) else None
    for child in entry:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name == "link":
            href = child.get("href")
            if href is not None:
                if child.get("rel", "alternate") == "alternate" and _HTTP.match(href):
                    return href.strip()
            elif (text := _plain_text(child)) and _HTTP.match(text):
                return text
        elif name == "guid" and child.get("isPermaLink", "true") != "false":
            text = _plain_text(child)
            fallback = fallback or (text if text and _HTTP.match(text) else None)
    return fallback


def _plain_text(el: etree._Element) -> str | None:
    """Element text, or None when it holds children (e.g. an unexpanded entity)."""
    if len(el):
        return None
    return (el.text or "").strip() or None


def _text_sitemap(body: bytes) -> tuple[str, ...]:
    lines = _inflate(body).decode("utf-8", "replace").splitlines()
    return tuple(dict.fromkeys(s for line in lines if _HTTP.match(s := line.strip())))


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname.lower()
