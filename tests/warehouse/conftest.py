"""Fixtures for warehouse tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """The published warehouse file analysts would open (not created yet)."""
    return tmp_path / "warehouse" / "mpnews.duckdb"
