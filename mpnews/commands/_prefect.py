"""Start Prefect the way mpnews needs it: local, offline, with its home beside the warehouse."""

from __future__ import annotations

import os

from mpnews.settings import Settings, prefect_environment

__all__ = ["prepare_prefect"]


def prepare_prefect(settings: Settings) -> None:
    """Set Prefect's environment defaults before Prefect is imported (user settings win)."""
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
