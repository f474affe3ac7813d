"""Alert delivery to real local sinks (webhook, apprise json, e-mail)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from mpnews.alert_policy import Alert
from mpnews.alert_sinks import alert_payload, deliver
from mpnews.receiver import WebhookReceiver
from mpnews.settings import Settings

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def _alert(**changes: Any) -> Alert:
    base = Alert(
        source="jo",
        check="http_error_rate",
        state="firing",
        run_id="20240501T090000Z-abc123",
        sent_at=NOW,
        message="HTTP error rate 44% above 25%",
        numbers={"requests": 18, "errors": 8, "rate": 0.444},
        last_error="timeout (http://jo.example/news)",
        kind="mp_site",
    )
    return replace(base, **changes)


def test_webhook_payload_is_slack_compatible_and_names_everything() -> None:
    payload = alert_payload(_alert())
    assert isinstance(payload["text"], str) and "jo" in payload["text"]
    (attachment,) = payload["attachments"]  # type: ignore[misc]
    titles = {f["title"]: f["value"] for f in attachment["fields"]}
    assert titles["source"] == "jo" and titles["check"] == "http_error_rate"
    assert titles["run"] == "20240501T090000Z-abc123" and titles["errors"] == "8"
    assert titles["last error"].startswith("timeout")
    assert payload["numbers"] == {"requests": 18, "errors": 8, "rate": 0.444}


def test_webhook_sink_receives_the_alert() -> None:
    with WebhookReceiver() as hook:
        sent = deliver(Settings(alert_webhook=hook.url), _alert())
        (got,) = hook.received
    assert sent.delivered and sent.sinks == ("webhook",)
    assert got["source"] == "jo" and got["check"] == "http_error_rate"
    assert got["run_id"] == "20240501T090000Z-abc123" and got["state"] == "firing"
    assert got["last_error"] == "timeout (http://jo.example/news)"


def test_apprise_json_sink_receives_the_alert() -> None:
    with WebhookReceiver() as target:
        url = target.url.replace("http://", "json://")
        sent = deliver(Settings(alert_urls=(url,)), _alert(state="resolved"))
        (got,) = target.received
    assert sent.delivered and sent.sinks == ("apprise:json",)
    assert "RECOVERED" in got["title"] and "jo" in got["title"]
    for text in ("check: http_error_rate", "run: 20240501T090000Z-abc123", "errors=8"):
        assert text in got["message"]


@dataclass
class _Mailbox:
    messages: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Mailbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


def test_email_sink_sends_through_smtp(smtp: tuple[int, _Mailbox]) -> None:
    port, box = smtp
    url = f"mailto://127.0.0.1:{port}?from=mpnews@example.org&to=oncall@example.org&mode=insecure"
    sent = deliver(Settings(alert_urls=(url,)), _alert())
    assert sent.delivered and sent.sinks == ("apprise:mailto",)
    (mail,) = box.messages
    assert b"Subject: mpnews [FAILING] source jo: http_error_rate" in mail


def test_a_dead_sink_costs_a_warning_and_never_leaks_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/T000/SECRET-TOKEN"
    bogus = "nosuchscheme://SECRET-TOKEN@example"
    caplog.set_level(logging.WARNING)
    sent = deliver(Settings(alert_webhook=dead, alert_urls=(bogus,)), _alert())
    assert not sent.delivered and sent.sinks == ()
    assert "alert webhook unreachable" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text


def test_no_sink_configured_means_not_delivered() -> None:
    sent = deliver(Settings(), _alert())
    assert not sent.delivered and sent.sinks == ()
