"""``mpnews reprocess``: re-extract the WARC archive into the warehouse, with no network.

Also the repair of a damaged warehouse file: it is set aside and rebuilt from the archive.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from mpnews.commands._output import table
from mpnews.commands._prefect import prefect_unavailable_as_error, prepare_prefect
from mpnews.config import load_sources, select_sources
from mpnews.exceptions import ConfigError
from mpnews.redaction import redact
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "re-extract archived pages into the warehouse (after an extraction change)"
EXIT_OK = 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, help="sources file (default: sources.toml)")
    parser.add_argument(
        "--source", action="append", dest="names", metavar="NAME", help="only this source"
    )
    parser.add_argument(
        "--since",
        type=date.fromisoformat,
        metavar="DATE",
        help="only runs started on or after DATE (YYYY-MM-DD); default: every archived run",
    )
    parser.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="archive to read (default: archive/ in the data folder)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    select_sources(load_sources(settings.sources), args.names, origin=str(settings.sources))
    archive = args.archive or settings.archive_dir
    if not archive.is_dir():
        raise ConfigError(f"{archive}: no archive folder here; pass --archive DIR")
    from warehouse.runlock import exclusive_run

    # before Prefect starts: wait for another run, set a damaged warehouse file aside
    with exclusive_run(settings.warehouse, wait=settings.run_wait, rebuild=True):
        prepare_prefect(settings)
        from flows.reprocess import reprocess_flow

        with prefect_unavailable_as_error(settings):
            results = reprocess_flow(
                str(settings.sources),
                str(settings.warehouse),
                args.names,
                args.since.isoformat() if args.since else None,
                str(archive),
            )
    header = ("source", "run", "pages", "posts", "new", "changed", "rejected")
    keys = ("source", "run_id", "pages", "posts_found", "posts_new", "posts_updated", "rejections")
    print(table(header, [[r[k] for k in keys] for r in results]))
    print(f"\n{len(results)} run(s) re-processed into {redact(settings.location)}")
    return EXIT_OK
