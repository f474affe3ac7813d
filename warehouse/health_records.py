"""Crawl health in the warehouse: a source's recent history, check states, alerts, status.

Reads see the newest data (``snapshot.current``: the published snapshot, or mid-run the
loader's working file, since a crawl publishes only when it ends); writes go through the
working file (``snapshot.writer``) in one short transaction, like every load. Tables:
``health_state`` (one row per source and check) and ``alerts`` (every alert sent), see
``m009_alerts.sql``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from mpnews.alert_policy import Alert, HealthState
from mpnews.exceptions import WarehouseError
from mpnews.redaction import redact
from pipeline.health_checks import SourceHistory
from warehouse.db import error_line
from warehouse.lake import retry_conflicts
from warehouse.snapshot import current, writer

__all__ = [
    "SourceStatus",
    "health_states",
    "open_alerts",
    "record_health",
    "source_history",
    "source_status",
]

_RECENT_RUNS = """
SELECT posts_found FROM crawl_runs
WHERE source = $source AND status = 'succeeded' AND run_id <> $run_id
ORDER BY started_at DESC LIMIT $runs
"""
_LAST_NEW_POST = "SELECT max(first_seen_at) FROM posts WHERE source = $source"
_FIRST_RUN = "SELECT min(started_at) FROM crawl_runs WHERE source = $source"

_STATES = """
SELECT source, "check", state = 'failing', since, checked_at, last_run_id, message,
       numbers, last_error, last_alert_at
FROM health_state WHERE source = $source
"""
_UPSERT_STATE = """
INSERT INTO health_state BY NAME
SELECT $source AS source, $check AS "check", $state AS state, $since AS since,
       $checked_at AS checked_at, $last_run_id AS last_run_id, $message AS message,
       $numbers::JSON AS numbers, $last_error AS last_error, $last_alert_at AS last_alert_at
ON CONFLICT (source, "check") DO UPDATE SET
    state = excluded.state, since = excluded.since, checked_at = excluded.checked_at,
    last_run_id = excluded.last_run_id, message = excluded.message,
    numbers = excluded.numbers, last_error = excluded.last_error,
    last_alert_at = excluded.last_alert_at
"""
_UPSERT_ALERT = """
INSERT INTO alerts BY NAME
SELECT $alert_id AS alert_id, $source AS source, $check AS "check", $state AS state,
       $run_id AS run_id, $sent_at AS sent_at, $message AS message, $numbers::JSON AS numbers,
       $last_error AS last_error, $delivered AS delivered, $sinks::VARCHAR[] AS sinks
ON CONFLICT (alert_id) DO UPDATE SET
    state = excluded.state, sent_at = excluded.sent_at, message = excluded.message,
    numbers = excluded.numbers, last_error = excluded.last_error,
    delivered = excluded.delivered, sinks = excluded.sinks
"""
_OPEN_ALERTS = """
SELECT source, "check", since, message, last_error, last_run_id
FROM health_state WHERE state = 'failing' ORDER BY source, "check"
"""
_RUNS = """
SELECT source,
       arg_max(run_id, started_at) AS last_run_id,
       max(started_at) AS last_run_at,
       arg_max(status, started_at) AS status,
       arg_max(posts_found, started_at) AS posts_found,
       arg_max(error, started_at) AS error
FROM crawl_runs GROUP BY source
"""
_NEW_POSTS = "SELECT source, max(first_seen_at), count(*) FROM posts GROUP BY source"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One line of ``mpnews status``."""

    source: str
    last_run_id: str | None
    last_run_at: datetime | None
    status: str | None
    posts_found: int | None
    posts_total: int
    last_new_post_at: datetime | None
    open_alerts: tuple[str, ...]
    error: str | None


def source_history(path: str | Path, source: str, *, run_id: str, runs: int = 5) -> SourceHistory:
    """Posts found in the source's last ``runs`` successful runs (``run_id`` excluded, newest
    first), when a post new to the warehouse was last seen, and the source's first run."""
    params = {"source": source}
    with _reading(path) as con:
        recent = con.execute(_RECENT_RUNS, {**params, "run_id": run_id, "runs": runs}).fetchall()
        last_new = _scalar(con, _LAST_NEW_POST, params)
        first_run = _scalar(con, _FIRST_RUN, params)
    return SourceHistory(tuple(int(n) for (n,) in recent), last_new, first_run)


