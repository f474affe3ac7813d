"""The fault server itself: routes, 404 for the unknown, a request budget."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from fault_server import Fault, FaultRequest, FaultServer


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_routes_reply_and_the_unknown_is_404() -> None:
    def echo(request: FaultRequest) -> Fault:
        return Fault(200, request.query.encode())

    with FaultServer({"/": Fault(200, b"home"), "/echo": echo}) as server:
        assert _get(server.url("/")) == (200, b"home")
        assert _get(server.url("/echo?a=1")) == (200, b"a=1")
        assert _get(server.url("/nothing"))[0] == 404
        assert server.paths() == ["/", "/echo?a=1", "/nothing"]


@pytest.mark.parametrize("budget", [1, 3])
def test_requests_beyond_the_budget_get_503(budget: int) -> None:
    with FaultServer({"/": Fault(200, b"ok")}, max_requests=budget) as server:
        statuses = [_get(server.url("/"))[0] for _ in range(budget + 2)]
    assert statuses == [200] * budget + [503, 503]


def test_a_stalled_reply_sends_half_its_body_then_hangs() -> None:
    with (
        FaultServer({"/slow": Fault(200, b"x" * 100, stall=60)}) as server,
        urllib.request.urlopen(server.url("/slow"), timeout=1) as reply,
    ):
        assert reply.status == 200
        assert reply.read(50) == b"x" * 50  # the first half came at once
        with pytest.raises(TimeoutError):
            reply.read()  # the rest never does
    assert server.paths() == ["/slow"]


def test_a_reset_drops_the_connection_without_a_reply() -> None:
    with FaultServer({"/reset": Fault(reset=True), "/": Fault(200, b"ok")}) as server:
        with pytest.raises((ConnectionResetError, urllib.error.URLError)) as caught:
            _get(server.url("/reset"))
        assert _get(server.url("/")) == (200, b"ok")
    reason = getattr(caught.value, "reason", caught.value)
    assert isinstance(reason, ConnectionResetError)
