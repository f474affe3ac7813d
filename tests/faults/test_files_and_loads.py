"""Faults of our own files and processes: a broken sources file after a good run, and a load
killed with SIGKILL half-way through its transaction. Nothing already stored is lost."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from fault_crawl import FaultRun

from mpnews.cli import main

_ROOT = Path(__file__).parents[2]

_LOADER = r"""
import sys, time
from datetime import UTC, date, datetime
from pathlib import Path

import warehouse.load as load
from warehouse.rows import PostRow, RunRecord

warehouse, run_id, marker = sys.argv[1], sys.argv[2], sys.argv[3]
at = datetime(2024, 5, 1, 9, tzinfo=UTC) if run_id == "r1" else datetime(2024, 5, 2, 9, tzinfo=UTC)


def post(slug):
    url = f"https://jobloggs.example/news/{slug}"
    return PostRow(
        post_id=slug, url=url, source="jo-bloggs", kind="mp_site", title=f"{slug} in {run_id}",
        author=None, published_date=date(2024, 4, 2), date_source="meta", updated_at=None,
        body=f"{slug} as {run_id} saw it.", categories=(), mp="Jo Bloggs",
        content_hash=f"{slug}-{run_id}", page_url=url, seen_at=at, run_id=run_id,
    )


if marker != "-":  # stop for good inside the transaction, after the posts are written
    written = load._replace_run_rows

    def stall(*args, **kwargs):
        written(*args, **kwargs)
        Path(marker).write_text("in the transaction")
        time.sleep(300)

    load._replace_run_rows = stall
slugs = ["a", "b"] if run_id == "r1" else ["a", "c"]
load.load_run(
    warehouse,
    run=RunRecord(run_id=run_id, source="jo-bloggs", kind="mp_site", started_at=at,
                  finished_at=at, status="succeeded", pages_fetched=2, posts_found=2),
    posts=[post(slug) for slug in slugs],
)
"""


def _command(warehouse: Path, run_id: str, marker: str = "-") -> list[str]:
    return [sys.executable, "-c", _LOADER, str(warehouse), run_id, marker]


def _load(warehouse: Path, run_id: str) -> None:
    done = subprocess.run(
        _command(warehouse, run_id), cwd=_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            "posts": con.execute("SELECT post_id, title FROM posts ORDER BY 1").fetchall(),
            "runs": con.execute("SELECT run_id, status FROM crawl_runs ORDER BY 1").fetchall(),
        }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_load_killed_mid_transaction_loses_nothing_and_the_next_load_completes(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    _load(warehouse, "r1")
    before, published = _contents(warehouse), _digest(warehouse)
    assert before["posts"] == [("a", "a in r1"), ("b", "b in r1")]

    marker = tmp_path / "in-transaction"
    with subprocess.Popen(_command(warehouse, "r2", str(marker)), cwd=_ROOT) as killed:
        deadline = time.monotonic() + 120
        while not marker.exists() and killed.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists()
        os.kill(killed.pid, signal.SIGKILL)
        assert killed.wait(timeout=60) == -signal.SIGKILL

    assert _digest(warehouse) == published  # the analysts' file was never touched
    assert _contents(warehouse) == before

    _load(warehouse, "r2")  # the lock died with the killed load; its work is redone
    assert _contents(warehouse) == {
        "posts": [("a", "a in r2"), ("b", "b in r1"), ("c", "c in r2")],
        "runs": [("r1", "succeeded"), ("r2", "succeeded")],
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[source]]\nname = "jo"\nkind = "newspaper"\nstart_urls = ["https://jo.example/"]\n',
         "source #1 ('jo'): unknown kind 'newspaper'"),
        ("[[source]\nname =", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_broken_sources_file_after_a_good_run_stops_at_once_and_loses_nothing(
    fault_run: FaultRun,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    problem: str,
) -> None:
    published = _digest(fault_run.warehouse)
    posts = fault_run.query("SELECT count(*) FROM posts")
    broken = tmp_path / "sources.toml"
    broken.write_text(text, encoding="utf-8")
    code = main(["crawl", "--sources", str(broken), "--warehouse", str(fault_run.warehouse)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"mpnews: error: {broken}") and problem in err[0]
    assert _digest(fault_run.warehouse) == published
    assert fault_run.query("SELECT count(*) FROM posts") == posts != [(0,)]
