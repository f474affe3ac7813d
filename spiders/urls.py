"""URL hygiene for the spiders: cleaning, canonical keys and the allowed-domain check."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

__all__ = ["DomainPolicy", "absolute_http_url", "canonical_key", "clean_url"]

_TRACKING = re.compile(r"^(utm_[a-z0-9_]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid)$", re.I)
_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def clean_url(url: str) -> str:
    """Drop the fragment and tracking parameters (utm_*, fbclid, gclid, ...)."""
    parts = urlsplit(url)
    if parts.query:
        keep = [p for p in parts.query.split("&") if not _TRACKING.match(p.split("=", 1)[0])]
        parts = parts._replace(query="&".join(keep))
    return urlunsplit(parts._replace(fragment=""))


def canonical_key(url: str) -> str:
    """A stable key for "the same page": cleaned, then w3lib-canonicalised."""
    return canonicalize_url(clean_url(url), keep_fragments=False)


def absolute_http_url(href: str, base: str) -> str | None:
    """Resolve ``href`` against ``base``; None unless the result is an http(s) URL."""
    href = (href or "").strip()
    if not href:
        return None
    url = safe_url_string(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return clean_url(url)


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
