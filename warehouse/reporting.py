"""Read what the HTML report shows, from the published warehouse snapshot.

Weeks start on Monday (``date_trunc('week', ...)``) and are returned as DATEs. Posts are
placed in the week they were published; sightings and crawl runs in the week they were
crawled. Topics come from ``posts.topics`` when any post has assigned topics, otherwise
(an older warehouse, or one not yet re-processed) from the sites' own ``categories``.

A *duplicate* is a sighting of a post already seen elsewhere: every ``post_sightings``
row except the earliest one of its post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.snapshot import reader

__all__ = [
    "CrawlWeek",
    "Failure",
    "LatestPost",
    "ReportData",
    "Summary",
    "WeekCount",
    "read_report",
]

_SUMMARY = """
SELECT (SELECT count(DISTINCT source) FROM (
            SELECT source FROM crawl_runs UNION ALL SELECT source FROM posts)) AS sources,
       (SELECT count(*) FROM posts) AS posts,
       (SELECT count(DISTINCT mp) FROM posts) AS mps,
       (SELECT count(*) FROM post_sightings) AS sightings,
       (SELECT min(published_date) FROM posts) AS first_published,
       (SELECT max(published_date) FROM posts) AS last_published,
       (SELECT count(DISTINCT run_id) FROM crawl_runs) AS runs,
       (SELECT max(started_at) FROM crawl_runs) AS last_run_at
"""

_LAST_RUN = """
SELECT run_id,
       count(*) FILTER (WHERE status = 'succeeded'),
       count(*) FILTER (WHERE status = 'failed')
FROM crawl_runs
WHERE run_id = (SELECT arg_max(run_id, started_at) FROM crawl_runs)
GROUP BY run_id
"""

_POSTS_PER_MP_WEEK = """
SELECT CAST(date_trunc('week', published_date) AS DATE) AS week, mp AS name, count(*) AS n
FROM posts
WHERE mp IS NOT NULL AND published_date IS NOT NULL
GROUP BY ALL ORDER BY week, name
"""

_TOPICS_PER_WEEK = """
SELECT CAST(date_trunc('week', published_date) AS DATE) AS week, topic AS name,
       count(DISTINCT post_id) AS n
FROM (SELECT post_id, published_date, unnest({topics}) AS topic FROM posts
      WHERE published_date IS NOT NULL)
WHERE topic IS NOT NULL AND trim(topic) <> ''
GROUP BY ALL ORDER BY week, name
"""

_NEW_AND_DUPLICATES = """
WITH ranked AS (
    SELECT first_seen_at,
           row_number() OVER (PARTITION BY post_id ORDER BY first_seen_at, url, source) AS nth
    FROM post_sightings
)
SELECT CAST(date_trunc('week', first_seen_at) AS DATE) AS week,
       'new posts' AS name, count(*) AS n
FROM ranked WHERE nth = 1 GROUP BY ALL
UNION ALL
SELECT CAST(date_trunc('week', first_seen_at) AS DATE), 'duplicate sightings', count(*)
FROM ranked WHERE nth > 1 GROUP BY ALL
ORDER BY week, name
"""

_CRAWL_WEEKS = """
SELECT source, CAST(date_trunc('week', started_at) AS DATE) AS week,
       count(*) AS runs,
       count(*) FILTER (WHERE status = 'failed') AS failures,
       sum(posts_found) AS posts_found,
       sum(posts_new) AS posts_new
FROM crawl_runs
GROUP BY ALL ORDER BY source, week
"""

_FAILURES = """
SELECT source, started_at, coalesce(error, 'failed (no error recorded)') AS error
FROM crawl_runs WHERE status = 'failed'
ORDER BY started_at DESC, source LIMIT $limit
"""

_LATEST_POSTS = """
SELECT published_date, title, mp, source, url
FROM posts
ORDER BY published_date DESC NULLS LAST, first_seen_at DESC, post_id LIMIT $limit
"""

_ANY_TOPIC = "SELECT count(*) > 0 FROM posts WHERE len(list_filter({topics}, t -> t <> '')) > 0"

_TOPICS_COLUMN = """
SELECT data_type FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = current_schema()
  AND table_name = 'posts' AND column_name = 'topics'
