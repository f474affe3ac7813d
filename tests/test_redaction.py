"""Secrets masked in text and log records: URL passwords, libpq passwords, sink tokens."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from mpnews import redaction
from mpnews.redaction import install, redact, register_secret, sink_name


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    saved = dict(redaction._secrets)
    factory = logging.getLogRecordFactory()
    yield
    redaction._secrets.clear()
    redaction._secrets.update(saved)
    logging.setLogRecordFactory(factory)


@pytest.mark.parametrize(
    ("text", "shown", "secret"),
    [
        (
            "cannot open ducklake:postgres:dbname=lake host=db user=mp password=hunter2-xyz",
            "cannot open ducklake:postgres:dbname=lake host=db user=mp password=***",
            "hunter2-xyz",
        ),
        (
            "ducklake:postgres:dbname=lake password='s3cr et' host=db",
            "ducklake:postgres:dbname=lake password=*** host=db",
            "s3cr et",
        ),
        (
            "connect postgres://mpnews:pa55word@db.internal:5432/lake failed",
            "connect postgres://mpnews:***@db.internal:5432/lake failed",
            "pa55word",
        ),
        ("sink mailto://me:smtp-pass@gmail.com down", "sink mailto://*** down", "smtp-pass"),
        ("sink slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7F down", "sink slack://*** down",
         "TIiajkdnlazkcOXrIdevi7F"),
        (
            "POST https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX failed",
            "POST https://hooks.slack.com/*** failed",
            "XXXXXXXXXXXXXXXX",
        ),
        (
            "POST https://discord.com/api/webhooks/123/abcDEF-token failed",
            "POST https://discord.com/*** failed",
            "abcDEF-token",
        ),
        (
            "GET https://alerts.example.org/notify?channel=ops&token=tok-123456 failed",
            "GET https://alerts.example.org/notify?channel=ops&token=*** failed",
            "tok-123456",
        ),
    ],
)  # fmt: skip
def test_secrets_are_masked(text: str, shown: str, secret: str) -> None:
    assert redact(text) == shown
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "fetched http://127.0.0.1:8080/2024/05/02/post-title (200)",
        "refused: private address 10.0.0.5 (set MPNEWS_ALLOW_PRIVATE_ADDRESSES=1 to allow)",
        "warehouse: /data/warehouse/mpnews.duckdb",
        "ducklake:postgres:dbname=lake host=db user=mpnews",
        "Not following redirect from https://a.example/x to file:///etc/passwd",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_a_registered_webhook_keeps_scheme_and_host_only() -> None:
    url = "http://127.0.0.1:9000/hook/very-secret-token"
    register_secret(url)
    assert redact(f"alert webhook {url} unreachable") == (
        "alert webhook http://127.0.0.1:9000/*** unreachable"
    )
    assert "very-secret-token" not in redact("127.0.0.1:9000/hook/very-secret-token")


def test_sinks_are_named_by_scheme_only() -> None:
    assert sink_name("slack://T1/B2/C3") == "slack://***"
    assert sink_name("https://hooks.example/t0ken") == "https://***"


def test_redaction_is_idempotent() -> None:
    text = "a slack://T1/B2/C3 b postgres://u:p4ss@h/db password=x"
    assert redact(redact(text)) == redact(text)


def test_installed_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install(["json://alerts.internal/hook-token-abc"])
    install()  # twice: still one redacting factory
    logger = logging.getLogger("mpnews.test")
    with caplog.at_level(logging.INFO, logger="mpnews.test"):
        logger.info("sink %s down", "json://alerts.internal/hook-token-abc")
        logger.info("lake %s", "ducklake:postgres:dbname=x password=topsecret1")
        try:
            raise RuntimeError("postgres://u:dbpass-99@db/x refused")
        except RuntimeError:
            logger.exception("failed")
    text = caplog.text
    assert "hook-token-abc" not in text and "topsecret1" not in text
    assert "dbpass-99" not in text
    assert "sink json://*** down" in text and "password=***" in text
    assert "postgres://u:***@db/x refused" in text
