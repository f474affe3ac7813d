"""Read what an incremental crawl needs from the warehouse: every URL a source fetched
(and, for a re-process, the ``crawl_runs`` row of a run).

Per URL of the source (the requested URL in ``pages``): its role and status in the latest
fetch, when it was last confirmed (a 200 or a 304), and the WARC file of its last 200 copy.
The spiders turn this into their state file (``spiders.incremental.build_state``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warehouse.db import connect, exists
from warehouse.rows import RunRecord

__all__ = ["UrlSeen", "read_crawl_state", "read_run"]

_URLS = """
SELECT url,
       arg_max(role, fetched_at) AS role,
       arg_max(status, fetched_at) AS status,
       max(fetched_at) FILTER (WHERE status IN (200, 304)) AS checked_at,
       arg_max(warc_file, fetched_at) FILTER (WHERE status = 200) AS ok_warc_file,
       url IN (SELECT page_url FROM post_sightings WHERE source = $source
               UNION SELECT url FROM post_sightings WHERE source = $source) AS has_post
FROM pages
WHERE source = $source AND fetched_at IS NOT NULL
GROUP BY url
ORDER BY url
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
    if not exists(path):
        return []
    con = connect(path, read_only=True)
    try:
        rows = con.execute(_URLS, {"source": source}).fetchall()
    finally:
        con.close()
    return [UrlSeen(*row) for row in rows]


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
