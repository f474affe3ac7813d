"""The crawl flow: one crawler process for every source -> extract while crawling -> load.

Orchestration only: each step is a call into ``spiders``, ``pipeline`` or ``warehouse``.

* All selected sources are crawled concurrently by ONE Scrapy process (``spiders.process``):
  a crawler per source, each polite to its own host, each with its own time limit.
* As each source's crawler archives pages, ``pipeline.stream`` feeds them to extraction
  workers on every core through a bounded queue; when a source's crawl has ended and its last
  page is extracted, it is loaded (``finish-source``) while the others go on.
* The analysts' snapshot is published once, when the run ends (``publish_once``).

One source failing never stops the others; a failed source gets a ``failed`` crawl_runs row and
an alert. A full disk (while archiving, loading or publishing) fails the whole run with one
``disk_full`` alert and a :class:`~mpnews.exceptions.DiskFullError`: the published warehouse
is replaced only by a whole new copy (``warehouse.snapshot``), so it stays as it was.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from flows import outage, source_health
from flows.deployments import limited_tags
from flows.live import LiveProgress, RunProgress
from flows.progress import print_progress
from mpnews.config import Source, load_sources, select_sources
from mpnews.diskspace import DISK_FULL, check_free_space, is_disk_full
from mpnews.redaction import redact
from mpnews.schedules import domain_tags, retry_transient
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.crawl_verdict import judge_crawl
from pipeline.ingest import RunExtract
from pipeline.stream import RunStream, SourceExtract
from pipeline.warc import iter_pages
from spiders.archive import warc_path
from spiders.discovery import discover_site, same_discovery, with_discovery
from spiders.incremental import build_state, write_state
from spiders.process import CrawlProcess, SourceEnd
from spiders.run import CrawlPlan, PlannedSource
from warehouse.crawlstate import read_crawl_states
from warehouse.discovery import StoredDiscovery, read_discoveries, read_discovery, save_discovery
from warehouse.load import LoadResult, RunRecord, load_run, record_run
from warehouse.runlock import exclusive_run
from warehouse.snapshot import publish_once

__all__ = ["CrawlOutcome", "SourceResult", "crawl_flow", "new_run_id"]

_FINISH_CONCURRENCY = 4
_WAITING_LOADS = 2 * _FINISH_CONCURRENCY
_DEADLINE_GRACE_SECONDS = 120  # past every source's own limit, the crawl process is killed
_TIMED_OUT = "closespider_timeout"


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """What the crawl left behind for one source."""

    started_at: datetime
    finished_at: datetime
    returncode: int
    stats: CrawlStats | None
    stderr_tail: str

    def failure(self, source: Source, timeout: int | None = None) -> str | None:
        """Why this crawl is unusable, or None."""
        if self.stats is not None and self.stats.finish_reason == _TIMED_OUT:
            return f"crawl timed out after {timeout}s" if timeout else "crawl timed out"
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


@task(name="finish-source", cache_policy=NO_CACHE)
def finish_source(
    source: Source,
    outcome: CrawlOutcome,
    extracted: SourceExtract | None,
    run_id: str,
    settings: Settings,
) -> SourceResult:
    """Load a crawled and extracted source and judge its health, or record its failure."""
    failure = outcome.failure(source, settings.crawl_timeout)
    if failure is not None:
        return _fail(source, outcome, run_id, settings, failure)
    assert extracted is not None
    if extracted.error is not None or extracted.extracted is None:
        return _fail(source, outcome, run_id, settings, f"extract failed: {extracted.error}")
    run = _run_record(source, outcome, run_id, "succeeded", None, extracted.extracted)
    try:
        loaded = load_source(run, extracted.extracted, settings)
    except Exception as exc:  # noqa: BLE001 - one source's failure never stops the others
        what = f"{DISK_FULL} during load" if is_disk_full(exc) else "load failed"
        return _fail(source, outcome, run_id, settings, f"{what}: {_describe(exc)}")
    try:
        if outcome.stats is not None and outcome.stats.warc_path:
            remember_discovery(source, outcome.stats.warc_path, run_id, settings)
    except Exception as exc:  # noqa: BLE001 - the posts are loaded; discovery is a bonus
        print_progress(f"  discovery {source.name}: not stored ({_describe(exc)})")
    result = _succeeded(source, outcome, extracted.extracted, loaded)
    source_health.check_source(
        settings,
        source=source,
        run_id=run_id,
        stats=outcome.stats,
        extracted=extracted.extracted,
    )
    return result


def _retry_unless_disk_full(_task: object, _run: object, state: object) -> bool:
    """Prefect ``retry_condition_fn``: a full disk stays full, so it is not retried."""
    return not is_disk_full(RuntimeError(str(getattr(state, "message", "") or "")))


_LOAD_RETRY_DELAYS = (2.0, 10.0)


@retry_transient(_LOAD_RETRY_DELAYS, report=print_progress)  # a lock or a dropped connection
def load_source(run: RunRecord, extracted: RunExtract, settings: Settings) -> LoadResult:
    """Bulk-load one run (idempotent, one short transaction).

    A plain call inside ``finish-source``, not a task of its own: a task run costs Prefect's
    API a few round trips, paid by every source of a run of hundreds.
    """
    return load_run(
        settings.warehouse,
        run=run,
        posts=extracted.posts,
        pages=extracted.pages,
        rejections=extracted.rejections,
    )


@retry_transient(_LOAD_RETRY_DELAYS, report=print_progress)
def remember_discovery(source: Source, warc_path: str, run_id: str, settings: Settings) -> None:
    """Store what this crawl found on an MP site (family, feeds, sitemaps, listings)."""
    if source.kind != "mp_site" or source.family != "auto":
        return
    found = discover_site(iter_pages(Path(warc_path)), source)
    if found and not same_discovery(found, read_discovery(settings.warehouse, source.name)):
        save_discovery(settings.warehouse, found, run_id=run_id)


def _with_discovery(source: Source, found: dict[str, StoredDiscovery]) -> Source:
    """An MP site's source with what earlier crawls discovered added to its seeds."""
    if source.kind != "mp_site" or source.family != "auto":
        return source
    return with_discovery(source, found.get(source.name))


