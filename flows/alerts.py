"""Alerts for the person on call: a JSON POST per failed source to ``MPNEWS_ALERT_WEBHOOK``.

The payload is Slack-compatible (``text``) and machine-readable (source, run, reason). The
webhook URL is a secret: it is never logged. A receiver that is down costs a warning, never
the run.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx

from mpnews.config import Source
from mpnews.settings import Settings

__all__ = ["failure_payload", "notify_failure", "post_webhook"]

_log = logging.getLogger(__name__)
_ATTEMPTS = 3


def failure_payload(*, run_id: str, source: Source, reason: str) -> dict[str, object]:
    """The JSON body sent for one failed source."""
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
    """Send the failure alert if a webhook is configured; True when it was delivered."""
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
