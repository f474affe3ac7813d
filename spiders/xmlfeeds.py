"""Safe reading of feeds (RSS/Atom/RDF), sitemaps and robots.txt ``Sitemap:`` lines.

Sitemaps go through Scrapy's own ``scrapy.utils.sitemap`` (lxml that never resolves
entities); robots.txt through Protego, the parser Scrapy obeys robots.txt with. Feeds are
parsed with defusedxml, which refuses entity declarations and external references; a feed it
refuses or cannot parse (a billion-laughs DTD, broken markup) is read again, without its DTD,
by lxml set to never resolve entities, never touch the network, never load a DTD and refuse
huge trees, so a bomb stays small and the feed's real items still count. Gzip bodies are
inflated with a size cap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree
from protego import Protego
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap as ScrapySitemap

__all__ = ["MAX_XML_BYTES", "Sitemap", "feed_links", "parse_sitemap", "robots_sitemaps"]

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own ceiling
_GZIP_MAGIC = b"\x1f\x8b"
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.I | re.S)
_PROLOG_BYTES = 1024 * 1024
_HTTP = re.compile(r"^https?://", re.I)
_ENTRY_TAGS = frozenset({"item", "entry"})
# With the DTD gone, a custom entity (``&lol9;``) is undeclared: the loc holding it is unusable.
_UNDECLARED_ENTITY = re.compile(
    rb"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)[A-Za-z_][\w.-]*;"
)
_UNUSABLE = b"&#xFFFD;"
_UNUSABLE_CHAR = "\ufffd"


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``index`` (urls are sitemaps) or ``urlset``."""

    kind: str
    urls: tuple[str, ...]
    is_news: bool = False


def feed_links(body: bytes) -> list[str]:
    """Item/entry permalinks of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in order."""
    root = _parse_feed(body)
    if root is None:
        return []
    links: list[str] = []
    for el in _elements(root):
        if _local(el) in _ENTRY_TAGS:
            link = _entry_link(el)
            if link:
                links.append(link)
    return list(dict.fromkeys(links))


def parse_sitemap(body: bytes) -> Sitemap:
    """Read a sitemap index, a urlset (incl. Google News) or a plain-text sitemap."""
    xml = _UNDECLARED_ENTITY.sub(_UNUSABLE, _strip_doctype(_inflate(body)))
    if xml.lstrip()[:1] != b"<":
        return Sitemap("urlset", _text_sitemap(body))
    try:
        sitemap = ScrapySitemap(xml)
        entries = list(sitemap)
    except (etree.XMLSyntaxError, StopIteration):
        return Sitemap("urlset", ())
    kind = "index" if sitemap.type.lower() == "sitemapindex" else "urlset"
    locs = (e.get("loc") or "" for e in entries)
    urls = (u for u in locs if _HTTP.match(u) and _UNUSABLE_CHAR not in u)
    news = any("news" in e for e in entries)
    return Sitemap(kind, tuple(dict.fromkeys(urls)), news)


def robots_sitemaps(body: bytes) -> list[str]:
    """The absolute ``Sitemap:`` URLs declared in a robots.txt body."""
    found = Protego.parse(body.decode("utf-8-sig", errors="ignore")).sitemaps
    return [u for u in dict.fromkeys(found) if _HTTP.match(u)]


def _parse_feed(body: bytes) -> Any | None:
    body = _inflate(body)
    if body.lstrip()[:1] != b"<":
        return None
    try:
        return defused_fromstring(body, forbid_dtd=False, forbid_entities=True)
    except (DefusedXmlException, ParseError):
        return _parse_leniently(_strip_doctype(body))


def _parse_leniently(body: bytes) -> etree._Element | None:
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


def _elements(root: Any) -> Iterator[Any]:
    """Every element under ``root`` (comments and entity nodes skipped), lxml or ElementTree."""
    return (el for el in root.iter() if isinstance(el.tag, str))


def _entry_link(entry: Any) -> str | None:
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


def _plain_text(el: Any) -> str | None:
    """Element text, or None when it holds children (e.g. an unexpanded entity)."""
    if len(el):
        return None
    return (el.text or "").strip() or None


def _text_sitemap(body: bytes) -> tuple[str, ...]:
    lines = _inflate(body).decode("utf-8", "replace").splitlines()
    return tuple(dict.fromkeys(s for line in lines if _HTTP.match(s := line.strip())))


def _local(el: Any) -> str:
    return str(el.tag).rpartition("}")[2].lower()