def health_states(path: str | Path, source: str) -> dict[str, HealthState]:
    """The stored state of each check of ``source``, by check name."""
    with _reading(path) as con:
        if not _has_health_tables(con):
            return {}
        rows = con.execute(_STATES, {"source": source}).fetchall()
    return {row[1]: _state(row) for row in rows}


def record_health(
    path: str | Path, states: Sequence[HealthState], alerts: Sequence[Alert] = ()
) -> None:
    """Store new check states and sent alerts, all or nothing. Raises WarehouseError."""
    if not states and not alerts:
        return
    retry_conflicts(lambda: _record(path, states, alerts))


def _record(path: str | Path, states: Sequence[HealthState], alerts: Sequence[Alert]) -> None:
    with writer(path) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for state in states:
                con.execute(_UPSERT_STATE, _state_params(state))
            for alert in alerts:
                con.execute(_UPSERT_ALERT, _alert_params(alert))
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise WarehouseError(f"{path}: cannot record crawl health: {error_line(exc)}") from exc


def open_alerts(path: str | Path) -> list[dict[str, Any]]:
    """Every failing (source, check): source, check, since, message, last_error, last_run_id."""
    with _reading(path) as con:
        if not _has_health_tables(con):
            return []
        cursor = con.execute(_OPEN_ALERTS)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def source_status(path: str | Path) -> list[SourceStatus]:
    """One status line per source that has run, sorted by name (``*``: the pipeline)."""
    failing: dict[str, list[str]] = {}
    for row in open_alerts(path):
        failing.setdefault(row["source"], []).append(row["check"])
    with _reading(path) as con:
        runs = {row[0]: row for row in con.execute(_RUNS).fetchall()}
        posts = {row[0]: row for row in con.execute(_NEW_POSTS).fetchall()}
    return [
        _status(name, runs.get(name), posts.get(name), failing.get(name, []))
        for name in sorted(set(runs) | set(failing))
    ]


def _status(
    name: str, run: tuple[Any, ...] | None, posts: tuple[Any, ...] | None, failing: list[str]
) -> SourceStatus:
    run = run or (name, None, None, None, None, None)
    return SourceStatus(
        source=name,
        last_run_id=run[1],
        last_run_at=run[2],
        status=run[3],
        posts_found=run[4],
        posts_total=int(posts[2]) if posts else 0,
        last_new_post_at=posts[1] if posts else None,
        open_alerts=tuple(failing),
        error=run[5],
    )


@contextmanager
def _reading(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with current(path) as con:  # the newest data, also mid-run when publishing waits
        yield con


def _has_health_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """False on a warehouse published before migration m009 (no alerts recorded yet)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name IN ('health_state', 'alerts')"
    ).fetchone()
    return bool(row and row[0] == 2)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> Any:
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def _state(row: tuple[Any, ...]) -> HealthState:
    return HealthState(
        source=row[0],
        check=row[1],
        failing=bool(row[2]),
        since=row[3],
        checked_at=row[4],
        last_run_id=row[5],
        message=row[6] or "",
        numbers=json.loads(row[7]) if row[7] else {},
        last_error=row[8],
        last_alert_at=row[9],
    )


def _state_params(state: HealthState) -> dict[str, Any]:
    return {
        "source": state.source,
        "check": state.check,
        "state": "failing" if state.failing else "ok",
        "since": state.since,
        "checked_at": state.checked_at,
        "last_run_id": state.last_run_id,
        "message": redact(state.message),
        "numbers": json.dumps(dict(state.numbers), sort_keys=True),
        "last_error": redact(state.last_error) if state.last_error else state.last_error,
        "last_alert_at": state.last_alert_at,
    }


def _alert_params(alert: Alert) -> dict[str, Any]:
    return {
        "alert_id": alert.alert_id,
        "source": alert.source,
        "check": alert.check,
        "state": alert.state,
        "run_id": alert.run_id,
        "sent_at": alert.sent_at,
        "message": redact(alert.message),
        "numbers": json.dumps(dict(alert.numbers), sort_keys=True),
        "last_error": redact(alert.last_error) if alert.last_error else alert.last_error,
        "delivered": alert.delivered,
        "sinks": list(alert.sinks),
    }
