"""`mpnews status`: one line per source with last run, status, posts, last new post, alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.source_health import check_source
from mpnews.cli import main
from mpnews.config import Source
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.ingest import RunExtract
from pipeline.records import Post
from warehouse.load import load_run, record_run
from warehouse.rows import PostRow, RunRecord

AT = datetime.now(UTC) - timedelta(hours=1)
UP = Source(name="jo-bloggs", kind="mp_site", mp="Jo Bloggs", start_urls=("http://jo.example/",))
DOWN = Source(name="down-site", kind="mp_site", mp="Al Smith", start_urls=("http://down.example/",))
REASON = "site unreachable: connection refused (http://down.example/)"
OK_STATS = CrawlStats(12, {"200": 12}, (), 0, "finished", "x.warc.gz", 0)


def _up(warehouse: Path, run_id: str) -> None:
    url = "http://jo.example/news/a"
    post = Post(url, UP.name, "A", "Body.", AT, url, run_id=run_id, post_id="a", kind="mp_site")
    run = RunRecord(run_id, UP.name, UP.kind, AT, AT, "succeeded", 12, 1)
    load_run(warehouse, run=run, posts=[PostRow.from_post(post)])
    extracted = RunExtract((post,), (), ())
    check_source(
        Settings(warehouse=warehouse), source=UP, run_id=run_id, stats=OK_STATS,
        extracted=extracted, now=AT,
    )  # fmt: skip


def _down(warehouse: Path, run_id: str) -> None:
    record_run(warehouse, RunRecord(run_id, DOWN.name, DOWN.kind, AT, AT, "failed", error=REASON))
    settings = Settings(warehouse=warehouse)
    check_source(settings, source=DOWN, run_id=run_id, stats=None, failure=REASON, now=AT)


def test_status_lists_each_source_and_its_open_alerts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    _up(warehouse, "run-1")
    _down(warehouse, "run-1")
    assert main(["status", "--warehouse", str(warehouse)]) == 1
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "open alerts" in out.splitlines()[0] and "last new post" in out.splitlines()[0]
    assert "run-1" in lines["jo-bloggs"] and "succeeded" in lines["jo-bloggs"]
    assert lines["jo-bloggs"].rstrip().endswith("-")
    assert "failed" in lines["down-site"] and lines["down-site"].endswith("site_unreachable")
    assert REASON in out


def test_status_exits_0_when_every_source_is_healthy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    _up(warehouse, "run-1")
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    assert "jo-bloggs" in capsys.readouterr().out


def test_status_without_a_warehouse_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.duckdb"
    assert main(["status", "--warehouse", str(missing)]) == 2
    assert "warehouse file not found" in capsys.readouterr().err
    assert not missing.exists()
