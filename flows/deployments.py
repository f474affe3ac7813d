"""The crawl flow as Prefect deployments with cron schedules, served from one process.

One deployment per schedule group (``mpnews-crawl/mp-sites``, ``mpnews-crawl/news-sites``, one per
source with its own cron; see :mod:`mpnews.schedules`). Each crawl task is tagged
``domain:<host>`` and :func:`ensure_domain_limits` gives every tag a Prefect concurrency limit, so
two runs never crawl one domain at once. With no ``PREFECT_API_URL``, :func:`local_api` starts a
Prefect server (API, scheduler, dashboard) on 127.0.0.1 for as long as the runs are served.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from mpnews.config import Source, load_schedule_defaults, load_sources
from mpnews.exceptions import ConfigError, MpnewsError
from mpnews.schedules import ScheduleGroup, domain_tags, resolve_schedules

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

__all__ = [
    "DOMAIN_LIMIT",
    "build_deployments",
    "ensure_domain_limits",
    "limited_tags",
    "local_api",
    "schedule_groups",
    "serve_deployments",
]

DOMAIN_LIMIT = 1  # crawls of one domain at a time, across every run and deployment
_LIMITS_PAGE = 200
_SERVER_START_SECONDS = 180.0


def schedule_groups(sources_file: Path) -> tuple[list[Source], list[ScheduleGroup]]:
    """The sources file's sources and their schedule groups (ConfigError on any mistake)."""
    sources = load_sources(sources_file)
    defaults = load_schedule_defaults(sources_file)
    return sources, resolve_schedules(sources, defaults, origin=str(sources_file))


def build_deployments(
    groups: Sequence[ScheduleGroup], sources_file: Path, warehouse: Path
) -> list[RunnerDeployment]:
    """One runner deployment of the crawl flow per schedule group (absolute paths)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    from flows.crawl import crawl_flow

    deployments: list[RunnerDeployment] = []
    for group in groups:
        try:
            schedule = Cron(group.cron, timezone=group.timezone)
        except ValueError as exc:
            raise ConfigError(f"{sources_file}: schedule of {group.name!r}: {exc}") from None
        deployments.append(
            crawl_flow.to_deployment(  # type: ignore[arg-type]  # sync flow: not a coroutine
                name=group.name,
                schedules=[schedule],
                parameters={
                    "sources_file": str(sources_file.resolve()),
                    "warehouse": _location(warehouse),
                    "source_names": list(group.sources),
                },
                description=group.description,
                tags=["mpnews"],
                # a run still going when the next is due: skip the next, don't pile up
                concurrency_limit=ConcurrencyLimitConfig(
                    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
                ),
            )
        )
    return deployments


def _location(warehouse: Path) -> str:
    """An absolute file path, or a DuckLake location (``ducklake:...``) as given."""
    text = str(warehouse)
    return text if text.startswith("ducklake:") else str(warehouse.resolve())


def ensure_domain_limits(sources: Sequence[Source], limit: int = DOMAIN_LIMIT) -> list[str]:
    """Create a concurrency limit for each missing ``domain:<host>`` tag; return those created.

    Limits that already exist are left as they are, so a team can raise one in the dashboard.
    """
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    created = []
    tags = dict.fromkeys(tag for source in sources for tag in domain_tags(source))
    with get_client(sync_client=True) as client:
        for tag in tags:
            try:
                client.read_concurrency_limit_by_tag(tag)
            except ObjectNotFound:
                client.create_concurrency_limit(tag=tag, concurrency_limit=limit)
                created.append(tag)
    return created


def limited_tags(tags: Iterable[str]) -> set[str]:
    """Those of ``tags`` that have a Prefect tag concurrency limit on the server.

    Tagging a task costs a concurrency-slot round trip per task run, limit or not; a run of
    hundreds of sources tags each task only with the tags a limit actually holds. When the
    limits cannot be read, every tag is kept (a limit is never skipped by mistake).
    """
    from prefect.client.orchestration import get_client

    wanted = set(tags)
    if not wanted:
        return wanted
    found: set[str] = set()
    try:
        with get_client(sync_client=True) as client:
            for offset in itertools.count(0, _LIMITS_PAGE):
                page = client.read_concurrency_limits(limit=_LIMITS_PAGE, offset=offset)
                found.update(limit.tag for limit in page)
                if len(page) < _LIMITS_PAGE:
                    break
    except Exception:  # noqa: BLE001 - keep every tag: the server enforces what it has
        return wanted
    return wanted & found


def serve_deployments(deployments: Sequence[RunnerDeployment]) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); schedules pause while nothing serves them."""
    from prefect import serve

    serve(*deployments, pause_on_shutdown=True)


@contextmanager
def local_api(port: int, log_file: Path) -> Iterator[str]:
    """Run ``prefect server start`` on 127.0.0.1:PORT while the block runs; yield its API URL.

    The server keeps its database in ``PREFECT_HOME``; its output goes to ``log_file``.
    """
    if not _port_free(port):
        raise MpnewsError(
            f"port {port} on 127.0.0.1 is in use (a Prefect server already?); "
            "set PREFECT_API_URL to use that server, or pass --port"
        )
    api_url = f"http://127.0.0.1:{port}/api"
    command = [
        sys.executable, "-m", "prefect", "server", "start",
        "--host", "127.0.0.1", "--port", str(port), "--analytics-off",
    ]  # fmt: skip
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=_server_env())
    try:
        _wait_healthy(server, api_url, log_file)
        yield api_url
    finally:
        _stop(server)


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_healthy(server: subprocess.Popen[bytes], api_url: str, log_file: Path) -> None:
    deadline = time.monotonic() + _SERVER_START_SECONDS
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise MpnewsError(f"the local Prefect server exited early; see {log_file}")
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    _stop(server)
    raise MpnewsError(f"the local Prefect server did not start in time; see {log_file}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
