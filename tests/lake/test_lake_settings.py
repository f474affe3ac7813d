"""Choosing the shared warehouse: MPNEWS_LAKE, --warehouse ducklake:..., MPNEWS_ARCHIVE."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpnews.cli import main
from mpnews.exceptions import ConfigError
from mpnews.settings import Settings

CATALOG = "postgres:dbname=mpnews_lake host=127.0.0.1 user=mpnews"


def test_mpnews_lake_selects_the_lake() -> None:
    settings = Settings.from_env({"MPNEWS_LAKE": CATALOG, "MPNEWS_ARCHIVE": "/shared/archive"})
    assert settings.is_lake
    assert settings.location == f"ducklake:{CATALOG}"
    assert settings.archive_dir == Path("/shared/archive")
    assert settings.state_dir == Path("/shared/.mpnews")


def test_the_warehouse_file_wins_over_the_lake() -> None:
    settings = Settings.from_env({"MPNEWS_LAKE": CATALOG, "MPNEWS_WAREHOUSE": "w/x.duckdb"})
    assert not settings.is_lake
    assert settings.archive_dir == Path("w/archive")


def test_a_url_is_refused_in_one_line() -> None:
    with pytest.raises(ConfigError, match=r"MPNEWS_LAKE=.*key=value"):
        Settings.from_env({"MPNEWS_LAKE": "postgresql://u@h/db"})


def test_lake_command_needs_a_lake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MPNEWS_LAKE", raising=False)
    assert main(["lake", "init", "--data", "x"]) == 2
    assert "no lake given" in capsys.readouterr().err


def test_unreachable_catalog_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    lake = "ducklake:postgres:dbname=nothing host=127.0.0.1 port=1 user=nobody connect_timeout=2"
    assert main(["status", "--warehouse", lake]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mpnews: error: ducklake:postgres:dbname=nothing")
    assert "cannot open DuckLake warehouse" in err
    assert len(err.splitlines()) == 1
