"""``mpnews search "QUERY"``: full-text search over post titles and bodies, best first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date

from mpnews.commands._output import table
from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "search post titles and bodies (BM25 ranking), best matches first"
EXIT_OK, EXIT_NO_MATCH = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help='words to look for, e.g. "NHS dentists"')
    parser.add_argument("--mp", metavar="NAME", help="only posts by or mentioning this MP")
    parser.add_argument(
        "--since", type=date.fromisoformat, metavar="DATE", help="only posts on or after DATE"
    )
    parser.add_argument("--limit", type=_positive, default=10, metavar="N", help="default 10")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.search import search

    hits = search(settings.warehouse, args.query, mp=args.mp, since=args.since, limit=args.limit)
    if args.json:
        for hit in hits:
            print(json.dumps(asdict(hit), ensure_ascii=False, default=str))
    elif hits:
        header = ("score", "date", "source", "mp", "title")
        rows = [(f"{h.score:.3f}", h.published_date, h.source, h.mp, h.title) for h in hits]
        lines = table(header, rows).splitlines()
        print("\n".join(lines[:2]))
        for line, hit in zip(lines[2:], hits, strict=True):
            print(f"{line}\n    {hit.url}\n    {hit.snippet}")
    else:
        print(f"no posts match {args.query!r}")
    return EXIT_OK if hits else EXIT_NO_MATCH


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value
