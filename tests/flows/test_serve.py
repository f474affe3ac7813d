"""`mpnews serve` end to end: deployments are served, a triggered run completes and loads posts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

OWN = "rosena-allin-khan"  # given its own cron below, so it gets its own deployment
OWN_CRON = "30 7 * * 1"
NEWS_CRON = "*/30 * * * *"
GROUPS = {  # deployment -> (cron, sources)
    OWN: (OWN_CRON, [OWN]),
    "mp-sites": ("0 6 * * *", ["down-mp-site"]),
    "news-sites": (NEWS_CRON, ["hustings-blog", "independent-politics"]),
}
READY_SECONDS = 180
RUN_SECONDS = 300


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path
    warehouse: Path
    sources: str

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _sources_toml(samples: Any) -> str:
    text = samples.sources_toml()
    own = f'name = "{OWN}"\n'
    assert own in text
    text = text.replace(own, f'{own}schedule = "{OWN_CRON}"\n')
    return f'{text}\n[schedules]\nnews_site = "{NEWS_CRON}"\ntimezone = "Europe/London"\n'


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, samples: Any, prefect_harness: None
) -> Iterator[Served]:
    from prefect.settings import PREFECT_API_URL

    home = tmp_path_factory.mktemp("serve")
    sources = home / "sources.toml"
    sources.write_text(_sources_toml(samples), encoding="utf-8")
    warehouse = home / "wh" / "mpnews.duckdb"
    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "MPNEWS_CRAWL_DELAY": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "mpnews", "serve", "--sources", str(sources)]
    log = home / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*command, "--warehouse", str(warehouse)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    served = Served(process, log, warehouse, samples.sources_toml())
    try:
        for name in GROUPS:
            _wait_for_deployment(served, f"mpnews-crawl/{name}")
        yield served
    finally:
        _stop(process)


def _wait_for_deployment(served: Served, name: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + READY_SECONDS
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            assert served.process.poll() is None, f"serve exited early:\n{served.output()}"
            try:
                client.read_deployment_by_name(name)
            except ObjectNotFound:
                time.sleep(0.5)
            else:
                return
    pytest.fail(f"deployment {name} not served within {READY_SECONDS}s:\n{served.output()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _deployment(name: str) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_deployment_by_name(name)


def test_one_deployment_per_schedule_group_with_its_cron(served: Served) -> None:
    for name, (cron, members) in GROUPS.items():
        deployment = _deployment(f"mpnews-crawl/{name}")
        [schedule] = deployment.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone) == (cron, "Europe/London")
        assert deployment.parameters["source_names"] == members
        assert deployment.parameters["warehouse"] == str(served.warehouse.resolve())


def test_each_domain_gets_a_concurrency_limit(served: Served) -> None:
    from prefect.client.orchestration import get_client

    from mpnews.config import parse_sources
    from mpnews.schedules import domain_tags

    tags = [t for s in parse_sources(served.sources) for t in domain_tags(s)]
    with get_client(sync_client=True) as client:
        limits = [client.read_concurrency_limit_by_tag(tag).concurrency_limit for tag in tags]
    assert limits == [1] * len(tags)


def test_a_run_tags_its_tasks_only_with_limited_domains(served: Served) -> None:
    """Tagging costs a round trip per task run: only tags holding a limit are applied."""
    from flows.deployments import limited_tags
    from mpnews.config import parse_sources
    from mpnews.schedules import domain_tags

    tags = {t for s in parse_sources(served.sources) for t in domain_tags(s)}
    assert limited_tags([*tags, "domain:no-limit.example"]) == tags


def test_triggered_run_completes_and_loads_posts(served: Served) -> None:
    from prefect.deployments import run_deployment

    flow_run: Any = run_deployment(f"mpnews-crawl/{OWN}", timeout=RUN_SECONDS)
    assert flow_run.state is not None and flow_run.state.is_completed(), (
        f"{flow_run.state}\n{served.output()}"
    )
    with duckdb.connect(str(served.warehouse), read_only=True) as con:
        sources = con.execute("SELECT DISTINCT source FROM posts").fetchall()
        runs = con.execute("SELECT source, status FROM crawl_runs").fetchall()
    assert sources == [(OWN,)]
    assert runs == [(OWN, "succeeded")]


def test_sigterm_stops_serving_cleanly(served: Served) -> None:
    _stop(served.process)
    assert served.process.returncode == 0, served.output()
