"""Our outage, not theirs: real crawls where every source's connection is refused at once.

Four small blogs are crawled once while up; then the same four sources point at closed loopback
ports (the crawler's own network gone). That run sends exactly one ``network_outage`` alert,
records a ``failed`` crawl_runs row per source and leaves their health state as it was; the next
good run sends nothing (no "recovered" storm). A few sites down among many good ones are still
reported one by one.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fault_server import FaultServer
from small_sites import BigPostSite, crawl

from mpnews.receiver import WebhookReceiver

REFUSED = "site unreachable: connection refused"


def _closed_origin() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


class Crawls:
    """Runs ``mpnews crawl`` over sites, each either up (its server) or down (a closed port)."""

    def __init__(self, home: Path, receiver: WebhookReceiver, sites: dict[str, BigPostSite]):
        self.home, self.receiver, self.sites = home, receiver, sites
        self.warehouse = home / "mpnews.duckdb"
        self.sources = home / "sources.toml"

    def crawl(self, down: Collection[str] = (), *, dns: bool = False) -> tuple[int, list[str]]:
        """Crawl every site; those ``down`` at a closed port (or, ``dns``, an unresolvable
        name)."""
        entries = []
        for name, site in self.sites.items():
            entry = site.entry(name)
            if name in down:
                gone = f"http://{name}.invalid" if dns else _closed_origin()
                entry = entry.replace(site.server.origin, gone)
            entries.append(entry)
        self.sources.write_text("\n".join(entries), encoding="utf-8")
        self.receiver.received.clear()
        return crawl(self.sources, self.warehouse)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    def last_runs(self) -> list[tuple[Any, ...]]:
        return self.query(
            "SELECT source, status, error FROM crawl_runs WHERE run_id = "
            "(SELECT max(run_id) FROM crawl_runs) ORDER BY source"
        )


@contextlib.contextmanager
def _sites(home: Path, count: int) -> Iterator[Crawls]:
    with contextlib.ExitStack() as stack:
        receiver = stack.enter_context(WebhookReceiver())
        sites = {}
        for n in range(count):
            server = stack.enter_context(FaultServer({}, max_requests=100))
            site = BigPostSite(server)
            site.add(f"post-{n}", f"Surgery dates for ward {n}")
            sites[f"blog-{n}"] = site
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("MPNEWS_ALERT_WEBHOOK", receiver.url)
        yield Crawls(home, receiver, sites)


def test_every_source_refused_at_once_is_one_network_outage_alert(
    tmp_path: Path, prefect_harness: None
) -> None:
    with _sites(tmp_path, 4) as runs:
        code, lines = runs.crawl()
        assert code == 0, lines
        assert runs.receiver.received == []
        health = 'SELECT * FROM health_state ORDER BY source, "check"'
        before = runs.query(health)
        assert before  # every source has a (healthy) state to keep

        code, lines = runs.crawl(down=set(runs.sites))
        assert code == 1
        (alert,) = runs.receiver.received
        assert alert["event"] == "network_outage" and alert["check"] == "network_outage"
        assert alert["numbers"] == {"sources_failed": 4, "sources": 4}
        assert "connection refused" in alert["reason"] and "network" in alert["reason"]
        failed = runs.last_runs()
        assert [(s, st) for s, st, _ in failed] == [(name, "failed") for name in sorted(runs.sites)]
        assert all(error.startswith(REFUSED) for _, _, error in failed)
        assert runs.query(health) == before
        assert any("network outage: 4 of 4 sources" in line for line in lines)

        code, lines = runs.crawl()
        assert code == 0, lines
        assert runs.receiver.received == []  # no "recovered" storm
        assert [st for _, st, _ in runs.last_runs()] == ["succeeded"] * 4


def test_a_few_sites_down_among_many_good_ones_alert_one_by_one(
    tmp_path: Path, prefect_harness: None
) -> None:
    with _sites(tmp_path, 7) as runs:
        code, lines = runs.crawl(down={"blog-0", "blog-1"})
        assert code == 1
        assert not any("network outage" in line for line in lines)
        alerts = sorted((a["source"], a["check"], a["state"]) for a in runs.receiver.received)
        assert alerts == [
            ("blog-0", "site_unreachable", "firing"),
            ("blog-1", "site_unreachable", "firing"),
        ]
        statuses = {source: status for source, status, _ in runs.last_runs()}
        assert statuses == {f"blog-{n}": "failed" if n < 2 else "succeeded" for n in range(7)}


def test_every_name_failing_to_resolve_is_one_network_outage_alert_naming_dns(
    tmp_path: Path, prefect_harness: None
) -> None:
    with _sites(tmp_path, 4) as runs:
        code, _lines = runs.crawl(down=set(runs.sites), dns=True)
        assert code == 1
        (alert,) = runs.receiver.received
        assert alert["event"] == "network_outage"
        assert "'dns lookup failed'" in alert["reason"] and "DNS" in alert["reason"]
        errors = [error for _, _, error in runs.last_runs()]
        assert len(errors) == 4
        assert all(e.startswith("site unreachable: dns lookup failed") for e in errors)
        assert runs.query("SELECT count(*) FROM health_state") == [(0,)]
