"""Health checks after each source's crawl, and alerts for the person on call.

``check_source`` runs the checks (:mod:`pipeline.health_checks`) on a finished run beside the
source's history (:mod:`warehouse.health_records`), lets the state machine
(:mod:`mpnews.alert_policy`) decide what to send, sends it to every configured sink
(:mod:`mpnews.alert_sinks`) and records states and alerts in the warehouse.
A failed source (``crawl_runs.status = 'failed'``) is reported on every run it fails.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.progress import print_progress
from mpnews.alert_policy import Alert, decide, flow_alert
from mpnews.alert_sinks import deliver, notify_failure, send_pipeline_alert
from mpnews.config import Source
from mpnews.diskspace import DISK_FULL, disk_full_error, free_mib
from mpnews.exceptions import DiskFullError
from mpnews.health_config import HealthThresholds, load_thresholds
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.health_checks import RunFacts, run_checks
from pipeline.ingest import RunExtract
from warehouse import health_records
from warehouse.db import exists

__all__ = ["alert_disk_full", "alert_flow_failure", "check_source"]

_log = logging.getLogger(__name__)


def check_source(
    settings: Settings,
    *,
    source: Source,
    run_id: str,
    stats: CrawlStats | None,
    failure: str | None = None,
    extracted: RunExtract | None = None,
    now: datetime | None = None,
) -> list[Alert]:
    """Judge one finished run, alert on changes, record the result; never raises.

    ``failure`` is the reason the run failed (None when it was loaded). Returns the
    alerts sent. If the health step itself breaks, a failed source is still reported.
    """
    try:
        return _check_source(settings, source, run_id, stats, failure, extracted, now)
    except Exception as exc:  # noqa: BLE001 - health must never cost the run
        _log.warning("health checks for %s failed: %s", source.name, _describe(exc))
        print_progress(f"  WARNING   health checks for {source.name} failed: {_describe(exc)}")
        if failure is not None:
            notify_failure(settings, run_id=run_id, source=source, reason=failure)
        return []


def alert_disk_full(settings: Settings, run_id: str, exc: BaseException | None) -> DiskFullError:
    """Send the run's one ``disk_full`` alert (first: it needs no disk); the error to raise."""
    if isinstance(exc, DiskFullError):
        error = exc
    else:
        folders = [settings.home, settings.archive_dir, settings.state_dir]
        error = disk_full_error(min(folders, key=free_mib), ran_out=True)
    send_pipeline_alert(settings, check="disk_full", run_id=run_id, message=str(error))
    print_progress(f"  ALERT     pipeline: {error}")
    return error


def alert_flow_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Prefect ``on_failure``/``on_crashed`` hook: the pipeline itself broke; tell someone
    (a full disk was already told, by :func:`alert_disk_full`)."""
    if f"{DISK_FULL}:" in str(getattr(state, "message", None) or ""):
        return
    try:
        params = dict(getattr(flow_run, "parameters", None) or {})
        warehouse = params.get("warehouse")
        settings = Settings.from_env(warehouse=Path(warehouse) if warehouse else None)
        name = getattr(state, "name", "Failed")
        detail = (getattr(state, "message", None) or "").strip() or "no detail"
        run_id = str(params.get("run_id") or getattr(flow_run, "name", None) or flow_run.id)
        alert = flow_alert(
            run_id=run_id,
            now=datetime.now(UTC),
            message=f"crawl flow {getattr(flow, 'name', 'mpnews-crawl')} {name.lower()}: {detail}",
            numbers={"flow_run_id": str(flow_run.id), "state": name},
        )
        sent = deliver(settings, alert)
        print_progress(f"  ALERT     pipeline: {sent.message}")
        if exists(settings.warehouse):  # a file, or a DuckLake (docs/scaling.md)
            health_records.record_health(settings.warehouse, [], [sent])
    except Exception as exc:  # noqa: BLE001 - a hook must not mask the flow's own error
        _log.warning("could not alert on the failed flow: %s", _describe(exc))


def _check_source(
    settings: Settings,
    source: Source,
    run_id: str,
    stats: CrawlStats | None,
    failure: str | None,
    extracted: RunExtract | None,
    now: datetime | None,
) -> list[Alert]:
    now = now or datetime.now(UTC)
    thresholds = _thresholds(settings)
    facts = _facts(source, run_id, stats, failure, extracted)
    history = health_records.source_history(
        settings.warehouse, source.name, run_id=run_id, runs=thresholds.median_runs
    )
    results = run_checks(facts, history, thresholds, now=now)
    states, alerts = decide(
        results,
        health_records.health_states(settings.warehouse, source.name),
        source=source.name,
        kind=source.kind,
        run_id=run_id,
        now=now,
        remind_after=timedelta(hours=thresholds.remind_after_hours),
        run_failed=failure is not None,
        last_error=facts.last_error,
    )
    sent = [deliver(settings, alert) for alert in alerts]
    for alert in sent:
        print_progress(f"  ALERT     {alert.source}: {alert.check} {alert.state}: {alert.message}")
    health_records.record_health(settings.warehouse, states, sent)
    return sent


def _thresholds(settings: Settings) -> HealthThresholds:
    if settings.sources.is_file():
        return load_thresholds(settings.sources)
    return HealthThresholds()


def _facts(
    source: Source,
    run_id: str,
    stats: CrawlStats | None,
    failure: str | None,
    extracted: RunExtract | None,
) -> RunFacts:
    reasons = Counter(r.reason for r in extracted.rejections) if extracted else Counter()
    top = reasons.most_common(1)
    return RunFacts(
        source=source.name,
        kind=source.kind,
        run_id=run_id,
        stats=stats,
        failure=failure,
        posts_found=len(extracted.posts) if extracted else 0,
        rejections=len(extracted.rejections) if extracted else 0,
        top_rejection=top[0][0] if top else None,
        no_new_post_days=source.no_new_post_days,
    )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
