"""One alert for our own network outage instead of one per source (:mod:`pipeline.outage`).

While a crawl runs, the health alerts of sources that failed with a network reason ("dns
lookup failed", "connection refused", ...) are held (``hold``); their ``failed`` crawl_runs rows
are recorded as usual. When the run ends (``finish``), if most sources failed the same network
way, one ``network_outage`` alert names the likely cause (the crawler's own network or DNS) and
the count, and those sources' health state and history are left alone, so the next good run
sends no "recovered" storm. Otherwise the held sources are judged and alerted as always.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flows import source_health
from flows.progress import print_progress
from mpnews.alert_policy import Alert, outage_alert
from mpnews.alert_sinks import deliver
from mpnews.config import Source
from mpnews.settings import Settings
from pipeline.crawl_stats import CrawlStats
from pipeline.outage import decide_outage, network_reason
from warehouse import health_records

__all__ = ["begin", "finish", "hold"]

_HELD: dict[str, list[_Held]] = {}  # run id -> network failures waiting for the run's end
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Held:
    source: Source
    stats: CrawlStats | None
    failure: str


def begin(run_id: str) -> None:
    """Start holding the network failures of run ``run_id``."""
    with _LOCK:
        _HELD[run_id] = []


def hold(run_id: str, source: Source, stats: CrawlStats | None, failure: str) -> bool:
    """Hold a failed source's health check until the run ends; False when not held (not a
    network failure, or no run is holding)."""
    if network_reason(failure) is None:
        return False
    with _LOCK:
        if run_id not in _HELD:
            return False
        _HELD[run_id].append(_Held(source, stats, failure))
    return True


def finish(
    settings: Settings, run_id: str, sources: Sequence[str], now: datetime | None = None
) -> list[Alert]:
    """Decide the run's outage; send its one alert, or each held source's own; never raises."""
    with _LOCK:
        held = _HELD.pop(run_id, [])
    failures: dict[str, str | None] = {name: None for name in sources}
    failures |= {h.source.name: h.failure for h in held}
    outage = decide_outage(failures)
    covered = set(outage.sources) if outage else set()
    sent: list[Alert] = []
    if outage is not None:
        alert = deliver(settings, outage_alert(outage, run_id=run_id, now=now or _now()))
        print_progress(f"  ALERT     pipeline: {alert.message}")
        _record(settings, alert)
        sent.append(alert)
    for item in held:
        if item.source.name not in covered:
            judged = source_health.check_source(
                settings, source=item.source, run_id=run_id, stats=item.stats, failure=item.failure
            )
            sent.extend(judged)
    return sent


def _record(settings: Settings, alert: Alert) -> None:
    try:
        health_records.record_health(settings.warehouse, [], [alert])
    except Exception as exc:  # noqa: BLE001 - the alert is out; its row is a bonus
        print_progress(f"  WARNING   outage alert not recorded: {type(exc).__name__}")


def _now() -> datetime:
    return datetime.now(UTC)
