"""``mpnews crawl``: crawl the sources, extract and load the warehouse, under Prefect."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from mpnews.commands._output import table
from mpnews.commands._prefect import prefect_unavailable_as_error, prepare_prefect
from mpnews.config import load_sources, select_sources
from mpnews.exceptions import ConfigError
from mpnews.redaction import redact
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "print_summary", "run", "run_crawl_flow", "run_sharded"]

HELP = "crawl the sources and load the warehouse"
EXIT_OK, EXIT_FAILED = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, help="sources file (default: sources.toml)")
    parser.add_argument(
        "--source", action="append", dest="names", metavar="NAME", help="only this source"
    )
    parser.add_argument(
        "--shards",
        type=int,
        metavar="N",
        help="split the sources into N shards by host and run each on any worker of the "
        "Prefect work pool (needs PREFECT_API_URL; docs/scaling.md)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    select_sources(load_sources(settings.sources), args.names, origin=str(settings.sources))
    if args.shards is not None:
        return run_sharded(settings, args.shards, args.names)
    results = run_crawl_flow(settings, settings.sources, args.names)
    return print_summary(results, settings)


def run_sharded(settings: Settings, shards: int, names: list[str] | None) -> int:
    """Start one run per shard on the work pool; print the per-source table of the run."""
    if shards < 1:
        raise ConfigError(f"--shards must be 1 or more, not {shards}")
    if names:
        raise ConfigError("--shards crawls the whole sources file; drop --source")
    if not os.environ.get("PREFECT_API_URL"):
        raise ConfigError(
            "--shards runs on a Prefect server's workers: set PREFECT_API_URL (docs/scaling.md)"
        )
    prepare_prefect(settings)
    from flows.crawl import new_run_id
    from flows.shards import crawl_sharded_flow
    from warehouse.queries import run_summary

    run_id = new_run_id()
    with prefect_unavailable_as_error(settings):
        crawl_sharded_flow(str(settings.sources), str(settings.warehouse), shards, run_id)
    return print_summary(run_summary(settings.warehouse, run_id), settings)


def run_crawl_flow(
    settings: Settings, sources_file: Path, names: list[str] | None
) -> list[dict[str, object]]:
    """Run the Prefect crawl flow in this process (ephemeral API unless one is configured).

    The run lock is taken and the warehouse checked before Prefect starts, so waiting for
    another run, or a damaged file, is one line rather than a flow's traceback.
    """
    from warehouse.runlock import exclusive_run

    with exclusive_run(settings.warehouse, wait=settings.run_wait):
        prepare_prefect(settings)
        from flows.crawl import crawl_flow

        with prefect_unavailable_as_error(settings):
            return crawl_flow(str(sources_file), str(settings.warehouse), names)


def print_summary(results: list[dict[str, object]], settings: Settings) -> int:
    """The per-source table and the warehouse path; the exit status the results call for."""
    header = ("source", "status", "pages", "posts", "new", "rejected", "error")
    keys = ("source", "status", "pages_fetched", "posts_found", "posts_new", "rejections", "error")
    print(table(header, [[r[k] for k in keys] for r in results]))
    print(f"\nwarehouse: {redact(settings.location)}")
    return EXIT_FAILED if any(r["status"] == "failed" for r in results) else EXIT_OK
