"""A full disk while archiving, loading or publishing, and before the run starts (real tmpfs).

Each test crawls a small blog into a warehouse on a few-MiB tmpfs, then runs out of space at one
point of a second run. What must hold every time: the published warehouse still opens with the
first run's posts, the run stops with one ``mpnews: error: disk full: ...`` line, one
``disk_full`` alert reaches the webhook receiver, and with space again the next run stores
everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fault_server import FaultServer
from small_disk import SmallDisk, small_disk
from small_sites import BigPostSite, crawl

from mpnews.receiver import WebhookReceiver

DISK_MIB = 48
MIN_FREE_MIB = 4
OLD = ["First post", "Second post"]


@dataclass
class World:
    disk: SmallDisk
    site: BigPostSite
    receiver: WebhookReceiver
    sources: Path

    @property
    def warehouse(self) -> Path:
        return self.disk.root / "mpnews.duckdb"

    def crawl(self) -> tuple[int, list[str]]:
        self.receiver.received.clear()
        return crawl(self.sources, self.warehouse)

    def published_titles(self) -> list[str]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            rows = con.execute("SELECT title FROM posts ORDER BY title").fetchall()
        return [title for (title,) in rows]


@pytest.fixture
def world(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    with (
        small_disk(tmp_path / "disk", DISK_MIB) as disk,
        FaultServer({}, max_requests=200) as server,
        WebhookReceiver() as receiver,
    ):
        site = BigPostSite(server)
        site.add("first", OLD[0])
        site.add("second", OLD[1])
        sources = tmp_path / "sources.toml"
        sources.write_text(site.entry("small-blog"), encoding="utf-8")
        monkeypatch.setenv("MPNEWS_ALERT_WEBHOOK", receiver.url)
        monkeypatch.setenv("MPNEWS_MIN_FREE_MIB", str(MIN_FREE_MIB))
        world = World(disk, site, receiver, sources)
        code, lines = world.crawl()
        assert code == 0, lines
        assert world.published_titles() == sorted(OLD)
        yield world


def _after_full_disk(world: World, code: int, lines: list[str]) -> None:
    """What every full disk leaves: the old snapshot, one line, one alert; then a good run."""
    assert code == 1
    errors = [line for line in lines if line.startswith("mpnews: error:")]
    assert len(errors) == 1 and errors[0].startswith("mpnews: error: disk full: "), lines
    assert str(world.disk.root) in errors[0] and "MiB free" in errors[0]
    assert "MPNEWS_DATA_DIR" in errors[0]
    assert not any("Traceback" in line for line in lines)
    assert world.published_titles() == sorted(OLD)
    events = [a.get("event") for a in world.receiver.received]
    assert events == ["disk_full"], world.receiver.received
    world.disk.make_room()
    code, lines = world.crawl()
    assert code == 0, lines
    assert world.published_titles() == sorted([*OLD, *NEW])
    assert world.receiver.received == []


NEW = ["Third post", "Fourth post"]


def _add_new_posts(world: World, pad_mib: float = 0) -> None:
    world.site.add("third", NEW[0], pad_mib=pad_mib)
    world.site.add("fourth", NEW[1])


def _filling_first(fill: Callable[[], None], original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        fill()
        return original(*args, **kwargs)

    return wrapped


def test_warc_disk_full(world: World) -> None:
    _add_new_posts(world, pad_mib=5)  # its page needs over 5 MiB of archive
    world.disk.fill(leave_mib=MIN_FREE_MIB + 0.5)
    code, lines = world.crawl()
    stats = list((world.disk.root / ".mpnews" / "runs").glob("*/small-blog.stats.json"))
    assert any('"disk_full": true' in p.read_text() for p in stats)
    _after_full_disk(world, code, lines)


def test_load_disk_full(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.crawl

    _add_new_posts(world)
    with monkeypatch.context() as patch:
        patch.setattr(
            flows.crawl, "load_run", _filling_first(world.disk.fill, flows.crawl.load_run)
        )
        code, lines = world.crawl()
    _after_full_disk(world, code, lines)


def test_publish_disk_full(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.snapshot

    _add_new_posts(world)
    with monkeypatch.context() as patch:
        # the run's one publish starts with the search index, then CHECKPOINT and the copy
        fill_first = _filling_first(world.disk.fill, warehouse.snapshot.refresh_index)
        patch.setattr(warehouse.snapshot, "refresh_index", fill_first)
        code, lines = world.crawl()
    _after_full_disk(world, code, lines)


def test_preflight_refuses_with_one_line(world: World) -> None:
    _add_new_posts(world)
    world.disk.fill(leave_mib=MIN_FREE_MIB - 1)
    code, lines = world.crawl()
    assert lines == [line for line in lines if line.startswith("mpnews: error: disk full: ")]
    assert len(lines) == 1
    _after_full_disk(world, code, lines)


def test_disk_filled_after_the_check(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import mpnews.commands._prefect

    _add_new_posts(world)
    check = mpnews.commands._prefect.check_disk

    def check_then_fill(settings: Any) -> None:
        check(settings)
        world.disk.fill()

    with monkeypatch.context() as patch:
        patch.setattr(mpnews.commands._prefect, "check_disk", check_then_fill)
        code, lines = world.crawl()
    _after_full_disk(world, code, lines)
