"""The ``mpnews`` command: crawl the registry, run the demo, and (later) query and operate.

Exit codes: 0 every source succeeded, 1 a source failed (the others still loaded), 2 bad usage
or configuration (one line on stderr naming the file, the entry and the problem).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mpnews.config import load_sources, select_sources
from mpnews.exceptions import MpnewsError
from mpnews.settings import DEFAULT_WAREHOUSE, Settings, prefect_environment

__all__ = ["main", "build_parser"]

DEMO_WAREHOUSE = Path("warehouse/demo.duckdb")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpnews", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    crawl = commands.add_parser("crawl", help="crawl the sources and load the warehouse")
    crawl.add_argument("--sources", type=Path, help="sources file (default: sources.toml)")
    _warehouse_option(crawl, DEFAULT_WAREHOUSE)
    crawl.add_argument(
        "--source", action="append", dest="names", metavar="NAME", help="only this source"
    )
    demo = commands.add_parser("demo", help="run the whole pipeline on the bundled sample sites")
    _warehouse_option(demo, DEMO_WAREHOUSE)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(sources=getattr(args, "sources", None))
        if args.warehouse is not None or "MPNEWS_WAREHOUSE" not in os.environ:
            settings = replace(settings, warehouse=args.warehouse or args.default_warehouse)
        return _COMMANDS[args.command](args, settings)
    except MpnewsError as exc:
        print(f"mpnews: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mpnews: interrupted", file=sys.stderr)
        return 130


def _warehouse_option(parser: argparse.ArgumentParser, default: Path) -> None:
    parser.add_argument(
        "--warehouse", type=Path, default=None, help=f"DuckDB file analysts open (default: {default})"
    )
    parser.set_defaults(default_warehouse=default)


def _crawl(args: argparse.Namespace, settings: Settings) -> int:
    select_sources(load_sources(settings.sources), args.names, origin=str(settings.sources))
    results = _run_flow(settings, settings.sources, args.names)
    return _print_summary(results, settings)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from mpnews.receiver import WebhookReceiver
    from mpnews.samples.server import serve_samples

    sources_file = settings.state_dir / "demo-sources.toml"
    sources_file.parent.mkdir(parents=True, exist_ok=True)
    with serve_samples() as server, WebhookReceiver() as receiver:
        sources_file.write_text(server.sources_toml(), encoding="utf-8")
        os.environ.setdefault("MPNEWS_ALERT_WEBHOOK", receiver.url)
        os.environ.setdefault("MPNEWS_CRAWL_DELAY", "0")  # the sample sites are local
        print(f"sample sites: {', '.join(sorted(server.base_urls.values()))}", file=sys.stderr)
        results = _run_flow(settings, sources_file, None)
        alerts = list(receiver.received)
    code = _print_summary(results, settings)
    for alert in alerts:
        print(f"alert received by the local webhook: {alert.get('text')}")
    _print_example_query(settings)
    expected_down = {"down-mp-site"}
    failed = {r["source"] for r in results if r["status"] == "failed"}
    return EXIT_OK if failed <= expected_down else code


def _run_flow(settings: Settings, sources_file: Path, names: list[str] | None) -> list[dict]:
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
    from mpnews.flows.crawl import crawl_flow

    return crawl_flow(str(sources_file), str(settings.warehouse), names)


def _print_summary(results: list[dict], settings: Settings) -> int:
    header = ("source", "status", "pages", "posts", "new", "rejected", "error")
    rows = [
        (r["source"], r["status"], r["pages_fetched"], r["posts_found"], r["posts_new"],
         r["rejections"], r["error"] or "")
        for r in results
    ]  # fmt: skip
    print(_table(header, rows))
    print(f"\nwarehouse: {settings.warehouse.resolve()}")
    return EXIT_FAILED if any(r["status"] == "failed" for r in results) else EXIT_OK


def _print_example_query(settings: Settings) -> None:
    from mpnews.warehouse.queries import EXAMPLE_QUERY, run_query

    columns, rows = run_query(settings.warehouse, EXAMPLE_QUERY)
    print(f"\nexample query:\n  {EXAMPLE_QUERY.strip()}\n")
    print(_table(columns, rows))


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in header]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


_COMMANDS = {"crawl": _crawl, "demo": _demo}
