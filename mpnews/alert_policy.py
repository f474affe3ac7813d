"""When to alert: a small state machine per (source, check), pure and clock-free.

* healthy -> failing: a ``firing`` alert;
* still failing: a ``reminder`` once ``remind_after`` has passed since the last alert --
  or on every run when the run itself failed (a source that cannot be crawled is reported
  each time, so nobody mistakes silence for recovery);
* failing -> healthy: a ``resolved`` alert;
* healthy and still healthy: nothing.

Checks that did not apply to a run (no result) keep their state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from pipeline.health_checks import CheckResult, Numbers
from pipeline.outage import Outage

__all__ = [
    "ALERT_STATES",
    "FLOW_SOURCE",
    "Alert",
    "HealthState",
    "decide",
    "flow_alert",
    "outage_alert",
    "pipeline_alert",
]

ALERT_STATES = ("firing", "reminder", "resolved")
FLOW_SOURCE = "*"  # alerts about the pipeline itself, not one source


@dataclass(frozen=True, slots=True)
class HealthState:
    """The current state of one check of one source (a ``health_state`` row)."""

    source: str
    check: str
    failing: bool
    since: datetime
    checked_at: datetime
    last_run_id: str
    message: str
    numbers: Numbers = field(default_factory=dict)
    last_error: str | None = None
    last_alert_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """One message to the person on call (an ``alerts`` row once sent)."""

    source: str
    check: str
    state: str
    run_id: str
    sent_at: datetime
    message: str
    numbers: Numbers = field(default_factory=dict)
    last_error: str | None = None
    kind: str | None = None
    run_failed: bool = False
    delivered: bool = False
    sinks: tuple[str, ...] = ()

    @property
    def alert_id(self) -> str:
        """Stable per (run, source, check): re-recording a run's alert changes nothing."""
        return f"{self.run_id}/{self.source}/{self.check}"

    def sent(self, *, delivered: bool, sinks: tuple[str, ...]) -> Alert:
        return replace(self, delivered=delivered, sinks=sinks)


def decide(
    results: Iterable[CheckResult],
    previous: Mapping[str, HealthState],
    *,
    source: str,
    kind: str | None,
    run_id: str,
    now: datetime,
    remind_after: timedelta,
    run_failed: bool = False,
    last_error: str | None = None,
) -> tuple[list[HealthState], list[Alert]]:
    """The new state of every judged check and the alerts the changes call for."""
    states: list[HealthState] = []
    alerts: list[Alert] = []
    for result in results:
        before = previous.get(result.check)
        state = _alert_state(result, before, now, remind_after, run_failed)
        was_failing = before is not None and before.failing
        changed = before is None or before.failing == result.ok
        states.append(
            HealthState(
                source=source,
                check=result.check,
                failing=not result.ok,
                since=now if changed or before is None else before.since,
                checked_at=now,
                last_run_id=run_id,
                message=result.message,
                numbers=dict(result.numbers),
                last_error=None if result.ok else last_error,
                last_alert_at=now if state else (before.last_alert_at if before else None),
            )
        )
        if state is not None:
            message = result.message
            if state == "resolved" and was_failing and before is not None:
                message = f"recovered ({result.message}); was: {before.message}"
            alerts.append(
                Alert(
                    source=source,
                    check=result.check,
                    state=state,
                    run_id=run_id,
                    sent_at=now,
                    message=message,
                    numbers=dict(result.numbers),
                    last_error=last_error if state != "resolved" else None,
                    kind=kind,
                    run_failed=run_failed,
                )
            )
    return states, alerts


def flow_alert(*, run_id: str, now: datetime, message: str, numbers: Numbers) -> Alert:
    """The alert for a crawl flow that failed or crashed (always sent)."""
    return Alert(
        source=FLOW_SOURCE,
        check="flow_failed",
        state="firing",
        run_id=run_id,
        sent_at=now,
        message=message,
        numbers=dict(numbers),
        last_error=message,
        run_failed=True,
    )


def pipeline_alert(
    *, check: str, run_id: str, now: datetime, message: str, numbers: Numbers | None = None
) -> Alert:
    """An alert about the whole run rather than one source (``disk_full``,
    ``network_outage``): always sent, and it touches no source's health state."""
    return Alert(
        source=FLOW_SOURCE,
        check=check,
        state="firing",
        run_id=run_id,
        sent_at=now,
        message=message,
        numbers=dict(numbers or {}),
        last_error=message,
        run_failed=True,
    )


def outage_alert(outage: Outage, *, run_id: str, now: datetime) -> Alert:
    """The one ``network_outage`` alert sent instead of one alert per failed source."""
    numbers: Numbers = {"sources_failed": outage.failed, "sources": outage.total}
    return replace(
        pipeline_alert(
            check="network_outage", run_id=run_id, now=now, message=outage.message, numbers=numbers
        ),
        last_error=f"site unreachable: {outage.reason}",
    )


def _alert_state(
    result: CheckResult,
    before: HealthState | None,
    now: datetime,
    remind_after: timedelta,
    run_failed: bool,
) -> str | None:
    was_failing = before is not None and before.failing
    if result.ok:
        return "resolved" if was_failing else None
    if not was_failing:
        return "firing"
    assert before is not None
    last = before.last_alert_at
    if run_failed or last is None or now - last >= remind_after:
        return "reminder"
    return None
