"""Where the crawler may go: http(s) only, and no private, loopback or link-local addresses.

A page or a redirect could point the crawler at the machine it runs on, its network or a cloud
metadata service (``169.254.169.254``). :class:`AddressGuardMiddleware` resolves every
request's host with the resolver Scrapy connects with (its cache then holds the checked
answer, so a name that later re-resolves elsewhere, DNS rebinding, is no way round) and
refuses the request when an address is not public, unless:

* the source itself is there: an address its start URLs' hosts resolve to (a site on the
  office network, the sample sites on 127.0.0.1), or
* ``MPNEWS_ALLOW_PRIVATE_ADDRESSES`` is set.

A refused request or redirect is one log line and one entry in the crawl's errors
(``refused: private address 10.0.0.5 (...)``); a refused redirect's 3xx is the final response,
archived like a redirect off the site.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.reactor import is_reactor_installed
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

from spiders.middlewares import DOWNLOAD_ERROR

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = [
    "ALLOW_SETTING",
    "SCHEMES",
    "AddressGuardMiddleware",
    "fenced_kind",
    "refusal",
]

logger = logging.getLogger(__name__)

SCHEMES = frozenset({"http", "https"})
ALLOW_SETTING = "MPNEWS_ALLOW_PRIVATE_ADDRESSES"
_HINT = f"set {ALLOW_SETTING}=1 to allow"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def fenced_kind(address: str) -> str | None:
    """Why ``address`` is out of bounds (``loopback``, ``link-local``, ``private``, ...), or
    None for a public address."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if not ip.is_global or ip.is_reserved:
        return "non-public"
    return None


def refusal(addresses: Iterable[str], own: frozenset[str]) -> str | None:
    """The reason to refuse a host resolving to ``addresses``, or None; the source's ``own``
    addresses are allowed whatever they are."""
    for address in addresses:
        kind = fenced_kind(address)
        if kind is not None and address not in own:
            return f"refused: {kind} address {address} ({_HINT})"
    return None


class AddressGuardMiddleware:
    """Refuses requests and redirects to other schemes than http(s) or to fenced addresses.

    Its ``process_request`` sits before the download; its ``process_response`` before the
    redirect middleware's (a higher priority), so a refused redirect is never followed.
    """

    def __init__(self, crawler: Crawler, allow_private: bool) -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self._own: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getbool(ALLOW_SETTING))

    async def process_request(self, request: Request) -> None:
        reason = await self.check(request.url)
        if reason is not None:
            self._refuse(request, reason, f"Refused {request.url}: {reason}")
            raise IgnoreRequest(reason)

    async def process_response(self, request: Request, response: Response) -> Response:
        target = _redirect_target(request, response)
        if target is None:
            return response
        reason = await self.check(target)
        if reason is not None:
            request.meta["dont_redirect"] = True  # the 3xx is the final, archived response
            self._refuse(
                request, reason, f"Not following redirect from {request.url} to {target}: {reason}"
            )
        return response

    async def check(self, url: str) -> str | None:
        """Why ``url`` may not be fetched, or None."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            return f"refused: scheme {scheme or '(none)'} (only http and https are fetched)"
        host = parts.hostname
        if self.allow_private or not host:
            return None
        addresses = await _resolve(host)
        if not addresses:
            return None  # unresolvable: the download fails on its own ("dns lookup failed")
        return refusal(addresses, await self._own_addresses())

    async def _own_addresses(self) -> frozenset[str]:
        if self._own is None:
            source = getattr(self.crawler.spider, "source", None)
            urls = getattr(source, "start_urls", ()) if source is not None else ()
            hosts = {urlsplit(u).hostname for u in urls} - {None}
            found = [await _resolve(h) for h in sorted(h for h in hosts if h)]
            self._own = frozenset(a for addresses in found for a in addresses)
        return self._own

    def _refuse(self, request: Request, reason: str, line: str) -> None:
        logger.warning(line)
        self.crawler.signals.send_catch_log(signal=DOWNLOAD_ERROR, request=request, reason=reason)


def _redirect_target(request: Request, response: Response) -> str | None:
    location = response.headers.get("Location")
    if response.status not in _REDIRECTS or not location or request.meta.get("dont_redirect"):
        return None
    text = location.decode("latin-1").strip()
    if text.startswith("//"):
        text = f"{urlsplit(request.url).scheme}:{text}"
    return urljoin(request.url, text)


async def _resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an IP literal is itself); [] when it does not."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    if _reactor_running():
        return await _resolve_with_reactor(host)
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, None, 0, socket.SOCK_STREAM)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos})


def _reactor_running() -> bool:
    if not is_reactor_installed():
        return False
    from twisted.internet import reactor

    return bool(getattr(reactor, "running", False))


async def _resolve_with_reactor(host: str) -> list[str]:
    """Resolve through the reactor's resolver: the one (and the cache) Scrapy connects with."""
    from twisted.internet import reactor

    receiver = _Addresses()
    reactor.nameResolver.resolveHostName(receiver, host)  # type: ignore[attr-defined]
    try:
        return await maybe_deferred_to_future(receiver.done)
    except Exception:  # noqa: BLE001 - an unresolvable host is the download's error to report
        return []


@implementer(IResolutionReceiver)
class _Addresses:
    """Collects a resolution's addresses into :attr:`done`."""

    def __init__(self) -> None:
        self.done: Deferred[list[str]] = Deferred()
        self._found: list[str] = []

    def resolutionBegan(self, resolution: Any) -> None:  # noqa: N802 - Twisted's interface
        pass

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        self._found.append(str(address.host))

    def resolutionComplete(self) -> None:  # noqa: N802
        self.done.callback(self._found)
