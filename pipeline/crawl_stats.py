"""The crawl stats file: what one crawl subprocess reports (``spiders/run.py --stats-out``).

``spiders.archive`` writes it as JSON when the crawl closes; :meth:`CrawlStats.from_json`
reads it back for the flows, which judge the crawl (:mod:`pipeline.crawl_verdict`) and its
health (:mod:`pipeline.health_checks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CrawlStats"]


@dataclass(frozen=True, slots=True)
class CrawlStats:
    """What one crawl subprocess reported (see docs/architecture.md, "Crawl step")."""

    pages_fetched: int
    status_counts: Mapping[str, int]
    errors: tuple[Mapping[str, str], ...]
    robots_blocked: int
    finish_reason: str
    warc_path: str | None
    errors_total: int | None = None
    skipped: int = 0  # known post permalinks not requested (incremental crawl)
    skipped_posts: int = 0  # ... of which hold a stored post
    skipped_listings: int = 0  # known listings a page with no new post linked to, not requested
    max_pages_reached: bool = False  # the crawl budget refused at least one link
    pages_over_budget: int = 0  # distinct URLs the budget left unfetched
    max_pages: int | None = None  # the budget the crawl ran with
    budgets_hit: tuple[str, ...] = ()  # every budget that refused a link, in the order hit
    budget_examples: tuple[str, ...] = ()  # "<budget>: <URL shape>" of a few refused links
    max_depth: int | None = None
    max_query_variants: int | None = None
    disk_full: bool = False  # the disk filled up: the crawl stopped at its last whole record

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CrawlStats:
        errors = tuple(data.get("errors") or ())
        return cls(
            pages_fetched=int(data.get("pages_fetched") or 0),
            status_counts={str(k): int(v) for k, v in (data.get("status_counts") or {}).items()},
            errors=errors,
            robots_blocked=int(data.get("robots_blocked") or 0),
            finish_reason=str(data.get("finish_reason") or "unknown"),
            warc_path=data.get("warc_path"),
            errors_total=int(data.get("errors_total") or len(errors)),
            skipped=int(data.get("skipped") or 0),
            skipped_posts=int(data.get("skipped_posts") or 0),
            skipped_listings=int(data.get("skipped_listings") or 0),
            max_pages_reached=bool(data.get("max_pages_reached")),
            pages_over_budget=int(data.get("pages_over_budget") or 0),
            max_pages=_number(data, "max_pages"),
            budgets_hit=tuple(data.get("budgets_hit") or ())
            or (("max_pages",) if data.get("max_pages_reached") else ()),
            budget_examples=tuple(data.get("budget_examples") or ()),
            max_depth=_number(data, "max_depth"),
            max_query_variants=_number(data, "max_query_variants"),
            disk_full=bool(data.get("disk_full")),
        )

    @property
    def budget_hit(self) -> bool:
        """Whether any crawl budget left links unfetched."""
        return bool(self.budgets_hit) or self.max_pages_reached

    @property
    def ok_responses(self) -> int:
        return sum(n for code, n in self.status_counts.items() if code.startswith(("2", "3")))

    @property
    def responses(self) -> int:
        return sum(self.status_counts.values())

    @property
    def error_responses(self) -> int:
        """Responses with a 4xx or 5xx status."""
        return sum(n for code, n in self.status_counts.items() if code.startswith(("4", "5")))

    @property
    def download_errors(self) -> int:
        """Requests that got no response at all (refused, timed out, DNS, ...)."""
        return max(self.errors_total or 0, len(self.errors))

    @property
    def not_modified(self) -> int:
        """304 responses: the page is unchanged since the last run (incremental crawl)."""
        return int(self.status_counts.get("304", 0))

    @property
    def first_error(self) -> str | None:
        """The first download error as ``reason (url)``, or None."""
        if not self.errors:
            return None
        first = self.errors[0]
        return f"{first.get('reason', 'error')} ({first.get('url', '?')})"


def _number(data: Mapping[str, Any], key: str) -> int | None:
    return int(data[key]) if data.get(key) else None
