"""``mpnews export``: the warehouse as Parquet or CSV files partitioned by month."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from mpnews.commands._output import table
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "export posts, sightings, topics, MPs and runs as files partitioned by month"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet", dest="fmt")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--since", type=date.fromisoformat, metavar="DATE", help="only rows dated on or after DATE"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.export import export

    written = export(settings.warehouse, args.out, fmt=args.fmt, since=args.since)
    rows = [(t.table, t.rows, "month" if t.partitioned else "-", t.path) for t in written]
    print(table(("table", "rows", "partitioned by", "folder"), rows))
    return 0
