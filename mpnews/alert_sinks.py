"""Alert delivery: the payloads and the sinks they go to.

Sinks, from the environment only (see ``Settings``):

* ``MPNEWS_ALERT_WEBHOOK``: a JSON POST, Slack-compatible (``text`` and ``attachments``
  fields) and machine-readable (``source``, ``check``, ``state``, ``run_id``, ``reason``,
  ``numbers``, ``last_error``, ...);
* ``MPNEWS_ALERT_URLS``: apprise URLs separated by spaces (``mailto://``, ``slack://``,
  ``msteams://``, ``json://``, ...).

Sink URLs are secrets: never logged, never stored (the ``alerts`` table keeps only sink kinds
such as ``webhook`` or ``apprise:mailto``). A sink that is down costs a warning, never the run.
When to alert is :mod:`mpnews.alert_policy`; the flows call both (:mod:`flows.source_health`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from mpnews.alert_policy import Alert, pipeline_alert
from mpnews.config import Source
from mpnews.redaction import redact, register_secret, sink_name
from mpnews.settings import Settings

__all__ = [
    "alert_payload",
    "deliver",
    "failure_payload",
    "notify_failure",
    "post_webhook",
    "send_pipeline_alert",
]

_log = logging.getLogger(__name__)
_ATTEMPTS = 3
_RUN_EVENTS = frozenset({"disk_full", "network_outage"})  # checks with an event of their own
_COLORS = {"firing": "danger", "reminder": "warning", "resolved": "good"}


def deliver(settings: Settings, alert: Alert) -> Alert:
    """Send ``alert`` to every configured sink; the alert marked with the sinks that took it.

    Its text is redacted first: no secret goes out, nor into the ``alerts`` table."""
    for url in (settings.alert_webhook, *settings.alert_urls):
        register_secret(url)
    alert = replace(
        alert,
        message=redact(alert.message),
        last_error=redact(alert.last_error) if alert.last_error else alert.last_error,
    )
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


def send_pipeline_alert(
    settings: Settings,
    *,
    check: str,
    run_id: str,
    message: str,
    numbers: dict[str, int | float | str] | None = None,
) -> Alert:
    """Build and send an alert about the whole run (see ``pipeline_alert``); needs no disk."""
    alert = pipeline_alert(
        check=check, run_id=run_id, now=datetime.now(UTC), message=message, numbers=numbers
    )
    return deliver(settings, alert)


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


def failure_payload(*, run_id: str, source: Source, reason: str) -> dict[str, object]:
    """The JSON body sent for one failed source when the health step is unavailable."""
    return {
        "text": redact(f"mpnews: source {source.name} failed in run {run_id}: {reason}"),
        "event": "source_failed",
        "status": "failed",
        "source": source.name,
        "kind": source.kind,
        "run_id": run_id,
        "reason": redact(reason),
        "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def notify_failure(settings: Settings, *, run_id: str, source: Source, reason: str) -> bool:
    """Send the plain failure alert if a webhook is configured; True when it was delivered."""
    if not settings.alert_webhook:
        return False
    register_secret(settings.alert_webhook)
    return post_webhook(
        settings.alert_webhook, failure_payload(run_id=run_id, source=source, reason=reason)
    )


def post_webhook(url: str, payload: dict[str, object], *, timeout: float = 10.0) -> bool:
    """POST ``payload`` as JSON, retrying transient failures; never raises."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            response = httpx.post(url, json=payload, timeout=timeout)
        except httpx.TransportError as exc:
            _log.warning(
                "alert webhook unreachable (attempt %d): %s; alert sink %s failed",
                attempt,
                type(exc).__name__,
                sink_name(url),
            )
            continue
        if response.status_code < 500:
            if response.is_success:
                return True
            _log.warning(
                "alert webhook refused the alert: HTTP %d; alert sink %s failed",
                response.status_code,
                sink_name(url),
            )
            return False
    return False


def _notify_apprise(url: str, alert: Alert) -> bool:
    """One apprise URL; False (with a warning naming only the kind) when it fails."""
    with _quiet_apprise(url):
        import apprise

        sink = apprise.Apprise()
        if not sink.add(url):
            _log.warning("alert sink %s failed: not a valid apprise URL", sink_name(url))
            return False
        notify_type = (
            apprise.NotifyType.SUCCESS
            if alert.state == "resolved"
            else (apprise.NotifyType.FAILURE)
        )
        ok = bool(sink.notify(body=_body(alert), title=_headline(alert), notify_type=notify_type))
    if not ok:
        _log.warning("alert sink %s failed: it did not accept the alert", sink_name(url))
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
        return alert.check if alert.check in _RUN_EVENTS else "flow_failed"
    return "source_failed" if alert.run_failed else "health_check"


def _status(alert: Alert) -> str:
    if alert.state == "resolved":
        return "recovered"
    return "failed" if alert.run_failed else "failing"
