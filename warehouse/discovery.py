"""``site_discovery``: what a crawl found on a site from its start URL, kept for the next run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from warehouse.snapshot import reader, writer

__all__ = ["StoredDiscovery", "read_discoveries", "read_discovery", "save_discovery"]

_UPSERT = """
INSERT INTO site_discovery
    (source, start_url, family, feeds, sitemaps, listings, run_id, discovered_at)
VALUES ($source, $start_url, $family, $feeds, $sitemaps, $listings, $run_id, $at)
ON CONFLICT (source) DO UPDATE SET
    start_url = excluded.start_url, family = excluded.family, feeds = excluded.feeds,
    sitemaps = excluded.sitemaps, listings = excluded.listings, run_id = excluded.run_id,
    discovered_at = excluded.discovered_at
"""
_SELECT = """
SELECT source, start_url, family, feeds, sitemaps, listings FROM site_discovery
WHERE source = ?
"""


class _Discovery(Protocol):
    @property
    def source(self) -> str: ...

    @property
    def start_url(self) -> str: ...

    @property
    def family(self) -> str: ...

    @property
    def feeds(self) -> Sequence[str]: ...

    @property
    def sitemaps(self) -> Sequence[str]: ...

    @property
    def listings(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class StoredDiscovery:
    """One ``site_discovery`` row."""

    source: str
    start_url: str
    family: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    listings: tuple[str, ...]


def read_discovery(path: str | Path, source: str) -> StoredDiscovery | None:
    """What the last crawl of ``source`` found (None: nothing stored, or no warehouse yet)."""
    return read_discoveries(path, [source]).get(source)


def read_discoveries(path: str | Path, sources: Sequence[str]) -> dict[str, StoredDiscovery]:
    """:func:`read_discovery` of many sources through one connection; sources with nothing
    stored are left out."""
    if not Path(path).is_file():
        return {}
    con = reader(path)
    try:
        has_table = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'site_discovery'"
        ).fetchone()
        if not (has_table and has_table[0]):
            return {}
        rows = [con.execute(_SELECT, [source]).fetchone() for source in sources]
    finally:
        con.close()
    return {
        row[0]: StoredDiscovery(row[0], row[1], row[2], tuple(row[3]), tuple(row[4]), tuple(row[5]))
        for row in rows
        if row is not None
    }


def save_discovery(path: str | Path, found: _Discovery, *, run_id: str) -> None:
    """Store what a crawl found (replacing the source's earlier row) and republish."""
    params = {
        "source": found.source,
        "start_url": found.start_url,
        "family": found.family,
        "feeds": list(found.feeds),
        "sitemaps": list(found.sitemaps),
        "listings": list(found.listings),
        "run_id": run_id,
        "at": datetime.now(UTC),
    }
    with writer(path) as con:
        con.execute(_UPSERT, params)