@task(
    name="record-failure",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_retry_unless_disk_full,
)
def record_failure(run: RunRecord, settings: Settings) -> None:
    record_run(settings.warehouse, run)


@flow(
    name="mpnews-crawl",
    task_runner=ThreadPoolTaskRunner(max_workers=_FINISH_CONCURRENCY),  # type: ignore[arg-type]
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
    part: str | None = None,
) -> list[dict[str, object]]:
    """Crawl, extract and load every selected source; return one summary dict per source.

    ``recheck_all`` re-checks every known post and walks every known listing now, instead
    of after their ``recheck_days``.
    ``part`` names this flow's share of a run that several flows crawl at once (a shard): its
    crawl process keeps its plan, log and spill files in a folder of that name in the run's.
    """
    settings = Settings.from_env(
        warehouse=Path(warehouse) if warehouse else None, sources=Path(sources_file)
    )
    sources = select_sources(load_sources(sources_file), source_names, origin=sources_file)
    run_id = run_id or new_run_id()
    print_progress(f"run {run_id}: {len(sources)} source(s) -> {settings.warehouse}")
    try:  # a full disk fails the run; the published file is replaced whole or not at all
        check_free_space([settings.home, settings.archive_dir], settings.min_free_mib)
        with (
            exclusive_run(settings.warehouse, wait=settings.run_wait),  # one run at a time
            publish_once(settings.warehouse),  # analysts see the whole run at once, at its end
        ):
            outage.begin(run_id)  # network failures' alerts wait for the run's end
            try:
                results = _crawl_all(sources, run_id, settings, recheck_all, part)
            finally:  # one network_outage alert, or each held source's own
                outage.finish(settings, run_id, [s.name for s in sources])
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        raise source_health.alert_disk_full(settings, run_id, exc) from None
    if any((r.error or "").startswith(DISK_FULL) for r in results):
        raise source_health.alert_disk_full(settings, run_id, None)
    order = {s.name: i for i, s in enumerate(sources)}
    return [asdict(r) for r in sorted(results, key=lambda r: order[r.source])]


