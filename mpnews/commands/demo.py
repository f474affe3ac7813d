"""``mpnews demo``: the whole pipeline on the bundled sample sites, served on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mpnews.commands._output import table
from mpnews.commands.crawl import print_summary, run_crawl_flow
from mpnews.settings import Settings

__all__ = ["DEFAULT_WAREHOUSE", "HELP", "add_arguments", "run"]

HELP = "run the whole pipeline on the bundled sample sites"
DEFAULT_WAREHOUSE = Path("warehouse/demo.duckdb")
EXPECTED_DOWN = frozenset({"down-mp-site"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # the demo needs nothing but --warehouse


def run(args: argparse.Namespace, settings: Settings) -> int:
    from mpnews.receiver import WebhookReceiver
    from mpnews.samples.server import serve_samples

    sources_file = settings.state_dir / "demo-sources.toml"
    sources_file.parent.mkdir(parents=True, exist_ok=True)
    with serve_samples() as server, WebhookReceiver() as receiver:
        sources_file.write_text(server.sources_toml(), encoding="utf-8")
        os.environ.setdefault("MPNEWS_ALERT_WEBHOOK", receiver.url)
        os.environ.setdefault("MPNEWS_CRAWL_DELAY", "0")  # the sample sites are local
        print(f"sample sites: {', '.join(sorted(server.base_urls.values()))}", file=sys.stderr)
        results = run_crawl_flow(settings, sources_file, None)
        alerts = list(receiver.received)
    code = print_summary(results, settings)
    for alert in alerts:
        print(f"alert received by the local webhook: {alert.get('text')}")
    _print_example_query(settings)
    failed = {r["source"] for r in results if r["status"] == "failed"}
    return 0 if failed <= EXPECTED_DOWN else code


def _print_example_query(settings: Settings) -> None:
    from warehouse.queries import EXAMPLE_QUERY, run_query

    columns, rows = run_query(settings.warehouse, EXAMPLE_QUERY)
    print(f"\nexample query:\n  {EXAMPLE_QUERY.strip()}\n")
    print(table(columns, rows))
