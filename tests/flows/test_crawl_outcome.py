"""How the flow judges one source's crawl from what the crawl process left."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.crawl import CrawlOutcome
from mpnews.config import Source
from pipeline.crawl_stats import CrawlStats

SOURCE = Source(name="jo", kind="mp_site", mp="Jo Bloggs", start_urls=("http://jo.example/",))
NOW = datetime(2024, 5, 1, tzinfo=UTC)


def outcome(stats: CrawlStats | None, returncode: int = 0, tail: str = "") -> CrawlOutcome:
    return CrawlOutcome(NOW, NOW, returncode, stats, tail)


def stats(finish_reason: str, ok: int = 10) -> CrawlStats:
    return CrawlStats(ok, {"200": ok} if ok else {}, (), 0, finish_reason, "x.warc.gz")


def test_a_crawl_past_its_time_limit_fails_as_timed_out() -> None:
    assert outcome(stats("closespider_timeout")).failure(SOURCE, 3600) == (
        "crawl timed out after 3600s"
    )


def test_a_finished_crawl_with_pages_is_usable() -> None:
    assert outcome(stats("finished")).failure(SOURCE, 3600) is None


def test_no_stats_names_the_exit_status_and_the_last_line() -> None:
    failure = outcome(None, -9, "log...\ncrawl timed out after 3720s").failure(SOURCE, 3600)
    assert failure == "crawler exited with status -9: crawl timed out after 3720s"


def test_a_crawler_that_could_not_start_fails_with_why() -> None:
    failure = outcome(stats("crawler failed: IsADirectoryError: x", ok=0)).failure(SOURCE)
    assert failure == "nothing fetched (finish reason: crawler failed: IsADirectoryError: x)"
