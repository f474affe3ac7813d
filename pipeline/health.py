"""Judge a finished crawl: did the source succeed, and is it healthy?

``judge_crawl`` says whether a run is usable at all (one line when it is not). The health
checks look at a finished run (its stats, posts and rejections) beside the source's recent
history and return one :class:`CheckResult` per check. All pure: no IO, no clock.

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
* ``crawl_budget_hit`` -- the source's ``max_pages`` stopped the crawl with links unfetched.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from mpnews.exceptions import ConfigError

__all__ = [
    "CHECKS",
    "CheckResult",
    "CrawlStats",
    "HealthThresholds",
    "RunFacts",
    "SourceHistory",
    "failed_check",
    "judge_crawl",
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
_PIPELINE_FAILURES = ("extract failed", "load failed")
_ROBOTS_FAILURE = "robots.txt blocks"
Numbers = Mapping[str, int | float | str | None]


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
    max_pages_reached: bool = False  # the crawl budget refused at least one link
    pages_over_budget: int = 0  # distinct URLs the budget left unfetched
    max_pages: int | None = None  # the budget the crawl ran with

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
            max_pages_reached=bool(data.get("max_pages_reached")),
            pages_over_budget=int(data.get("pages_over_budget") or 0),
            max_pages=int(data["max_pages"]) if data.get("max_pages") else None,
        )

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


@dataclass(frozen=True, slots=True)
class HealthThresholds:
    """When a check fails. Read from the ``[health]`` table of the sources file.

    Rates are fractions (0.25 = 25%). ``no_new_post_days`` is per kind; a source's own
    ``no_new_post_days`` wins.
    """

    http_error_rate: float = 0.25
    min_requests: int = 10
    robots_blocked_rate: float = 0.5
    post_drop_ratio: float = 0.5
    median_runs: int = 5
    min_history_runs: int = 3
    rejection_rate: float = 0.5
    min_pages: int = 5
    no_new_post_days: Mapping[str, int] | None = None
    remind_after_hours: float = 24.0

    def no_new_post_limit(self, kind: str, override: int | None = None) -> int:
        """Days without a new post before ``no_new_post`` fails, for a source of ``kind``."""
        if override is not None:
            return override
        limits = self.no_new_post_days or _DEFAULT_NO_NEW_POST_DAYS
        return limits.get(kind, _DEFAULT_NO_NEW_POST_DAYS.get(kind, 30))

    @classmethod
    def from_table(cls, table: object, *, origin: str = "<sources>") -> HealthThresholds:
        """Validate a ``[health]`` table (None or missing: the defaults). Raises ConfigError."""
        if table is None:
            return cls()
        where = f"{origin}: [health]"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where} must be a table of thresholds")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(known))}"
            )
        values: dict[str, Any] = {}
        for name, value in table.items():
            check = _VALIDATORS[name]
            values[name] = check(value, f"{where}: '{name}'")
        return cls(**values)


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


def failed_check(failure: str) -> str:
    """Which check explains a failed run (``crawl_runs.error``)."""
    if failure.startswith(_PIPELINE_FAILURES):
        return "pipeline_error"
    if failure.startswith(_ROBOTS_FAILURE):
        return "robots_blocked"
    return "site_unreachable"


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
    if unchanged:
        return CheckResult("zero_posts", True, numbers, f"no changed page ({unchanged} x 304)")
    pages = facts.stats.ok_responses if facts.stats else 0
    return CheckResult("zero_posts", False, numbers, f"no post found in {pages} pages")


def check_post_drop(
    facts: RunFacts, history: SourceHistory, thresholds: HealthThresholds, now: datetime
) -> CheckResult | None:
    recent = history.recent_posts_found[: thresholds.median_runs]
    incremental = facts.stats is not None and facts.stats.not_modified > 0
    if facts.posts_found == 0 or incremental or len(recent) < thresholds.min_history_runs:
        return None  # zero posts is its own check; unchanged pages or little history: no verdict
    median = float(statistics.median(recent))
    floor = median * thresholds.post_drop_ratio
    numbers = {
        "posts_found": facts.posts_found,
        "median": median,
        "runs": len(recent),
        "ratio": thresholds.post_drop_ratio,
    }
    if facts.posts_found >= floor:
        return CheckResult(
            "post_drop", True, numbers, f"{facts.posts_found} posts (median {median:g})"
        )
    message = (
        f"{facts.posts_found} posts found, below {_pct(thresholds.post_drop_ratio)} of the "
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
    numbers = {
        "max_pages": stats.max_pages,
        "pages_fetched": stats.pages_fetched,
        "pages_over_budget": stats.pages_over_budget,
    }
    if not stats.max_pages_reached:
        return CheckResult("crawl_budget_hit", True, numbers, "crawl ended within its budget")
    budget = f"max_pages={stats.max_pages}" if stats.max_pages else "max_pages"
    message = (
        f"crawl stopped at {budget} with {stats.pages_over_budget} more pages unfetched; "
        "raise the source's max_pages"
    )
    return CheckResult("crawl_budget_hit", False, numbers, message)


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
_DEFAULT_NO_NEW_POST_DAYS: Mapping[str, int] = {"mp_site": 30, "news_site": 2}


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


def _rate(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"{where} must be a fraction between 0 and 1 (e.g. 0.25)")
    return float(value)


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where} must be a positive whole number")
    return value


def _hours(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where} must be a positive number of hours")
    return float(value)


def _days_by_kind(value: object, where: str) -> Mapping[str, int]:
    if not isinstance(value, Mapping) or not value:
        raise ConfigError(f"{where} must be a table like {{ mp_site = 30, news_site = 2 }}")
    unknown = sorted(set(value) - set(_DEFAULT_NO_NEW_POST_DAYS))
    if unknown:
        raise ConfigError(f"{where}: unknown kind {unknown[0]!r}; use mp_site or news_site")
    given = {kind: _count(days, f"{where}.{kind}") for kind, days in value.items()}
    return {**_DEFAULT_NO_NEW_POST_DAYS, **given}


_VALIDATORS: Mapping[str, Callable[[object, str], Any]] = {
    "http_error_rate": _rate,
    "min_requests": _count,
    "robots_blocked_rate": _rate,
    "post_drop_ratio": _rate,
    "median_runs": _count,
    "min_history_runs": _count,
    "rejection_rate": _rate,
    "min_pages": _count,
    "no_new_post_days": _days_by_kind,
    "remind_after_hours": _hours,
}
