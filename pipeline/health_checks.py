"""Health checks on a finished source run: is the source healthy?

The checks look at a finished run (its stats, posts and rejections) beside the source's recent
history and return one :class:`CheckResult` per check. All pure: no IO, no clock. Whether a
crawl is usable at all is :mod:`pipeline.crawl_verdict`; the thresholds are the ``[health]``
table (:mod:`mpnews.health_config`).

Checks (names as stored in ``health_state`` and ``alerts``):

* ``site_unreachable`` -- the crawl got no usable response (the run failed);
* ``pipeline_error`` -- the crawl worked but extraction or loading failed (the run failed);
* ``http_error_rate`` -- too many 4xx/5xx responses and download errors;
* ``robots_blocked`` -- robots.txt refused every request, or too large a share of them;
* ``zero_posts`` -- a usable crawl found no post at all;
* ``post_drop`` -- posts found far below the median of the last successful runs (a layout
  change);
* ``rejection_rate`` -- too many pages gave no post;
* ``no_new_post`` -- no post new to the warehouse in N days;
* ``crawl_budget_hit`` -- a crawl budget (``max_pages``, ``max_depth``, ``max_query_variants``)
  stopped the crawl with links unfetched: the message names the budget and a URL shape it
  refused (a crawl trap, or a site grown past its budget).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from mpnews.health_config import HealthThresholds
from pipeline.crawl_stats import CrawlStats
from pipeline.crawl_verdict import failed_check

__all__ = [
    "CHECKS",
    "CheckResult",
    "Numbers",
    "RunFacts",
    "SourceHistory",
    "run_checks",
]

CHECKS = (
    "site_unreachable",
    "pipeline_error",
    "http_error_rate",
    "robots_blocked",
    "zero_posts",
    "post_drop",
    "rejection_rate",
    "no_new_post",
    "crawl_budget_hit",
)
Numbers = Mapping[str, int | float | str | None]


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What one source's run produced, as the checks see it."""

    source: str
    kind: str
    run_id: str
    stats: CrawlStats | None
    failure: str | None = None
    posts_found: int = 0
    rejections: int = 0
    top_rejection: str | None = None
    no_new_post_days: int | None = None

    @property
    def last_error(self) -> str | None:
        """The run's error, or its first download error."""
        if self.failure:
            return self.failure
        return self.stats.first_error if self.stats else None