def _crawl_all(
    sources: list[Source], run_id: str, settings: Settings, recheck_all: bool, part: str | None
) -> list[SourceResult]:
    """Crawl every source in one process, extracting while it crawls; load each as it ends."""
    folder = settings.state_dir / "runs" / run_id
    if part:  # the run's other parts crawl at the same time: their process files stay apart
        folder = folder / part
    plan = _plan(sources, run_id, settings, recheck_all)
    deadline = settings.crawl_timeout + _DEADLINE_GRACE_SECONDS if settings.crawl_timeout else None
    started, clock = datetime.now(UTC), time.monotonic()
    futures: list[PrefectFuture[SourceResult]] = []
    outcomes: dict[str, CrawlOutcome] = {}
    stored = _Stored()
    limited = limited_tags(tag for source in sources for tag in domain_tags(source))
    for source in sources:
        print_progress(f"  crawling  {source.name} ({', '.join(source.start_urls)})")
    with (
        LiveProgress(every=settings.progress_every) as live,
        RunStream(folder / "spill", workers=settings.workers or None) as stream,
        CrawlProcess(plan, folder, deadline=deadline) as crawl,
    ):
        for source in sources:
            stream.add(source, warc_path(settings.archive_dir, source.name, run_id))
        while crawl.waiting or stream.active:
            for end in crawl.ended():
                outcome = _outcome(end, started)
                if outcome.failure(end.source, settings.crawl_timeout) is None:
                    outcomes[end.source.name] = outcome
                    stream.crawl_ended(end.source.name)
                else:  # nothing to extract: record the failure now
                    stream.drop(end.source.name)
                    futures.append(
                        _submit(end.source, outcome, None, run_id, settings, stored, limited)
                    )
            for done in stream.step(0.2):
                outcome = outcomes.pop(done.source.name)
                futures.append(
                    _submit(done.source, outcome, done, run_id, settings, stored, limited)
                )
                _wait_for_room(futures)  # extracted sources waiting to load stay few
            live.update(_progress(len(sources), stream, stored, time.monotonic() - clock))
        results = [f.result() for f in futures]
        stored.sources, stored.posts = len(results), sum(r.posts_found for r in results)
        live.update(_progress(len(sources), stream, stored, time.monotonic() - clock), force=True)
    return results


def _wait_for_room(futures: list[PrefectFuture[SourceResult]]) -> None:
    """Block while more than ``_WAITING_LOADS`` finished sources wait for their load."""
    waiting = [f for f in futures if not _done(f)]
    for future in waiting[: max(0, len(waiting) - _WAITING_LOADS)]:
        future.wait()


def _done(future: PrefectFuture[SourceResult]) -> bool:
    """Done, asked of the thread's own future (a Prefect ``state`` would ask the API)."""
    wrapped = getattr(future, "wrapped_future", None)
    return bool(wrapped.done()) if wrapped is not None else future.state.is_final()


class _Stored:
    """Running totals of finished sources (updated from finish threads)."""

    def __init__(self) -> None:
        self.sources = 0
        self.posts = 0

    def add(self, future: PrefectFuture[SourceResult]) -> None:
        try:
            result = future.result()
        except Exception:  # noqa: BLE001 - the flow reports it when it collects the result
            return
        self.sources += 1
        self.posts += result.posts_found


def _submit(
    source: Source,
    outcome: CrawlOutcome,
    extracted: SourceExtract | None,
    run_id: str,
    settings: Settings,
    stored: _Stored,
    limited: set[str],
) -> PrefectFuture[SourceResult]:
    # tagged domain:<host> where a Prefect concurrency limit caps that domain
    tags = [tag for tag in domain_tags(source) if tag in limited]
    future = finish_source.with_options(tags=tags).submit(
        source, outcome, extracted, run_id, settings
    )
    future.add_done_callback(stored.add)
    return future


def _progress(total: int, stream: RunStream, stored: _Stored, elapsed: float) -> RunProgress:
    counts = stream.counts()
    return RunProgress(
        sources_total=total,
        sources_done=stored.sources,
        pages_fetched=counts.pages_archived,
        pages_extracted=counts.pages_extracted,
        posts_stored=stored.posts,
        elapsed=elapsed,
    )


