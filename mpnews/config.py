"""The source registry (``sources.toml``) and run settings, loaded once into typed objects.

A source is data, not code: a data team adds a site by adding a ``[[source]]`` entry.
Every problem in the file is reported as one :class:`ConfigError` line naming the file,
the entry and the fix.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mpnews.exceptions import ConfigError
from mpnews.health_config import HealthThresholds
from mpnews.source_model import (
    CRON_HELP,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_QUERY_VARIANTS,
    FAMILIES,
    KINDS,
    cron_problem,
    validate_entry,
)

__all__ = [
    "DEFAULT_MAX_PAGES",
    "FAMILIES",
    "KINDS",
    "ScheduleDefaults",
    "Source",
    "cron_problem",
    "load_schedule_defaults",
    "load_sources",
    "parse_schedule_defaults",
    "parse_sources",
    "select_sources",
    "source_from_json",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_URL_LISTS = ("start_urls", "feeds", "sitemaps")
_SCHEDULE_KEYS = ("mp_site", "news_site", "timezone")


@dataclass(frozen=True, slots=True)
class Source:
    """One crawlable site: an MP's own news pages or a news site's sections."""

    name: str
    kind: str
    start_urls: tuple[str, ...]
    mp: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    locale: str = "en-GB"
    schedule: str | None = None
    family: str = "auto"
    max_pages: int = DEFAULT_MAX_PAGES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_query_variants: int = DEFAULT_MAX_QUERY_VARIANTS
    no_new_post_days: int | None = None
    recheck_days: int = 7
    member_id: int | None = None  # the MP's Members API id (mp_site)
    site: str = "own"  # "party": a party page holding many MPs' posts, linked by mention
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def domains(self) -> tuple[str, ...]:
        """Allowed ``host`` or ``host:port`` values; defaults to the seeds' own netlocs."""
        if self.allowed_domains:
            return self.allowed_domains
        seeds = (*self.start_urls, *self.feeds, *self.sitemaps)
        return tuple(dict.fromkeys(urlsplit(u).netloc.lower() for u in seeds))

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("extra")
        return json.dumps(data, sort_keys=True)


@dataclass(frozen=True, slots=True)
class ScheduleDefaults:
    """The ``[schedules]`` table: each kind's cron and the timezone every cron is read in."""

    mp_site: str = "0 6 * * *"
    news_site: str = "0 * * * *"
    timezone: str = "Europe/London"

    def for_kind(self, kind: str) -> str:
        return self.mp_site if kind == "mp_site" else self.news_site


def source_from_json(text: str) -> Source:
    """Inverse of :meth:`Source.to_json` (used to hand a source to a crawl subprocess)."""
    data = json.loads(text)
    for key in (*_URL_LISTS, "allowed_domains"):
        data[key] = tuple(data.get(key) or ())
    return Source(**data)


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources file. Raises ConfigError with one clear line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found (pass --sources FILE)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from None
    return parse_sources(text, origin=str(path))


def parse_sources(text: str, *, origin: str = "<sources>") -> list[Source]:
    """Validate TOML text holding ``[[source]]`` entries."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{origin}: no [[source]] entries found; add at least one")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        source = _parse_entry(entry, f"{origin}: source #{index}")
        if source.name in seen:
            raise ConfigError(
                f"{origin}: source #{index} ({source.name!r}): duplicate name; names must be unique"
            )
        seen.add(source.name)
        sources.append(source)
    _schedule_defaults(data, origin)
    HealthThresholds.from_table(data.get("health"), origin=origin)  # fail at start-up
    return sources


def load_schedule_defaults(path: str | Path) -> ScheduleDefaults:
    """The sources file's ``[schedules]`` table (defaults when absent)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from None
    return parse_schedule_defaults(text, origin=str(path))


def parse_schedule_defaults(text: str, *, origin: str = "<sources>") -> ScheduleDefaults:
    """Validate the optional ``[schedules]`` table of a sources file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    return _schedule_defaults(data, origin)


def _schedule_defaults(data: dict[str, Any], origin: str) -> ScheduleDefaults:
    table = data.get("schedules", {})
    where = f"{origin}: [schedules]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table with keys {', '.join(_SCHEDULE_KEYS)}")
    unknown = sorted(set(table) - set(_SCHEDULE_KEYS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(_SCHEDULE_KEYS)}"
        )
    crons = {k: _cron(table, k, where) for k in ("mp_site", "news_site") if k in table}
    timezone = _string(table, "timezone", where, ScheduleDefaults().timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: 'timezone' {timezone!r} is not a known timezone; "
            'use an IANA name like "Europe/London"'
        ) from None
    return ScheduleDefaults(**crons, timezone=timezone)


def select_sources(sources: list[Source], names: list[str] | None, *, origin: str) -> list[Source]:
    """Keep the named sources (all when ``names`` is empty); unknown names are an error."""
    if not names:
        return sources
    known = {s.name for s in sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            f"{origin}: no source named {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    return [s for s in sources if s.name in names]


def _parse_entry(entry: Any, where: str) -> Source:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table ([[source]])")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(
            f"{where}: 'name' must be a lowercase slug like \"rosena-allin-khan\" (got {name!r})"
        )
    checked = validate_entry(entry, f"{where} ({name!r})")
    return Source(**checked.model_dump())


def _string(entry: dict[str, Any], key: str, where: str, default: str) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: '{key}' must be a non-empty string")
    return value


def _cron(entry: dict[str, Any], key: str, where: str) -> str:
    value = " ".join(_string(entry, key, where, "x").split())
    problem = cron_problem(value)
    if problem:
        raise ConfigError(f"{where}: '{key}' {problem}; {CRON_HELP}")
    return value