@dataclass(frozen=True, slots=True)
class SourceHistory:
    """The source's recent past, read from the warehouse (the current run excluded)."""

    recent_posts_found: tuple[int, ...] = ()
    last_new_post_at: datetime | None = None
    first_run_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check on one run: ``ok`` or not, the figures it judged, and a one-line message."""

    check: str
    ok: bool
    numbers: Numbers
    message: str


def run_checks(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, *, now: datetime
) -> list[CheckResult]:
    """Every check that applies to this run.

    A failed run yields only the check that explains it: the others cannot be judged
    without a usable crawl and keep their state. A usable run yields all the others.
    """
    if facts.failure is not None:
        check = failed_check(facts.failure)
        return [CheckResult(check, False, _fetch_numbers(facts.stats), facts.failure)]
    found: list[CheckResult | None] = [
        CheckResult("site_unreachable", True, _fetch_numbers(facts.stats), "site reachable"),
        CheckResult("pipeline_error", True, {}, "extract and load succeeded"),
        *(check(facts, history, thresholds, now) for check in _USABLE_RUN_CHECKS),
    ]
    return [r for r in found if r is not None]


def check_http_errors(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult | None:
    stats = facts.stats
    if stats is None:
        return None
    bad = stats.error_responses + stats.download_errors
    requests = stats.responses + stats.download_errors
    rate = bad / requests if requests else 0.0
    numbers = {
        "requests": requests,
        "errors": bad,
        "rate": round(rate, 3),
        "threshold": thresholds.http_error_rate,
    }
    if requests < thresholds.min_requests or rate <= thresholds.http_error_rate:
        return CheckResult("http_error_rate", True, numbers, f"HTTP errors {_pct(rate)}")
    codes = ", ".join(
        f"{n}x {c}" for c, n in sorted(stats.status_counts.items()) if c.startswith(("4", "5"))
    )
    detail = "; ".join(p for p in (codes, f"{stats.download_errors} download errors") if p)
    message = (
        f"HTTP error rate {_pct(rate)} above {_pct(thresholds.http_error_rate)} "
        f"({bad} of {requests} requests: {detail})"
    )
    return CheckResult("http_error_rate", False, numbers, message)


def check_robots(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult | None:
    stats = facts.stats
    if stats is None:
        return None
    asked = stats.robots_blocked + stats.responses
    rate = stats.robots_blocked / asked if asked else 0.0
    numbers = {
        "blocked": stats.robots_blocked,
        "responses": stats.responses,
        "rate": round(rate, 3),
        "threshold": thresholds.robots_blocked_rate,
    }
    if rate <= thresholds.robots_blocked_rate:
        return CheckResult("robots_blocked", True, numbers, f"robots.txt refused {_pct(rate)}")
    message = (
        f"robots.txt refused {stats.robots_blocked} of {asked} requests ({_pct(rate)}, "
        f"above {_pct(thresholds.robots_blocked_rate)})"
    )
    return CheckResult("robots_blocked", False, numbers, message)


def check_zero_posts(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult:
    unchanged = facts.stats.not_modified if facts.stats else 0
    numbers = {"posts_found": facts.posts_found, "not_modified": unchanged}
    if facts.posts_found > 0:
        return CheckResult("zero_posts", True, numbers, f"{facts.posts_found} posts found")
    if known := _known_posts(facts):  # an incremental run skipped them: not a zero
        return CheckResult("zero_posts", True, numbers, f"no new post ({known} known, skipped)")
    if unchanged:
        return CheckResult("zero_posts", True, numbers, f"no changed page ({unchanged} x 304)")
    pages = facts.stats.ok_responses if facts.stats else 0
    return CheckResult("zero_posts", False, numbers, f"no post found in {pages} pages")


def _known_posts(facts: RunFacts) -> int:
    """Posts an incremental crawl did not request again: stored before, still listed."""
    return facts.stats.skipped_posts if facts.stats else 0


def check_post_drop(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult | None:
    recent = history.recent_posts_found[: thresholds.median_runs]
    stats = facts.stats
    incremental = stats is not None and (stats.not_modified > 0 or stats.skipped_listings > 0)
    found = facts.posts_found + _known_posts(facts)  # as crawl_runs.posts_found counts them
    if found == 0 or incremental or len(recent) < thresholds.min_history_runs:
        return None  # zero posts is its own check; unchanged pages or little history: no verdict
    median = float(statistics.median(recent))
    floor = median * thresholds.post_drop_ratio
    numbers = {
        "posts_found": found,
        "median": median,
        "runs": len(recent),
        "ratio": thresholds.post_drop_ratio,
    }
    if found >= floor:
        return CheckResult("post_drop", True, numbers, f"{found} posts (median {median:g})")
    message = (
        f"{found} posts found, below {_pct(thresholds.post_drop_ratio)} of the "
        f"median {median:g} of the last {len(recent)} successful runs (layout change?)"
    )
    return CheckResult("post_drop", False, numbers, message)


def check_rejections(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult:
    total = facts.posts_found + facts.rejections
    rate = facts.rejections / total if total else 0.0
    numbers = {
        "rejections": facts.rejections,
        "posts_found": facts.posts_found,
        "rate": round(rate, 3),
        "threshold": thresholds.rejection_rate,
        "top_reason": facts.top_rejection,
    }
    if total < thresholds.min_pages or rate <= thresholds.rejection_rate:
        return CheckResult("rejection_rate", True, numbers, f"{_pct(rate)} of pages rejected")
    why = f"; most often: {facts.top_rejection}" if facts.top_rejection else ""
    message = (
        f"{facts.rejections} of {total} pages rejected ({_pct(rate)}, above "
        f"{_pct(thresholds.rejection_rate)}){why}"
    )
    return CheckResult("rejection_rate", False, numbers, message)


def check_no_new_post(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult | None:
    since = history.last_new_post_at or history.first_run_at
    if since is None:
        return None
    limit = thresholds.no_new_post_limit(facts.kind, facts.no_new_post_days)
    days = (now - since).total_seconds() / 86400
    numbers = {
        "days": round(days, 1),
        "limit_days": limit,
        "last_new_post_at": history.last_new_post_at.isoformat()
        if history.last_new_post_at
        else None,
    }
    if days <= limit:
        return CheckResult("no_new_post", True, numbers, f"last new post {days:.1f} days ago")
    seen = "last new post" if history.last_new_post_at else "no post at all since the first run"
    message = f"{seen} {days:.0f} days ago (limit {limit} days)"
    return CheckResult("no_new_post", False, numbers, message)


def check_crawl_budget(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult | None:
    stats = facts.stats
    if stats is None:
        return None
    numbers: dict[str, int | float | str | None] = {
        "max_pages": stats.max_pages,
        "pages_fetched": stats.pages_fetched,
        "pages_over_budget": stats.pages_over_budget,
    }
    if not stats.budget_hit:
        return CheckResult("crawl_budget_hit", True, numbers, "crawl ended within its budget")
    hit = stats.budgets_hit or ("max_pages",)
    numbers["budgets_hit"] = ", ".join(hit)
    budgets = " and ".join(_budget(stats, name) for name in hit)
    example = next((e.split(": ", 1)[-1] for e in stats.budget_examples), None)
    shape = f" (e.g. {example})" if example else ""
    message = (
        f"crawl stopped at {budgets}{shape} with {stats.pages_over_budget} more pages "
        f"unfetched; raise the source's {' or '.join(hit)} if those pages matter"
    )
    return CheckResult("crawl_budget_hit", False, numbers, message)


def _budget(stats: CrawlStats, name: str) -> str:
    limit = getattr(stats, name, None)
    return f"{name}={limit}" if limit else name


_Check = Callable[[RunFacts, SourceHistory, HealthThresholds, datetime], CheckResult | None]
_USABLE_RUN_CHECKS: tuple[_Check, ...] = (
    check_http_errors,
    check_robots,
    check_zero_posts,
    check_post_drop,
    check_rejections,
    check_no_new_post,
    check_crawl_budget,
)


def _fetch_numbers(stats: CrawlStats | None) -> Numbers:
    if stats is None:
        return {"responses": 0, "ok_responses": 0, "download_errors": 0}
    return {
        "responses": stats.responses,
        "ok_responses": stats.ok_responses,
        "download_errors": stats.download_errors,
    }


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f}%"
