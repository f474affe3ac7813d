"""Exports partitioned by month round-trip: same row counts, same posts when read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from analyst_sample import build_sample

from mpnews.cli import main
from mpnews.exceptions import WarehouseError
from warehouse.export import export
from warehouse.snapshot import reader


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("export") / "mpnews.duckdb")


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = reader(path)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def _read(folder: Path, fmt: str) -> duckdb.DuckDBPyRelation:
    pattern = str(folder / "**" / f"*.{fmt}")
    reader_fn = "read_parquet" if fmt == "parquet" else "read_csv"
    return duckdb.sql(f"SELECT * FROM {reader_fn}('{pattern}', hive_partitioning = true)")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_row_counts_round_trip(sample: Path, tmp_path: Path, fmt: str) -> None:
    written = {t.table: t for t in export(sample, tmp_path, fmt=fmt)}
    assert {"posts", "post_sightings", "post_mps", "post_topics", "crawl_runs"} <= set(written)
    for table in ("posts", "post_sightings", "post_mps", "crawl_runs"):
        (count,) = _rows(sample, f"SELECT count(*) FROM {table}")[0]
        assert written[table].rows == count > 0
        assert len(_read(tmp_path / table, fmt).fetchall()) == count
    (topics,) = _rows(sample, "SELECT count(*) FROM (SELECT unnest(topics) FROM posts)")[0]
    assert written["post_topics"].rows == topics


def test_parquet_gives_back_the_same_posts_by_month(sample: Path, tmp_path: Path) -> None:
    export(sample, tmp_path, fmt="parquet")
    back = _read(tmp_path / "posts", "parquet")
    columns = [c for c in back.columns if c != "month"]
    got = sorted(back.select(", ".join(columns)).fetchall(), key=repr)
    assert got == _rows(sample, f"SELECT {', '.join(columns)} FROM posts")
    months = {p.name for p in (tmp_path / "posts").iterdir()}
    assert months == {"month=2020-01", "month=2020-02", "month=2024-05"}  # undated: first seen


def test_since_keeps_later_rows_and_a_post_with_its_sightings(sample: Path, tmp_path: Path) -> None:
    written = {t.table: t for t in export(sample, tmp_path, since=date(2020, 2, 1))}
    assert written["posts"].rows == written["post_sightings"].rows == 3  # care, nhs, undated
    assert "schema_migrations" not in written  # undated tables only in full exports


def test_reexport_replaces_old_partitions(sample: Path, tmp_path: Path) -> None:
    export(sample, tmp_path)
    export(sample, tmp_path, since=date(2020, 2, 1))
    assert not (tmp_path / "posts" / "month=2020-01").exists()


def test_unknown_format(sample: Path, tmp_path: Path) -> None:
    with pytest.raises(WarehouseError):
        export(sample, tmp_path, fmt="xlsx")


def test_cli(sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["export", "--warehouse", str(sample), "--format", "csv", "--out", str(out)]
    assert main([*argv, "--since", "2020-02-01"]) == 0
    assert "posts" in capsys.readouterr().out
    assert list((out / "posts").glob("month=*/*.csv"))
