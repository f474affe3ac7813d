"""``mpnews serve``: run the crawls on their cron schedules, in one long-running process.

Each schedule group of the sources file becomes a Prefect deployment of the crawl flow, served
by this process. With a Prefect server configured (``PREFECT_API_URL``) the deployments live
there; otherwise a local Prefect server (API, scheduler, dashboard) runs beside it on
127.0.0.1, keeping its history in the data folder. Stop with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
from contextlib import nullcontext
from pathlib import Path

from mpnews.commands._output import table
from mpnews.commands._prefect import prepare_prefect
from mpnews.redaction import redact
from mpnews.schedules import FLOW_NAME, ScheduleGroup
from mpnews.settings import Settings

__all__ = ["DEFAULT_PORT", "HELP", "add_arguments", "run"]

HELP = "run the crawls on their cron schedules (Prefect deployments, one process)"
DEFAULT_PORT = 4200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, help="sources file (default: sources.toml)")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port of the local Prefect server when PREFECT_API_URL is unset "
        f"(default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the deployments and schedules, then exit"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.deployments import schedule_groups

    sources, groups = schedule_groups(settings.sources)
    print(_describe(groups))
    if args.dry_run:
        return 0
    settings.state_dir.mkdir(parents=True, exist_ok=True)  # PREFECT_HOME lives there
    prepare_prefect(settings)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import (
        build_deployments,
        ensure_domain_limits,
        local_api,
        serve_deployments,
    )

    configured = PREFECT_API_URL.value()
    log_file = settings.state_dir / "prefect-server.log"
    with nullcontext(configured) if configured else local_api(args.port, log_file) as api_url:
        os.environ["PREFECT_API_URL"] = api_url  # flow runs start in child processes
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            deployments = build_deployments(groups, settings.sources, settings.warehouse)
            ensure_domain_limits(sources)
            if not configured:
                print(f"\nPrefect dashboard: {api_url.removesuffix('/api')}")
            print(f"warehouse: {redact(settings.location)}", flush=True)
            serve_deployments(deployments)
    return 0


def _describe(groups: list[ScheduleGroup]) -> str:
    rows = [[f"{FLOW_NAME}/{g.name}", g.cron, g.timezone, ", ".join(g.sources)] for g in groups]
    return table(("deployment", "cron", "timezone", "sources"), rows)
