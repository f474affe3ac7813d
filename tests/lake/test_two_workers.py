"""Many machines, here: a real PostgreSQL, a local Prefect server, two workers as separate
processes, the sample sites split into shards across them, one DuckLake they both load.

The warehouse must hold exactly the posts a single-machine run gives, an analyst's
connection stays open and reads consistent snapshots throughout, and re-processing the
shared archive into the lake changes nothing.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster import REPO, env, prefect_server, workers

from mpnews.cli import main
from warehouse.lake import connect_lake
from warehouse.snapshot import reader

_POSTS = """
SELECT post_id, url, source, kind, title, body, published_date, mp, categories, topics
FROM posts ORDER BY post_id
"""
_RUN_SECONDS = 600


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Prefect server with the pool and the crawl-shard deployment."""
    with prefect_server(tmp_path_factory.mktemp("prefect-server")) as url:
        yield url


class Analyst:
    """Holds one read-only connection on the lake and reads it over and over."""

    def __init__(self, lake: str) -> None:
        self.con = connect_lake(lake, read_only=True)
        self.reads: list[tuple[int, int]] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop)

    def __enter__(self) -> Analyst:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.con.close()

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            try:  # one snapshot: posts and their sightings agree
                row = self.con.execute(
                    "SELECT (SELECT count(*) FROM posts), "
                    "(SELECT count(DISTINCT post_id) FROM post_sightings)"
                ).fetchone()
                assert row is not None
                self.reads.append((int(row[0]), int(row[1])))
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(exc)


def _rows(location: str | Path, sql: str) -> list[tuple[Any, ...]]:
    con = reader(location)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_two_workers_fill_one_lake_like_one_machine(
    samples: Any, prefect_harness: None, api_url: str, lake: str, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(samples.sources_toml(), encoding="utf-8")
    single = tmp_path / "single" / "mpnews.duckdb"
    assert main(["crawl", "--sources", str(sources), "--warehouse", str(single)]) == 1  # down site

    archive = tmp_path / "shared" / "archive"
    sharded = [sys.executable, "-m", "mpnews", "crawl", "--shards", "2", "--sources", str(sources)]
    with workers(2, api_url, tmp_path, MPNEWS_ARCHIVE=str(archive)), Analyst(lake) as analyst:
        crawl = subprocess.run(
            [*sharded, "--warehouse", lake],
            cwd=REPO,
            env=env(tmp_path / "client", api_url),
            capture_output=True,
            text=True,
            timeout=_RUN_SECONDS,
        )
        time.sleep(1.0)  # one more read after the last commit
    logs = [(tmp_path / f"worker-{n}.log").read_text() for n in (1, 2)]
    assert crawl.returncode == 1, crawl.stdout + crawl.stderr + "\n".join(logs)  # down site
    assert "down-mp-site" in crawl.stdout and "failed" in crawl.stdout

    # each worker ran a shard, and the lake holds exactly the single machine's posts
    assert all("submitting flow run" in log for log in logs), logs
    assert _rows(lake, _POSTS) == _rows(single, _POSTS)
    assert len(_rows(lake, _POSTS)) > 10
    runs = "SELECT source, status, posts_found FROM crawl_runs ORDER BY source"
    assert _rows(lake, runs) == _rows(single, runs)
    crawled = "SELECT DISTINCT source FROM crawl_runs ORDER BY 1"  # a failure is archived too
    assert sorted(p.name for p in archive.iterdir()) == [r[0] for r in _rows(lake, crawled)]

    # the analyst read all along, never an error, and every snapshot was consistent
    assert analyst.errors == []
    assert len(analyst.reads) >= 2
    assert all(posts == sighted for posts, sighted in analyst.reads)
    assert [p for p, _ in analyst.reads] == sorted(p for p, _ in analyst.reads)
    assert analyst.reads[-1][0] == len(_rows(single, _POSTS))

    # any machine can re-process the shared archive into the lake: nothing changes
    before = _rows(lake, _POSTS)
    argv = ["reprocess", "--warehouse", lake, "--archive", str(archive)]
    assert main(argv) == 0
    assert _rows(lake, _POSTS) == before
