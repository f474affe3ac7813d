"""``mpnews report``: write one self-contained HTML page of charts about the warehouse."""

from __future__ import annotations

import argparse
from pathlib import Path

from mpnews.report import DEFAULT_WEEKS, write_report
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "write an HTML report (charts of posts, topics, duplicates and crawl health)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE.html",
        help="where to write the page (default: report.html in the data folder, see README)",
    )
    parser.add_argument(
        "--weeks",
        type=_weeks,
        default=DEFAULT_WEEKS,
        metavar="N",
        help=f"weeks in the weekly charts, up to the latest (default: {DEFAULT_WEEKS}; 0: all)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    out = args.out or settings.home / "report.html"
    written = write_report(settings.warehouse, out, weeks=args.weeks)
    print(f"report written to {written}")
    return 0


def _weeks(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of weeks") from None
    if value < 0:
        raise argparse.ArgumentTypeError("weeks must be 0 or more")
    return value
