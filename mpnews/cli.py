"""The ``mpnews`` command: crawl, demo, extract, reprocess, serve, status, search, export, report,
registry.

Exit codes: 0 success, 1 a source or check failed (the others still ran), 2 bad usage or
configuration (one line on stderr naming the file, the entry and the problem).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from mpnews import redaction
from mpnews.exceptions import MpnewsError
from mpnews.settings import DEFAULT_WAREHOUSE, Settings

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = (
    "crawl", "demo", "extract", "reprocess", "serve", "status", "search", "export", "report",
    "lake",
    "registry",
)  # fmt: skip
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpnews",
        description="What UK MPs publish, and what the press writes about them.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in _command_modules():
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        default = getattr(module, "DEFAULT_WAREHOUSE", DEFAULT_WAREHOUSE)
        sub.add_argument(
            "--warehouse",
            type=Path,
            default=None,
            help=f"DuckDB file analysts open, or a DuckLake ducklake:postgres:... "
            f"(default: {default}, or MPNEWS_LAKE)",
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run, default_warehouse=default)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    redaction.install()  # no secret in any log line, from here on
    try:
        settings = Settings.from_env(sources=getattr(args, "sources", None))
        from_env = "MPNEWS_WAREHOUSE" in os.environ or "MPNEWS_LAKE" in os.environ
        if args.warehouse is not None or not from_env:
            settings = replace(settings, warehouse=args.warehouse or args.default_warehouse)
        redaction.install([settings.alert_webhook, *settings.alert_urls])
        return int(args.run(args, settings))
    except MpnewsError as exc:
        print(f"mpnews: error: {redaction.redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("mpnews: interrupted", file=sys.stderr)
        return 130


def _command_modules() -> list[tuple[str, ModuleType]]:
    found = []
    for name in COMMANDS:
        path = f"mpnews.commands.{name}"
        try:
            found.append((name, importlib.import_module(path)))
        except ModuleNotFoundError as exc:
            if exc.name != path:
                raise
    return found
