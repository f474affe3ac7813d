"""Builders for warehouse test rows, and a dump of every table for comparison."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.records import PageSeen, Rejected
from warehouse.rows import PostRow, RunRecord
from warehouse.snapshot import reader

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
TABLES = ("schema_migrations", "posts", "post_sightings", "pages", "rejections", "crawl_runs")


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def run_record(run_id: str = "r1", source: str = "jo-bloggs", **changes: Any) -> RunRecord:
    base = RunRecord(
        run_id=run_id,
        source=source,
        kind="mp_site",
        started_at=at(0),
        finished_at=at(1),
        status="succeeded",
        pages_fetched=3,
        posts_found=2,
    )
    return replace(base, **changes)


def post_row(
    post_id: str, run_id: str = "r1", source: str = "jo-bloggs", **changes: Any
) -> PostRow:
    url = f"https://jobloggs.example/news/{post_id}"
    base = PostRow(
        post_id=post_id,
        url=url,
        source=source,
        kind="mp_site",
        title=f"Title {post_id}",
        author="Jo Bloggs",
        published_date=date(2024, 4, 2),
        date_source="meta",
        updated_at=None,
        body=f"First paragraph of {post_id}.\n\nSecond paragraph.",
        categories=("housing", "local"),
        mp="Jo Bloggs",
        content_hash=f"hash-{post_id}",
        page_url=url,
        seen_at=at(0.5),
        run_id=run_id,
    )
    return replace(base, **changes)


def page_row(url: str, run_id: str = "r1", source: str = "jo-bloggs", **changes: Any) -> PageSeen:
    base = PageSeen(
        run_id=run_id,
        source=source,
        url=url,
        final_url=url,
        status=200,
        role="post",
        content_type="text/html",
        fetched_at=at(0.5),
        warc_file=f"{source}/{run_id}.warc.gz",
    )
    return replace(base, **changes)


def rejection(url: str, run_id: str = "r1", source: str = "jo-bloggs", **changes: Any) -> Rejected:
    base = Rejected(
        url=url, source=source, reason="no post body", fetched_at=at(0.5), run_id=run_id
    )
    return replace(base, **changes)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, read through the published snapshot."""
    con = reader(path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()
