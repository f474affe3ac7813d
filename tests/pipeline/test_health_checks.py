"""Each health check fires on a bad run and passes (recovers) on a good one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mpnews.health_config import HealthThresholds
from pipeline.crawl_stats import CrawlStats
from pipeline.crawl_verdict import failed_check
from pipeline.health_checks import CHECKS, RunFacts, SourceHistory, run_checks

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
LIMITS = HealthThresholds()


def stats(ok: int = 20, robots: int = 0, errors: int = 0, **codes: int) -> CrawlStats:
    counts = {"200": ok, **{code.removeprefix("s"): n for code, n in codes.items()}}
    return CrawlStats(
        pages_fetched=sum(counts.values()),
        status_counts={c: n for c, n in counts.items() if n},
        errors=tuple({"url": f"http://mp.example/{i}", "reason": "timeout"} for i in range(errors)),
        robots_blocked=robots,
        finish_reason="finished",
        warc_path="x.warc.gz",
        errors_total=errors,
    )


GOOD = RunFacts("jo-bloggs", "mp_site", "r2", stats(), posts_found=8)
HISTORY = SourceHistory((10, 9, 11), last_new_post_at=NOW - timedelta(days=1))

# check -> (failing facts, history), (healthy facts, history)
CASES = {
    "site_unreachable": (
        (
            replace(GOOD, stats=None, failure="site unreachable: connection refused (http://x/)"),
            HISTORY,
        ),
        (GOOD, HISTORY),
    ),
    "pipeline_error": (
        (replace(GOOD, failure="extract failed: ValueError: boom"), HISTORY),
        (GOOD, HISTORY),
    ),
    "http_error_rate": (
        (replace(GOOD, stats=stats(ok=10, s500=6, errors=2)), HISTORY),
        (replace(GOOD, stats=stats(ok=18, s404=2)), HISTORY),
    ),
    "robots_blocked": (
        (replace(GOOD, stats=stats(ok=10, robots=30)), HISTORY),
        (replace(GOOD, stats=stats(ok=10, robots=2)), HISTORY),
    ),
    "zero_posts": (
        (replace(GOOD, posts_found=0), HISTORY),
        (GOOD, HISTORY),
    ),
    "post_drop": (
        (replace(GOOD, posts_found=4), HISTORY),
        (replace(GOOD, posts_found=5), HISTORY),
    ),
    "rejection_rate": (
        (replace(GOOD, posts_found=2, rejections=8, top_rejection="no article text"), HISTORY),
        (replace(GOOD, posts_found=8, rejections=2), HISTORY),
    ),
    "no_new_post": (
        (GOOD, replace(HISTORY, last_new_post_at=NOW - timedelta(days=31))),
        (GOOD, replace(HISTORY, last_new_post_at=NOW - timedelta(days=29))),
    ),
    "crawl_budget_hit": (
        (
            replace(
                GOOD,
                stats=replace(stats(), max_pages_reached=True, pages_over_budget=340, max_pages=20),
            ),
            HISTORY,
        ),
        (replace(GOOD, stats=replace(stats(), max_pages=20)), HISTORY),
    ),
}


def _result(facts: RunFacts, history: SourceHistory, check: str):  # type: ignore[no-untyped-def]
    results = {r.check: r for r in run_checks(facts, history, LIMITS, now=NOW)}
    return results[check]


def test_every_check_has_a_case() -> None:
    assert set(CASES) == set(CHECKS)


@pytest.mark.parametrize("check", CHECKS)
def test_check_fires(check: str) -> None:
    (facts, history), _ = CASES[check]
    result = _result(facts, history, check)
    assert not result.ok
    assert result.message and result.numbers is not None


@pytest.mark.parametrize("check", CHECKS)
def test_check_recovers(check: str) -> None:
    _, (facts, history) = CASES[check]
    assert _result(facts, history, check).ok


def test_a_healthy_run_passes_every_check() -> None:
    results = run_checks(GOOD, HISTORY, LIMITS, now=NOW)
    assert {r.check for r in results} == set(CHECKS)
    assert all(r.ok for r in results)


def test_a_failed_run_judges_only_the_check_that_explains_it() -> None:
    facts = replace(GOOD, stats=None, failure="site unreachable: connection refused (http://x/)")
    (only,) = run_checks(facts, HISTORY, LIMITS, now=NOW)
    assert only.check == "site_unreachable" and "unreachable" in only.message


@pytest.mark.parametrize(
    ("failure", "check"),
    [
        ("site unreachable: timeout (http://x/)", "site_unreachable"),
        ("no successful response: 3x HTTP 503", "site_unreachable"),
        ("crawler exited with status 1: boom", "site_unreachable"),
        ("robots.txt blocks every start URL (3 requests refused)", "robots_blocked"),
        ("load failed: WarehouseError: locked", "pipeline_error"),
    ],
)
def test_failed_check_names_the_cause(failure: str, check: str) -> None:
    assert failed_check(failure) == check


def test_numbers_carry_the_figures_judged() -> None:
    (facts, history), _ = CASES["http_error_rate"]
    result = _result(facts, history, "http_error_rate")
    assert result.numbers["requests"] == 18 and result.numbers["errors"] == 8
    assert "44%" in result.message and "6x 500" in result.message


def test_too_few_requests_or_history_judge_nothing() -> None:
    tiny = replace(GOOD, stats=stats(ok=2, s500=3))
    assert _result(tiny, HISTORY, "http_error_rate").ok
    short = replace(HISTORY, recent_posts_found=(10, 10))
    names = {r.check for r in run_checks(replace(GOOD, posts_found=1), short, LIMITS, now=NOW)}
    assert "post_drop" not in names


def test_an_unchanged_incremental_run_is_not_zero_posts_nor_a_drop() -> None:
    facts = replace(GOOD, posts_found=0, stats=stats(ok=2, s304=5))
    assert _result(facts, HISTORY, "zero_posts").ok
    fewer = replace(GOOD, posts_found=1, stats=stats(ok=2, s304=5))
    assert "post_drop" not in {r.check for r in run_checks(fewer, HISTORY, LIMITS, now=NOW)}


def test_no_new_post_limit_per_kind_and_per_source() -> None:
    history = replace(HISTORY, last_new_post_at=NOW - timedelta(days=3))
    news = replace(GOOD, kind="news_site")
    assert not _result(news, history, "no_new_post").ok
    assert _result(replace(news, no_new_post_days=7), history, "no_new_post").ok
    never = SourceHistory((), None, first_run_at=NOW - timedelta(days=40))
    assert "no post at all" in _result(GOOD, never, "no_new_post").message


def test_budget_alert_names_the_budget_and_what_it_left() -> None:
    (facts, history), _ = CASES["crawl_budget_hit"]
    result = _result(facts, history, "crawl_budget_hit")
    assert result.numbers == {
        "max_pages": 20,
        "pages_fetched": 20,
        "pages_over_budget": 340,
        "budgets_hit": "max_pages",
    }
    assert "max_pages=20" in result.message and "340 more pages" in result.message


def test_budget_alert_names_a_trap_budget_and_the_url_shape_it_refused() -> None:
    (facts, history), _ = CASES["crawl_budget_hit"]
    trapped = replace(
        stats(),
        pages_over_budget=12,
        budgets_hit=("max_query_variants",),
        budget_examples=("max_query_variants: example.org/events?month=*",),
        max_query_variants=50,
    )
    result = _result(replace(facts, stats=trapped), history, "crawl_budget_hit")
    assert not result.ok
    assert result.numbers["budgets_hit"] == "max_query_variants"
    assert "max_query_variants=50 (e.g. example.org/events?month=*)" in result.message
    assert "12 more pages" in result.message and "max_pages" not in result.message


def test_crawl_stats_read_the_budget_fields() -> None:
    read = CrawlStats.from_json(
        {"pages_fetched": 5, "max_pages_reached": True, "pages_over_budget": 7, "max_pages": 5}
    )
    assert (read.max_pages_reached, read.pages_over_budget, read.max_pages) == (True, 7, 5)
    old = CrawlStats.from_json({"pages_fetched": 5})  # a stats file from before the budget
    assert (old.max_pages_reached, old.pages_over_budget, old.max_pages) == (False, 0, None)
    assert read.budgets_hit == ("max_pages",) and read.budget_hit and not old.budget_hit
    trap = CrawlStats.from_json(
        {"budgets_hit": ["max_depth"], "budget_examples": ["max_depth: h/page/N"], "max_depth": 9}
    )
    assert (trap.budget_hit, trap.max_pages_reached, trap.max_depth) == (True, False, 9)
    assert trap.budget_examples == ("max_depth: h/page/N",)


def _verdicts(facts: RunFacts) -> dict[str, bool]:
    return {r.check: r.ok for r in run_checks(facts, HISTORY, LIMITS, now=NOW)}


def test_an_incremental_run_that_skipped_only_known_posts_is_healthy() -> None:
    skipped = replace(stats(ok=2), skipped=10, skipped_posts=10)  # listing only, no 304
    verdicts = _verdicts(replace(GOOD, stats=skipped, posts_found=0))
    assert verdicts["zero_posts"] and verdicts.get("post_drop", True)
    fewer_new = _verdicts(replace(GOOD, stats=skipped, posts_found=1))  # 1 new + 10 known
    assert fewer_new["zero_posts"] and fewer_new["post_drop"]


def test_skipped_posts_do_not_hide_a_real_drop() -> None:
    few = replace(stats(ok=3), skipped=1, skipped_posts=1)
    assert not _verdicts(replace(GOOD, stats=few, posts_found=1))["post_drop"]  # 2 vs median 10
