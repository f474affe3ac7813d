"""The ``[health]`` table of the sources file: when a health check fails.

``HealthThresholds.from_table`` validates the table with a pydantic model (one line naming
the file and key on a mistake); ``load_thresholds`` reads it from a sources file. The checks
themselves are :mod:`pipeline.health_checks`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from mpnews.exceptions import ConfigError

__all__ = ["HealthThresholds", "load_thresholds"]

_DEFAULT_NO_NEW_POST_DAYS: Mapping[str, int] = {"mp_site": 30, "news_site": 2}


@dataclass(frozen=True, slots=True)
class HealthThresholds:
    """When a check fails. Read from the ``[health]`` table of the sources file.

    Rates are fractions (0.25 = 25%). ``no_new_post_days`` is per kind; a source's own
    ``no_new_post_days`` wins.
    """

    http_error_rate: float = 0.25
    min_requests: int = 10
    robots_blocked_rate: float = 0.5
    post_drop_ratio: float = 0.5
    median_runs: int = 5
    min_history_runs: int = 3
    rejection_rate: float = 0.5
    min_pages: int = 5
    no_new_post_days: Mapping[str, int] | None = None
    remind_after_hours: float = 24.0

    def no_new_post_limit(self, kind: str, override: int | None = None) -> int:
        """Days without a new post before ``no_new_post`` fails, for a source of ``kind``."""
        if override is not None:
            return override
        limits = self.no_new_post_days or _DEFAULT_NO_NEW_POST_DAYS
        return limits.get(kind, _DEFAULT_NO_NEW_POST_DAYS.get(kind, 30))

    @classmethod
    def from_table(cls, table: object, *, origin: str = "<sources>") -> HealthThresholds:
        """Validate a ``[health]`` table (None or missing: the defaults). Raises ConfigError."""
        if table is None:
            return cls()
        where = f"{origin}: [health]"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where} must be a table of thresholds")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(known))}"
            )
        try:
            checked = _HealthTable.model_validate(dict(table))
        except ValidationError as exc:
            cause = (exc.errors(include_url=False)[0].get("ctx") or {}).get("error")
            raise ConfigError(f"{where}: {cause or exc.errors()[0]['msg']}") from None
        return cls(**checked.model_dump(exclude_unset=True))


def load_thresholds(path: str | Path) -> HealthThresholds:
    """The ``[health]`` table of a sources file (defaults when absent). Raises ConfigError."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found (pass --sources FILE)") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from None
    return HealthThresholds.from_table(data.get("health"), origin=str(path))


class _HealthTable(BaseModel):
    """The ``[health]`` table as written: every key optional, each checked before coercion."""

    model_config = ConfigDict(extra="forbid")

    http_error_rate: float | None = None
    min_requests: int | None = None
    robots_blocked_rate: float | None = None
    post_drop_ratio: float | None = None
    median_runs: int | None = None
    min_history_runs: int | None = None
    rejection_rate: float | None = None
    min_pages: int | None = None
    no_new_post_days: dict[str, int] | None = None
    remind_after_hours: float | None = None

    @field_validator(
        "http_error_rate", "robots_blocked_rate", "post_drop_ratio", "rejection_rate", mode="before"
    )
    @classmethod
    def _rates(cls, value: object, info: ValidationInfo) -> float:
        return _rate(value, f"'{info.field_name}'")

    @field_validator("min_requests", "median_runs", "min_history_runs", "min_pages", mode="before")
    @classmethod
    def _counts(cls, value: object, info: ValidationInfo) -> int:
        return _count(value, f"'{info.field_name}'")

    @field_validator("remind_after_hours", mode="before")
    @classmethod
    def _hours(cls, value: object, info: ValidationInfo) -> float:
        return _hours(value, f"'{info.field_name}'")

    @field_validator("no_new_post_days", mode="before")
    @classmethod
    def _days(cls, value: object, info: ValidationInfo) -> Mapping[str, int]:
        return _days_by_kind(value, f"'{info.field_name}'")


def _rate(value: object, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{label} must be a fraction between 0 and 1 (e.g. 0.25)")
    return float(value)


def _count(value: object, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{label} must be a positive whole number")
    return value


def _hours(value: object, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{label} must be a positive number of hours")
    return float(value)


def _days_by_kind(value: object, label: str) -> Mapping[str, int]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{label} must be a table like {{ mp_site = 30, news_site = 2 }}")
    unknown = sorted(set(value) - set(_DEFAULT_NO_NEW_POST_DAYS))
    if unknown:
        raise ValueError(f"{label}: unknown kind {unknown[0]!r}; use mp_site or news_site")
    given = {kind: _count(days, f"{label}.{kind}") for kind, days in value.items()}
    return {**_DEFAULT_NO_NEW_POST_DAYS, **given}
