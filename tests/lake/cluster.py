"""A local Prefect server with the ``mpnews`` process pool and the ``crawl-shard`` deployment
from ``prefect.yaml``, and ``prefect worker`` processes: many machines, on 127.0.0.1.

Used by the two-worker test and by ``benchmarks/workers.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["REPO", "env", "prefect_server", "start", "stop", "workers"]

REPO = Path(__file__).resolve().parents[2]
_STARTUP_SECONDS = 180.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env(home: Path, api_url: str, **extra: str) -> dict[str, str]:
    """The environment of one process of the cluster: its own Prefect home, the server's API."""
    values = dict(os.environ)
    for key in ("MPNEWS_WAREHOUSE", "MPNEWS_LAKE", "MPNEWS_ALERT_WEBHOOK", "MPNEWS_ALERT_URLS"):
        values.pop(key, None)
    home.mkdir(parents=True, exist_ok=True)
    values.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="INFO",
        PREFECT_WORKER_QUERY_SECONDS="1",
        MPNEWS_WORKERS="1",
        PYTHONPATH=str(REPO),
        **extra,
    )
    values.setdefault("MPNEWS_CRAWL_DELAY", "0")
    return values


def start(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            cwd=REPO,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _prefect(args: list[str], environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=REPO,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )


@contextmanager
def prefect_server(root: Path) -> Iterator[str]:
    """``prefect server start`` on 127.0.0.1 with the pool and deployment; yield its API URL."""
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    environment = env(root / "home", api_url)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
               "--port", str(port), "--analytics-off"]  # fmt: skip
    server = start(command, environment, root / "server.log")
    try:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root / "server.log").read_text())
            try:
                if httpx.get(f"{api_url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        _prefect(["work-pool", "create", "mpnews", "--type", "process"], environment)
        _prefect(["--no-prompt", "deploy", "--name", "crawl-shard"], environment)
        yield api_url
    finally:
        stop(server)


@contextmanager
def workers(
    count: int, api_url: str, root: Path, **extra: str
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` workers of the pool (one shard at a time each); logs in ``root``."""
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", "mpnews"]
    started = [
        start(
            [*command, "--limit", "1", "--name", f"worker-{n}"],
            env(root / f"worker-{n}", api_url, **extra),
            root / f"worker-{n}.log",
        )
        for n in range(1, count + 1)
    ]
    try:
        yield started
    finally:
        for process in started:
            stop(process)
