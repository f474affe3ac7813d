"""connect(): offline, parent directory created, clear errors naming the file; fts loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mpnews.exceptions import WarehouseError
from warehouse.db import connect, load_fts

_HOLD_LOCK = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "sys.stdin.read()\n"
)


def test_connect_creates_the_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "w.duckdb"
    con = connect(path)
    con.close()
    assert path.is_file()


def test_connect_is_offline_and_utc(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        settings = con.execute(
            "SELECT current_setting('autoinstall_known_extensions'), "
            "current_setting('autoload_known_extensions'), current_setting('TimeZone')"
        ).fetchone()
    finally:
        con.close()
    assert settings == (False, False, "UTC")


def test_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"not a database " * 1000)
    with pytest.raises(WarehouseError, match=r"w\.duckdb: not a readable DuckDB warehouse"):
        connect(path)
    with pytest.raises(WarehouseError, match=r"w\.duckdb: not a readable DuckDB warehouse"):
        connect(path, read_only=True)


def test_a_missing_file_read_only_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="warehouse file not found"):
        connect(tmp_path / "none.duckdb", read_only=True)


def test_a_file_locked_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseError, match=r"w\.duckdb: warehouse file is locked"):
            connect(path)
    finally:
        holder.communicate("")
    assert holder.returncode == 0


def test_fts_loads_from_the_package_and_searches(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        load_fts(con)
        con.execute("CREATE TABLE docs (id VARCHAR, body VARCHAR)")
        con.execute("INSERT INTO docs VALUES ('1', 'hospital waiting lists'), ('2', 'bus routes')")
        con.execute("PRAGMA create_fts_index('docs', 'id', 'body')")
        hits = con.execute(
            "SELECT id FROM (SELECT id, fts_main_docs.match_bm25(id, 'hospital') AS score "
            "FROM docs) WHERE score IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    assert hits == [("1",)]
