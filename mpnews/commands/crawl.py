"""``mpnews crawl``: crawl the sources, extract and load the warehouse, under Prefect."""

from __future__ import annotations

import argparse
from pathlib import Path

from mpnews.commands._output import table
from mpnews.commands._prefect import prefect_unavailable_as_error, prepare_prefect
from mpnews.config import load_sources, select_sources
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "print_summary", "run", "run_crawl_flow"]

HELP = "crawl the sources and load the warehouse"
EXIT_OK, EXIT_FAILED = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, help="sources file (default: sources.toml)")
    parser.add_argument(
        "--source", action="append", dest="names", metavar="NAME", help="only this source"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    select_sources(load_sources(settings.sources), args.names, origin=str(settings.sources))
    results = run_crawl_flow(settings, settings.sources, args.names)
    return print_summary(results, settings)


def run_crawl_flow(
    settings: Settings, sources_file: Path, names: list[str] | None
) -> list[dict[str, object]]:
    """Run the Prefect crawl flow in this process (ephemeral API unless one is configured)."""
    prepare_prefect(settings)
    from flows.crawl import crawl_flow

    with prefect_unavailable_as_error():
        return crawl_flow(str(sources_file), str(settings.warehouse), names)


def print_summary(results: list[dict[str, object]], settings: Settings) -> int:
    """The per-source table and the warehouse path; the exit status the results call for."""
    header = ("source", "status", "pages", "posts", "new", "rejected", "error")
    keys = ("source", "status", "pages_fetched", "posts_found", "posts_new", "rejections", "error")
    print(table(header, [[r[k] for k in keys] for r in results]))
    print(f"\nwarehouse: {settings.warehouse.resolve()}")
    return EXIT_FAILED if any(r["status"] == "failed" for r in results) else EXIT_OK
