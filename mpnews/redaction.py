"""Secrets out of every line we write: logs, errors, warehouse rows, reports and alerts.

Alert sink URLs (webhooks, apprise URLs), SMTP passwords and the DuckLake catalog password
come from the environment and must never be shown back. :func:`redact` masks

* the password of a URL's userinfo (``postgres://mpnews:***@db``, ``mailto://me:***@host``);
* ``password=...`` in libpq connection strings (``ducklake:postgres:... password=***``);
* URLs of an alerting scheme (apprise: ``slack://***``, ``mailto://***``, ...): all of it;
* web URLs known to carry a token in their path or query (Slack, Discord, Teams webhooks)
  or a token-like query parameter (``?token=***``): scheme and host kept;
* every secret registered with :func:`register_secret` (the configured sinks; a webhook is
  shown as ``https://host/***``).

:func:`install` redacts every log record of the process (a log record factory), so Prefect's
and Scrapy's lines are covered as well as ours.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["MASK", "install", "redact", "register_secret", "registered", "sink_name"]

MASK = "***"
_WEB = frozenset({"http", "https"})
# Schemes whose URLs hold no secret beyond a userinfo password (handled on its own).
_PLAIN = frozenset({"http", "https", "ftp", "ftps", "file", "s3", "gs", "az", "r2", "data"})
_PLAIN |= frozenset({"postgres", "postgresql", "ws", "wss", "ducklake"})
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,20})://([^\s'\"<>]+)")
_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s/:@'\"<>]*:)[^\s/@'\"<>]+@")
_PASSWORD = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|sslpassword)\s*=\s*)"
    r"(?:'(?:[^'\\]|\\.)*'|[^\s'\"]*[^\s'\":])",
    re.IGNORECASE,
)
_TOKEN_PARAM = re.compile(
    r"(?P<key>[?&](?:token|access_token|api_key|apikey|key|secret|sig|signature|password|"
    r"auth|code)=)[^&\s'\"<>#]+",
    re.IGNORECASE,
)
_WEBHOOK_HOSTS = re.compile(
    r"(^|\.)(hooks\.slack\.com|discord(app)?\.com|webhook\.office\.com|outlook\.office\.com|"
    r"api\.telegram\.org|chat\.googleapis\.com|events\.pagerduty\.com)$",
    re.IGNORECASE,
)
_WEBHOOK_PATH = re.compile(r"/(webhooks?|hooks?|services)/", re.IGNORECASE)

_secrets: dict[str, str] = {}  # secret text -> what is shown instead


def redact(text: str) -> str:
    """``text`` with every secret it holds masked (see the module's docstring)."""
    if not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, _secrets[secret])
    text = _PASSWORD.sub(lambda m: m["key"] + MASK, text)
    text = _USERINFO.sub(lambda m: m["head"] + MASK + "@", text)
    return _URL.sub(_mask_url, text)


def sink_name(url: str) -> str:
    """How an alert sink is named in messages: its scheme only (``slack://***``)."""
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    return f"{scheme or 'unknown'}://{MASK}"


def register_secret(value: str | None) -> None:
    """Mask ``value`` (a sink URL, a connection string) wherever it shows up from now on."""
    if not value or len(value) < 6:
        return
    shown = _shown(value)
    _secrets[value] = shown
    rest = value.split("://", 1)[1] if "://" in value else ""
    if len(rest) >= 6:
        _secrets[rest] = shown.split("://", 1)[1] if "://" in shown else MASK


def registered() -> frozenset[str]:
    """The secrets registered so far (for tests and checks)."""
    return frozenset(_secrets)


def install(secrets: Iterable[str | None] = ()) -> None:
    """Register ``secrets`` and redact every log record of this process (idempotent)."""
    for secret in secrets:
        register_secret(secret)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_mpnews_redacts", False):
        return
    logging.setLogRecordFactory(_redacting(factory))


def _redacting(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format is logging's to report, not ours
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[0] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
        return record

    make._mpnews_redacts = True  # type: ignore[attr-defined]
    return make


def _shown(value: str) -> str:
    """How a registered secret is shown: a web URL keeps scheme and host, others the scheme."""
    parts = urlsplit(value) if "://" in value else None
    if parts is not None and parts.scheme.lower() in _WEB and parts.hostname:
        where = parts.netloc.rsplit("@", 1)[-1]
        return f"{parts.scheme.lower()}://{where}/{MASK}"
    if parts is not None and parts.scheme:
        return sink_name(value)
    return MASK


def _mask_url(match: re.Match[str]) -> str:
    scheme, rest = match[1], match[2]
    lowered = scheme.lower()
    if lowered not in _PLAIN:
        return f"{scheme}://{MASK}"  # an apprise URL: its host and path are tokens
    if lowered in _WEB:
        host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
        if _WEBHOOK_HOSTS.search(host) or (
            _WEBHOOK_PATH.search(rest) and len(rest.split("/")[-1]) >= 16
        ):
            return f"{scheme}://{rest.split('/', 1)[0]}/{MASK}"
    return f"{scheme}://{_TOKEN_PARAM.sub(lambda m: m['key'] + MASK, rest)}"
