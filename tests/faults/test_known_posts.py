"""An incremental run that only skipped posts it already holds is healthy: no false
``zero_posts`` or ``post_drop`` alert, even when the listing answers 200 (no validators)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import duckdb
import pytest
from fault_server import FaultServer
from small_sites import BigPostSite

from mpnews.receiver import WebhookReceiver


def test_skipping_only_known_posts_raises_no_health_alert(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mpnews.cli import main

    warehouse, sources = tmp_path / "mpnews.duckdb", tmp_path / "sources.toml"
    with FaultServer({}, max_requests=200) as server, WebhookReceiver() as receiver:
        site = BigPostSite(server)
        for n in range(4):
            site.add(f"post-{n}", f"Ward surgery number {n}")
        sources.write_text(site.entry("quiet-blog"), encoding="utf-8")
        monkeypatch.setenv("MPNEWS_ALERT_WEBHOOK", receiver.url)
        argv = ["crawl", "--sources", str(sources), "--warehouse", str(warehouse)]
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(argv) == 0
            assert main(argv) == 0
        assert receiver.received == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT responses_304, skipped_posts, posts_found FROM crawl_runs ORDER BY run_id"
        ).fetchall()
        states = con.execute("SELECT DISTINCT state FROM health_state").fetchall()
    assert rows[1] == (0, 4, 4)  # nothing answered 304; every known post skipped, still found
    assert states == [("ok",)]
