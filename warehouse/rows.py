"""Frozen rows handed to the warehouse loader: one run, its posts and its pages.

Rejections are loaded straight from :class:`pipeline.records.Rejected`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pipeline.records import Post

__all__ = ["LoadResult", "PostRow", "RunRecord"]


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One source in one run (a ``crawl_runs`` row).

    ``posts_new`` and ``rejections`` left as None are counted by the warehouse: posts
    first seen in this run, and rejection rows stored for this run.
    """

    run_id: str
    source: str
    kind: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    pages_fetched: int = 0
    posts_found: int = 0
    posts_new: int | None = None
    rejections: int | None = None
    error: str | None = None
    responses_200: int = 0
    responses_304: int = 0
    skipped: int = 0  # known post permalinks not requested (incremental crawl)
    skipped_posts: int = 0  # ... of which hold a stored post (counted in posts_found)
    skipped_listings: int = 0  # known listings not requested: linked from a page with no news
    budget_hit: bool = False  # a crawl budget stopped the crawl with links unfetched
    pages_over_budget: int = 0  # distinct URLs the budgets left unfetched
    max_pages: int | None = None  # the budget the crawl ran with
    budgets_hit: tuple[str, ...] = ()  # which budgets: max_pages, max_depth, max_query_variants
    budget_examples: tuple[str, ...] = ()  # "<budget>: <URL shape>" of a few refused links
    max_depth: int | None = None
    max_query_variants: int | None = None


@dataclass(frozen=True, slots=True)
class PostRow:
    """One sighting of a post. Rows sharing ``post_id`` are one post seen at several
    URLs/pages: the first such row of a load gives the post's content."""

    post_id: str
    url: str
    source: str
    kind: str
    title: str | None
    author: str | None
    published_date: date | None
    date_source: str | None
    updated_at: datetime | None
    body: str | None
    categories: tuple[str, ...]
    mp: str | None
    content_hash: str | None
    page_url: str | None
    seen_at: datetime
    run_id: str
    topics: tuple[str, ...] = ()
    date_confidence: float | None = None
    mps: tuple[tuple[str, str], ...] = ()  # (mp, role): role "author" or "mentioned"
    date_conflicts: tuple[str, ...] = ()  # "<source>:<YYYY-MM-DD>" dates not chosen
    date_error: str | None = None  # why there is no date, when the page showed a bad one

    @classmethod
    def from_post(
        cls,
        post: Post,
        *,
        post_id: str | None = None,
        kind: str | None = None,
        mp: str | None = None,
        content_hash: str | None = None,
        run_id: str | None = None,
        updated_at: datetime | None = None,
    ) -> PostRow:
        """A row for ``post``; fields not given come from the post itself (as filled by
        ``pipeline.ingest.finalise_post``). A date-only ``updated_at`` becomes
        midnight UTC."""
        return cls(
            post_id=post_id if post_id is not None else post.post_id,
            url=post.url,
            source=post.source,
            kind=kind if kind is not None else post.kind,
            title=post.title,
            author=post.author,
            published_date=post.published_date,
            date_source=post.date_source,
            updated_at=_as_timestamp(updated_at if updated_at is not None else post.updated_at),
            body=post.body,
            categories=tuple(post.categories),
            mp=mp if mp is not None else post.mp,
            content_hash=content_hash if content_hash is not None else post.content_hash or None,
            page_url=post.page_url,
            seen_at=post.fetched_at,
            run_id=run_id if run_id is not None else post.run_id,
            topics=tuple(post.topics),
            date_confidence=post.date_confidence,
            mps=tuple(post.mps),
            date_conflicts=tuple(post.date_conflicts),
            date_error=dict(post.extras).get("date_error"),
        )


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one load did: posts inserted, existing posts whose content changed, and
    distinct sightings (post, url, source) written."""

    posts_new: int
    posts_updated: int
    sightings: int


def _as_timestamp(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
