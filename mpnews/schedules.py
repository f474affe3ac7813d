"""When scheduled crawls run, and which failed runs are run again.

Pure resolution from the sources file: every source gets a cron expression (its own
``schedule``, else its kind's default from the ``[schedules]`` table, else MP sites daily at
06:00 and news sites hourly, Europe/London). Sources sharing their kind's default run together
in one deployment (``mp-sites``, ``news-sites``); a source with its own cron gets a deployment
named after it. Names depend only on the sources file, so a changed cron updates a deployment
instead of adding one.

A whole run is retried only when it failed for a transient reason (the warehouse held by
another load, a dropped connection), with growing delays; a configuration error, a
warehouse another run kept busy past the wait, a damaged warehouse file or a full disk
never is.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import httpx

from mpnews.config import ScheduleDefaults, Source
from mpnews.diskspace import is_disk_full
from mpnews.exceptions import (
    ConfigError,
    WarehouseBusyError,
    WarehouseDamagedError,
    WarehouseError,
)

__all__ = [
    "FLOW_NAME",
    "RETRY_DELAYS",
    "ScheduleGroup",
    "domain_tags",
    "is_transient",
    "resolve_schedules",
    "retry_transient",
]

FLOW_NAME = "mpnews-crawl"
RETRY_DELAYS = (60.0, 300.0)  # a failed run is tried at most len(RETRY_DELAYS) more times
_KIND_GROUPS = {"mp_site": "mp-sites", "news_site": "news-sites"}
_TRANSIENT_TYPES = (ConnectionError, TimeoutError, httpx.TransportError)
_LOCKED = ("lock", "held the warehouse")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ScheduleGroup:
    """One deployment: the sources that run together on one cron schedule."""

    name: str
    cron: str
    timezone: str
    sources: tuple[str, ...]

    @property
    def description(self) -> str:
        return f"crawl {', '.join(self.sources)} at cron {self.cron!r} ({self.timezone})"


def resolve_schedules(
    sources: Sequence[Source],
    defaults: ScheduleDefaults | None = None,
    *,
    origin: str = "<sources>",
) -> list[ScheduleGroup]:
    """Group sources by schedule: one group per kind's default cron, one per own cron."""
    defaults = defaults or ScheduleDefaults()
    members: dict[tuple[str, str], list[str]] = {}
    for source in sources:
        default = defaults.for_kind(source.kind)
        cron = source.schedule or default
        name = _KIND_GROUPS[source.kind] if cron == default else source.name
        members.setdefault((name, cron), []).append(source.name)
    names = [name for name, _ in members]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise ConfigError(
            f"{origin}: source {clash!r} has its own schedule but shares its name with the "
            "deployment of sources on their kind's default schedule; rename the source"
        )
    return [
        ScheduleGroup(name, cron, defaults.timezone, tuple(group))
        for (name, cron), group in members.items()
    ]


def domain_tags(source: Source) -> list[str]:
    """Prefect tags of a source's crawl task; a concurrency limit on each caps a domain."""
    return [f"domain:{domain}" for domain in source.domains]


def is_transient(exc: BaseException) -> bool:
    """True when running again later may well succeed (a lock, a dropped connection); never
    for a full disk (it stays full until someone frees space)."""
    if is_disk_full(exc):
        return False
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConfigError | WarehouseBusyError | WarehouseDamagedError):
            return False
        if isinstance(current, _TRANSIENT_TYPES):
            return True
        if isinstance(current, WarehouseError) and any(w in str(current) for w in _LOCKED):
            return True
        current = current.__cause__ or current.__context__
    return False


def retry_transient(
    delays: Sequence[float] = RETRY_DELAYS,
    *,
    report: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the function again after each delay while it fails transiently; re-raise the rest."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt, delay in enumerate(delays, start=1):
                try:
                    return fn(*args, **kwargs)
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    (report or _stderr)(
                        f"transient failure ({type(exc).__name__}: {exc}); "
                        f"retry {attempt} of {len(delays)} in {delay:g}s"
                    )
                    sleep(delay)
            return fn(*args, **kwargs)

        return run

    return decorate


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
