"""``mpnews lake``: create the shared DuckLake warehouse, and move a warehouse file in or out.

    mpnews lake init --data DIR            # the lake's Parquet files go under DIR (or s3://...)
    mpnews lake import FILE [--replace]    # a single-file warehouse into the lake
    mpnews lake export FILE                # the lake into a new single-file warehouse

The lake is ``--warehouse ducklake:postgres:...`` or ``MPNEWS_LAKE`` (docs/scaling.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mpnews.commands._output import table
from mpnews.exceptions import ConfigError
from mpnews.redaction import redact
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "create the shared DuckLake warehouse; import or export a warehouse file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser("init", help="create the lake's catalog tables")
    init.add_argument("--data", required=True, metavar="DIR", help="where its Parquet files go")
    imp = actions.add_parser("import", help="copy a warehouse file into the lake")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--replace", action="store_true", help="replace posts already in the lake")
    exp = actions.add_parser("export", help="copy the lake into a new warehouse file")
    exp.add_argument("file", type=Path, metavar="FILE")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.is_lake:
        raise ConfigError(
            "mpnews lake: no lake given; pass --warehouse ducklake:postgres:... or set MPNEWS_LAKE"
        )
    location = str(settings.warehouse)
    if args.action == "init":
        from warehouse.lake import init_lake
        from warehouse.lakestore import lake_writer

        init_lake(location, args.data)
        with lake_writer(location):
            pass
        print(f"lake ready: {redact(location)} (data under {args.data})")
        return 0
    from warehouse.lakecopy import export_lake, import_file

    if args.action == "import":
        counts = import_file(location, args.file, replace=args.replace)
    else:
        counts = export_lake(location, args.file)
    print(table(("table", "rows"), sorted(counts.items())))
    return 0
