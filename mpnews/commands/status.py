"""``mpnews status``: per-source crawl health, read from the published warehouse."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from mpnews.commands._output import table
from mpnews.exceptions import WarehouseError
from mpnews.redaction import redact
from mpnews.settings import Settings

if TYPE_CHECKING:
    from warehouse.health_records import SourceStatus

__all__ = ["HELP", "add_arguments", "run"]

HELP = "show each source's last run, posts, last new post and open alerts"
EXIT_OK, EXIT_ALERTS = 0, 1
_HEADER = ("source", "last run", "at", "status", "posts", "total", "last new post", "open alerts")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # status needs nothing but --warehouse


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the table; exit 1 when any alert is open (so a script can page someone)."""
    from warehouse.db import exists
    from warehouse.health_records import source_status
    from warehouse.integrity import ensure_whole

    if not exists(settings.warehouse):
        raise WarehouseError(
            f"{settings.warehouse}: warehouse file not found (run `mpnews crawl` first, "
            "or pass --warehouse FILE)"
        )
    ensure_whole(settings.warehouse)  # a damaged file: one line naming it and the fix
    rows = source_status(settings.warehouse)
    if not rows:
        print(f"no runs recorded yet in {redact(str(settings.warehouse))}")
        return EXIT_OK
    print(table(_HEADER, [_line(s) for s in rows]))
    for status in rows:
        if status.error and status.status == "failed":
            print(f"\n{status.source}: {status.error}")
    return EXIT_ALERTS if any(s.open_alerts for s in rows) else EXIT_OK


def _line(s: SourceStatus) -> list[object]:
    return [
        "(pipeline)" if s.source == "*" else s.source,
        s.last_run_id,
        _when(s.last_run_at),
        s.status,
        s.posts_found,
        s.posts_total,
        _when(s.last_new_post_at),
        ", ".join(s.open_alerts) or "-",
    ]


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"
