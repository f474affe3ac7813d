"""Two runs at once on one warehouse: two real ``mpnews crawl`` processes started together.

The first crawl is held mid-crawl (a page of its site is served only once the second is seen
waiting), so the runs truly overlap: the second waits its turn with one line, then runs; both
finish, and the warehouse holds each post once. A third crawl started meanwhile with a
one-second ``MPNEWS_RUN_WAIT`` gives up with one line and changes nothing.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from fault_server import FaultServer
from fault_sites import post_path, sources_entry
from warehouse_runs import Command, blog, hold_run_lock, posts, start, wait_until

from warehouse.integrity import find_damage
from warehouse.runlock import holder

TITLES = {
    "first-post": "The first post, held back",
    "second-post": "The second post",
    "third-post": "The third post",
}
_WAITING = "mpnews: waiting: another run holds warehouse "


@dataclass
class TwoRuns:
    warehouse: Path
    first: Command
    second: Command
    impatient: Command
    origin: str


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    home = tmp_path_factory.mktemp("two-runs")
    gate = threading.Event()
    site = blog("two-runs", TITLES, gate)
    with FaultServer(site.routes, max_requests=200) as server:
        sources = home / "sources.toml"
        sources.write_text(sources_entry(site, server.origin), encoding="utf-8")
        warehouse = home / "mpnews.duckdb"
        crawl = ("crawl", "--sources", str(sources), "--warehouse", str(warehouse))
        try:
            first = start("first", home, *crawl)
            held = post_path("first-post")
            wait_until(lambda: held in server.paths(), "the first crawl to reach its page")
            second = start("second", home, *crawl)
            impatient = start("impatient", home, *crawl, env={"MPNEWS_RUN_WAIT": "1"})
            wait_until(lambda: _WAITING in second.stderr(), "the second crawl to wait")
            impatient.wait(timeout=120)  # it gives up while the first still holds the lock
        finally:
            gate.set()
        first.wait()
        second.wait()
        yield TwoRuns(warehouse, first, second, impatient, server.origin)


def test_two_crawls_at_once_both_finish_and_store_each_post_once(two_runs: TwoRuns) -> None:
    assert (two_runs.first.exit_code, two_runs.second.exit_code) == (0, 0)
    stored = posts(two_runs.warehouse)
    expected = sorted(
        (f"{two_runs.origin}{post_path(slug)}", title) for slug, title in TITLES.items()
    )
    assert stored == expected  # what a single run stores, none doubled
    with duckdb.connect(str(two_runs.warehouse), read_only=True) as con:
        runs = con.execute("SELECT DISTINCT run_id, status FROM crawl_runs").fetchall()
        sightings = con.execute("SELECT count(*) FROM post_sightings").fetchone()
    assert sorted(status for _, status in runs) == ["succeeded", "succeeded"]
    assert sightings == (len(TITLES),)
    assert find_damage(two_runs.warehouse) is None


def test_the_second_run_waits_its_turn_with_one_line(two_runs: TwoRuns) -> None:
    lines = two_runs.second.stderr().splitlines()
    waiting = [line for line in lines if line.startswith("mpnews: waiting:")]
    assert len(waiting) == 1
    assert waiting[0].startswith(f"{_WAITING}{two_runs.warehouse} (pid {two_runs.first.pid}, ")
    assert waiting[0].endswith("; waiting up to 21600s")
    assert lines.index(waiting[0]) == 0  # before Prefect or the crawl said anything
    for run in (two_runs.first, two_runs.second):
        assert "Traceback" not in run.stderr() + run.stdout()
    assert _WAITING not in two_runs.first.stderr()
    assert holder(two_runs.warehouse) is None  # nobody holds it now


def test_a_run_that_waits_too_long_gives_up_with_one_line_and_changes_nothing(
    two_runs: TwoRuns,
) -> None:
    impatient = two_runs.impatient
    assert impatient.exit_code not in (0, None)
    lines = impatient.stderr().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(_WAITING) and lines[0].endswith("; waiting up to 1s")
    assert lines[1].startswith(
        f"mpnews: error: another run (pid {two_runs.first.pid}, since "
    ) and lines[1].endswith("or raise MPNEWS_RUN_WAIT")
    assert impatient.stdout() == ""
    with duckdb.connect(str(two_runs.warehouse), read_only=True) as con:
        runs = con.execute("SELECT count(DISTINCT run_id) FROM crawl_runs").fetchone()
    assert runs == (2,)  # only the two runs that waited their turn
    assert find_damage(two_runs.warehouse) is None


class _Watch(io.StringIO):
    """stderr that opens ``release`` as soon as the waiting line is written."""

    def __init__(self, release: Path) -> None:
        super().__init__()
        self.release = release

    def write(self, text: str) -> int:
        if _WAITING in text:
            self.release.touch()
        return super().write(text)


def test_a_scheduled_run_waits_for_the_run_in_progress(
    tmp_path: Path, prefect_harness: None
) -> None:
    """The crawl flow itself (what ``mpnews serve`` runs) takes its turn too."""
    from flows.crawl import crawl_flow

    site = blog("scheduled", {"only-post": "The only post"})
    warehouse, release = tmp_path / "mpnews.duckdb", tmp_path / "release"
    with FaultServer(site.routes, max_requests=50) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(sources_entry(site, server.origin), encoding="utf-8")
        with hold_run_lock(warehouse, release) as other:
            err = _Watch(release)
            with contextlib.redirect_stderr(err):
                [result] = crawl_flow(str(sources), str(warehouse))
            assert other.wait(timeout=60) == 0
    waiting = [line for line in err.getvalue().splitlines() if _WAITING in line]
    assert len(waiting) == 1
    assert waiting[0].startswith(f"{_WAITING}{warehouse} (pid {other.pid}, since ")
    assert result["status"] == "succeeded"
    assert [title for _, title in posts(warehouse)] == ["The only post"]
