"""The address guard: http(s) only, fenced address ranges refused unless the source is there."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from spiders.addresses import AddressGuardMiddleware, fenced_kind, refusal

FENCED = {
    "127.0.0.1": "loopback",
    "127.0.0.3": "loopback",
    "::1": "loopback",
    "10.0.0.5": "private",
    "172.16.0.1": "private",
    "172.31.255.254": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "0.0.0.0": "unspecified",
    "::ffff:10.0.0.5": "private",
    "::ffff:127.0.0.1": "loopback",
    "::ffff:169.254.169.254": "link-local",
    "100.64.0.1": "non-public",
}
PUBLIC = ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111"]


class _Signals:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_catch_log(self, signal: object, **kwargs: Any) -> None:
        self.sent.append(kwargs)


def _guard(start_urls: tuple[str, ...] = (), *, allow: bool = False) -> AddressGuardMiddleware:
    source = SimpleNamespace(start_urls=start_urls)
    crawler = SimpleNamespace(spider=SimpleNamespace(source=source), signals=_Signals())
    return AddressGuardMiddleware(crawler, allow)  # type: ignore[arg-type]


def _url(address: str) -> str:
    return f"http://[{address}]/x" if ":" in address else f"http://{address}/x"


@pytest.mark.parametrize(("address", "kind"), sorted(FENCED.items()))
def test_each_fenced_range_is_refused(address: str, kind: str) -> None:
    assert fenced_kind(address) == kind
    reason = asyncio.run(_guard(("http://93.184.216.34/news",)).check(_url(address)))
    assert reason is not None
    assert reason.startswith(f"refused: {kind} address ")
    assert "MPNEWS_ALLOW_PRIVATE_ADDRESSES" in reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert fenced_kind(address) is None
    assert asyncio.run(_guard(("http://10.0.0.5/",)).check(_url(address))) is None


def test_the_sources_own_address_is_allowed_and_only_that_one() -> None:
    guard = _guard(("http://127.0.0.2:8080/news",))
    assert asyncio.run(guard.check("http://127.0.0.2:9999/other-port")) is None
    reason = asyncio.run(guard.check("http://127.0.0.3:8080/news"))
    assert reason == (
        "refused: loopback address 127.0.0.3 (set MPNEWS_ALLOW_PRIVATE_ADDRESSES=1 to allow)"
    )


def test_a_source_named_by_host_name_is_allowed_where_that_name_resolves() -> None:
    guard = _guard(("http://localhost:8080/news",))
    assert asyncio.run(guard.check("http://127.0.0.1:8080/post")) is None
    assert asyncio.run(guard.check("http://10.0.0.5/post")) is not None


def test_a_host_name_is_judged_by_the_address_it_resolves_to() -> None:
    guard = _guard(("http://93.184.216.34/news",))
    reason = asyncio.run(guard.check("http://localhost:8080/post"))
    assert reason is not None and reason.startswith("refused: loopback address 127.0.0.1")


def test_the_setting_allows_every_address() -> None:
    guard = _guard(("http://93.184.216.34/",), allow=True)
    for address in FENCED:
        assert asyncio.run(guard.check(_url(address))) is None


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,hi", "s3://bucket/key"]
)
def test_other_schemes_are_refused_even_when_addresses_are_allowed(url: str) -> None:
    reason = asyncio.run(_guard(allow=True).check(url))
    assert reason is not None and reason.startswith("refused: scheme ")


def test_a_refused_request_is_ignored_and_reported() -> None:
    guard = _guard(("http://127.0.0.2/",))
    request = Request("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(IgnoreRequest):
        asyncio.run(guard.process_request(request))
    [sent] = guard.crawler.signals.sent  # type: ignore[attr-defined]
    assert sent["request"] is request
    assert sent["reason"].startswith("refused: link-local address 169.254.169.254")


def test_an_allowed_request_goes_on() -> None:
    guard = _guard(("http://127.0.0.2/",))
    assert asyncio.run(guard.process_request(Request("http://127.0.0.2/news"))) is None
    assert guard.crawler.signals.sent == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        (b"http://10.0.0.5/admin", "refused: private address 10.0.0.5"),
        (b"//169.254.169.254/latest", "refused: link-local address 169.254.169.254"),
        (b"file:///etc/passwd", "refused: scheme file"),
    ],
)
def test_a_redirect_into_a_fence_stays_a_final_3xx(location: bytes, reason: str) -> None:
    guard = _guard(("http://127.0.0.2/",))
    request = Request("http://127.0.0.2/moved")
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    assert asyncio.run(guard.process_response(request, response)) is response
    assert request.meta["dont_redirect"] is True
    [sent] = guard.crawler.signals.sent  # type: ignore[attr-defined]
    assert sent["reason"].startswith(reason)


def test_a_redirect_within_bounds_is_left_to_the_redirect_middleware() -> None:
    guard = _guard(("http://127.0.0.2/",))
    request = Request("http://127.0.0.2/moved")
    response = Response(request.url, status=301, headers={"Location": b"/here"}, request=request)
    assert asyncio.run(guard.process_response(request, response)) is response
    assert "dont_redirect" not in request.meta


def test_refusal_names_the_first_fenced_address_not_the_sources() -> None:
    own = frozenset({"127.0.0.2"})
    assert refusal(["127.0.0.2"], own) is None
    assert refusal(["93.184.216.34", "10.0.0.5"], own) == (
        "refused: private address 10.0.0.5 (set MPNEWS_ALLOW_PRIVATE_ADDRESSES=1 to allow)"
    )


def test_the_environment_setting_reaches_the_crawl() -> None:
    import flows.crawl
    from mpnews.exceptions import ConfigError
    from mpnews.settings import Settings

    allowed = Settings.from_env({"MPNEWS_ALLOW_PRIVATE_ADDRESSES": "1"})
    assert allowed.allow_private_addresses is True
    assert flows.crawl._fences(allowed) == {"MPNEWS_ALLOW_PRIVATE_ADDRESSES": "1"}
    assert flows.crawl._fences(Settings.from_env({})) == {}
    with pytest.raises(ConfigError, match="MPNEWS_ALLOW_PRIVATE_ADDRESSES"):
        Settings.from_env({"MPNEWS_ALLOW_PRIVATE_ADDRESSES": "maybe"})
