"""Frozen records that cross module boundaries: a fetched page, a post, a rejection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = ["ROLES", "PageRole", "PageSeen", "Post", "RawPage", "Rejected"]

PageRole = str
ROLES: frozenset[str] = frozenset({"listing", "post", "feed", "sitemap", "robots", "other"})

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


@dataclass(frozen=True, slots=True)
class RawPage:
    """One HTTP response exactly as archived (WARC), plus where it came from.

    ``role`` is the spider's reading of the page: ``listing`` (news index, category,
    archive, pagination, section front), ``post`` (a permalink or article page),
    ``feed``, ``sitemap``, ``robots`` or ``other``.
    """

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: datetime
    source: str
    run_id: str
    role: PageRole = "other"

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def declared_charset(self) -> str | None:
        found = _CHARSET.search(self.header("Content-Type") or "")
        return found.group(1) if found else None


@dataclass(frozen=True, slots=True)
class Post:
    """One post or article, as extracted from one page.

    ``url`` is the canonical permalink; ``page_url`` the page it was read from (a
    listing page that shows whole posts yields several posts with one ``page_url``).
    ``updated_at`` is a last-modified date when the page shows one; ``date_confidence``
    (0-1) says how sure the dating step is; ``content_hash`` fingerprints the body
    (:func:`pipeline.post_identity.content_hash`).
    """

    url: str
    source: str
    title: str
    body: str
    fetched_at: datetime
    page_url: str
    author: str | None = None
    published_date: date | None = None
    date_source: str | None = None
    categories: tuple[str, ...] = ()
    from_listing: bool = False
    run_id: str = ""
    extras: tuple[tuple[str, str], ...] = field(default=())
    # Filled by the ingest step (pipeline/ingest.py) once a post is final:
    post_id: str = ""
    kind: str = ""
    mp: str | None = None
    topics: tuple[str, ...] = ()
    mps: tuple[tuple[str, str], ...] = ()  # (mp, role) with role "author" or "mentioned"
    updated_at: date | None = None
    date_confidence: float | None = None
    content_hash: str = ""
    # Dates other sources gave, "<source>:<YYYY-MM-DD>", sorted (the chosen date excluded):
    date_conflicts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejected:
    """A page that gave no post, and why. Rejections are stored, never dropped. A page whose
    date could be read still gives it (``published_date``, ``date_source``)."""

    url: str
    source: str
    reason: str
    fetched_at: datetime
    run_id: str = ""
    stage: str = "extract"
    published_date: date | None = None
    date_source: str | None = None


@dataclass(frozen=True, slots=True)
class PageSeen:
    """One archived response, as the ``pages`` table records it (no body)."""

    run_id: str
    source: str
    url: str
    final_url: str
    status: int
    role: str
    content_type: str
    fetched_at: datetime
    warc_file: str
