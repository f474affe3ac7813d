"""URL hygiene for the spiders: absolute http(s) links and the allowed-domain check.

Canonical spelling and "same page" keys are :mod:`pipeline.urls`, shared with ``post_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from pipeline.decode import strip_controls
from pipeline.urls import strip_tracking

__all__ = ["DomainPolicy", "absolute_http_url"]

_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def absolute_http_url(href: str, base: str) -> str | None:
    """Resolve ``href`` against ``base``; None unless the result is an http(s) URL. Control
    characters in ``href`` (a NUL in tag soup) are dropped first."""
    href = strip_controls(href or "").strip()
    if not href:
        return None
    url = safe_url_string(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return strip_tracking(url)


class DomainPolicy:
    """Which netlocs a source may fetch.

    Entries are ``host`` or ``host:port``. A bare host allows itself and its
    subdomains on the scheme's default port; ``host:port`` allows exactly that.
    """

    def __init__(self, domains: Iterable[str]) -> None:
        self._exact: frozenset[str] = frozenset(d.lower() for d in domains if ":" in d)
        self._hosts: tuple[str, ...] = tuple(d.lower().strip(".") for d in domains if ":" not in d)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES or not parts.hostname:
            return False
        host = parts.hostname.lower()
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            return False
        if f"{host}:{port}" in self._exact:
            return True
        if port != _DEFAULT_PORTS[scheme]:
            return False
        return any(host == h or host.endswith("." + h) for h in self._hosts)
