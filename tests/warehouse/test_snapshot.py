"""Analysts read a published snapshot; loads write a working file and never wait on readers."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import duckdb
import pytest
from wh_builders import at, post_row, run_record

import warehouse.snapshot as snapshot
from warehouse.db import OFFLINE_CONFIG
from warehouse.load import load_run
from warehouse.migrate import migrations
from warehouse.search import index_is_current
from warehouse.snapshot import reader, working_path, writer


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM posts").fetchone()
    assert row is not None
    return int(row[0])


def _load(path: Path, run_id: str, *post_ids: str) -> None:
    posts = [post_row(p, run_id, seen_at=at(1)) for p in post_ids]
    load_run(path, run=run_record(run_id), posts=posts)


def test_reader_creates_a_migrated_empty_warehouse_when_missing(warehouse: Path) -> None:
    con = reader(warehouse)
    try:
        assert _count(con) == 0
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone() == (
            len(migrations()),
        )
    finally:
        con.close()
    assert warehouse.is_file()
    assert working_path(warehouse).is_file()


def test_reader_is_read_only(warehouse: Path) -> None:
    con = reader(warehouse)
    try:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM posts")
    finally:
        con.close()


def test_open_analysts_never_block_loads(warehouse: Path) -> None:
    _load(warehouse, "r1", "a")
    analyst = reader(warehouse)
    plain = duckdb.connect(str(warehouse), read_only=True, config=OFFLINE_CONFIG)
    try:
        assert _count(analyst) == _count(plain) == 1
        _load(warehouse, "r2", "b")
        _load(warehouse, "r3", "c")
        assert _count(analyst) == 1  # still its old view, no error
        assert _count(plain) == 1
        fresh = reader(warehouse)
        try:
            assert _count(fresh) == 3
        finally:
            fresh.close()
    finally:
        analyst.close()
        plain.close()
    with duckdb.connect(str(warehouse), read_only=True, config=OFFLINE_CONFIG) as con:
        assert _count(con) == 3


def test_a_failed_writer_publishes_nothing(warehouse: Path) -> None:
    _load(warehouse, "r1", "a")
    with pytest.raises(RuntimeError), writer(warehouse) as con:
        con.execute("DELETE FROM posts")
        raise RuntimeError("boom")
    con = reader(warehouse)
    try:
        assert _count(con) == 1
    finally:
        con.close()


def test_a_copied_warehouse_seeds_a_missing_working_file(warehouse: Path) -> None:
    _load(warehouse, "r1", "a")
    shutil.rmtree(working_path(warehouse).parent)
    _load(warehouse, "r2", "b")
    con = reader(warehouse)
    try:
        assert _count(con) == 2
    finally:
        con.close()


def test_parallel_loads_wait_their_turn(warehouse: Path) -> None:
    runs = [(f"r{i}", f"p{i}") for i in range(6)]
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        list(pool.map(lambda r: _load(warehouse, *r), runs))
    con = reader(warehouse)
    try:
        assert _count(con) == len(runs)
        assert con.execute("SELECT count(*) FROM crawl_runs").fetchone() == (len(runs),)
    finally:
        con.close()


def test_publish_once_publishes_a_whole_run_once_at_its_end(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(warehouse, "r1", "a")
    published: list[Path] = []
    real = snapshot._publish
    monkeypatch.setattr(snapshot, "_publish", lambda w, p: (published.append(p), real(w, p)))
    with snapshot.publish_once(warehouse):
        _load(warehouse, "r2", "b")
        _load(warehouse, "r3", "c")
        with snapshot.current(warehouse) as newest:  # the run's own reads see its loads
            assert _count(newest) == 3
        analyst = reader(warehouse)
        try:
            assert _count(analyst) == 1  # analysts keep the last published snapshot
        finally:
            analyst.close()
        assert published == []
    assert published == [warehouse]
    after = reader(warehouse)
    try:
        assert _count(after) == 3
        assert index_is_current(after)  # published with its search index
    finally:
        after.close()


def test_publish_once_without_loads_publishes_nothing(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(warehouse, "r1", "a")
    published: list[Path] = []
    monkeypatch.setattr(snapshot, "_publish", lambda w, p: published.append(p))
    with snapshot.publish_once(warehouse), snapshot.current(warehouse) as con:
        assert _count(con) == 1
    assert published == []


def test_publish_once_still_publishes_what_loaded_before_an_error(warehouse: Path) -> None:
    with pytest.raises(RuntimeError), snapshot.publish_once(warehouse):
        _load(warehouse, "r1", "a")
        raise RuntimeError("the run broke after one load")
    con = reader(warehouse)
    try:
        assert _count(con) == 1
    finally:
        con.close()


def test_publish_once_opens_the_working_file_once_for_many_loads(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loads from many threads share one open database; a load that fails is rolled back
    and the file reopened; the loads around it all land in the one publish."""
    _load(warehouse, "r0", "z")
    opened: list[Path] = []
    real_connect = snapshot.connect
    monkeypatch.setattr(
        snapshot, "connect", lambda path, **kw: (opened.append(path), real_connect(path, **kw))[1]
    )
    runs = [(f"r{i}", f"p{i}") for i in range(1, 9)]
    with snapshot.publish_once(warehouse):
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda r: _load(warehouse, *r), runs))
        assert len(opened) == 1
        with pytest.raises(RuntimeError), writer(warehouse) as con:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM posts")
            raise RuntimeError("a load broke half-way")
        _load(warehouse, "r9", "p9")  # the file is opened again, the delete rolled back
        assert len(opened) == 2
    with closing(reader(warehouse)) as con:
        assert _count(con) == 10


def test_a_run_closes_its_working_file_when_duckdb_holds_too_much_for_it(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    real_connect = snapshot.connect
    monkeypatch.setattr(
        snapshot, "connect", lambda path, **kw: (opened.append(path), real_connect(path, **kw))[1]
    )
    monkeypatch.setattr(snapshot, "_SESSION_MEMORY", 0)  # any cached block is too much
    with snapshot.publish_once(warehouse):
        for n in range(3):
            _load(warehouse, f"r{n}", f"p{n}")
    assert len(opened) == 4  # each load opened it again, and so did the publish
    with closing(reader(warehouse)) as con:
        assert _count(con) == 3
