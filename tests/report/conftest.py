"""Fixtures for report tests."""

from __future__ import annotations

import pytest
from report_builders import Built, build


@pytest.fixture(scope="session")
def report_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The published warehouse analysts open, with six weeks of crawls (see report_builders)."""
    return build(tmp_path_factory.mktemp("report") / "warehouse" / "mpnews.duckdb")
