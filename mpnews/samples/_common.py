"""Shared pieces of the sample-site builders: the origin token, escaping, slugs, golden records."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

__all__ = [
    "ORIGIN",
    "ExpectedPost",
    "Files",
    "esc",
    "extra_posts",
    "page_paragraphs",
    "rfc822",
    "slugify",
    "snippet_end",
    "snippet_start",
]

# Every absolute URL in the stored files starts with this token; the sample server replaces it
# with the site's real ``http://127.0.0.1:PORT`` when it serves a file (ports are ephemeral).
ORIGIN = "http://sample.invalid"

Files = dict[str, str]
"""Relative file path inside a site folder -> file text."""

_EXTRA = Path(__file__).parent / "content" / "extra_posts.toml"
_APOSTROPHES = re.compile("['\u2018\u2019]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ExpectedPost:
    """One golden post: what the pipeline must store from the samples."""

    source: str
    path: str
    title: str
    published_date: str
    categories: tuple[str, ...]
    mp: str | None
    body_starts: str
    body_ends: str

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "path": self.path,
            "title": self.title,
            "published_date": self.published_date,
            "categories": sorted(self.categories),
            "mp": self.mp,
            "body_starts": self.body_starts,
            "body_ends": self.body_ends,
        }


def esc(text: str) -> str:
    """HTML-escape text for element content and attributes."""
    return escape(text, quote=True)


def rfc822(moment: datetime) -> str:
    """RFC 822 date as feeds write it (``Tue, 25 Feb 2020 10:38:12 +0000``)."""
    return format_datetime(moment)


def slugify(title: str) -> str:
    """Weebly/WordPress-like slug: lower case, apostrophes dropped, other runs -> ``-``."""
    return _NON_WORD.sub("-", _APOSTROPHES.sub("", title.lower())).strip("-")


def extra_posts(family: str) -> list[dict[str, Any]]:
    """The posts written for the samples (``content/extra_posts.toml``) of one family."""
    data = tomllib.loads(_EXTRA.read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = data[family]
    return entries


def page_paragraphs(texts: list[str] | tuple[str, ...], css: str = "") -> str:
    """``<p>`` elements for plain-text paragraphs."""
    attr = f' class="{css}"' if css else ""
    return "\n".join(f"<p{attr}>{esc(t)}</p>" for t in texts)


def snippet_start(text: str, words: int = 8) -> str:
    return " ".join(text.split()[:words])


def snippet_end(text: str, words: int = 8) -> str:
    return " ".join(text.split()[-words:])
