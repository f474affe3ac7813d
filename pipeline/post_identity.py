"""Post identity: stable ids, body fingerprints, and collapsing copies of one post.

URL spelling (``canonical_url``, ``url_key``) is :mod:`pipeline.urls`, shared with the crawler.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from pipeline.records import Post
from pipeline.urls import canonical_url, url_key

__all__ = [
    "collapse",
    "content_hash",
    "date_strength",
    "normalise_text",
    "post_id",
]

_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")

# How far a date source is trusted when the dating step gave no confidence.
_SOURCE_STRENGTH = {
    "jsonld": 0.9,
    "json-ld": 0.9,
    "meta": 0.85,
    "visible": 0.8,
    "listing": 0.8,
    "time": 0.8,
    "url": 0.5,
    "htmldate": 0.3,
    "fallback": 0.2,
}


def post_id(url: str) -> str:
    """A stable 16-hex-digit id for a page, the same for every spelling of its URL."""
    return hashlib.blake2b(url_key(url).encode("utf-8"), digest_size=8).hexdigest()


def normalise_text(body: str) -> str:
    """A body as dedupe compares it: case-folded words, no punctuation, single spaces."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", body.casefold())).strip()


def content_hash(body: str) -> str:
    """Fingerprint of a body that ignores case, punctuation and whitespace."""
    return hashlib.blake2b(normalise_text(body).encode("utf-8"), digest_size=16).hexdigest()


def date_strength(post: Post) -> float:
    """How much a post's date is trusted (0 when it has none)."""
    if post.published_date is None:
        return 0.0
    if post.date_confidence is not None:
        return post.date_confidence
    return _SOURCE_STRENGTH.get((post.date_source or "").split(":")[0].lower(), 0.4)


def collapse(posts: Iterable[Post]) -> list[Post]:
    """Merge copies of one post (same canonical URL), then drop exact repeats
    (same body fingerprint and title). Output is sorted, whatever the input order."""
    groups: dict[str, list[Post]] = {}
    for post in posts:
        groups.setdefault(url_key(post.url), []).append(post)
    merged = [_merge(sorted(group, key=_preference)) for _, group in sorted(groups.items())]
    seen: set[tuple[str, str]] = set()
    kept: list[Post] = []
    for post in sorted(merged, key=_preference):
        key = (_hash(post), post.title.casefold().strip())
        if key not in seen:
            seen.add(key)
            kept.append(post)
    return sorted(kept, key=lambda p: canonical_url(p.url))


def _preference(post: Post) -> tuple[object, ...]:
    """Sort key: permalink copies first, then the fullest body, then a total order."""
    return (
        post.from_listing,
        -len(post.body),
        post.url,
        post.page_url,
        post.body,
        post.fetched_at.isoformat(),
        post.title,
    )


def _merge(copies: list[Post]) -> Post:
    """The canonical copy (a permalink before a listing row, then the fullest body) whole:
    its url, title, body, author and date are never mixed with another copy's. The other
    copies add their categories, and their dates when they differ, as ``date_conflicts``."""
    best = copies[0]
    categories = tuple(dict.fromkeys(c for p in copies for c in p.categories))
    merged = replace(
        best,
        categories=categories,
        url=canonical_url(best.url),
        from_listing=all(p.from_listing for p in copies),
    )
    merged = replace(merged, date_conflicts=_date_conflicts(copies, merged))
    return replace(merged, content_hash=_hash(merged))


def _date_conflicts(copies: list[Post], merged: Post) -> tuple[str, ...]:
    """Every copy's conflicts, plus any copy's own date that is not the merged one."""
    found = {c for p in copies for c in p.date_conflicts}
    dated = [p for p in copies if p.published_date is not None]
    found |= {f"{p.date_source or 'unknown'}:{p.published_date}" for p in dated}
    if merged.published_date is not None:
        chosen = merged.published_date.isoformat()
        found = {c for c in found if c.rsplit(":", 1)[-1] != chosen}
    return tuple(sorted(found))


def _hash(post: Post) -> str:
    return post.content_hash or content_hash(post.body)