def _plan(sources: list[Source], run_id: str, settings: Settings, recheck_all: bool) -> CrawlPlan:
    """The crawl process's instructions, with each source's incremental state written beside."""
    folder = settings.state_dir / "runs" / run_id
    folder.mkdir(parents=True, exist_ok=True)
    planned = []
    names = [source.name for source in sources]
    seen = read_crawl_states(settings.warehouse, names)
    discovered = read_discoveries(settings.warehouse, names)
    for source in sources:
        stats_path = folder / f"{source.name}.stats.json"
        state_path = write_state(  # incremental: what earlier runs fetched, for conditional GETs
            folder / f"{source.name}.state.jsonl",
            build_state(seen[source.name], settings.archive_dir / source.name),
        )
        seeded = _with_discovery(source, discovered)  # plus what earlier crawls discovered
        planned.append(PlannedSource(seeded.to_json(), str(stats_path), str(state_path)))
    return CrawlPlan(
        run_id=run_id,
        archive_dir=str(settings.archive_dir),
        sources=tuple(planned),
        contact_url=settings.contact_url,
        recheck_all=recheck_all,
        timeout=settings.crawl_timeout,
        settings={**_politeness(settings), **_fences(settings)},
    )


def _outcome(end: SourceEnd, started: datetime) -> CrawlOutcome:
    stats = CrawlStats.from_json(end.stats) if end.stats is not None else None
    returncode = end.returncode if end.returncode is not None else 0
    return CrawlOutcome(started, datetime.now(UTC), returncode, stats, end.detail[-2000:])


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
    reason = redact(reason)  # shown, stored and alerted: never a secret
    if reason.startswith(DISK_FULL):  # the run's one disk_full alert speaks for every source
        _record_if_space(_run_record(source, outcome, run_id, "failed", reason, None), settings)
        print_progress(f"  FAILED    {source.name}: {reason}")
        return SourceResult(source.name, "failed", pages, 0, 0, 0, reason)
    record_failure(_run_record(source, outcome, run_id, "failed", reason, None), settings)
    print_progress(f"  FAILED    {source.name}: {reason}")
    if outage.hold(run_id, source, outcome.stats, reason):  # judged when the run ends
        return SourceResult(source.name, "failed", pages, 0, 0, 0, reason)
    source_health.check_source(
        settings, source=source, run_id=run_id, stats=outcome.stats, failure=reason
    )
    return SourceResult(source.name, "failed", pages, 0, 0, 0, reason)


def _record_if_space(run: RunRecord, settings: Settings) -> None:
    try:
        record_failure(run, settings)
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        print_progress(f"  not recorded: {run.source}'s failed run (the disk is full)")


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
        skipped_listings=outcome.stats.skipped_listings if outcome.stats else 0,
        budget_hit=outcome.stats.budget_hit if outcome.stats else False,
        pages_over_budget=outcome.stats.pages_over_budget if outcome.stats else 0,
        max_pages=outcome.stats.max_pages if outcome.stats else None,
        budgets_hit=outcome.stats.budgets_hit if outcome.stats else (),
        budget_examples=outcome.stats.budget_examples if outcome.stats else (),
        max_depth=outcome.stats.max_depth if outcome.stats else None,
        max_query_variants=outcome.stats.max_query_variants if outcome.stats else None,
    )


def _politeness(settings: Settings) -> dict[str, str]:
    """Scrapy overrides for the per-request delay (``MPNEWS_CRAWL_DELAY``), when set: that
    many seconds between requests to one site, fixed (AutoThrottle, which would stretch the
    delay with the server's answer times, is off)."""
    if settings.crawl_delay is None:
        return {}
    delay = str(settings.crawl_delay)
    return {
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_START_DELAY": delay,
        "AUTOTHROTTLE_ENABLED": "False",
    }


def _fences(settings: Settings) -> dict[str, str]:
    """Scrapy overrides letting the crawl reach private addresses, when the settings allow it."""
    return {"MPNEWS_ALLOW_PRIVATE_ADDRESSES": "1"} if settings.allow_private_addresses else {}


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return redact(f"{type(exc).__name__}: {text[0] if text else ''}")[:500]
