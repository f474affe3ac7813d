"""Crawl sources into WARC files and stats JSONs: the pipeline's crawl step.

One source:

    python -m spiders.run --source-json JSON --run-id RUN --archive-dir DIR \\
        --stats-out FILE [--state FILE] [--recheck-all] [--user-agent-contact URL]
        [--max-pages N] [--log-file F] [-s KEY=VALUE]

Many sources at once, in this one process (a :class:`CrawlPlan` written as JSON):

    python -m spiders.run --plan FILE [--log-file F] [-s KEY=VALUE]

Every source gets its own Scrapy crawler (its own spider, stats, archive and page budget);
all of them share the process's reactor, so N sites on N hosts are crawled concurrently, each
host kept polite by its crawler's download slot (``DOWNLOAD_DELAY``, AutoThrottle,
``CONCURRENT_REQUESTS_PER_DOMAIN``, robots.txt). A source's crawl ends on its own
(``CLOSESPIDER_TIMEOUT`` is its time limit) and writes its stats file as it ends, so whoever
started the process can pick each source up as soon as it is done. A crawler that cannot
start writes stats saying why; the others go on.

``--state`` is the incremental-crawl state the flow wrote from the warehouse
(:mod:`spiders.incremental`); without it every page is downloaded.

Exit 0 when the crawl ran (even if a site was down: the stats say so), 2 for a
bad argument or source, 1 when the crawler itself could not run.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from mpnews.config import Source, source_from_json
from mpnews.redaction import install as install_redaction
from spiders.archive import warc_path, write_stats
from spiders.base import SourceSpider
from spiders.mp_site import MpSiteSpider
from spiders.news_site import NewsSiteSpider

__all__ = [
    "SPIDERS",
    "CrawlPlan",
    "PlannedSource",
    "build_settings",
    "crawl",
    "crawl_plan",
    "main",
    "shared_hosts",
]

SPIDERS: dict[str, type[SourceSpider]] = {"mp_site": MpSiteSpider, "news_site": NewsSiteSpider}
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlannedSource:
    """One source of a :class:`CrawlPlan`: what to crawl and where its stats go."""

    source_json: str
    stats_out: str
    state_file: str | None = None
    max_pages: int | None = None


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """Everything one crawl process does: many sources, one run, shared settings.

    ``timeout`` is each source's own time limit in seconds (0: none); ``settings`` are
    Scrapy overrides for every source (e.g. ``DOWNLOAD_DELAY``).
    """

    run_id: str
    archive_dir: str
    sources: tuple[PlannedSource, ...]
    contact_url: str | None = None
    recheck_all: bool = False
    timeout: int = 0
    settings: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CrawlPlan:
        data = json.loads(text)
        sources = tuple(PlannedSource(**entry) for entry in data.pop("sources"))
        return cls(sources=sources, **data)


def build_settings(
    *,
    run_id: str,
    archive_dir: str | Path,
    stats_out: str | Path | None = None,
    contact_url: str | None = None,
    log_file: str | Path | None = None,
    overrides: dict[str, str] | None = None,
    state_file: str | Path | None = None,
    recheck_all: bool = False,
) -> Settings:
    """Project settings plus this run's archive, stats, state, contact and overrides."""
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("MPNEWS_RUN_ID", run_id, priority="cmdline")
    settings.set("MPNEWS_ARCHIVE_DIR", str(archive_dir), priority="cmdline")
    if stats_out:
        settings.set("MPNEWS_STATS_OUT", str(stats_out), priority="cmdline")
    if state_file:
        settings.set("MPNEWS_STATE_FILE", str(state_file), priority="cmdline")
    if recheck_all:
        settings.set("MPNEWS_RECHECK_ALL", True, priority="cmdline")
    if contact_url:
        settings.set("MPNEWS_CONTACT_URL", contact_url, priority="cmdline")
        settings.set("USER_AGENT", f"mpnews/0.1 (+{contact_url})", priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def crawl(source: Source, settings: Settings, *, max_pages: int | None = None) -> None:
    """Run one crawl of ``source`` in this process (blocks until it ends)."""
    process = CrawlerProcess(settings)
    process.crawl(SPIDERS[source.kind], source=source, max_pages=max_pages)
    process.start()


def crawl_plan(plan: CrawlPlan, *, log_file: str | Path | None = None) -> None:
    """Crawl every source of ``plan`` concurrently in this process (blocks until all end)."""
    settings = build_settings(
        run_id=plan.run_id,
        archive_dir=plan.archive_dir,
        contact_url=plan.contact_url,
        log_file=log_file,
        overrides=plan.settings,
        recheck_all=plan.recheck_all,
    )
    if log_file:  # every crawler re-installs the log handler: append, never truncate
        Path(log_file).write_text("", encoding="utf-8")
        settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    if plan.timeout:
        settings.set("CLOSESPIDER_TIMEOUT", plan.timeout, priority="cmdline")
    sources = [source_from_json(p.source_json) for p in plan.sources]
    settings.set("MPNEWS_SHARED_HOSTS", sorted(shared_hosts(sources)), priority="cmdline")
    process = CrawlerProcess(settings)
    for planned, source in zip(plan.sources, sources, strict=True):
        crawler = process.create_crawler(SPIDERS[source.kind])
        _per_source(crawler, planned)
        done = process.crawl(crawler, source=source, max_pages=planned.max_pages)
        done.addErrback(_crawler_failed, plan, planned, source)
    process.start()


def shared_hosts(sources: Sequence[Source]) -> set[str]:
    """Hosts more than one of ``sources`` may fetch from (they must share one pace)."""
    counts = Counter(
        host
        for source in sources
        for host in {(urlsplit(f"//{d}").hostname or "").lower() for d in source.domains}
    )
    return {host for host, n in counts.items() if n > 1 and host}


def _per_source(crawler: Crawler, planned: PlannedSource) -> None:
    crawler.settings.set("MPNEWS_STATS_OUT", planned.stats_out, priority="cmdline")
    if planned.state_file:
        crawler.settings.set("MPNEWS_STATE_FILE", planned.state_file, priority="cmdline")


def _crawler_failed(
    failure: Failure, plan: CrawlPlan, planned: PlannedSource, source: Source
) -> None:
    """A crawler that could not run still leaves stats, so its source fails alone."""
    reason = f"crawler failed: {failure.type.__name__}: {failure.getErrorMessage()}"[:300]
    _log.error("%s: %s", source.name, reason)
    if Path(planned.stats_out).is_file():
        return
    path = warc_path(plan.archive_dir, source.name, plan.run_id)
    write_stats(
        planned.stats_out,
        {
            "source": source.name,
            "run_id": plan.run_id,
            "pages_fetched": 0,
            "status_counts": {},
            "errors": [],
            "robots_blocked": 0,
            "finish_reason": reason,
            "warc_path": str(path) if path.is_file() else None,
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    install_redaction()  # no secret (a password in a start URL) in the crawl log
    try:
        overrides = dict(_key_value(item) for item in args.set)
        plan = _plan(args, overrides)
        sources = [source_from_json(p.source_json) for p in plan.sources]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        print(f"spiders.run: bad --source-json, --plan or -s: {exc}", file=sys.stderr)
        return 2
    unknown = [s.name for s in sources if s.kind not in SPIDERS]
    if unknown:
        print(f"spiders.run: unknown source kind for {', '.join(unknown)}", file=sys.stderr)
        return 2
    for planned in plan.sources:
        Path(planned.stats_out).unlink(missing_ok=True)
    crawl_plan(plan, log_file=args.log_file)
    missing = [s.name for s, p in zip(sources, plan.sources, strict=True) if not _written(p)]
    if missing:
        print(f"spiders.run: crawler did not run for {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


def _plan(args: argparse.Namespace, overrides: dict[str, str]) -> CrawlPlan:
    if args.plan:
        plan = CrawlPlan.from_json(Path(args.plan).read_text(encoding="utf-8"))
        return CrawlPlan(**{**_fields(plan), "settings": {**plan.settings, **overrides}})
    missing = [
        f"--{n.replace('_', '-')}"
        for n in ("source_json", "run_id", "archive_dir", "stats_out")
        if not getattr(args, n)
    ]
    if missing:
        raise ValueError(f"without --plan, {', '.join(missing)} required")
    source_from_json(args.source_json)
    single = PlannedSource(args.source_json, args.stats_out, args.state, args.max_pages)
    return CrawlPlan(
        run_id=args.run_id,
        archive_dir=args.archive_dir,
        sources=(single,),
        contact_url=args.user_agent_contact,
        recheck_all=args.recheck_all,
        settings=overrides,
    )


def _fields(plan: CrawlPlan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in CrawlPlan.__dataclass_fields__}


def _written(planned: PlannedSource) -> bool:
    try:
        return "finish_reason" in json.loads(Path(planned.stats_out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise ValueError(f"expected KEY=VALUE, got {item!r}")
    return key.strip(), value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m spiders.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--plan", default=None, help="crawl every source of this CrawlPlan JSON")
    parser.add_argument("--source-json", help="Source.to_json() of the one source to crawl")
    parser.add_argument("--run-id")
    parser.add_argument("--archive-dir", help="WARC goes to DIR/<source>/<run_id>.warc.gz")
    parser.add_argument("--stats-out", help="where to write the stats JSON")
    parser.add_argument(
        "--state", default=None, help="incremental state (JSON lines) written by the flow"
    )
    parser.add_argument(
        "--recheck-all", action="store_true", help="re-check known posts whatever their age"
    )
    parser.add_argument("--user-agent-contact", default=None, help="contact URL for the User-Agent")
    parser.add_argument(
        "--max-pages", type=int, default=None, help="cap on requests (default: source's)"
    )
    parser.add_argument("--log-file", default=None)
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="KEY=VALUE", help="Scrapy setting"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
