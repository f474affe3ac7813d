"""The alert state machine: fire on change, remind after the period, resolve on recovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mpnews.alert_policy import HealthState, decide
from pipeline.health_checks import CheckResult

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
BAD = CheckResult("zero_posts", False, {"posts_found": 0}, "no post found in 12 pages")
GOOD = CheckResult("zero_posts", True, {"posts_found": 7}, "7 posts found")


def step(
    result: CheckResult,
    before: dict[str, HealthState],
    at: datetime,
    *,
    run_failed: bool = False,
) -> tuple[dict[str, HealthState], list[str]]:
    states, alerts = decide(
        [result], before, source="jo", kind="mp_site", run_id=f"run-{at:%d%H}", now=at,
        remind_after=DAY, run_failed=run_failed, last_error="timeout (http://jo.example/)",
    )  # fmt: skip
    return {s.check: s for s in states}, [a.state for a in alerts]


def test_alerts_on_change_reminds_after_the_period_and_recovers() -> None:
    states, sent = step(GOOD, {}, NOW)
    assert sent == []
    states, sent = step(BAD, states, NOW + timedelta(hours=1))
    assert sent == ["firing"]
    since = states["zero_posts"].since
    states, sent = step(BAD, states, NOW + timedelta(hours=2))
    assert sent == []  # not one alert per run
    states, sent = step(BAD, states, NOW + timedelta(hours=26))
    assert sent == ["reminder"]
    assert states["zero_posts"].since == since
    states, sent = step(BAD, states, NOW + timedelta(hours=27))
    assert sent == []
    states, sent = step(GOOD, states, NOW + timedelta(hours=28))
    assert sent == ["resolved"]
    assert not states["zero_posts"].failing
    _, sent = step(GOOD, states, NOW + timedelta(hours=29))
    assert sent == []


def test_a_failed_run_is_reported_on_every_run() -> None:
    states, sent = step(BAD, {}, NOW, run_failed=True)
    assert sent == ["firing"]
    states, sent = step(BAD, states, NOW + timedelta(hours=1), run_failed=True)
    assert sent == ["reminder"]


def test_first_ever_failure_fires_and_resolved_names_what_it_was() -> None:
    states, alerts = decide(
        [BAD], {}, source="jo", kind="mp_site", run_id="r1", now=NOW, remind_after=DAY,
        last_error="timeout",
    )  # fmt: skip
    (firing,) = alerts
    assert (firing.source, firing.check, firing.run_id, firing.last_error) == (
        "jo", "zero_posts", "r1", "timeout",
    )  # fmt: skip
    _, alerts = decide(
        [GOOD], {s.check: s for s in states}, source="jo", kind="mp_site", run_id="r2",
        now=NOW + DAY, remind_after=DAY,
    )  # fmt: skip
    (resolved,) = alerts
    assert resolved.state == "resolved" and "was: no post found" in resolved.message
