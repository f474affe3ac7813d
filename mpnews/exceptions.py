"""Named errors of mpnews. Each one carries a message fit to show a user on one line."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "CrawlError",
    "DiskFullError",
    "ExtractionError",
    "MpnewsError",
    "OrchestratorError",
    "WarehouseBusyError",
    "WarehouseDamagedError",
    "WarehouseError",
]


class MpnewsError(Exception):
    """Base class for every error mpnews raises on purpose.

    ``exit_code`` is the command's exit status when it stops on this error: 2 (bad usage or
    configuration) unless a subclass says otherwise.
    """

    exit_code = 2


class ConfigError(MpnewsError):
    """A sources or settings file is missing, unreadable or invalid.

    The message names the file, the entry or key, and what to fix.
    """


class CrawlError(MpnewsError):
    """A crawl of one source could not run or finished without usable responses."""


class ExtractionError(MpnewsError):
    """A stored page could not be turned into posts (recorded as a rejection)."""


class WarehouseError(MpnewsError):
    """The warehouse could not be opened, migrated or loaded; nothing was changed."""


class OrchestratorError(MpnewsError):
    """Prefect could not be reached or started (its API server, a deployment); nothing ran."""

    exit_code = 1


class WarehouseBusyError(WarehouseError):
    """Another run held the warehouse for longer than this run would wait; nothing ran.

    Not retried: the other run is long, so the next scheduled run is the retry.
    """

    exit_code = 1


class WarehouseDamagedError(WarehouseError):
    """The warehouse file cannot be read whole (truncated, corrupted); nothing was changed.

    The message names the file and the fix (``mpnews reprocess`` rebuilds it from the archive).
    """


class DiskFullError(MpnewsError):
    """A folder mpnews writes to (data, archive, Prefect's home) has too little free space.

    The message names the folder, its free space and the fix; the published warehouse is left
    as it was, and a run with space again completes what this one could not.
    """

    exit_code = 1
