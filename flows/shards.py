"""Crawl on many machines: the sources split into shards, each run by any worker of a pool.

``crawl_sharded_flow`` (``mpnews crawl --shards N``) computes the split
(:func:`mpnews.shards.shard_sources`), starts one run of the ``crawl-shard`` deployment per
shard on the Prefect server, and waits for them. It first gives every ``domain:<host>`` tag
a concurrency limit on the server, so one domain is crawled by one run at a time across all
workers (a scheduled run and a manual one, say), even though a shard already owns its hosts.
Each shard run is the ordinary crawl flow over the shard's sources, writing the WARC archive
under the shared path and loading the shared DuckLake. A shard run that fails, crashes, or
does not finish within ``shard_timeout`` seconds (its worker died) is started again with the
same run id: loads replace the run's rows, so a retried shard neither loses nor doubles a post.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.crawl import crawl_flow, new_run_id
from flows.deployments import ensure_domain_limits
from flows.progress import print_progress
from mpnews.config import load_sources
from mpnews.shards import shard_of, shard_sources

__all__ = ["SHARD_DEPLOYMENT", "crawl_shard_flow", "crawl_sharded_flow"]

SHARD_DEPLOYMENT = "mpnews-crawl-shard/crawl-shard"
_SHARD_ATTEMPTS = 3


@flow(name="mpnews-crawl-shard")
def crawl_shard_flow(
    sources_file: str,
    warehouse: str | None = None,
    shard: int = 0,
    shards: int = 1,
    run_id: str | None = None,
) -> list[dict[str, object]]:
    """Crawl, extract and load shard ``shard`` of ``shards`` of the sources file."""
    names = shard_of(load_sources(sources_file), shards, shard)
    print_progress(f"shard {shard + 1}/{shards}: {', '.join(names) or 'no sources'}")
    if not names:
        return []
    part = f"shard-{shard + 1}-of-{shards}"  # its own crawl plan, log and spill files
    return crawl_flow(sources_file, warehouse, list(names), run_id, part=part)


@task(name="run-shard", cache_policy=NO_CACHE)
def run_shard(
    deployment: str, parameters: dict[str, Any], shard_timeout: float, attempts: int
) -> dict[str, object]:
    """Start the shard on any worker and wait; start it again when it did not complete."""
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    state = "not started"
    for attempt in range(1, attempts + 1):
        run = run_deployment(deployment, parameters=parameters, timeout=shard_timeout)
        assert isinstance(run, FlowRun)  # called from sync code: never a coroutine
        state = str(run.state.name) if run.state else "unknown"
        if run.state is not None and run.state.is_completed():
            return {"shard": parameters["shard"], "state": state, "attempts": attempt}
        print_progress(f"  shard {parameters['shard'] + 1}: {state} (attempt {attempt}); retrying")
    return {"shard": parameters["shard"], "state": state, "attempts": attempts}


@flow(name="mpnews-crawl-sharded", task_runner=ThreadPoolTaskRunner(max_workers=16))  # type: ignore[arg-type]
def crawl_sharded_flow(
    sources_file: str,
    warehouse: str | None = None,
    shards: int = 2,
    run_id: str | None = None,
    deployment: str = SHARD_DEPLOYMENT,
    shard_timeout: float = 7200.0,
    attempts: int = _SHARD_ATTEMPTS,
) -> list[dict[str, object]]:
    """Run every non-empty shard on the work pool; one summary dict per shard."""
    sources = load_sources(sources_file)
    split = shard_sources(sources, shards)
    ensure_domain_limits(sources)  # on the server: one crawl per domain across every worker
    run_id = run_id or new_run_id()
    print_progress(f"run {run_id}: {len(split)} shard(s) -> {warehouse}")
    futures = [
        run_shard.submit(
            deployment,
            {
                "sources_file": sources_file,
                "warehouse": warehouse,
                "shard": index,
                "shards": shards,
                "run_id": run_id,
            },
            shard_timeout,
            attempts,
        )
        for index, names in enumerate(split)
        if names
    ]
    return [future.result() for future in futures]
