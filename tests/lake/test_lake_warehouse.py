"""The DuckLake backend: same schema as the file, idempotent loads, many writers, analysts'
snapshots, the analyst commands, and moving a warehouse file into the lake and back."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pgserver import PgServer
from wh_builders import post_row, run_record

from mpnews.cli import main
from warehouse.lake import connect_lake
from warehouse.lakesql import to_merge
from warehouse.load import load_run
from warehouse.migrate import migrations
from warehouse.snapshot import reader

_SCHEMA = """
SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_catalog = current_database() AND table_schema = 'main'
ORDER BY table_name, column_name
"""
_POSTS = "SELECT post_id, url, source, title, body, published_date, mp FROM posts ORDER BY post_id"


def _rows(location: str | Path, sql: str) -> list[tuple[Any, ...]]:
    con = reader(location)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _dump(location: str | Path, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    con = reader(location)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    finally:
        con.close()


def test_lake_has_the_files_tables_columns_and_views(lake: str, tmp_path: Path) -> None:
    file = tmp_path / "mpnews.duckdb"
    load_run(file, run=run_record())
    load_run(lake, run=run_record())
    assert _rows(lake, _SCHEMA) == _rows(file, _SCHEMA)
    versions = [m.version for m in migrations()]
    assert [r[0] for r in _rows(lake, "SELECT version FROM schema_migrations ORDER BY 1")] == (
        versions
    )


def test_a_load_twice_changes_nothing(lake: str) -> None:
    posts = [post_row("p1"), post_row("p2")]
    first = load_run(lake, run=run_record(), posts=posts)
    again = load_run(lake, run=run_record(), posts=posts)
    assert (first.posts_new, again.posts_new, again.posts_updated) == (2, 0, 0)
    assert [r[0] for r in _rows(lake, _POSTS)] == ["p1", "p2"]
    assert _rows(lake, "SELECT count(*) FROM post_sightings") == [(2,)]
    assert _rows(lake, "SELECT count(*) FROM crawl_runs") == [(1,)]


def test_loads_give_the_same_posts_as_the_file(lake: str, tmp_path: Path) -> None:
    file = tmp_path / "mpnews.duckdb"
    for where in (file, lake):
        load_run(where, run=run_record("r1"), posts=[post_row("p1"), post_row("p2")])
        load_run(
            where,
            run=run_record("r2"),
            posts=[post_row("p1", "r2", title="Edited"), post_row("p3", "r2")],
        )
    assert _rows(lake, _POSTS) == _rows(file, _POSTS)
    versions = "SELECT post_id, version, title FROM post_versions ORDER BY ALL"
    assert _rows(lake, versions) == _rows(file, versions)


def test_writers_at_once_lose_and_double_nothing(lake: str) -> None:
    """Four sources load at once, each with the same shared article: one post, 4 sightings."""
    errors: list[BaseException] = []

    def load(n: int) -> None:
        source = f"site-{n}"
        own = post_row(f"own-{n}", f"r{n}", source=source)
        shared = post_row("shared", f"r{n}", source=source, url=f"https://s{n}.example/shared")
        try:
            load_run(lake, run=run_record(f"r{n}", source=source), posts=[own, shared])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [r[0] for r in _rows(lake, _POSTS)]
    assert ids == ["own-0", "own-1", "own-2", "own-3", "shared"]
    assert _rows(lake, "SELECT count(*) FROM post_sightings WHERE post_id = 'shared'") == [(4,)]
    assert _rows(lake, "SELECT count(*) FROM crawl_runs") == [(4,)]


def test_an_analyst_reads_one_snapshot_while_loads_commit(lake: str) -> None:
    load_run(lake, run=run_record("r1"), posts=[post_row("p1")])
    analyst = connect_lake(lake, read_only=True)
    try:
        analyst.execute("BEGIN TRANSACTION")
        before = analyst.execute("SELECT count(*) FROM posts").fetchone()
        load_run(lake, run=run_record("r2"), posts=[post_row("p2", "r2")])
        during = analyst.execute("SELECT count(*) FROM posts").fetchone()
        analyst.execute("COMMIT")
        after = analyst.execute("SELECT count(*) FROM posts").fetchone()
    finally:
        analyst.close()
    assert (before, during, after) == ((1,), (1,), (2,))


def test_analysts_attach_with_plain_duckdb_read_only(lake: str) -> None:
    load_run(lake, run=run_record(), posts=[post_row("p1")])
    con = connect_lake(lake, read_only=True)
    try:
        assert con.execute("SELECT mp, posts FROM posts_per_mp_month").fetchall() == [
            ("Jo Bloggs", 1)
        ]
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM posts")
    finally:
        con.close()


def test_upserts_become_merges() -> None:
    sql = 'INSERT INTO t BY NAME SELECT * FROM s ON CONFLICT (a, "b") DO UPDATE SET x = 1'
    assert to_merge(sql) == (
        'MERGE INTO t USING (SELECT * FROM s) AS excluded ON t.a = excluded.a AND t."b" = '
        'excluded."b"\nWHEN MATCHED THEN UPDATE SET x = 1\nWHEN NOT MATCHED THEN INSERT BY NAME'
    )
    ignore = "INSERT INTO t SELECT id FROM s UNION SELECT id FROM u ON CONFLICT DO NOTHING"
    assert to_merge(ignore) == (
        "INSERT INTO t SELECT * FROM (SELECT id FROM s UNION SELECT id FROM u) "
        "EXCEPT SELECT * FROM t"
    )
    plain = "INSERT INTO t BY NAME SELECT * FROM s; DELETE FROM u"
    assert to_merge(plain) == plain


def test_file_into_the_lake_and_back(
    lake: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analyst_sample import build_sample

    file = build_sample(tmp_path / "mpnews.duckdb")
    assert main(["lake", "--warehouse", lake, "import", str(file)]) == 0
    assert main(["lake", "--warehouse", lake, "import", str(file)]) == 2  # not twice
    assert "--replace" in capsys.readouterr().err
    back = tmp_path / "back.duckdb"
    assert main(["lake", "--warehouse", lake, "export", str(back)]) == 0
    tables = ("posts", "post_sightings", "crawl_runs", "post_mps", "post_versions", "pages",
              "rejections", "health_state", "alerts", "post_fingerprints")  # fmt: skip
    dumps = [_dump(where, tables) for where in (lake, file, back)]
    assert dumps[0] == dumps[1] == dumps[2]
    assert len(dumps[0]["posts"]) > 3


def test_analyst_commands_on_the_lake(
    lake: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analyst_sample import build_sample

    file = build_sample(tmp_path / "mpnews.duckdb")
    assert main(["lake", "--warehouse", lake, "import", str(file)]) == 0
    capsys.readouterr()
    outputs = {}
    for where in (str(file), lake):
        search = ["search", "social care", "--json", "--warehouse", where]
        assert main(search) == 0
        hits = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
        status = main(["status", "--warehouse", where])
        status_out = capsys.readouterr().out
        out = tmp_path / ("lake" if where == lake else "file")
        assert main(["export", "--format", "csv", "--out", str(out), "--warehouse", where]) == 0
        capsys.readouterr()
        exported = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.csv"))
        report = tmp_path / f"{out.name}.html"
        assert main(["report", "--out", str(report), "--warehouse", where]) == 0
        capsys.readouterr()
        outputs[where] = (hits, status, status_out, exported, report.read_text().count("<svg"))
    assert hits and hits[0]["title"] == "Social Care Reform"
    assert outputs[lake] == outputs[str(file)]


def test_server_fixture_is_loopback(pg: PgServer) -> None:
    assert "host=127.0.0.1" in pg.conninfo("x")
