"""Downloader middlewares: source-scoped offsite filter, retry backoff, download-error reporting,
and one pace per host shared by every source crawled in the process."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Response
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import error as twisted_error
from twisted.internet.task import deferLater
from twisted.web.client import ResponseFailed

from spiders.urls import DomainPolicy

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = [
    "DOWNLOAD_ERROR",
    "BackoffRetryMiddleware",
    "DownloadErrorMiddleware",
    "SharedHostGateMiddleware",
    "SourceOffsiteMiddleware",
    "SourceRedirectMiddleware",
    "error_reason",
    "retry_after",
]

logger = logging.getLogger(__name__)

#: Signal sent with ``request`` and ``reason`` when a download finally fails.
DOWNLOAD_ERROR = object()

_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadConnectionRefusedError, twisted_error.ConnectionRefusedError), "connection refused"),
    ((CannotResolveHostError, twisted_error.DNSLookupError), "dns lookup failed"),
    ((DownloadTimeoutError, twisted_error.TimeoutError, TimeoutError), "timeout"),
    ((DownloadFailedError, twisted_error.ConnectionLost, ResponseFailed), "connection lost"),
)


_SIZE = re.compile(r"max ?size", re.IGNORECASE)


def error_reason(exc: BaseException) -> str:
    """A short, stable reason for a failed download (``size limit: ...`` etc.)."""
    for types, reason in _REASONS:
        if isinstance(exc, types):
            return reason
    if isinstance(exc, DownloadCancelledError) and _SIZE.search(str(exc)):
        return f"size limit: {exc}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class SourceOffsiteMiddleware(OffsiteMiddleware):
    """Offsite filter driven by the spider's ``domain_policy`` (``host`` or ``host:port``).

    Runs on every request, redirects included, so a redirect offsite is refused.
    Spiders without a ``domain_policy`` fall back to Scrapy's ``allowed_domains`` rule.
    """

    def should_follow(self, request: Request, spider: Spider) -> bool:
        policy: DomainPolicy | None = getattr(spider, "domain_policy", None)
        if policy is None:
            return super().should_follow(request, spider)
        return policy.allows(request.url)


class SourceRedirectMiddleware(RedirectMiddleware):
    """Redirects, except to a URL the source may not fetch: that 3xx becomes the final response.

    So the 3xx is archived, and the offsite or non-http(s) target is never requested.
    Past ``REDIRECT_MAX_TIMES``, or back to a URL of its own chain (a loop), the last 3xx is
    kept too, and reported as an error.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:
            self.crawler.signals.send_catch_log(
                signal=DOWNLOAD_ERROR, request=request, reason="too many redirects"
            )
            return response
        if isinstance(result, Request) and result.url in _chain(request):
            self.crawler.signals.send_catch_log(
                signal=DOWNLOAD_ERROR, request=request, reason="redirect loop"
            )
            return response
        policy: DomainPolicy | None = getattr(self.crawler.spider, "domain_policy", None)
        if isinstance(result, Request) and policy is not None and not policy.allows(result.url):
            logger.info("Not following redirect from %s to %s", request.url, result.url)
            return response
        return result


def _chain(request: Request) -> tuple[str, ...]:
    """The URLs a redirected request has been through, itself included."""
    return (*request.meta.get("redirect_urls", ()), request.url)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting ``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds before retry n, or
    longer when a 429/503 says so in ``Retry-After``; never more than ``RETRY_BACKOFF_MAX``."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        return await self._wait(super().process_response(request, response), retry_after(response))

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        return await self._wait(super().process_exception(request, exception))

    async def _wait(self, result: Any, asked: float = 0.0) -> Any:
        if isinstance(result, Request):
            attempt = int(result.meta.get("retry_times", 1))
            delay = min(self.backoff_max, max(asked, self.backoff_base * 2 ** (attempt - 1)))
            if delay > 0:
                await _sleep(delay)
        return result


def retry_after(response: Response) -> float:
    """Seconds a 429 or 503 asks us to wait (``Retry-After``: seconds or an HTTP date), else 0."""
    if response.status not in (429, 503):
        return 0.0
    raw = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class DownloadErrorMiddleware:
    """Reports downloads that failed for good (after retries) as ``DOWNLOAD_ERROR`` signals.

    Sits just after the offsite filter (engine side), so it sees an exception
    only once the retry middleware has given up. Filtered requests
    (``IgnoreRequest``: robots.txt, offsite) are not download errors.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        reason = error_reason(exception)
        logger.info("Download failed for good: %s (%s)", request.url, reason)
        self.crawler.signals.send_catch_log(signal=DOWNLOAD_ERROR, request=request, reason=reason)
        return None


class SharedHostGateMiddleware:
    """Keeps ``DOWNLOAD_DELAY`` between requests to a host several sources share.

    Each source has its own crawler, so its own download slot per host: two sources on one
    host (two sections of a news site) would be polite alone and twice as fast together.
    Requests to the hosts in ``MPNEWS_SHARED_HOSTS`` (set by ``spiders.run`` for a plan) wait
    until ``DOWNLOAD_DELAY`` after the last request any crawler of this process sent there.
    """

    _next_free: ClassVar[dict[str, float]] = {}  # host -> when it may be asked again

    def __init__(self, hosts: frozenset[str], delay: float) -> None:
        self.hosts = hosts
        self.delay = delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        hosts = frozenset(h.lower() for h in crawler.settings.getlist("MPNEWS_SHARED_HOSTS"))
        delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        if not hosts or delay <= 0:
            raise NotConfigured("no host shared between sources, or no delay")
        return cls(hosts, delay)

    def reserve(self, host: str, now: float) -> float:
        """Book the next turn at ``host``; seconds to wait for it."""
        turn = max(now, self._next_free.get(host, now))
        self._next_free[host] = turn + self.delay
        return turn - now

    async def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        if host in self.hosts:
            wait = self.reserve(host, time.monotonic())
            if wait > 0:
                await _sleep(wait)


async def _sleep(seconds: float) -> None:
    if is_asyncio_available():
        await asyncio.sleep(seconds)
        return
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
