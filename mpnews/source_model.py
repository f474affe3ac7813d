"""One ``[[source]]`` entry of the sources file, validated by pydantic.

Each field's validator runs before pydantic's own coercion and raises the one-line problem
the data team reads (``'max_pages' must be a positive whole number``); :func:`validate_entry`
turns the first problem into a :class:`ConfigError` naming the file and the entry. Unknown
keys are refused (``extra="forbid"``) and reported first, as a typo usually explains the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cronsim import CronSim, CronSimError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mpnews.exceptions import ConfigError

__all__ = [
    "CRON_HELP",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_QUERY_VARIANTS",
    "FAMILIES",
    "KINDS",
    "KNOWN_KEYS",
    "SITES",
    "SourceEntry",
    "cron_problem",
    "validate_entry",
]

KINDS = ("mp_site", "news_site")
FAMILIES = ("auto", "weebly", "wordpress", "nationbuilder", "squarespace", "news")
SITES = ("own", "party")
#: Requests per source and run: room for thousands of posts plus their listing pages
#: (hundreds of pages of pagination, each category and month again); hitting it is recorded
#: in ``crawl_runs.budget_hit`` and raises the ``crawl_budget_hit`` alert.
DEFAULT_MAX_PAGES = 20_000
#: Link hops from a start URL, feed or sitemap (ever-deeper pagination stops here), and
#: distinct query strings per URL shape (an endless calendar stops here); see spiders/budgets.py.
DEFAULT_MAX_DEPTH = 500
DEFAULT_MAX_QUERY_VARIANTS = 50
CRON_HELP = 'use five cron fields like "0 6 * * *" (minute hour day month weekday)'


def cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a five-field cron expression, or None when it is one."""
    if len(expression.split()) != 5:
        return f"{expression!r} is not a cron expression"
    try:
        CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as exc:
        return f"{expression!r} is not a cron expression ({str(exc).lower()})"
    return None


class SourceEntry(BaseModel):
    """The fields of one entry, checked in the order a data team fixes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: str
    start_urls: tuple[str, ...] = Field(default=(), validate_default=True)  # at least one
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    mp: str | None = None
    family: str = "auto"
    allowed_domains: tuple[str, ...] = ()
    locale: str = "en-GB"
    schedule: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_query_variants: int = DEFAULT_MAX_QUERY_VARIANTS
    no_new_post_days: int | None = None
    recheck_days: int = 7
    member_id: int | None = None
    site: str = "own"

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        if value not in KINDS:
            raise ValueError(f'unknown kind {value!r}; use "mp_site" or "news_site"')
        return str(value)

    @field_validator("start_urls", "feeds", "sitemaps", mode="before")
    @classmethod
    def _urls(cls, value: Any, info: Any) -> tuple[str, ...]:
        key = info.field_name
        if isinstance(value, str):
            value = [value]
        if isinstance(value, tuple):  # the default
            value = list(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"'{key}' must be a list of URLs")
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"bad URL {url!r} in '{key}'; use an absolute http(s) URL")
        if key == "start_urls" and not value:
            raise ValueError("missing start_urls; give at least one http(s) URL")
        return tuple(value)

    @field_validator("mp", mode="before")
    @classmethod
    def _mp(cls, value: Any) -> str | None:
        return value.strip() if isinstance(value, str) and value.strip() else None

    @field_validator("family", mode="before")
    @classmethod
    def _family(cls, value: Any) -> str:
        if value not in FAMILIES:
            raise ValueError(f"unknown family {value!r}; use one of {', '.join(FAMILIES)}")
        return str(value)

    @field_validator("allowed_domains", mode="before")
    @classmethod
    def _domains(cls, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError("'allowed_domains' must be a list of host names")
        return tuple(v.lower() for v in value)

    @field_validator("locale", mode="before")
    @classmethod
    def _locale(cls, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise ValueError("'locale' must be a non-empty string")
        return value

    @field_validator("schedule", mode="before")
    @classmethod
    def _schedule(cls, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise ValueError("'schedule' must be a non-empty string")
        value = " ".join(value.split())
        problem = cron_problem(value)
        if problem:
            raise ValueError(f"'schedule' {problem}; {CRON_HELP}")
        return value

    @field_validator("site", mode="before")
    @classmethod
    def _site(cls, value: Any) -> str:
        if value not in SITES:
            raise ValueError(f'unknown site {value!r}; use "own" or "party"')
        return str(value)

    @field_validator(
        "max_pages",
        "max_depth",
        "max_query_variants",
        "no_new_post_days",
        "recheck_days",
        "member_id",
        mode="before",
    )
    @classmethod
    def _positive(cls, value: Any, info: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"'{info.field_name}' must be a positive whole number")
        return value

    @model_validator(mode="after")
    def _owner(self) -> SourceEntry:
        if self.kind == "mp_site" and self.mp is None:
            raise ValueError("kind \"mp_site\" needs 'mp' (the MP whose site it is)")
        return self


KNOWN_KEYS = frozenset(SourceEntry.model_fields)


def validate_entry(entry: dict[str, Any], where: str) -> SourceEntry:
    """The entry as a :class:`SourceEntry`; the first problem as one ConfigError line."""
    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(KNOWN_KEYS))}"
        )
    try:
        return SourceEntry.model_validate(entry)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_first_problem(exc)}") from None


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    cause = (error.get("ctx") or {}).get("error")
    if cause is not None:
        return str(cause)
    if error["type"] == "missing" and error["loc"] == ("kind",):
        return 'unknown kind None; use "mp_site" or "news_site"'
    field = ".".join(str(p) for p in error["loc"]) or "entry"
    return f"'{field}': {error['msg'].lower()}"
