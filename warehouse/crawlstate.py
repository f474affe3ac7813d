"""Read what an incremental crawl needs from the warehouse: every URL a source fetched.

Per URL of the source (the requested URL in ``pages``): its role and status in the latest
fetch, when it was last confirmed (a 200 or a 304), and the WARC file of its last 200 copy.
The spiders turn this into their state file (``mpnews.spiders.incremental.build_state``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mpnews.warehouse.db import connect

__all__ = ["UrlSeen", "read_crawl_state"]

_URLS = """
SELECT url,
       arg_max(role, fetched_at) AS role,
       arg_max(status, fetched_at) AS status,
       max(fetched_at) FILTER (WHERE status IN (200, 304)) AS checked_at,
       arg_max(warc_file, fetched_at) FILTER (WHERE status = 200) AS ok_warc_file
FROM pages
WHERE source = ? AND fetched_at IS NOT NULL
GROUP BY url
ORDER BY url
"""


@dataclass(frozen=True, slots=True)
class UrlSeen:
    """What the warehouse knows of one URL of a source."""

    url: str
    role: str
    status: int | None
    checked_at: datetime | None  # last 200 or 304
    ok_warc_file: str | None  # file name of the WARC holding the last 200 copy


def read_crawl_state(path: str | Path, source: str) -> list[UrlSeen]:
    """The URLs ``source`` fetched before (empty when there is no warehouse yet)."""
    if not Path(path).is_file():
        return []
    con = connect(path, read_only=True)
    try:
        rows = con.execute(_URLS, [source]).fetchall()
    finally:
        con.close()
    return [UrlSeen(url, role, status, checked, warc) for url, role, status, checked, warc in rows]
