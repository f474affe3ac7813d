"""What an incremental crawl needs from the warehouse: every URL a source fetched (and, for
a re-process, the ``crawl_runs`` row of a run).

Per URL of the source (the requested URL in ``pages``): its role and status in the latest
fetch, when it was last confirmed (a 200 or a 304), and the WARC file of its last 200 copy.
The spiders turn this into their state file (``spiders.incremental.build_state``).

The compact ``crawl_state`` table (m013) holds exactly that, one row per URL: each load
merges its own pages into it (:func:`update_crawl_state`, inside the load's transaction), so
reading a source's state costs its URLs, not the whole ``pages`` history. Merging is by fetch
time, so loading runs out of order (a re-process of an old run) gives the same state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.db import connect, exists
from warehouse.rows import RunRecord

__all__ = [
    "UrlSeen",
    "read_crawl_state",
    "read_crawl_states",
    "read_run",
    "update_crawl_state",
]

_URLS = """
SELECT url, role, status, checked_at, ok_warc_file, has_post
FROM crawl_state WHERE source = $source ORDER BY url
"""

# This load's pages, one row per URL, merged into crawl_state: the later fetch wins.
_STAGE_STATE = """
CREATE OR REPLACE TEMP TABLE incoming_state AS
SELECT p.source, p.url,
       arg_max(p.role, p.fetched_at) AS role,
       arg_max(p.status, p.fetched_at) AS status,
       max(p.fetched_at) AS fetched_at,
       max(p.fetched_at) FILTER (WHERE p.status IN (200, 304)) AS checked_at,
       arg_max(p.warc_file, p.fetched_at) FILTER (WHERE p.status = 200) AS ok_warc_file,
       max(p.fetched_at) FILTER (WHERE p.status = 200) AS ok_fetched_at,
       false AS has_post
FROM stage_pages AS p
WHERE p.source = $source AND p.fetched_at IS NOT NULL
GROUP BY p.source, p.url
"""
_LATER = "excluded.fetched_at >= crawl_state.fetched_at"
_LATER_OK = (
    "excluded.ok_fetched_at IS NOT NULL AND (crawl_state.ok_fetched_at IS NULL "
    "OR excluded.ok_fetched_at >= crawl_state.ok_fetched_at)"
)
_MERGE_STATE = f"""
INSERT INTO crawl_state BY NAME SELECT * FROM incoming_state
ON CONFLICT (source, url) DO UPDATE SET
    role = CASE WHEN {_LATER} THEN excluded.role ELSE crawl_state.role END,
    status = CASE WHEN {_LATER} THEN excluded.status ELSE crawl_state.status END,
    fetched_at = greatest(crawl_state.fetched_at, excluded.fetched_at),
    checked_at = greatest(crawl_state.checked_at, excluded.checked_at),
    ok_warc_file = CASE WHEN {_LATER_OK} THEN excluded.ok_warc_file
                   ELSE crawl_state.ok_warc_file END,
    ok_fetched_at = greatest(crawl_state.ok_fetched_at, excluded.ok_fetched_at),
    has_post = crawl_state.has_post OR excluded.has_post
"""
# has_post: a stored post was read from the URL, or lives at it (this load's sightings, and
# earlier ones of this source).
_MARK_POSTS = """
UPDATE incoming_state SET has_post = true
WHERE url IN (
    SELECT url FROM incoming_sightings WHERE source = $source
    UNION SELECT page_url FROM incoming_sightings WHERE source = $source
    UNION SELECT s.url FROM post_sightings AS s
          WHERE s.source = $source AND s.url IN (SELECT url FROM incoming_state)
    UNION SELECT s.page_url FROM post_sightings AS s
          WHERE s.source = $source AND s.page_url IN (SELECT url FROM incoming_state)
)
"""
# ... and URLs known from earlier runs that this load saw a post at without fetching them.
_MARK_KNOWN = """
UPDATE crawl_state SET has_post = true
WHERE source = $source AND NOT has_post
  AND url IN (SELECT url FROM incoming_sightings WHERE source = $source
              UNION SELECT page_url FROM incoming_sightings WHERE source = $source)
  AND url NOT IN (SELECT url FROM incoming_state)
"""

_RUN = "SELECT * FROM crawl_runs WHERE run_id = ? AND source = ?"

_RUN_FIELDS = frozenset(RunRecord.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class UrlSeen:
    """What the warehouse knows of one URL of a source."""

    url: str
    role: str
    status: int | None
    checked_at: datetime | None  # last 200 or 304
    ok_warc_file: str | None  # file name of the WARC holding the last 200 copy
    has_post: bool = False  # a stored post was read from (or lives at) this URL


def read_crawl_state(path: str | Path, source: str) -> list[UrlSeen]:
    """The URLs ``source`` fetched before (empty when there is no warehouse yet)."""
    return read_crawl_states(path, [source])[source]


def read_crawl_states(path: str | Path, sources: Sequence[str]) -> dict[str, list[UrlSeen]]:
    """:func:`read_crawl_state` of many sources through one connection (a run plans
    hundreds: opening the warehouse for each would cost more than the reads)."""
    if not exists(path):
        return {source: [] for source in sources}
    con = connect(path, read_only=True)
    try:
        return {
            source: [UrlSeen(*row) for row in con.execute(_URLS, {"source": source}).fetchall()]
            for source in sources
        }
    finally:
        con.close()


def read_run(path: str | Path, run_id: str, source: str) -> RunRecord | None:
    """The stored ``crawl_runs`` row of one run of one source, or None."""
    if not exists(path):
        return None
    con = connect(path, read_only=True)
    try:
        cursor = con.execute(_RUN, [run_id, source])
        names = [column[0] for column in cursor.description or ()]
        row = cursor.fetchone()
    finally:
        con.close()
    if row is None:
        return None
    stored = dict(zip(names, row, strict=True))  # any schema version: known columns only
    values = {k: v for k, v in stored.items() if k in _RUN_FIELDS and v is not None}
    return RunRecord(**values)


def update_crawl_state(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Merge the load's staged pages (``stage_pages``) and sightings (``incoming_sightings``)
    of ``source`` into ``crawl_state``; called inside the load's transaction."""
    con.execute(_STAGE_STATE, {"source": source})
    try:
        con.execute(_MARK_POSTS, {"source": source})
        con.execute(_MARK_KNOWN, {"source": source})
        con.execute(_MERGE_STATE)
    finally:
        con.execute("DROP TABLE incoming_state")
