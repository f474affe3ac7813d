"""Start Prefect the way mpnews needs it: local, offline, with its home in the data folder."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mpnews.alert_sinks import send_pipeline_alert
from mpnews.diskspace import check_free_space, disk_full_error, free_mib, is_disk_full
from mpnews.exceptions import DiskFullError, MpnewsError, OrchestratorError
from mpnews.settings import Settings, prefect_environment

__all__ = ["check_disk", "prefect_unavailable_as_error", "prepare_prefect"]

_STARTUP_FAILURE = "ephemeral Prefect API server"
_UNREACHABLE = "Failed to reach API at"


def prepare_prefect(settings: Settings) -> None:
    """Set Prefect's environment defaults before Prefect is imported (user settings win)."""
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
    check_disk(settings)  # before Prefect starts: its home is usually on the same disk
    logging.getLogger("prefect.flow_runs").addFilter(_own_errors_once)
    # Prefect's local API keeps its database under PREFECT_HOME and cannot start without it.
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)


def check_disk(settings: Settings) -> None:
    """Refuse to start (alerting first) when a folder the run writes to is nearly full."""
    try:
        check_free_space(_folders(settings), settings.min_free_mib)
    except DiskFullError as exc:
        _alert_disk_full(settings, exc)
        raise


def _folders(settings: Settings) -> list[Path]:
    prefect_home = Path(os.environ.get("PREFECT_HOME") or settings.state_dir / "prefect")
    return [settings.home, settings.archive_dir, prefect_home.expanduser()]


def _alert_disk_full(settings: Settings, exc: DiskFullError) -> None:
    send_pipeline_alert(settings, check="disk_full", run_id="preflight", message=str(exc))


@contextmanager
def prefect_unavailable_as_error(settings: Settings | None = None) -> Iterator[None]:
    """Turn Prefect's "could not start or reach its API" failure into one clear line (a full
    disk named as such, not as a Prefect that did not start)."""
    try:
        yield
    except DiskFullError:
        raise
    except Exception as exc:
        if is_disk_full(exc) or (_STARTUP_FAILURE in str(exc) and settings and _low(settings)):
            settings = settings or Settings.from_env()
            error = _disk_full(settings)
            _alert_disk_full(settings, error)
            raise error from None
        if not isinstance(exc, RuntimeError):
            raise
        message = str(exc)
        if _UNREACHABLE in message:
            where = message.split(_UNREACHABLE, 1)[1].strip()  # Prefect strips credentials
            raise OrchestratorError(
                f"cannot reach the Prefect API at {where} (PREFECT_API_URL): start that server, "
                "or unset PREFECT_API_URL to run with a local one"
            ) from None
        if _STARTUP_FAILURE not in message:
            raise
        timeout = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "?")
        raise OrchestratorError(
            f"the local Prefect API did not start within {timeout} s (machine busy?); "
            "retry, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or set "
            "PREFECT_API_URL to a running Prefect server"
        ) from None


def _low(settings: Settings) -> bool:
    return min(free_mib(f) for f in _folders(settings)) < settings.min_free_mib


def _disk_full(settings: Settings) -> DiskFullError:
    fullest = min(_folders(settings), key=free_mib)
    return disk_full_error(fullest, settings.min_free_mib)


def _own_errors_once(record: logging.LogRecord) -> bool:
    """Drop Prefect's traceback of a flow that stopped on one of our own errors: the command
    prints that error as its one line."""
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, MpnewsError)