"""


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals for the table at the top of the report."""

    sources: int
    posts: int
    mps: int
    sightings: int
    first_published: date | None
    last_published: date | None
    runs: int
    last_run_at: datetime | None
    last_run_id: str | None
    last_run_succeeded: int
    last_run_failed: int


@dataclass(frozen=True, slots=True)
class WeekCount:
    """``n`` things named ``name`` (an MP, a topic, 'new posts', ...) in the week ``week``."""

    week: date
    name: str
    n: int


@dataclass(frozen=True, slots=True)
class CrawlWeek:
    """One source's crawl runs in one week."""

    source: str
    week: date
    runs: int
    failures: int
    posts_found: int
    posts_new: int


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed crawl run and its error."""

    source: str
    started_at: datetime
    error: str


@dataclass(frozen=True, slots=True)
class LatestPost:
    """A recent post, for the report's list of latest posts."""

    published_date: date | None
    title: str | None
    mp: str | None
    source: str
    url: str


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows. ``topic_field`` is 'topics' or 'categories'."""

    summary: Summary
    posts_per_mp: tuple[WeekCount, ...]
    topics: tuple[WeekCount, ...]
    topic_field: str
    new_and_duplicates: tuple[WeekCount, ...]
    crawl_weeks: tuple[CrawlWeek, ...]
    failures: tuple[Failure, ...]
    latest_posts: tuple[LatestPost, ...]


def read_report(path: str | Path, *, limit: int = 10) -> ReportData:
    """The report's data from the published warehouse ``path`` (read-only snapshot).

    ``limit`` caps the lists of recent failures and latest posts.
    """
    con = reader(path)
    try:
        topic_field, topics_sql = _topics_expression(con)
        return ReportData(
            summary=_summary(con),
            posts_per_mp=_week_counts(con, _POSTS_PER_MP_WEEK),
            topics=_week_counts(con, _TOPICS_PER_WEEK.format(topics=topics_sql)),
            topic_field=topic_field,
            new_and_duplicates=_week_counts(con, _NEW_AND_DUPLICATES),
            crawl_weeks=tuple(CrawlWeek(*row) for row in _rows(con, _CRAWL_WEEKS)),
            failures=tuple(Failure(*row) for row in _rows(con, _FAILURES, limit=limit)),
            latest_posts=tuple(LatestPost(*row) for row in _rows(con, _LATEST_POSTS, limit=limit)),
        )
    finally:
        con.close()


def _topics_expression(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """('topics', SQL) when posts have assigned topics, else ('categories', SQL)."""
    row = con.execute(_TOPICS_COLUMN).fetchone()
    if row is None:
        return "categories", "categories"
    expression = "topics" if str(row[0]).endswith("[]") else "[topics]"
    assigned = con.execute(_ANY_TOPIC.format(topics=expression)).fetchone()
    return ("topics", expression) if assigned and assigned[0] else ("categories", "categories")


def _summary(con: duckdb.DuckDBPyConnection) -> Summary:
    totals = con.execute(_SUMMARY).fetchone()
    last = con.execute(_LAST_RUN).fetchone() or (None, 0, 0)
    assert totals is not None  # an aggregate always returns one row
    sources, posts, mps, sightings, first, last_published, runs, last_run_at = totals
    return Summary(
        sources=int(sources),
        posts=int(posts),
        mps=int(mps),
        sightings=int(sightings),
        first_published=first,
        last_published=last_published,
        runs=int(runs),
        last_run_at=last_run_at,
        last_run_id=last[0],
        last_run_succeeded=int(last[1]),
        last_run_failed=int(last[2]),
    )


def _week_counts(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[WeekCount, ...]:
    return tuple(WeekCount(week, str(name), int(n)) for week, name, n in _rows(con, sql))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or None).fetchall()
