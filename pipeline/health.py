"""Judge a finished crawl from its stats: did the source succeed, and if not, why (one line)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CrawlStats", "judge_crawl"]


@dataclass(frozen=True, slots=True)
class CrawlStats:
    """What one crawl subprocess reported (see docs/architecture.md, "Crawl step")."""

    pages_fetched: int
    status_counts: Mapping[str, int]
    errors: tuple[Mapping[str, str], ...]
    robots_blocked: int
    finish_reason: str
    warc_path: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CrawlStats:
        return cls(
            pages_fetched=int(data.get("pages_fetched") or 0),
            status_counts={str(k): int(v) for k, v in (data.get("status_counts") or {}).items()},
            errors=tuple(data.get("errors") or ()),
            robots_blocked=int(data.get("robots_blocked") or 0),
            finish_reason=str(data.get("finish_reason") or "unknown"),
            warc_path=data.get("warc_path"),
        )

    @property
    def ok_responses(self) -> int:
        return sum(n for code, n in self.status_counts.items() if code.startswith(("2", "3")))


def judge_crawl(
    stats: CrawlStats | None,
    *,
    returncode: int,
    stderr_tail: str = "",
    start_urls: tuple[str, ...] = (),
) -> str | None:
    """None when the crawl is usable; otherwise the reason it failed, on one line."""
    if stats is None:
        detail = _last_line(stderr_tail) or "no stats written"
        return f"crawler exited with status {returncode}: {detail}"
    if stats.ok_responses == 0:
        return _unreachable_reason(stats, start_urls)
    return None


def _unreachable_reason(stats: CrawlStats, start_urls: tuple[str, ...]) -> str:
    if stats.errors:
        on_start = [e for e in stats.errors if e.get("url") in start_urls]
        first = (on_start or list(stats.errors))[0]
        return f"site unreachable: {first.get('reason', 'error')} ({first.get('url', '?')})"
    if stats.status_counts:
        codes = ", ".join(f"{n}x HTTP {c}" for c, n in sorted(stats.status_counts.items()))
        return f"no successful response: {codes}"
    if stats.robots_blocked:
        return f"robots.txt blocks every start URL ({stats.robots_blocked} requests refused)"
    return f"nothing fetched (finish reason: {stats.finish_reason})"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
