"""Health checks after each source's crawl, and alerts for the person on call.

``check_source`` runs the checks (``pipeline.health``) on a finished run beside the source's
history (``warehouse.health``), lets the state machine (``mpnews.alerting``) decide what to
send, sends it to every configured sink and records states and alerts in the warehouse.

Sinks, from the environment only (see ``Settings``):

* ``MPNEWS_ALERT_WEBHOOK``: a JSON POST, Slack-compatible (``text`` and ``attachments``
  fields) and machine-readable (``source``, ``check``, ``state``, ``run_id``, ``reason``,
  ``numbers``, ``last_error``, ...);
* ``MPNEWS_ALERT_URLS``: apprise URLs separated by spaces (``mailto://``, ``slack://``,
  ``msteams://``, ``json://``, ...).

Sink URLs are secrets: never logged, never stored (the ``alerts`` table keeps only sink kinds
such as ``webhook`` or ``apprise:mailto``). A sink that is down costs a warning, never the run.
A failed source (``crawl_runs.status = 'failed'``) is reported on every run it fails.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from flows.progress import report
from mpnews.alerting import Alert, decide, flow_alert, load_thresholds
from mpnews.config import Source
from mpnews.settings import Settings
from pipeline.health import (
    CrawlStats,
    HealthThresholds,
    RunFacts,
    run_checks,
)
from pipeline.ingest import RunExtract
from warehouse import health

__all__ = [
    "alert_flow_failure",
    "alert_payload",
    "check_source",
    "deliver",
    "failure_payload",
    "notify_failure",
    "post_webhook",
]

_log = logging.getLogger(__name__)
_ATTEMPTS = 3
_COLORS = {"firing": "danger", "reminder": "warning", "resolved": "good"}


def check_source(
    settings: Settings,
    *,
    source: Source,
    run_id: str,
    stats: CrawlStats | None,
    failure: str | None = None,
    extracted: RunExtract | None = None,
    now: datetime | None = None,
) -> list[Alert]:
    """Judge one finished run, alert on changes, record the result; never raises.

    ``failure`` is the reason the run failed (None when it was loaded). Returns the
    alerts sent. If the health step itself breaks, a failed source is still reported.
    """
    try:
        return _check_source(settings, source, run_id, stats, failure, extracted, now)
    except Exception as exc:  # noqa: BLE001 - health must never cost the run
        _log.warning("health checks for %s failed: %s", source.name, _describe(exc))
        report(f"  WARNING   health checks for {source.name} failed: {_describe(exc)}")
        if failure is not None:
            notify_failure(settings, run_id=run_id, source=source, reason=failure)
        return []


def deliver(settings: Settings, alert: Alert) -> Alert:
    """Send ``alert`` to every configured sink; the alert marked with the sinks that took it."""
    configured = 0
    taken: list[str] = []
    if settings.alert_webhook:
        configured += 1
        if post_webhook(settings.alert_webhook, alert_payload(alert)):
            taken.append("webhook")
    for url in settings.alert_urls:
        configured += 1
        if _notify_apprise(url, alert):
            taken.append(_apprise_kind(url))
    return alert.sent(delivered=bool(configured) and len(taken) == configured, sinks=tuple(taken))


def alert_payload(alert: Alert) -> dict[str, object]:
    """The JSON body for the webhook: Slack-compatible text and fields, plus plain keys."""
    fields = [
        ("source", alert.source),
        ("check", alert.check),
        ("state", alert.state),
        ("run", alert.run_id),
        *((name, str(value)) for name, value in sorted(alert.numbers.items())),
        ("last error", alert.last_error or "-"),
    ]
    return {
        "text": _headline(alert),
        "attachments": [
            {
                "color": _COLORS[alert.state],
                "fallback": _headline(alert),
                "fields": [
                    {"title": t, "value": str(v), "short": len(str(v)) < 40} for t, v in fields
                ],
            }
        ],
        "event": _event(alert),
        "status": _status(alert),
        "state": alert.state,
        "source": alert.source,
        "kind": alert.kind,
        "check": alert.check,
        "run_id": alert.run_id,
        "reason": alert.message,
        "numbers": dict(alert.numbers),
        "last_error": alert.last_error,
        "alert_id": alert.alert_id,
        "sent_at": alert.sent_at.isoformat(timespec="seconds"),
    }


def alert_flow_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Prefect ``on_failure``/``on_crashed`` hook: the pipeline itself broke; tell someone."""
    try:
        params = dict(getattr(flow_run, "parameters", None) or {})
        warehouse = params.get("warehouse")
        settings = Settings.from_env(warehouse=Path(warehouse) if warehouse else None)
        name = getattr(state, "name", "Failed")
        detail = (getattr(state, "message", None) or "").strip() or "no detail"
        run_id = str(params.get("run_id") or getattr(flow_run, "name", None) or flow_run.id)
        alert = flow_alert(
            run_id=run_id,
            now=datetime.now(UTC),
            message=f"crawl flow {getattr(flow, 'name', 'mpnews-crawl')} {name.lower()}: {detail}",
            numbers={"flow_run_id": str(flow_run.id), "state": name},
        )
        sent = deliver(settings, alert)
        report(f"  ALERT     pipeline: {alert.message}")
        if settings.warehouse.is_file():
            health.record_health(settings.warehouse, [], [sent])
    except Exception as exc:  # noqa: BLE001 - a hook must not mask the flow's own error
        _log.warning("could not alert on the failed flow: %s", _describe(exc))


