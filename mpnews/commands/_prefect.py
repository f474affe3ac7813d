"""Start Prefect the way mpnews needs it: local, offline, with its home in the data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mpnews.exceptions import OrchestratorError
from mpnews.settings import Settings, prefect_environment

__all__ = ["prefect_unavailable_as_error", "prepare_prefect"]

_STARTUP_FAILURE = "ephemeral Prefect API server"
_UNREACHABLE = "Failed to reach API at"


def prepare_prefect(settings: Settings) -> None:
    """Set Prefect's environment defaults before Prefect is imported (user settings win)."""
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
    # Prefect's local API keeps its database under PREFECT_HOME and cannot start without it.
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)


@contextmanager
def prefect_unavailable_as_error() -> Iterator[None]:
    """Turn Prefect's "could not start or reach its API" failure into one clear line."""
    try:
        yield
    except RuntimeError as exc:
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
