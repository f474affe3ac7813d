"""A damaged warehouse file is found before a run, named with its fix, and set aside."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from file_damage import corrupt, truncate
from wh_builders import post_row, run_record

from mpnews.exceptions import WarehouseDamagedError
from warehouse.integrity import ensure_whole, find_damage, set_aside
from warehouse.load import load_run
from warehouse.runlock import exclusive_run
from warehouse.snapshot import reader, working_path


def _build(path: Path, posts: int = 3) -> None:
    load_run(path, run=run_record("r1"), posts=[post_row(f"p{n}") for n in range(posts)])


def _count(path: Path) -> int:
    with reader(path) as con:
        row = con.execute("SELECT count(*) FROM posts").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("damage", [truncate, corrupt])
def test_damage_is_found_and_named_with_the_fix(
    warehouse: Path, damage: Callable[[Path], None]
) -> None:
    _build(warehouse)
    assert find_damage(warehouse) is None
    damage(warehouse)
    reason = find_damage(warehouse)
    assert reason and "\n" not in reason
    with pytest.raises(WarehouseDamagedError) as raised:
        ensure_whole(warehouse)
    message = str(raised.value)
    assert message.startswith(f"warehouse file {warehouse} is damaged ({reason})")
    assert message.endswith("rebuild it from the archive with `mpnews reprocess`")
    assert "\n" not in message and raised.value.exit_code == 2


def test_nothing_to_check_is_not_damage(warehouse: Path, tmp_path: Path) -> None:
    assert find_damage(tmp_path / "missing.duckdb") is None
    assert find_damage("ducklake:postgres:dbname=nowhere") is None
    _build(warehouse)
    with duckdb.connect(str(working_path(warehouse))):  # a loader holds it open
        assert find_damage(working_path(warehouse)) is None


def test_set_aside_renames_the_file_and_its_log(warehouse: Path) -> None:
    _build(warehouse)
    wal = warehouse.with_name(f"{warehouse.name}.wal")
    wal.write_bytes(b"stale log")
    aside = set_aside(warehouse, now=datetime(2026, 12, 4, 13, 5, 9, tzinfo=UTC))
    assert aside == warehouse.with_name("mpnews.duckdb.damaged-20261204T130509Z")
    assert aside.is_file() and not warehouse.exists() and not wal.exists()
    assert aside.with_name(f"{aside.name}.wal").read_bytes() == b"stale log"


def test_a_damaged_working_copy_is_set_aside_and_seeded_again(warehouse: Path) -> None:
    _build(warehouse)
    work = working_path(warehouse)
    corrupt(work)
    with exclusive_run(warehouse, wait=0, report=pytest.fail):
        assert not work.exists()
        load_run(warehouse, run=run_record("r2"), posts=[post_row("p9", "r2")])
    assert _count(warehouse) == 4
    assert find_damage(work) is None
    assert len(list(work.parent.glob(f"{work.name}.damaged-*"))) == 1


def test_a_damaged_published_file_stops_a_run_but_a_rebuild_sets_it_aside(
    warehouse: Path,
) -> None:
    _build(warehouse)
    truncate(warehouse)
    damaged = warehouse.read_bytes()
    with pytest.raises(WarehouseDamagedError), exclusive_run(warehouse, wait=0):
        pytest.fail("a run started on a damaged file")
    assert warehouse.read_bytes() == damaged  # left as found
    lines: list[str] = []
    with exclusive_run(warehouse, wait=0, rebuild=True, report=lines.append):
        assert not warehouse.exists()
    [aside] = warehouse.parent.glob("mpnews.duckdb.damaged-*")
    assert aside.read_bytes() == damaged
    assert len(lines) == 1 and lines[0].startswith(
        f"mpnews: set aside damaged warehouse file {warehouse} as {aside.name} ("
    )
    assert os.path.getsize(aside) > 0