def failure_payload(*, run_id: str, source: Source, reason: str) -> dict[str, object]:
    """The JSON body sent for one failed source when the health step is unavailable."""
    return {
        "text": f"mpnews: source {source.name} failed in run {run_id}: {reason}",
        "event": "source_failed",
        "status": "failed",
        "source": source.name,
        "kind": source.kind,
        "run_id": run_id,
        "reason": reason,
        "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def notify_failure(settings: Settings, *, run_id: str, source: Source, reason: str) -> bool:
    """Send the plain failure alert if a webhook is configured; True when it was delivered."""
    if not settings.alert_webhook:
        return False
    return post_webhook(
        settings.alert_webhook, failure_payload(run_id=run_id, source=source, reason=reason)
    )


def post_webhook(url: str, payload: dict[str, object], *, timeout: float = 10.0) -> bool:
    """POST ``payload`` as JSON, retrying transient failures; never raises."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            response = httpx.post(url, json=payload, timeout=timeout)
        except httpx.TransportError as exc:
            _log.warning("alert webhook unreachable (attempt %d): %s", attempt, type(exc).__name__)
            continue
        if response.status_code < 500:
            if response.is_success:
                return True
            _log.warning("alert webhook refused the alert: HTTP %d", response.status_code)
            return False
    return False


def _check_source(
    settings: Settings,
    source: Source,
    run_id: str,
    stats: CrawlStats | None,
    failure: str | None,
    extracted: RunExtract | None,
    now: datetime | None,
) -> list[Alert]:
    now = now or datetime.now(UTC)
    thresholds = _thresholds(settings)
    facts = _facts(source, run_id, stats, failure, extracted)
    history = health.source_history(
        settings.warehouse, source.name, run_id=run_id, runs=thresholds.median_runs
    )
    results = run_checks(facts, history, thresholds, now=now)
    states, alerts = decide(
        results,
        health.health_states(settings.warehouse, source.name),
        source=source.name,
        kind=source.kind,
        run_id=run_id,
        now=now,
        remind_after=timedelta(hours=thresholds.remind_after_hours),
        run_failed=failure is not None,
        last_error=facts.last_error,
    )
    sent = [deliver(settings, alert) for alert in alerts]
    for alert in sent:
        report(f"  ALERT     {alert.source}: {alert.check} {alert.state}: {alert.message}")
    health.record_health(settings.warehouse, states, sent)
    return sent


def _thresholds(settings: Settings) -> HealthThresholds:
    if settings.sources.is_file():
        return load_thresholds(settings.sources)
    return HealthThresholds()


def _facts(
    source: Source,
    run_id: str,
    stats: CrawlStats | None,
    failure: str | None,
    extracted: RunExtract | None,
) -> RunFacts:
    reasons = Counter(r.reason for r in extracted.rejections) if extracted else Counter()
    top = reasons.most_common(1)
    return RunFacts(
        source=source.name,
        kind=source.kind,
        run_id=run_id,
        stats=stats,
        failure=failure,
        posts_found=len(extracted.posts) if extracted else 0,
        rejections=len(extracted.rejections) if extracted else 0,
        top_rejection=top[0][0] if top else None,
        no_new_post_days=source.no_new_post_days,
    )


def _notify_apprise(url: str, alert: Alert) -> bool:
    """One apprise URL; False (with a warning naming only the kind) when it fails."""
    with _quiet_apprise(url):
        import apprise

        sink = apprise.Apprise()
        if not sink.add(url):
            _log.warning("alert URL of kind %s is not a valid apprise URL", _apprise_kind(url))
            return False
        notify_type = (
            apprise.NotifyType.SUCCESS
            if alert.state == "resolved"
            else (apprise.NotifyType.FAILURE)
        )
        ok = bool(sink.notify(body=_body(alert), title=_headline(alert), notify_type=notify_type))
    if not ok:
        _log.warning("alert sink %s did not accept the alert", _apprise_kind(url))
    return ok


@contextmanager
def _quiet_apprise(url: str) -> Iterator[None]:
    """Hide ``url`` from apprise's own log lines (it logs unparseable URLs whole), and the
    deprecation warning its e-mail plugin raises by importing ``imghdr`` (not ours)."""
    redact = _Redact(url)
    logger = logging.getLogger("apprise")
    logger.addFilter(redact)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="'imghdr' is deprecated", category=DeprecationWarning
            )
            yield
    finally:
        logger.removeFilter(redact)


class _Redact(logging.Filter):
    """Replaces a secret URL (and its part after the scheme) in log records with ``***``."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        rest = secret.split("://", 1)[-1]
        self._secrets = tuple(s for s in (secret, rest) if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def _apprise_kind(url: str) -> str:
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    return f"apprise:{scheme or 'unknown'}"


def _headline(alert: Alert) -> str:
    label = {"firing": "FAILING", "reminder": "STILL FAILING", "resolved": "RECOVERED"}
    where = "pipeline" if alert.source == "*" else f"source {alert.source}"
    return (
        f"mpnews [{label[alert.state]}] {where}: {alert.check} in run {alert.run_id}: "
        f"{alert.message}"
    )


def _body(alert: Alert) -> str:
    numbers = ", ".join(f"{k}={v}" for k, v in sorted(alert.numbers.items()))
    lines = [
        alert.message,
        f"source: {alert.source}",
        f"check: {alert.check} ({alert.state})",
        f"run: {alert.run_id}",
        f"numbers: {numbers or '-'}",
        f"last error: {alert.last_error or '-'}",
    ]
    return "\n".join(lines)


def _event(alert: Alert) -> str:
    if alert.source == "*":
        return "flow_failed"
    return "source_failed" if alert.run_failed else "health_check"


def _status(alert: Alert) -> str:
    if alert.state == "resolved":
        return "recovered"
    return "failed" if alert.run_failed else "failing"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
