"""Data apart from code: archives, state, reports and Prefect's home never in a package folder."""

from __future__ import annotations

from pathlib import Path

from mpnews.settings import DEFAULT_WAREHOUSE, Settings, default_data_dir, prefect_environment
from warehouse.snapshot import working_path

ROOT = Path(__file__).parents[1]


def test_the_default_warehouse_keeps_its_data_out_of_the_package_folder() -> None:
    warehouse = ROOT / DEFAULT_WAREHOUSE
    assert (warehouse.parent / "__init__.py").is_file()  # warehouse/ is a source package
    settings = Settings(warehouse=warehouse)
    assert settings.home == ROOT / "data"
    assert settings.archive_dir == ROOT / "data" / "archive"
    assert settings.state_dir == ROOT / "data" / ".mpnews"
    assert working_path(warehouse) == ROOT / "data" / ".mpnews" / "mpnews.work.duckdb"
    prefect_home = Path(prefect_environment(settings)["PREFECT_HOME"])
    assert prefect_home == (ROOT / "data" / ".mpnews" / "prefect").resolve()


def test_a_warehouse_elsewhere_keeps_its_data_beside_it(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "mpnews.duckdb"
    assert default_data_dir(warehouse) == tmp_path / "wh"
    assert Settings(warehouse=warehouse).archive_dir == tmp_path / "wh" / "archive"
    assert working_path(warehouse) == tmp_path / "wh" / ".mpnews" / "mpnews.work.duckdb"


def test_mpnews_data_dir_moves_archive_state_and_prefect(tmp_path: Path) -> None:
    env = {"MPNEWS_WAREHOUSE": str(ROOT / DEFAULT_WAREHOUSE), "MPNEWS_DATA_DIR": str(tmp_path)}
    settings = Settings.from_env(env)
    assert settings.warehouse == ROOT / DEFAULT_WAREHOUSE  # the analysts' file stays put
    assert settings.archive_dir == tmp_path / "archive"
    assert settings.state_dir == tmp_path / ".mpnews"
    assert prefect_environment(settings)["PREFECT_HOME"] == str(tmp_path / ".mpnews" / "prefect")
