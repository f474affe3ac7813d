"""One URL canonicaliser, shared by the crawler and the pipeline.

The crawler requests :func:`strip_tracking`'s spelling and decides "already seen" with
:func:`url_key`; the pipeline stores :func:`canonical_url` in ``posts.url`` and derives
``post_id`` from :func:`url_key`. So the crawler and ``post_id`` always agree on whether two
URLs are one page. Built on w3lib (``safe_url_string``: IRIs to URIs, percent-encoding).
Tracking parameters are one explicit list: courlan's broader tracker pattern also drops real
parameters such as ``source`` or ``ref``, which would merge different pages. Session ids
(``;jsessionid=...`` in the path, ``?sid=``, ``PHPSESSID``) are noise too: each visit would
otherwise see every page under a new name. :func:`url_pattern` is a URL's shape (digits and
query values left out), which the crawl budgets count variants of.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

__all__ = [
    "SESSION_PARAMS",
    "TRACKING_PARAMS",
    "canonical_url",
    "is_noise_param",
    "strip_tracking",
    "url_key",
    "url_pattern",
]

TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|"
    r"igshid|ref_src|cmpid|ito|at_medium|at_campaign|amp)$",
    re.I,
)
SESSION_PARAMS = re.compile(
    r"^(jsessionid|phpsessid|aspsessionid\w*|sid|sessid|sessionid|session_id|zenid|oscsid|"
    r"cfid|cftoken)$",
    re.I,
)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sessionid|sid)=[^/;?#]*", re.I)
_DIGITS = re.compile(r"\d+")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLASHES = re.compile(r"/{2,}")
_HOST_PREFIX = re.compile(r"^(www\d?|amp)\.(?=[^.]+\.)", re.I)
_AMP_FILE = re.compile(r"^(.+?)\.amp(\.html?)?$", re.I)


def canonical_url(url: str) -> str:
    """One spelling per page: lowercase scheme/host, no default port, fragment,
    tracking or AMP markers; sorted query. A trailing slash is kept as the site spells
    its permalinks (``url_key`` ignores it when matching copies)."""
    parts = urlsplit(safe_url_string(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((k, v) for k, v in pairs if not is_noise_param(k, v))
    return urlunsplit((scheme, host, _clean_path(parts.path), urlencode(query), ""))


@functools.lru_cache(maxsize=1 << 16)
def url_key(url: str) -> str:
    """The key every spelling of one page shares: the canonical URL without scheme,
    ``www.``/``amp.`` host prefix or trailing slash (``//example.org/news/a-post``).

    Cached: a crawl asks for the key of the same menu, category and archive links on every
    page of a site."""
    parts = urlsplit(canonical_url(url))
    host = _HOST_PREFIX.sub("", parts.netloc)
    path = parts.path[:-1] if parts.path.endswith("/") and parts.path != "/" else parts.path
    return urlunsplit(("", host, path, parts.query, ""))


def strip_tracking(url: str) -> str:
    """``url`` as the site spells it, minus its fragment, tracking parameters and session
    ids (the spelling the crawler requests: the page's own query order is kept)."""
    parts = urlsplit(url)
    parts = parts._replace(path=_PATH_SESSION.sub("", parts.path))
    if parts.query:
        keep = [p for p in parts.query.split("&") if not _is_noise_pair(p)]
        parts = parts._replace(query="&".join(keep))
    return urlunsplit(parts._replace(fragment=""))


def url_pattern(url: str) -> str:
    """The shape of ``url``: its canonical host and path with each run of digits as ``N``,
    and its query keys without their values (``example.org/events?month=*``)."""
    parts = urlsplit(canonical_url(url))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = "&".join(f"{k}=*" for k in keys)
    return parts.netloc + _DIGITS.sub("N", parts.path) + (f"?{query}" if query else "")


def is_noise_param(key: str, value: str) -> bool:
    """A query parameter that never changes the page: tracking, a session id or an AMP
    switch."""
    return (
        bool(TRACKING_PARAMS.match(key))
        or bool(SESSION_PARAMS.match(key))
        or (key.lower() == "outputtype" and value.lower() == "amp")
    )


def _is_noise_pair(pair: str) -> bool:
    key, _, value = pair.partition("=")
    return is_noise_param(key, value)


def _clean_path(path: str) -> str:
    path = _SLASHES.sub("/", _PATH_SESSION.sub("", path) or "/")
    trailing = path.endswith("/")
    segments = [s for s in path.split("/") if s]
    if segments and segments[-1].lower() == "amp":
        segments.pop()
    if segments and segments[0].lower() == "amp":
        segments.pop(0)
    if segments and (amp_file := _AMP_FILE.match(segments[-1])):
        segments[-1] = amp_file.group(1) + (amp_file.group(2) or "")
    return "/" + "/".join(segments) + ("/" if trailing and segments else "")
