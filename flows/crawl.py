"""The crawl flow: per source crawl (Scrapy subprocess) -> extract (all cores) -> load -> record.

Orchestration only: each step is a call into ``spiders``, ``pipeline`` or ``warehouse``. One
source failing never stops the others; a failed source gets a ``failed`` crawl_runs row and an
alert.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows import source_health
from flows.progress import print_progress
from mpnews.config import Source, load_sources, select_sources
from mpnews.schedules import domain_tags, retry_transient
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.crawl_verdict import judge_crawl
from pipeline.ingest import RunExtract, extract_run
from pipeline.warc import iter_pages
from spiders.discovery import discover_site, same_discovery, with_discovery
from spiders.incremental import build_state, write_state
from warehouse.crawlstate import read_crawl_state
from warehouse.discovery import read_discovery, save_discovery
from warehouse.load import LoadResult, RunRecord, load_run, record_run

__all__ = ["CrawlOutcome", "SourceResult", "crawl_flow", "new_run_id"]

_CRAWL_CONCURRENCY = 4


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """What the crawl subprocess left behind."""

    started_at: datetime
    finished_at: datetime
    returncode: int
    stats: CrawlStats | None
    stderr_tail: str

    def failure(self, source: Source) -> str | None:
        """Why this crawl is unusable, or None."""
        return judge_crawl(
            self.stats,
            returncode=self.returncode,
            stderr_tail=self.stderr_tail,
            start_urls=source.start_urls,
        )


@dataclass(frozen=True, slots=True)
class SourceResult:
    """One source's line in the run summary (and its crawl_runs row)."""

    source: str
    status: str
    pages_fetched: int
    posts_found: int
    posts_new: int
    rejections: int
    error: str | None


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as ``20261123T143000Z-1a2b3c``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@task(name="crawl-source", cache_policy=NO_CACHE)
def crawl_source(
    source: Source, run_id: str, settings: Settings, recheck_all: bool = False
) -> CrawlOutcome:
    """Run Scrapy for one source in its own process (its reactor cannot restart in ours)."""
    stats_path = settings.state_dir / "runs" / run_id / f"{source.name}.stats.json"
    stats_path.parent.mkdir(parents=True, exist_ok=True)
    state_path = write_state(  # incremental: what earlier runs fetched, for conditional GETs
        stats_path.with_name(f"{source.name}.state.jsonl"),
        build_state(
            read_crawl_state(settings.warehouse, source.name), settings.archive_dir / source.name
        ),
    )
    command = [
        sys.executable, "-m", "spiders.run",
        "--source-json", _with_discovery(source, settings).to_json(),
        "--run-id", run_id,
        "--archive-dir", str(settings.archive_dir),
        "--stats-out", str(stats_path),
        "--state", str(state_path),
        *(["--recheck-all"] if recheck_all else []),
        "--user-agent-contact", settings.contact_url,
        *_politeness(settings),
    ]  # fmt: skip
    started = datetime.now(UTC)
    print_progress(f"  crawling  {source.name} ({', '.join(source.start_urls)})")
    proc = _run(command, settings.crawl_timeout)
    stats = _read_stats(stats_path)
    return CrawlOutcome(started, datetime.now(UTC), proc.returncode, stats, proc.stderr[-2000:])


@task(name="extract-source", cache_policy=NO_CACHE)
def extract_source(source: Source, warc_path: str, settings: Settings) -> RunExtract:
    """Turn the run's archived pages into posts and rejections, on every core."""
    return extract_run([Path(warc_path)], source=source, workers=settings.workers or None)


