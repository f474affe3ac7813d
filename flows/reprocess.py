"""The reprocess flow: re-extract archived runs into the warehouse, with no network.

Used when extraction improves: every selected run of every selected source goes through the
same ``extract_run`` and ``load_run`` as a fresh crawl, oldest run first, so the warehouse
comes out as a crawl of the same pages would have left it. A run that already has a
``crawl_runs`` row keeps its times, status and counts; only its posts, pages and
rejections are rebuilt. Runs whose crawl failed (no 200 or 3xx response) are left out, as
the crawl flow leaves them out.

It runs alone on the warehouse (``warehouse.runlock``); a damaged warehouse file is set aside
and rebuilt from the archive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.progress import print_progress
from mpnews.config import Source, load_sources, select_sources
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.crawl_verdict import judge_crawl
from pipeline.ingest import RunExtract, extract_run
from spiders.archive import ArchivedRun, archived_runs, select_runs
from warehouse.crawlstate import read_run
from warehouse.load import LoadResult, RunRecord, load_run
from warehouse.runlock import exclusive_run
from warehouse.snapshot import publish_once

__all__ = ["ReprocessResult", "reprocess_flow"]


@dataclass(frozen=True, slots=True)
class ReprocessResult:
    """One re-processed run of one source."""

    source: str
    run_id: str
    pages: int
    posts_found: int
    posts_new: int
    posts_updated: int
    rejections: int


@task(name="reprocess-run", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def reprocess_run(source: Source, run: ArchivedRun, settings: Settings) -> ReprocessResult:
    """Extract one archived run and load it (idempotent, one transaction)."""
    extracted = extract_run([run.warc_path], source=source, workers=settings.workers or None)
    record = _run_record(source, run, extracted, settings)
    loaded: LoadResult = load_run(
        settings.warehouse,
        run=record,
        posts=extracted.posts,
        pages=extracted.pages,
        rejections=extracted.rejections,
    )
    return ReprocessResult(
        source.name, run.run_id, len(extracted.pages), len(extracted.posts),
        loaded.posts_new, loaded.posts_updated, len(extracted.rejections),
    )  # fmt: skip


@flow(name="mpnews-reprocess")
def reprocess_flow(
    sources_file: str,
    warehouse: str | None = None,
    source_names: list[str] | None = None,
    since: str | None = None,
    archive_dir: str | None = None,
) -> list[dict[str, object]]:
    """Re-extract the archived runs (since ``since``, an ISO date) of the selected sources.

    ``archive_dir`` defaults to ``archive/`` in the data folder. Returns one summary
    dict per run, in the order loaded.
    """
    settings = Settings.from_env(warehouse=Path(warehouse) if warehouse else None)
    sources = select_sources(load_sources(sources_file), source_names, origin=sources_file)
    archive = Path(archive_dir) if archive_dir else settings.archive_dir
    start = date.fromisoformat(since) if since else None
    print_progress(f"reprocess {archive} -> {settings.warehouse}")
    results: list[ReprocessResult] = []
    with (
        exclusive_run(settings.warehouse, wait=settings.run_wait, rebuild=True),
        publish_once(settings.warehouse),  # analysts see the re-processed warehouse at once
    ):
        for source in sources:
            for run in select_runs(archived_runs(archive / source.name), start):
                if not _usable(source, run, settings):
                    continue
                result = reprocess_run(source, run, settings)
                print_progress(
                    f"  ok        {source.name} {run.run_id}: {result.pages} pages, "
                    f"{result.posts_found} posts ({result.posts_new} new, "
                    f"{result.posts_updated} changed), {result.rejections} rejected"
                )
                results.append(result)
    return [asdict(r) for r in results]


def _usable(source: Source, run: ArchivedRun, settings: Settings) -> bool:
    """Whether the crawl flow loaded this run: not recorded as failed, and not unusable."""
    known = read_run(settings.warehouse, run.run_id, source.name)
    if known is not None:
        return known.status == "succeeded"
    stats = CrawlStats.from_json(
        {"pages_fetched": len(run.entries), "status_counts": run.status_counts()}
    )
    return judge_crawl(stats, returncode=0, start_urls=source.start_urls) is None


def _run_record(
    source: Source, run: ArchivedRun, extracted: RunExtract, settings: Settings
) -> RunRecord:
    """The run's stored crawl_runs row with fresh post counts, or one built from the archive."""
    counts = run.status_counts()
    fresh = RunRecord(
        run_id=run.run_id,
        source=source.name,
        kind=source.kind,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status="succeeded",
        pages_fetched=len(extracted.pages),
        responses_200=counts.get("200", 0),
        responses_304=counts.get("304", 0),
    )
    known = read_run(settings.warehouse, run.run_id, source.name) or fresh
    return replace(
        known,
        posts_found=len(extracted.posts) + known.skipped_posts,  # as the crawl counted
        posts_new=None,
        rejections=None,
    )
