"""Thirty sites on thirty loopback hosts, crawled in ONE run by ONE crawler process: every post
of every live site is stored, the one dead site fails alone, and the snapshot is published once."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

import spiders.process
import warehouse.snapshot
from mpnews.cli import main
from mpnews.samples.many import serve_many

SITES, POSTS, DEAD = 30, 3, 7


@dataclass
class ManyRun:
    code: int
    warehouse: Path
    hits: dict[str, int]
    names: list[str]
    dead: str
    crawler_processes: list[list[str]]
    publishes: int


@pytest.fixture(scope="module")
def many_run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> ManyRun:
    home = tmp_path_factory.mktemp("many")
    warehouse_file = home / "wh" / "mpnews.duckdb"
    started: list[list[str]] = []
    publishes: list[Path] = []
    real_popen, real_publish = subprocess.Popen, warehouse.snapshot._publish

    def popen(command: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(list(command))
        return real_popen(command, **kwargs)

    def publish(work: Path, published: Path) -> None:
        publishes.append(published)
        real_publish(work, published)

    with (
        pytest.MonkeyPatch.context() as patch,
        serve_many(SITES, POSTS, dead={DEAD}, per_page=2) as sites,
    ):
        patch.setattr(spiders.process.subprocess, "Popen", popen)
        patch.setattr(warehouse.snapshot, "_publish", publish)
        sources = home / "sources.toml"
        sources.write_text(sites.sources_toml(), encoding="utf-8")
        code = main(["crawl", "--sources", str(sources), "--warehouse", str(warehouse_file)])
        hits = sites.hits
    return ManyRun(
        code,
        warehouse_file,
        hits,
        [s.name for s in sites.specs],
        sites.specs[DEAD].name,
        [c for c in started if "spiders.run" in c],
        len(publishes),
    )


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_one_crawler_process_crawls_every_source(many_run: ManyRun) -> None:
    assert len(many_run.crawler_processes) == 1
    (command,) = many_run.crawler_processes
    plan = json.loads(Path(command[command.index("--plan") + 1]).read_text(encoding="utf-8"))
    assert len(plan["sources"]) == SITES
    assert sorted(many_run.hits) == sorted(set(many_run.names) - {many_run.dead})


def test_every_post_of_every_live_site_is_stored(many_run: ManyRun) -> None:
    per_source = dict(
        _rows(many_run.warehouse, "SELECT source, count(*) FROM posts GROUP BY source")
    )
    assert per_source == {n: POSTS for n in many_run.names if n != many_run.dead}


def test_the_dead_site_fails_alone(many_run: ManyRun) -> None:
    assert many_run.code == 1
    runs = _rows(many_run.warehouse, "SELECT source, status, error, posts_found FROM crawl_runs")
    assert len(runs) == SITES
    failed = [r for r in runs if r[1] == "failed"]
    assert [(r[0], "unreachable" in r[2]) for r in failed] == [(many_run.dead, True)]
    assert all(r[3] == POSTS for r in runs if r[1] == "succeeded")


def test_each_source_has_its_own_archive(many_run: ManyRun) -> None:
    (run_id,) = _rows(many_run.warehouse, "SELECT DISTINCT run_id FROM crawl_runs")[0]
    archive = many_run.warehouse.parent / "archive"
    for name in many_run.names:  # the dead site's archive is there too, with no response
        assert (archive / name / f"{run_id}.warc.gz").is_file()
    pages = _rows(many_run.warehouse, "SELECT DISTINCT source, warc_file FROM pages")
    assert len(pages) == SITES - 1 and {w for _, w in pages} == {f"{run_id}.warc.gz"}


def test_the_snapshot_is_published_once_per_run(many_run: ManyRun) -> None:
    assert many_run.publishes == 1
    (posts,) = _rows(many_run.warehouse, "SELECT count(*) FROM posts")[0]
    assert posts == (SITES - 1) * POSTS  # what was published is the whole run
