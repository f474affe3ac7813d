"""Shared fixtures: offline Prefect settings, a session Prefect test harness, sample sites."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="mpnews-test-prefect-"))
for _key, _value in {
    "PREFECT_HOME": str(_PREFECT_HOME),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "MPNEWS_CRAWL_DELAY": "0",
}.items():
    os.environ[_key] = _value
for _key in ("MPNEWS_ALERT_WEBHOOK", "MPNEWS_ALERT_URLS", "MPNEWS_WAREHOUSE", "PREFECT_API_URL"):
    os.environ.pop(_key, None)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (flows run against it)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def samples() -> Iterator[object]:
    """The bundled sample sites, served on 127.0.0.1 for the whole session."""
    from mpnews.samples.server import serve_samples

    with serve_samples() as server:
        yield server
