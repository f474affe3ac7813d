"""A damaged warehouse: a truncated or corrupted published file stops ``mpnews crawl`` with one
line naming the file and the fix, before Prefect starts; ``mpnews reprocess`` sets it aside and
rebuilds it from the WARC archive; a damaged working copy is set aside and rebuilt silently."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fault_server import FaultServer
from fault_sites import sources_entry
from file_damage import corrupt, truncate
from warehouse_runs import blog, posts, start

from mpnews.cli import main
from warehouse.integrity import find_damage

TITLES = {
    "budget": "Budget day in the constituency",
    "floods": "Flood defences for the valley",
    "station": "The station reopens",
}


@dataclass
class Crawled:
    home: Path  # the data folder after one good crawl: warehouse, working copy, archive
    origin: str
    posts: list[tuple[str, str]]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    home = tmp_path_factory.mktemp("damaged") / "data"
    home.mkdir()
    site = blog("valley-mp", TITLES)
    with FaultServer(site.routes, max_requests=200) as server:
        (home / "sources.toml").write_text(sources_entry(site, server.origin), encoding="utf-8")
        crawl = start("crawl", home, "crawl", *_args(home))
        assert crawl.wait() == 0, crawl.stderr()
        stored = posts(home / "mpnews.duckdb")
        assert len(stored) == len(TITLES)
        yield Crawled(home, server.origin, stored)


def _args(home: Path) -> tuple[str, ...]:
    return ("--sources", str(home / "sources.toml"), "--warehouse", str(home / "mpnews.duckdb"))


def _copy(crawled: Crawled, tmp_path: Path) -> Path:
    """A private copy of the crawled data folder (each test damages its own)."""
    home = tmp_path / "data"
    shutil.copytree(crawled.home, home, ignore=shutil.ignore_patterns("prefect", "*.lock"))
    return home


def _work(home: Path) -> Path:
    return home / ".mpnews" / "mpnews.work.duckdb"


# truncated: the published file only; corrupted: the working copy too, so that the rebuild
# has nothing whole to start from but the archive
@pytest.mark.parametrize("kind", ["truncated", "corrupted"])
def test_a_damaged_warehouse_stops_the_crawl_with_one_line_and_reprocess_rebuilds_it(
    crawled: Crawled, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _copy(crawled, tmp_path)
    warehouse = home / "mpnews.duckdb"
    if kind == "truncated":
        truncate(warehouse)
    else:
        corrupt(warehouse)
        corrupt(_work(home))
    damaged = warehouse.read_bytes()

    crawl = start("crawl", home, "crawl", *_args(home))
    assert crawl.wait() == 2
    lines = crawl.stderr().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"mpnews: error: warehouse file {warehouse} is damaged (")
    assert lines[0].endswith("); rebuild it from the archive with `mpnews reprocess`")
    assert "Traceback" not in crawl.stdout() and crawl.stdout() == ""
    assert warehouse.read_bytes() == damaged  # left as found, for the rebuild

    assert main(["status", "--warehouse", str(warehouse)]) == 2
    assert capsys.readouterr().err.splitlines() == lines

    rebuild = start("reprocess", home, "reprocess", *_args(home))
    assert rebuild.wait() == 0, rebuild.stderr()
    assert "Traceback" not in rebuild.stderr()
    [aside] = home.glob("mpnews.duckdb.damaged-*")
    assert aside.read_bytes() == damaged  # kept, never deleted
    assert f"mpnews: set aside damaged warehouse file {warehouse} as {aside.name} (" in (
        rebuild.stderr()
    )
    assert find_damage(warehouse) is None
    assert posts(warehouse) == crawled.posts  # every post is back
    if kind == "corrupted":  # nothing whole was left but the archive
        assert len(list(_work(home).parent.glob("mpnews.work.duckdb.damaged-*"))) == 1


def test_a_damaged_working_copy_is_rebuilt_from_the_published_file_silently(
    crawled: Crawled, tmp_path: Path
) -> None:
    home = _copy(crawled, tmp_path)
    corrupt(_work(home))
    crawl = start("crawl", home, "crawl", *_args(home))  # the same sites, still served
    assert crawl.wait() == 0, crawl.stderr()
    output = crawl.stderr() + crawl.stdout()
    assert "Traceback" not in output and "mpnews: " not in output and "is damaged" not in output
    assert find_damage(_work(home)) is None
    assert len(list(_work(home).parent.glob("mpnews.work.duckdb.damaged-*"))) == 1
    assert posts(home / "mpnews.duckdb") == crawled.posts  # each post once
