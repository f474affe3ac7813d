"""Held network failures at the end of a run, on a real warehouse: one ``network_outage`` alert
and untouched health when most sources failed the same way; each source's own alert otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import outage
from flows.source_health import check_source
from mpnews.config import Source
from mpnews.receiver import WebhookReceiver
from mpnews.settings import Settings
from warehouse.load import record_run
from warehouse.rows import RunRecord

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
DNS = "site unreachable: dns lookup failed (http://{name}.example/)"


def _source(name: str) -> Source:
    return Source(name=name, kind="mp_site", mp="Jo Bloggs", start_urls=(f"http://{name}.x/",))


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


def _fail_all(settings: Settings, run_id: str, names: list[str], failing: list[str]) -> None:
    """What the crawl flow does for each failed source: record it, hold its alert."""
    for name in failing:
        reason = DNS.format(name=name)
        record_run(
            settings.warehouse,
            RunRecord(run_id, name, "mp_site", NOW, NOW, "failed", error=reason),
        )
        assert outage.hold(run_id, _source(name), None, reason)


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_most_sources_failing_the_same_way_send_one_outage_alert(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    settings = Settings(warehouse=tmp_path / "mpnews.duckdb", alert_webhook=hook.url)
    names = ["a", "b", "c", "d"]
    outage.begin("r1")
    _fail_all(settings, "r1", names, names)
    sent = outage.finish(settings, "r1", names, now=NOW)
    assert [a.check for a in sent] == ["network_outage"]
    (alert,) = hook.received
    assert alert["event"] == "network_outage" and alert["source"] == "*"
    assert alert["numbers"] == {"sources_failed": 4, "sources": 4}
    assert "4 of 4 sources" in alert["reason"] and "DNS" in alert["reason"]
    assert _rows(settings.warehouse, "SELECT count(*) FROM health_state") == [(0,)]
    stored = _rows(settings.warehouse, 'SELECT source, "check" FROM alerts')
    assert stored == [("*", "network_outage")]
    assert _rows(settings.warehouse, "SELECT count(*) FROM crawl_runs WHERE status = 'failed'") == [
        (4,)
    ]


def test_an_outage_leaves_health_history_alone_so_no_recovered_storm(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    settings = Settings(warehouse=tmp_path / "mpnews.duckdb", alert_webhook=hook.url)
    names = ["a", "b", "c"]
    for name in names:  # each already failing on its own: an open site_unreachable alert
        reason = DNS.format(name=name)
        record_run(
            settings.warehouse,
            RunRecord("r0", name, "mp_site", NOW, NOW, "failed", error=reason),
        )
        check_source(settings, source=_source(name), run_id="r0", stats=None, failure=reason)
    before = _rows(settings.warehouse, 'SELECT * FROM health_state ORDER BY source, "check"')
    hook.received.clear()
    outage.begin("r1")
    _fail_all(settings, "r1", names, names)
    outage.finish(settings, "r1", names, now=NOW + timedelta(hours=1))
    assert [a["event"] for a in hook.received] == ["network_outage"]  # no reminders either
    after = _rows(settings.warehouse, 'SELECT * FROM health_state ORDER BY source, "check"')
    assert after == before


def test_a_few_sites_down_among_many_get_their_own_alerts(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    settings = Settings(warehouse=tmp_path / "mpnews.duckdb", alert_webhook=hook.url)
    names = [f"s{n}" for n in range(8)]
    outage.begin("r1")
    _fail_all(settings, "r1", names, names[:3])
    sent = outage.finish(settings, "r1", names, now=NOW)
    assert sorted((a.source, a.check, a.state) for a in sent) == [
        (name, "site_unreachable", "firing") for name in names[:3]
    ]
    assert sorted(a["source"] for a in hook.received) == names[:3]
    assert not any(a["event"] == "network_outage" for a in hook.received)


def test_only_network_failures_of_a_holding_run_are_held(tmp_path: Path) -> None:
    source = _source("a")
    assert not outage.hold("not-begun", source, None, DNS.format(name="a"))
    outage.begin("r1")
    assert not outage.hold("r1", source, None, "no successful response: 3x HTTP 500")
    assert outage.hold("r1", source, None, DNS.format(name="a"))
    outage.finish(Settings(warehouse=tmp_path / "mpnews.duckdb"), "r1", [])
    assert not outage.hold("r1", source, None, DNS.format(name="a"))  # the run has ended
