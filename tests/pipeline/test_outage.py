"""Deciding a network outage from a run's failure reasons."""

from __future__ import annotations

import pytest

from pipeline.outage import decide_outage, network_reason

DNS = "site unreachable: dns lookup failed (http://a.example/)"
REFUSED = "site unreachable: connection refused (http://127.0.0.1:9/news)"
TIMEOUT = "site unreachable: timeout (http://b.example/)"


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (DNS, "dns lookup failed"),
        (REFUSED, "connection refused"),
        (TIMEOUT, "timeout"),
        ("site unreachable: no route to host (http://c/)", "no route"),
        ("site unreachable: too many redirects (http://c/)", None),
        ("no successful response: 3x HTTP 500", None),
        ("load failed: IOException: x", None),
        (None, None),
    ],
)
def test_network_reason(failure: str | None, reason: str | None) -> None:
    assert network_reason(failure) == reason


def test_every_source_failing_the_same_way_is_an_outage() -> None:
    outage = decide_outage({"a": DNS, "b": DNS, "c": DNS, "d": DNS})
    assert outage is not None
    assert (outage.reason, outage.failed, outage.total) == ("dns lookup failed", 4, 4)
    assert outage.sources == ("a", "b", "c", "d")
    assert "DNS" in outage.likely_cause
    assert "4 of 4 sources" in outage.message


def test_more_than_half_is_needed() -> None:
    half = {"a": DNS, "b": DNS, "c": DNS, "d": None, "e": None, "f": None}
    assert decide_outage(half) is None
    assert decide_outage({**half, "g": DNS}) is not None


def test_at_least_three_sources_are_needed() -> None:
    assert decide_outage({"a": DNS, "b": DNS}) is None
    assert decide_outage({"a": DNS, "b": DNS, "c": DNS}) is not None


def test_different_network_reasons_do_not_add_up() -> None:
    assert decide_outage({"a": DNS, "b": REFUSED, "c": TIMEOUT, "d": DNS}) is None


def test_site_failures_that_are_not_network_failures_are_no_outage() -> None:
    http = "no successful response: 1x HTTP 503"
    assert decide_outage({"a": http, "b": http, "c": http}) is None


def test_a_few_sites_down_among_many_good_ones_is_no_outage() -> None:
    run = {f"good-{n}": None for n in range(10)} | {"x": REFUSED, "y": REFUSED, "z": REFUSED}
    assert decide_outage(run) is None
