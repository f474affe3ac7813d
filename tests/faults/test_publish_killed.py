"""A publish killed with SIGKILL, at random points and half-way through its copy: the file
analysts open is always whole, the old snapshot or the new one; the next publish removes the
temp copy the killed one left."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from warehouse_runs import wait_until

from warehouse.integrity import find_damage

_ROOT = Path(__file__).parents[2]

# Publish forever, one more post each time, printing each count once published. With
# "stall", the first publish stops for good half-way through copying onto the warehouse.
_PUBLISHER = r"""
import shutil, sys, time
from datetime import UTC, date, datetime
from pathlib import Path

import warehouse.snapshot as snapshot
from warehouse.load import load_run
from warehouse.rows import PostRow, RunRecord

warehouse, mode, marker = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
at = datetime(2024, 5, 1, 9, tzinfo=UTC)

with snapshot.writer(warehouse) as con:  # some bulk, so that a copy takes a while; published
    con.execute(
        "CREATE TABLE IF NOT EXISTS test_bulk AS "
        "SELECT i, md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS text FROM range(300000) t(i)"
    )
    start = con.execute("SELECT count(*) FROM posts").fetchone()[0]

if mode == "stall":
    copyfile = shutil.copyfile

    def half_then_stall(src, dst):
        if Path(dst).name.startswith(f".{warehouse.name}."):
            data = Path(src).read_bytes()
            with open(dst, "wb") as handle:
                handle.write(data[: len(data) // 2])
            marker.write_text("half-way")
            time.sleep(300)
        return copyfile(src, dst)

    snapshot.shutil.copyfile = half_then_stall

print("ready", start, flush=True)
n = start
while True:
    n += 1
    url = f"https://jobloggs.example/news/{n}"
    post = PostRow(
        post_id=f"p{n}", url=url, source="jo-bloggs", kind="mp_site", title=f"Post {n}",
        author=None, published_date=date(2024, 4, 2), date_source="meta", updated_at=None,
        body=f"Post {n} says something new.", categories=(), mp="Jo Bloggs",
        content_hash=f"h{n}", page_url=url, seen_at=at, run_id=f"r{n}",
    )
    run = RunRecord(run_id=f"r{n}", source="jo-bloggs", kind="mp_site", started_at=at,
                    finished_at=at, status="succeeded", pages_fetched=1, posts_found=1)
    load_run(warehouse, run=run, posts=[post])
    print("published", n, flush=True)
    if mode == "once":
        break
"""


def _publisher(warehouse: Path, mode: str, marker: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _PUBLISHER, str(warehouse), mode, str(marker)],
        cwd=_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM posts").fetchone()
    assert row is not None
    return int(row[0])


def _temps(warehouse: Path) -> list[Path]:
    return sorted(warehouse.parent.glob(f".{warehouse.name}.*.tmp"))


def _ready(proc: subprocess.Popen[str]) -> int:
    assert proc.stdout is not None
    word, start = proc.stdout.readline().split()
    assert word == "ready"
    return int(start)


def _kill(proc: subprocess.Popen[str]) -> int:
    """Kill ``proc`` with SIGKILL; the last count it said it published."""
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    assert proc.stdout is not None
    counts = [int(line.split()[1]) for line in proc.stdout.read().splitlines()]
    proc.stdout.close()
    return counts[-1] if counts else -1


def test_a_publish_killed_anywhere_leaves_the_old_or_the_new_file_whole(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    marker = tmp_path / "unused"
    pick = random.Random(20261204)
    published = 0
    for _round in range(6):
        proc = _publisher(warehouse, "loop", marker)
        start = _ready(proc)
        assert start >= published  # (its working copy may hold a load the kill kept unpublished)
        time.sleep(pick.uniform(0.0, 2.5))
        said = _kill(proc)
        last = max(start, said)
        assert find_damage(warehouse) is None
        published = _count(warehouse)
        assert published in (last, last + 1)  # the old snapshot or the new one
    assert published > 0

    once = _publisher(warehouse, "once", marker)
    start = _ready(once)
    assert once.wait(timeout=120) == 0
    assert once.stdout is not None
    once.stdout.close()
    assert _count(warehouse) == start + 1 > published
    assert _temps(warehouse) == []


def test_a_publish_killed_half_way_through_its_copy_and_its_temp_file_cleaned(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    marker = tmp_path / "half-way"
    first = _publisher(warehouse, "once", marker)
    start = _ready(first)
    assert first.wait(timeout=120) == 0
    assert first.stdout is not None
    first.stdout.close()
    assert _count(warehouse) == start + 1

    stalled = _publisher(warehouse, "stall", marker)
    _ready(stalled)
    before = warehouse.read_bytes()
    wait_until(marker.exists, "the publish to stop half-way", timeout=120)
    _kill(stalled)
    [left] = _temps(warehouse)  # the killed copy, half written
    assert 0 < left.stat().st_size < len(before)
    assert warehouse.read_bytes() == before  # the analysts' file never saw the half copy
    assert find_damage(warehouse) is None

    again = _publisher(warehouse, "once", marker)
    assert _ready(again) == start + 2  # the killed run's load is kept in the working copy
    assert again.wait(timeout=120) == 0
    assert again.stdout is not None
    again.stdout.close()
    assert _temps(warehouse) == []  # the dead process's temp file is gone
    assert _count(warehouse) == start + 3
    assert find_damage(warehouse) is None
