"""Crawl one source into a WARC file and a stats JSON: the pipeline's crawl step.

    python -m spiders.run --source-json JSON --run-id RUN --archive-dir DIR \\
        --stats-out FILE [--state FILE] [--recheck-all] [--user-agent-contact URL]
        [--max-pages N] [--log-file F] [-s KEY=VALUE]

``--state`` is the incremental-crawl state the flow wrote from the warehouse
(:mod:`spiders.incremental`); without it every page is downloaded.

Exit 0 when the crawl ran (even if the site was down: the stats say so), 2 for a
bad argument or source, 1 when the crawler itself could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from mpnews.config import Source, source_from_json
from spiders.base import SourceSpider
from spiders.mp_site import MpSiteSpider
from spiders.news_site import NewsSiteSpider

__all__ = ["SPIDERS", "build_settings", "crawl", "main"]

SPIDERS: dict[str, type[SourceSpider]] = {"mp_site": MpSiteSpider, "news_site": NewsSiteSpider}


def build_settings(
    *,
    run_id: str,
    archive_dir: str | Path,
    stats_out: str | Path,
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        source = source_from_json(args.source_json)
        overrides = dict(_key_value(item) for item in args.set)
    except (ValueError, TypeError, KeyError) as exc:
        print(f"spiders.run: bad --source-json or -s: {exc}", file=sys.stderr)
        return 2
    if source.kind not in SPIDERS:
        print(f"spiders.run: unknown source kind {source.kind!r}", file=sys.stderr)
        return 2
    stats_out = Path(args.stats_out)
    stats_out.unlink(missing_ok=True)
    settings = build_settings(
        run_id=args.run_id,
        archive_dir=args.archive_dir,
        stats_out=stats_out,
        contact_url=args.user_agent_contact,
        log_file=args.log_file,
        overrides=overrides,
        state_file=args.state,
        recheck_all=args.recheck_all,
    )
    crawl(source, settings, max_pages=args.max_pages)
    if not _stats_written(stats_out):
        print(f"spiders.run: crawler did not run for {source.name}", file=sys.stderr)
        return 1
    return 0


def _stats_written(path: Path) -> bool:
    try:
        return "finish_reason" in json.loads(path.read_text(encoding="utf-8"))
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
    parser.add_argument(
        "--source-json", required=True, help="Source.to_json() of the source to crawl"
    )
    parser.add_argument("--run-id", required=True)
    parser.add_argument(
        "--archive-dir", required=True, help="WARC goes to DIR/<source>/<run_id>.warc.gz"
    )
    parser.add_argument("--stats-out", required=True, help="where to write the stats JSON")
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
