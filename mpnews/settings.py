"""Run settings, read once from the environment and the command line into one typed object.

Checked-in defaults; secrets (alert URLs) only from the environment; the command line wins.
Nothing deeper in the stack reads ``os.environ``: it is handed a :class:`Settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mpnews.exceptions import ConfigError

__all__ = [
    "DEFAULT_SOURCES",
    "DEFAULT_WAREHOUSE",
    "Settings",
    "default_data_dir",
    "prefect_environment",
]

DEFAULT_WAREHOUSE = Path("warehouse/mpnews.duckdb")
DEFAULT_SOURCES = Path("sources.toml")
DEFAULT_CONTACT = "https://github.com/mpnews/mpnews"
LAKE_PREFIX = "ducklake:"
DEFAULT_MEMBERS_API = "https://members-api.parliament.uk"
DEFAULT_RUN_WAIT = 21600  # seconds a run waits for another run on the same warehouse


def default_data_dir(warehouse: Path) -> Path:
    """Where the data of ``warehouse`` lives when ``MPNEWS_DATA_DIR`` is not set.

    Beside the warehouse file, unless that folder is a Python package (the repository's own
    ``warehouse/``, which holds the default ``warehouse/mpnews.duckdb``): then ``data/`` next
    to it, so archives, state and reports never pile up among source files.
    """
    folder = warehouse.parent
    if (folder / "__init__.py").is_file():
        return folder.parent / "data"
    return folder


@dataclass(frozen=True, slots=True)
class Settings:
    """Where things live and how a run behaves. Data sits in :attr:`home`."""

    warehouse: Path = DEFAULT_WAREHOUSE
    sources: Path = DEFAULT_SOURCES
    alert_webhook: str | None = None
    alert_urls: tuple[str, ...] = ()
    contact_url: str = DEFAULT_CONTACT
    workers: int = 0
    crawl_timeout: int = 3600
    crawl_delay: float | None = None
    progress_every: float = 30.0  # seconds between progress lines when not in a terminal
    data_dir: Path | None = None
    archive: Path | None = None
    members_api: str = DEFAULT_MEMBERS_API
    allow_private_addresses: bool = False  # crawl private/loopback addresses beyond a source's own
    run_wait: int = DEFAULT_RUN_WAIT
    min_free_mib: int = 64  # a run refuses to start with less free space in its folders

    @property
    def is_lake(self) -> bool:
        """Whether the warehouse is a shared DuckLake (``ducklake:...``), not a file."""
        return str(self.warehouse).startswith(LAKE_PREFIX)

    @property
    def location(self) -> str:
        """The warehouse as other processes should be told it: an absolute file path, or
        the DuckLake location as given."""
        return str(self.warehouse) if self.is_lake else str(self.warehouse.resolve())

    @property
    def home(self) -> Path:
        """The folder holding the WARC archive, run state, Prefect's home and reports:
        ``MPNEWS_DATA_DIR``; else, for a DuckLake warehouse, the folder holding the archive
        (``MPNEWS_ARCHIVE``, normally on the shared path every worker mounts) or the working
        directory; else :func:`default_data_dir` of the warehouse file."""
        if self.data_dir is not None:
            return self.data_dir
        if self.is_lake:
            return self.archive.parent if self.archive is not None else Path(".")
        return default_data_dir(self.warehouse)

    @property
    def archive_dir(self) -> Path:
        return self.archive if self.archive is not None else self.home / "archive"

    @property
    def state_dir(self) -> Path:
        return self.home / ".mpnews"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``MPNEWS_*`` environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        settings = cls(
            warehouse=_warehouse(env),
            sources=Path(env.get("MPNEWS_SOURCES") or DEFAULT_SOURCES),
            alert_webhook=env.get("MPNEWS_ALERT_WEBHOOK") or None,
            alert_urls=tuple(u for u in (env.get("MPNEWS_ALERT_URLS") or "").split() if u),
            contact_url=env.get("MPNEWS_CONTACT_URL") or DEFAULT_CONTACT,
            workers=_int(env, "MPNEWS_WORKERS", 0),
            crawl_timeout=_int(env, "MPNEWS_CRAWL_TIMEOUT", 3600),
            crawl_delay=_float(env, "MPNEWS_CRAWL_DELAY"),
            progress_every=_float(env, "MPNEWS_PROGRESS_SECONDS") or 30.0,
            data_dir=Path(env["MPNEWS_DATA_DIR"]) if env.get("MPNEWS_DATA_DIR") else None,
            archive=Path(env["MPNEWS_ARCHIVE"]) if env.get("MPNEWS_ARCHIVE") else None,
            members_api=env.get("MPNEWS_MEMBERS_API") or DEFAULT_MEMBERS_API,
            allow_private_addresses=_flag(env, "MPNEWS_ALLOW_PRIVATE_ADDRESSES"),
            run_wait=_int(env, "MPNEWS_RUN_WAIT", DEFAULT_RUN_WAIT),
            min_free_mib=_int(env, "MPNEWS_MIN_FREE_MIB", 64),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given)  # type: ignore[arg-type]


def prefect_environment(settings: Settings) -> dict[str, str]:
    """Environment defaults that keep Prefect local, offline and patient on small machines.

    Applied with ``setdefault`` before Prefect is imported, so a data team's own Prefect
    configuration (``PREFECT_API_URL`` for a server, another ``PREFECT_HOME``) still wins.
    """
    return {
        "PREFECT_HOME": str((settings.state_dir / "prefect").resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_CLI_PROMPT": "false",
    }


def _warehouse(env: Mapping[str, str]) -> Path:
    """``MPNEWS_WAREHOUSE``, else the DuckLake named by ``MPNEWS_LAKE``, else the default."""
    if env.get("MPNEWS_WAREHOUSE"):
        return Path(env["MPNEWS_WAREHOUSE"])
    lake = env.get("MPNEWS_LAKE") or ""
    if not lake:
        return DEFAULT_WAREHOUSE
    if "//" in lake:
        raise ConfigError(
            f"environment: MPNEWS_LAKE={lake!r}: give the catalog as key=value pairs "
            "(postgres:dbname=mpnews_lake host=db user=mpnews), not a URL"
        )
    return Path(lake if lake.startswith(LAKE_PREFIX) else LAKE_PREFIX + lake)


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"environment: {key}={raw!r} is not a whole number") from None
    if value < 0:
        raise ConfigError(f"environment: {key} must be 0 or more")
    return value


def _float(env: Mapping[str, str], key: str) -> float | None:
    raw = env.get(key)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"environment: {key}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise ConfigError(f"environment: {key} must be 0 or more")
    return value


def _flag(env: Mapping[str, str], key: str) -> bool:
    raw = (env.get(key) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"environment: {key}={raw!r}: use 1 (yes) or 0 (no)")
