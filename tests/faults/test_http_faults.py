"""Faults of the wire, one source each in one real crawl (conftest ``fault_run``): 5xx bursts,
429 with Retry-After, stalls, connection resets, redirect loops and off-site redirects, a dead
host. Each fault costs at most its own page; the rest of the site is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fault_crawl import FaultRun
from fault_sites import post_path
from scrapy.http import Response

from spiders.middlewares import retry_after


def _url(run: FaultRun, source: str, path: str) -> str:
    return run.servers[source].url(path)


def test_a_5xx_burst_is_retried_and_the_posts_stored(fault_run: FaultRun) -> None:
    assert fault_run.titles("burst-5xx") == ["After a 5xx burst", "After one 503"]
    assert fault_run.asked("burst-5xx", post_path("recovers")) == 3  # 500, 502, then 200
    assert fault_run.asked("burst-5xx", post_path("blips")) == 2  # 503, then 200
    stats = fault_run.stats("burst-5xx")
    assert stats["errors"] == []
    assert not {"500", "502", "503"} & set(stats["status_counts"])  # retried, not kept
    assert fault_run.run_row("burst-5xx")[:2] == ("succeeded", None)


def test_429_waits_as_long_as_retry_after_asks_then_stores_the_post(fault_run: FaultRun) -> None:
    # The server answers 429 until its Retry-After has passed: longer than the whole backoff,
    # so only a crawler that waits what it was told gets the page, and at its second try.
    assert fault_run.titles("rate-limited") == ["Patience is rewarded"]
    assert fault_run.asked("rate-limited", post_path("patience")) == 2
    assert fault_run.stats("rate-limited")["errors"] == []
    assert fault_run.run_row("rate-limited")[:2] == ("succeeded", None)


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [("8", 8, 8), ("0", 0, 0), ("soon", 0, 0), ("", 0, 0), ("in 2 minutes", 0, 0)],
)
def test_retry_after_seconds_and_garbage(value: str, low: float, high: float) -> None:
    response = Response("http://127.0.0.1/x", status=429, headers={"Retry-After": value})
    assert low <= retry_after(response) <= high


def test_retry_after_as_an_http_date_and_only_on_429_or_503() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    assert (
        60 < retry_after(Response("http://h/x", status=503, headers={"Retry-After": when})) <= 120
    )
    past = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
    assert retry_after(Response("http://h/x", status=429, headers={"Retry-After": past})) == 0
    assert retry_after(Response("http://h/x", status=500, headers={"Retry-After": "8"})) == 0


def test_a_stalled_page_times_out_and_the_rest_of_the_site_is_stored(fault_run: FaultRun) -> None:
    assert fault_run.titles("stalled") == ["Arrived at once", "Arrived at the second try"]
    assert fault_run.asked("stalled", post_path("hangs")) == 3  # tried, retried twice, given up
    assert fault_run.asked("stalled", post_path("hangs-once")) == 2
    assert fault_run.stats("stalled")["errors"] == [
        {"url": _url(fault_run, "stalled", post_path("hangs")), "reason": "timeout"}
    ]
    assert fault_run.run_row("stalled")[:2] == ("succeeded", None)


def test_a_connection_reset_is_retried_and_a_lasting_one_costs_only_its_page(
    fault_run: FaultRun,
) -> None:
    assert fault_run.titles("resets") == ["After a reset", "Never reset"]
    assert fault_run.asked("resets", post_path("recovers")) == 2
    # three tries (Twisted itself may resend once on a kept-alive connection that reset)
    assert 3 <= fault_run.asked("resets", post_path("always-resets")) <= 6
    assert fault_run.stats("resets")["errors"] == [
        {"url": _url(fault_run, "resets", post_path("always-resets")), "reason": "connection lost"}
    ]
    assert fault_run.run_row("resets")[:2] == ("succeeded", None)


def test_a_redirect_loop_ends_at_once_with_one_error_and_the_3xx_archived(
    fault_run: FaultRun,
) -> None:
    asked = fault_run.servers["redirects"].paths()
    assert (asked.count("/loop/a"), asked.count("/loop/b")) == (1, 1)
    loop_end = _url(fault_run, "redirects", "/loop/b")
    assert {"url": loop_end, "reason": "redirect loop"} in fault_run.stats("redirects")["errors"]
    pages = fault_run.query(
        "SELECT final_url, status FROM pages WHERE source = 'redirects' AND url = ?",
        [_url(fault_run, "redirects", post_path("loops"))],
    )
    assert pages == [(loop_end, 302)]
    rejected = fault_run.query("SELECT reason FROM rejections WHERE url = ?", [loop_end])
    assert rejected == [("status 302",)]


def test_an_offsite_redirect_is_archived_never_followed(fault_run: FaultRun) -> None:
    assert fault_run.offsite.paths() == []
    leaves = _url(fault_run, "redirects", post_path("leaves"))
    assert fault_run.query("SELECT reason FROM rejections WHERE url = ?", [leaves]) == [
        ("status 301",)
    ]
    # an on-site redirect is followed, and the post is stored under its new address
    moved = _url(fault_run, "redirects", post_path("moved-here"))
    assert fault_run.query("SELECT url, title FROM posts WHERE source = 'redirects'") == [
        (moved, "Moved but kept")
    ]
    assert fault_run.run_row("redirects")[:2] == ("succeeded", None)


def test_a_dead_host_fails_alone_with_one_line_and_one_alert(fault_run: FaultRun) -> None:
    reason = f"site unreachable: connection refused ({fault_run.dead_url})"
    assert fault_run.exit_code == 1
    statuses = dict(fault_run.query("SELECT source, status FROM crawl_runs"))
    assert statuses.pop("dead-host") == "failed"
    assert set(statuses.values()) == {"succeeded"} and len(statuses) == len(fault_run.servers)
    assert fault_run.run_row("dead-host") == ("failed", reason, 0)
    assert f"  FAILED    dead-host: {reason}" in fault_run.lines
    [alert] = fault_run.alerts  # the faults every other source survived raised none
    assert (alert["source"], alert["check"], alert["reason"]) == (
        "dead-host",
        "site_unreachable",
        reason,
    )