@task(name="load-source", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def load_source(run: RunRecord, extracted: RunExtract, settings: Settings) -> LoadResult:
    """Bulk-load one run (idempotent, one short transaction)."""
    return load_run(
        settings.warehouse,
        run=run,
        posts=extracted.posts,
        pages=extracted.pages,
        rejections=extracted.rejections,
    )


@task(name="remember-discovery", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def remember_discovery(source: Source, warc_path: str, run_id: str, settings: Settings) -> None:
    """Store what this crawl found on an MP site (family, feeds, sitemaps, listings)."""
    if source.kind != "mp_site" or source.family != "auto":
        return
    found = discover_site(iter_pages(Path(warc_path)), source)
    if found and not same_discovery(found, read_discovery(settings.warehouse, source.name)):
        save_discovery(settings.warehouse, found, run_id=run_id)


def _with_discovery(source: Source, settings: Settings) -> Source:
    """An MP site's source with what earlier crawls discovered added to its seeds."""
    if source.kind != "mp_site" or source.family != "auto":
        return source
    return with_discovery(source, read_discovery(settings.warehouse, source.name))


@task(name="record-failure", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def record_failure(run: RunRecord, settings: Settings) -> None:
    record_run(settings.warehouse, run)


@flow(
    name="mpnews-crawl",
    task_runner=ThreadPoolTaskRunner(max_workers=_CRAWL_CONCURRENCY),  # type: ignore[arg-type]
    on_failure=[source_health.alert_flow_failure],  # the pipeline itself broke: tell someone
    on_crashed=[source_health.alert_flow_failure],
)
@retry_transient(report=print_progress)  # a lock or a dropped connection: retried with backoff
def crawl_flow(
    sources_file: str,
    warehouse: str | None = None,
    source_names: list[str] | None = None,
    run_id: str | None = None,
    recheck_all: bool = False,
) -> list[dict[str, object]]:
    """Crawl, extract and load every selected source; return one summary dict per source.

    ``recheck_all`` re-checks every known post now instead of after its ``recheck_days``.
    """
    settings = Settings.from_env(
        warehouse=Path(warehouse) if warehouse else None, sources=Path(sources_file)
    )
    sources = select_sources(load_sources(sources_file), source_names, origin=sources_file)
    run_id = run_id or new_run_id()
    print_progress(f"run {run_id}: {len(sources)} source(s) -> {settings.warehouse}")
    futures: dict[
        PrefectFuture[CrawlOutcome], Source
    ] = {  # tagged domain:<host>, so a Prefect concurrency limit caps each domain
        crawl_source.with_options(tags=domain_tags(s)).submit(s, run_id, settings, recheck_all): s
        for s in sources
    }
    results = [
        _finish_source(futures[f], f.result(), run_id, settings)
        for f in as_completed(list(futures))
    ]
    order = {s.name: i for i, s in enumerate(sources)}
    return [asdict(r) for r in sorted(results, key=lambda r: order[r.source])]


def _finish_source(
    source: Source, outcome: CrawlOutcome, run_id: str, settings: Settings
) -> SourceResult:
    """Extract and load a crawled source, or record and alert its failure."""
    failure = outcome.failure(source)
    if failure is not None:
        return _fail(source, outcome, run_id, settings, failure)
    assert outcome.stats is not None and outcome.stats.warc_path
    try:
        extracted = extract_source(source, outcome.stats.warc_path, settings)
    except Exception as exc:  # noqa: BLE001 - one source's failure never stops the others
        return _fail(source, outcome, run_id, settings, f"extract failed: {_describe(exc)}")
    run = _run_record(source, outcome, run_id, "succeeded", None, extracted)
    try:
        loaded = load_source(run, extracted, settings)
    except Exception as exc:  # noqa: BLE001
        return _fail(source, outcome, run_id, settings, f"load failed: {_describe(exc)}")
    try:
        remember_discovery(source, outcome.stats.warc_path, run_id, settings)
    except Exception as exc:  # noqa: BLE001 - the posts are loaded; discovery is a bonus
        print_progress(f"  discovery {source.name}: not stored ({_describe(exc)})")
    result = _succeeded(source, outcome, extracted, loaded)
    source_health.check_source(
        settings, source=source, run_id=run_id, stats=outcome.stats, extracted=extracted
    )
    return result


def _succeeded(
    source: Source, outcome: CrawlOutcome, extracted: RunExtract, loaded: LoadResult
) -> SourceResult:
    pages = outcome.stats.pages_fetched if outcome.stats else 0
    result = SourceResult(
        source.name, "succeeded", pages, len(extracted.posts),
        loaded.posts_new, len(extracted.rejections), None,
    )  # fmt: skip
    print_progress(
        f"  ok        {source.name}: {result.pages_fetched} pages, {result.posts_found} posts "
        f"({result.posts_new} new), {result.rejections} rejected"
    )
    return result


def _fail(
    source: Source, outcome: CrawlOutcome, run_id: str, settings: Settings, reason: str
) -> SourceResult:
    pages = outcome.stats.pages_fetched if outcome.stats else 0
    record_failure(_run_record(source, outcome, run_id, "failed", reason, None), settings)
    print_progress(f"  FAILED    {source.name}: {reason}")
    source_health.check_source(
        settings, source=source, run_id=run_id, stats=outcome.stats, failure=reason
    )
    return SourceResult(source.name, "failed", pages, 0, 0, 0, reason)


def _run_record(
    source: Source,
    outcome: CrawlOutcome,
    run_id: str,
    status: str,
    error: str | None,
    extracted: RunExtract | None,
) -> RunRecord:
    skipped_posts = outcome.stats.skipped_posts if outcome.stats else 0  # known, unchanged
    return RunRecord(
        run_id=run_id,
        source=source.name,
        kind=source.kind,
        started_at=outcome.started_at,
        finished_at=datetime.now(UTC),
        status=status,
        pages_fetched=outcome.stats.pages_fetched if outcome.stats else 0,
        posts_found=(len(extracted.posts) + skipped_posts) if extracted else 0,
        rejections=len(extracted.rejections) if extracted else 0,
        error=error,
        responses_200=outcome.stats.status_counts.get("200", 0) if outcome.stats else 0,
        responses_304=outcome.stats.status_counts.get("304", 0) if outcome.stats else 0,
        skipped=outcome.stats.skipped if outcome.stats else 0,
        skipped_posts=skipped_posts,
        budget_hit=outcome.stats.max_pages_reached if outcome.stats else False,
        pages_over_budget=outcome.stats.pages_over_budget if outcome.stats else 0,
        max_pages=outcome.stats.max_pages if outcome.stats else None,
    )


def _politeness(settings: Settings) -> list[str]:
    """Scrapy overrides for the per-request delay (``MPNEWS_CRAWL_DELAY``), when set."""
    if settings.crawl_delay is None:
        return []
    delay = str(settings.crawl_delay)
    return ["-s", f"DOWNLOAD_DELAY={delay}", "-s", f"AUTOTHROTTLE_START_DELAY={delay}"]


def _run(command: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"")[-1000:]
        text = tail.decode("utf-8", "replace") if isinstance(tail, bytes) else tail
        return subprocess.CompletedProcess(
            command, -9, "", f"{text}\ncrawl timed out after {timeout}s"
        )


def _read_stats(path: Path) -> CrawlStats | None:
    try:
        return CrawlStats.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]
