"""Health after each crawl, on a real warehouse: every check fires once, stays quiet while
still failing, and sends a recovery. Plus the flow's own failure hook."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.source_health import check_source
from mpnews.config import Source
from mpnews.receiver import WebhookReceiver
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.health_checks import CHECKS
from pipeline.ingest import RunExtract
from pipeline.records import Post, Rejected
from warehouse.load import load_run, record_run
from warehouse.rows import PostRow, RunRecord

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
SOURCE = Source(
    name="jo-bloggs", kind="mp_site", mp="Jo Bloggs", start_urls=("http://jo.example/",)
)
DOWN = "site unreachable: connection refused (http://jo.example/)"


def stats(ok: int = 20, robots: int = 0, **codes: int) -> CrawlStats:
    counts = {"200": ok, **{code.removeprefix("s"): n for code, n in codes.items()}}
    return CrawlStats(ok + sum(codes.values()), counts, (), robots, "finished", "x.warc.gz", 0)


@dataclass(frozen=True)
class Run:
    """One run of the source as the flow sees it."""

    stats: CrawlStats | None = field(default_factory=stats)
    posts: int = 8
    rejections: int = 0
    failure: str | None = None
    new_post: bool = False


HEALTHY = Run()
# check -> (history runs before, failing run, healthy run)
SCENARIOS: dict[str, tuple[int, Run, Run]] = {
    "site_unreachable": (0, Run(stats=None, failure=DOWN), HEALTHY),
    "pipeline_error": (0, Run(failure="load failed: WarehouseError: disk full"), HEALTHY),
    "http_error_rate": (0, Run(stats=stats(ok=10, s503=10)), HEALTHY),
    "robots_blocked": (0, Run(stats=stats(ok=5, robots=20)), HEALTHY),
    "zero_posts": (0, Run(posts=0), HEALTHY),
    "post_drop": (3, Run(posts=2), HEALTHY),
    "rejection_rate": (0, Run(posts=2, rejections=9), HEALTHY),
    "no_new_post": (1, Run(), Run(new_post=True)),
    "crawl_budget_hit": (
        0,
        Run(stats=replace(stats(), max_pages_reached=True, pages_over_budget=75, max_pages=20)),
        HEALTHY,
    ),
}


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


class Harness:
    def __init__(self, warehouse: Path, hook: WebhookReceiver) -> None:
        self.settings = Settings(warehouse=warehouse, alert_webhook=hook.url)
        self.hook = hook
        self.count = 0

    def run(self, run: Run, at: datetime) -> list[tuple[str, str]]:
        """Record the run as the flow does, then check it; the (check, state) alerts POSTed."""
        self.count += 1
        run_id = f"r{self.count}"
        before = len(self.hook.received)
        record = RunRecord(
            run_id, SOURCE.name, SOURCE.kind, at, at, "failed" if run.failure else "succeeded",
            pages_fetched=20, posts_found=0 if run.failure else run.posts, error=run.failure,
        )  # fmt: skip
        extracted = None
        if run.failure:
            record_run(self.settings.warehouse, record)
        else:
            posts = [_post(f"{run_id}-{i}" if run.new_post else f"old-{i}", run_id, at)
                     for i in range(run.posts)]  # fmt: skip
            rejections = [
                Rejected(f"http://jo.example/x{i}", SOURCE.name, "no article text", at, run_id)
                for i in range(run.rejections)
            ]
            load_run(self.settings.warehouse, run=record, posts=[_row(p) for p in posts])
            extracted = RunExtract(tuple(posts), tuple(rejections), ())
        check_source(
            self.settings, source=SOURCE, run_id=run_id, stats=run.stats, failure=run.failure,
            extracted=extracted, now=at,
        )  # fmt: skip
        return [(a["check"], a["state"]) for a in self.hook.received[before:]]


def _post(key: str, run_id: str, at: datetime) -> Post:
    url = f"http://jo.example/news/{key}"
    return Post(url, SOURCE.name, f"Post {key}", f"Body of {key}.", at, url, run_id=run_id,
                post_id=key, kind="mp_site")  # fmt: skip


def _row(post: Post) -> PostRow:
    return PostRow.from_post(post)


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("check", CHECKS)
def test_check_fires_once_then_recovers(check: str, tmp_path: Path, hook: WebhookReceiver) -> None:
    history, failing, healthy = SCENARIOS[check]
    h = Harness(tmp_path / "wh" / "mpnews.duckdb", hook)
    start = NOW - timedelta(days=40) if check == "no_new_post" else NOW - timedelta(hours=5)
    for i in range(history):
        assert h.run(HEALTHY, start + timedelta(minutes=i)) == []
    assert h.run(failing, NOW) == [(check, "firing")]
    run_failed = failing.failure is not None
    again = h.run(failing, NOW + timedelta(hours=1))
    assert again == ([(check, "reminder")] if run_failed else [])  # a failed run: every run
    assert h.run(healthy, NOW + timedelta(hours=2)) == [(check, "resolved")]
    rows = _query(
        h.settings.warehouse,
        f"""SELECT state, run_id, delivered, sinks, numbers IS NOT NULL FROM alerts
            WHERE "check" = '{check}' ORDER BY sent_at""",
    )
    states = ["firing", "reminder", "resolved"] if run_failed else ["firing", "resolved"]
    assert [r[0] for r in rows] == states
    assert all(r[2] and r[3] == ["webhook"] and r[4] for r in rows)
    (state,) = _query(
        h.settings.warehouse,
        f"""SELECT state FROM health_state WHERE source = 'jo-bloggs' AND "check" = '{check}'""",
    )
    assert state == ("ok",)


def test_still_failing_reminds_after_the_configured_period(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[health]\nremind_after_hours = 6\n\n[[source]]\nname = "jo-bloggs"\nkind = "mp_site"\n'
        'mp = "Jo Bloggs"\nstart_urls = ["http://jo.example/"]\n',
        encoding="utf-8",
    )
    h = Harness(tmp_path / "mpnews.duckdb", hook)
    h.settings = Settings(warehouse=h.settings.warehouse, sources=sources, alert_webhook=hook.url)
    assert h.run(Run(posts=0), NOW) == [("zero_posts", "firing")]
    assert h.run(Run(posts=0), NOW + timedelta(hours=5)) == []
    assert h.run(Run(posts=0), NOW + timedelta(hours=7)) == [("zero_posts", "reminder")]


def test_alert_payload_names_source_check_run_numbers_and_last_error(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    h = Harness(tmp_path / "mpnews.duckdb", hook)
    h.run(Run(stats=None, failure=DOWN), NOW)
    (alert,) = hook.received
    assert alert["source"] == "jo-bloggs" and alert["check"] == "site_unreachable"
    assert alert["run_id"] == "r1" and alert["event"] == "source_failed"
    assert alert["reason"] == DOWN and alert["last_error"] == DOWN
    assert alert["numbers"] == {"responses": 0, "ok_responses": 0, "download_errors": 0}
    stored = _query(h.settings.warehouse, "SELECT sinks, message FROM alerts")
    assert stored == [(["webhook"], DOWN)]
    assert hook.url not in str(_query(h.settings.warehouse, "SELECT * FROM alerts"))


def test_a_broken_health_step_still_reports_a_failed_source(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    not_a_db = tmp_path / "mpnews.duckdb"
    not_a_db.write_text("not a database", encoding="utf-8")
    settings = Settings(warehouse=not_a_db, alert_webhook=hook.url)
    assert check_source(settings, source=SOURCE, run_id="r1", stats=None, failure=DOWN) == []
    (alert,) = hook.received
    assert alert["source"] == "jo-bloggs" and alert["run_id"] == "r1" and alert["reason"] == DOWN


def test_a_failing_flow_alerts_through_its_hook(
    tmp_path: Path, hook: WebhookReceiver, prefect_harness: None
) -> None:
    from flows.crawl import crawl_flow

    missing = tmp_path / "gone.toml"  # the deployment's sources file was removed
    os.environ["MPNEWS_ALERT_WEBHOOK"] = hook.url
    try:
        with pytest.raises(Exception, match="sources file not found"):
            crawl_flow(str(missing), str(tmp_path / "mpnews.duckdb"), None, "run-crash")
    finally:
        os.environ.pop("MPNEWS_ALERT_WEBHOOK", None)
    (alert,) = hook.received
    assert alert["event"] == "flow_failed" and alert["source"] == "*"
    assert alert["run_id"] == "run-crash" and "sources file not found" in alert["reason"]
