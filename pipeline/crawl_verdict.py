"""Judge a finished crawl: is it usable at all, and if not, which check explains why?

``judge_crawl`` gives None for a usable crawl, else the reason on one line (stored as
``crawl_runs.error``); ``failed_check`` names the health check a failed run's reason belongs to.
Pure: no IO, no clock.
"""

from __future__ import annotations

from pipeline.crawl_stats import CrawlStats

__all__ = ["DISK_FULL_FAILURE", "failed_check", "judge_crawl"]

_PIPELINE_FAILURES = ("extract failed", "load failed")
_ROBOTS_FAILURE = "robots.txt blocks"
DISK_FULL_FAILURE = "disk full while archiving: the crawl stopped at its last whole WARC record"


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
    if stats.disk_full:
        return DISK_FULL_FAILURE
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


def failed_check(failure: str) -> str:
    """Which check explains a failed run (``crawl_runs.error``)."""
    if failure.startswith(_PIPELINE_FAILURES):
        return "pipeline_error"
    if failure.startswith(_ROBOTS_FAILURE):
        return "robots_blocked"
    return "site_unreachable"
