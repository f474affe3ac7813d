"""Many machines, here: a real PostgreSQL, a local Prefect server, two workers as separate
processes, the sample sites split into shards across them, one DuckLake they both load.

The warehouse must hold exactly the posts a single-machine run gives, an analyst's
connection stays open and reads consistent snapshots throughout, and re-processing the
shared archive into the lake changes nothing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mpnews.cli import main
from warehouse.lake import connect_lake
from warehouse.snapshot import reader

REPO = Path(__file__).resolve().parents[2]
_POSTS = """
SELECT post_id, url, source, kind, title, body, published_date, mp, categories, topics
FROM posts ORDER BY post_id
"""
_STARTUP_SECONDS = 180.0
_RUN_SECONDS = 600


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(home: Path, api_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("MPNEWS_WAREHOUSE", "MPNEWS_LAKE", "MPNEWS_ALERT_WEBHOOK", "MPNEWS_ALERT_URLS"):
        env.pop(key, None)
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="INFO",
        MPNEWS_CRAWL_DELAY="0",
        MPNEWS_WORKERS="1",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _prefect(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=REPO, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``prefect server start`` on 127.0.0.1, with the process work pool and shard deployment."""
    root = tmp_path_factory.mktemp("prefect-server")
    api_url = f"http://127.0.0.1:{_free_port()}/api"
    port = api_url.rsplit(":", 1)[1].split("/")[0]
    env = _env(root / "home", api_url)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
               "--port", port, "--analytics-off"]  # fmt: skip
    server = _start(command, env, root / "server.log")
    try:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert server.poll() is None, (root / "server.log").read_text()
            try:
                if httpx.get(f"{api_url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        _prefect(["work-pool", "create", "mpnews", "--type", "process"], env)
        _prefect(["--no-prompt", "deploy", "--name", "crawl-shard"], env)
        yield api_url, root
    finally:
        _stop(server)


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
    samples: Any,
    prefect_harness: None,
    prefect_server: tuple[str, Path],
    lake: str,
    tmp_path: Path,
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(samples.sources_toml(), encoding="utf-8")
    single = tmp_path / "single" / "mpnews.duckdb"
    assert main(["crawl", "--sources", str(sources), "--warehouse", str(single)]) == 1  # down site

    api_url, _ = prefect_server
    archive = tmp_path / "shared" / "archive"
    worker = [sys.executable, "-m", "prefect", "worker", "start", "--pool", "mpnews"]
    worker += ["--limit", "1"]
    workers = [
        _start(
            [*worker, "--name", f"worker-{n}"],
            _env(tmp_path / f"worker-{n}", api_url, MPNEWS_ARCHIVE=str(archive)),
            tmp_path / f"worker-{n}.log",
        )
        for n in (1, 2)
    ]
    sharded = [sys.executable, "-m", "mpnews", "crawl", "--shards", "2", "--sources", str(sources)]
    client = _env(tmp_path / "client", api_url)
    try:
        with Analyst(lake) as analyst:
            crawl = subprocess.run(
                [*sharded, "--warehouse", lake],
                cwd=REPO,
                env=client,
                capture_output=True,
                text=True,
                timeout=_RUN_SECONDS,
            )
            time.sleep(1.0)  # one more read after the last commit
    finally:
        for process in workers:
            _stop(process)
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
