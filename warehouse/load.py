"""Load one source's run into the warehouse: bulk, idempotent, all or nothing.

Rows become Arrow tables and reach DuckDB through ``INSERT ... SELECT`` and
``ON CONFLICT DO UPDATE`` in ONE short transaction. On any error the transaction is
rolled back, nothing is published, and WarehouseError says which run failed.

* ``posts``: a new post_id is inserted; a known one keeps ``first_seen_at`` (the
  earliest sighting) and takes ``last_seen_at``/``last_run_id`` and its content (title,
  body, categories, ...) from the newest sighting.
* ``post_sightings``: one row per (post_id, url, source), same first/last semantics.
  A copy of another post (same or near-same body, ``warehouse.near_duplicate_index``) is stored as a
  sighting of the original only; ``post_mps`` follows the post's newest content.
* ``pages`` and ``rejections``: a load is the complete record of its run, so the rows
  of its (run_id, source) are replaced; re-processing a run with a better extractor
  leaves no stale rejections.
* ``crawl_runs``: upserted on (run_id, source).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from mpnews.exceptions import WarehouseError
from mpnews.redaction import redact
from pipeline.records import PageSeen, Post, Rejected
from warehouse import arrow, near_duplicate_index
from warehouse.crawlstate import update_crawl_state
from warehouse.db import error_line
from warehouse.lake import retry_conflicts
from warehouse.rows import LoadResult, PostRow, RunRecord
from warehouse.search import search_pending
from warehouse.snapshot import writer
from warehouse.versions import record_versions

__all__ = ["load_run", "record_run", "write_run"]

_T = TypeVar("_T")

_STAGE_POSTS = """
CREATE OR REPLACE TEMP TABLE incoming_posts AS
SELECT * EXCLUDE (ordinal, seen_at, is_copy),
       min(seen_at) OVER byid AS first_seen_at,
       max(seen_at) OVER byid AS last_seen_at
FROM stage_resolved WHERE NOT is_copy
WINDOW byid AS (PARTITION BY post_id)
QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY ordinal) = 1
"""

_STAGE_SIGHTINGS = """
CREATE OR REPLACE TEMP TABLE incoming_sightings AS
SELECT post_id, url, source,
       first(page_url ORDER BY page_url IS DISTINCT FROM url, ordinal) AS page_url,
       min(seen_at) AS first_seen_at,
       max(seen_at) AS last_seen_at,
       arg_max(run_id, seen_at) AS last_run_id
FROM stage_resolved
GROUP BY post_id, url, source
"""

# The stored rows of the posts this load brings, read once: steps that compare old and new
# join this small table, not the whole posts table (one pass over it instead of one each).
_STAGE_STORED = """
CREATE OR REPLACE TEMP TABLE stored_posts AS
SELECT post_id, content_hash, title, body, categories, first_seen_at, last_seen_at,
       first_run_id, last_run_id
FROM posts WHERE post_id IN (SELECT post_id FROM incoming_posts)
"""

_COUNT_CHANGES = """
SELECT count(*) FILTER (WHERE p.post_id IS NULL),
       count(*) FILTER (WHERE p.post_id IS NOT NULL AND i.last_seen_at >= p.last_seen_at AND (
           i.content_hash IS DISTINCT FROM p.content_hash OR i.title IS DISTINCT FROM p.title
           OR i.body IS DISTINCT FROM p.body OR i.categories IS DISTINCT FROM p.categories))
FROM incoming_posts AS i LEFT JOIN stored_posts AS p USING (post_id)
"""

_NEWER = "excluded.last_seen_at >= posts.last_seen_at"
_UPSERT_POSTS = f"""
INSERT INTO posts BY NAME
SELECT * EXCLUDE (page_url, run_id, mps), run_id AS last_run_id, run_id AS first_run_id
FROM incoming_posts
ON CONFLICT (post_id) DO UPDATE SET
    title = CASE WHEN {_NEWER} THEN excluded.title ELSE posts.title END,
    author = CASE WHEN {_NEWER} THEN coalesce(excluded.author, posts.author)
             ELSE posts.author END,
    published_date = CASE WHEN {_NEWER} AND excluded.published_date IS NOT NULL
                     THEN excluded.published_date ELSE posts.published_date END,
    date_source = CASE WHEN {_NEWER} AND excluded.published_date IS NOT NULL
                  THEN excluded.date_source ELSE posts.date_source END,
    updated_at = CASE WHEN {_NEWER} THEN coalesce(excluded.updated_at, posts.updated_at)
                 ELSE posts.updated_at END,
    body = CASE WHEN {_NEWER} THEN excluded.body ELSE posts.body END,
    categories = CASE WHEN {_NEWER} THEN excluded.categories ELSE posts.categories END,
    topics = CASE WHEN {_NEWER} THEN excluded.topics ELSE posts.topics END,
    date_confidence = CASE WHEN {_NEWER} AND excluded.published_date IS NOT NULL
                      THEN excluded.date_confidence ELSE posts.date_confidence END,
    date_conflicts = CASE WHEN {_NEWER} AND excluded.published_date IS NOT NULL
                     THEN excluded.date_conflicts ELSE posts.date_conflicts END,
    date_error = CASE WHEN {_NEWER} AND excluded.published_date IS NOT NULL THEN NULL
                 WHEN {_NEWER} AND posts.published_date IS NULL THEN excluded.date_error
                 ELSE posts.date_error END,
    mp = CASE WHEN {_NEWER} THEN coalesce(excluded.mp, posts.mp) ELSE posts.mp END,
    content_hash = CASE WHEN {_NEWER} THEN excluded.content_hash ELSE posts.content_hash END,
    last_run_id = CASE WHEN {_NEWER} THEN excluded.last_run_id ELSE posts.last_run_id END,
    first_run_id = CASE WHEN excluded.first_seen_at < posts.first_seen_at
                   THEN excluded.first_run_id ELSE posts.first_run_id END,
    first_seen_at = least(posts.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(posts.last_seen_at, excluded.last_seen_at)
"""

_SIGHTING_NEWER = "excluded.last_seen_at >= post_sightings.last_seen_at"
_UPSERT_SIGHTINGS = f"""
INSERT INTO post_sightings BY NAME SELECT * FROM incoming_sightings
ON CONFLICT (post_id, url, source) DO UPDATE SET
    page_url = CASE WHEN {_SIGHTING_NEWER} THEN excluded.page_url
               ELSE post_sightings.page_url END,
    last_run_id = CASE WHEN {_SIGHTING_NEWER} THEN excluded.last_run_id
                  ELSE post_sightings.last_run_id END,
    first_seen_at = least(post_sightings.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(post_sightings.last_seen_at, excluded.last_seen_at)
"""

# post_mps follows the post's content: replaced for the posts this load gave the newest copy.
_REPLACE_POST_MPS = """
CREATE OR REPLACE TEMP TABLE newest_posts AS
SELECT i.post_id, i.mps FROM incoming_posts AS i JOIN posts AS p USING (post_id)
WHERE i.last_seen_at >= p.last_seen_at;
DELETE FROM post_mps WHERE post_id IN (SELECT post_id FROM newest_posts);
INSERT INTO post_mps BY NAME
SELECT DISTINCT post_id, m.mp AS mp, m.role AS role,
       (SELECT min(r.member_id) FROM mps AS r
        WHERE r.name = m.mp OR list_contains(r.aliases, m.mp)) AS member_id
FROM (SELECT post_id, unnest(mps) AS m FROM newest_posts);
DROP TABLE newest_posts;
"""

_DELETE_RUN_ROWS = "DELETE FROM {table} WHERE run_id = $run_id AND source = $source"
_INSERT_RUN_ROWS = "INSERT INTO {table} BY NAME SELECT * FROM {stage}"

_UPSERT_RUN = """
INSERT INTO crawl_runs BY NAME
SELECT $run_id AS run_id, $source AS source, $kind AS kind,
       $started_at::TIMESTAMPTZ AS started_at, $finished_at::TIMESTAMPTZ AS finished_at,
       $status AS status, $pages_fetched AS pages_fetched, $posts_found AS posts_found,
       coalesce($posts_new, (SELECT count(*) FROM posts
                             WHERE first_run_id = $run_id AND source = $source)) AS posts_new,
       coalesce($rejections, (SELECT count(*) FROM rejections
                              WHERE run_id = $run_id AND source = $source)) AS rejections,
       $error AS error
ON CONFLICT (run_id, source) DO UPDATE SET
    kind = excluded.kind, started_at = excluded.started_at,
    finished_at = excluded.finished_at, status = excluded.status,
    pages_fetched = excluded.pages_fetched, posts_found = excluded.posts_found,
    posts_new = excluded.posts_new, rejections = excluded.rejections, error = excluded.error
"""

_RESPONSE_FIELDS = (
    "run_id", "source", "responses_200", "responses_304", "skipped", "skipped_posts",
    "budget_hit", "pages_over_budget", "max_pages", "budgets_hit", "budget_examples", "max_depth",
    "max_query_variants", "skipped_listings",
)  # fmt: skip
_RUN_RESPONSES = """
UPDATE crawl_runs SET responses_200 = $responses_200, responses_304 = $responses_304,
    skipped = $skipped, skipped_posts = $skipped_posts, budget_hit = $budget_hit,
    pages_over_budget = $pages_over_budget, max_pages = $max_pages,
    budgets_hit = $budgets_hit::VARCHAR[], budget_examples = $budget_examples::VARCHAR[],
    max_depth = $max_depth, max_query_variants = $max_query_variants,
    skipped_listings = $skipped_listings
WHERE run_id = $run_id AND source = $source
"""


def load_run(
    path: str | Path,
    *,
    run: RunRecord,
    posts: Sequence[PostRow | Post] = (),
    pages: Sequence[PageSeen] = (),
    rejections: Sequence[Rejected] = (),
) -> LoadResult:
    """Write one source's run (posts, sightings, pages, rejections, crawl_runs row).

    ``path`` is the published warehouse file analysts open; loading the same run twice
    changes nothing. Finalised ``Post`` records are accepted as they are (see
    ``PostRow.from_post``); any object with ``PageSeen``'s fields is a page. Raises
    WarehouseError, leaving the warehouse as it was.
    """

    def load() -> LoadResult:  # a shared lake: run again when another writer won the race
        with writer(path) as con:
            return write_run(con, run=run, posts=posts, pages=pages, rejections=rejections)

    return retry_conflicts(load)


def write_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run: RunRecord,
    posts: Sequence[PostRow | Post] = (),
    pages: Sequence[PageSeen] = (),
    rejections: Sequence[Rejected] = (),
) -> LoadResult:
    """:func:`load_run` on an open, migrated warehouse connection, without publishing
    (one transaction; raises WarehouseError, leaving the warehouse as it was)."""
    rows = [PostRow.from_post(p) if isinstance(p, Post) else p for p in posts]
    _check_post_ids(rows)
    _check_belongs(run, rows, pages, rejections)
    tables = {
        "stage_posts": arrow.posts_table(rows),
        "stage_pages": arrow.pages_table(pages),
        "stage_rejections": arrow.rejections_table(rejections, run),
    }
    return _in_transaction(con, run, lambda: _write_run(con, run, tables))


def record_run(path: str | Path, run: RunRecord) -> None:
    """Record a run that produced no posts (e.g. a failed source); keeps stored rows."""

    def record() -> None:
        with writer(path) as con:
            _in_transaction(con, run, lambda: _upsert_run(con, run))

    retry_conflicts(record)


def _write_run(
    con: duckdb.DuckDBPyConnection, run: RunRecord, tables: dict[str, pa.Table]
) -> LoadResult:
    for name, table in tables.items():
        con.register(name, table)
    try:
        if tables["stage_posts"].num_rows == 0:  # a quiet incremental run: pages only
            _write_pages_only(con, run)
            return LoadResult(0, 0, 0)
        near_duplicate_index.resolve(con)
        con.execute(_STAGE_POSTS)
        con.execute(_STAGE_SIGHTINGS)
        con.execute(_STAGE_STORED)
        posts_new, posts_updated = con.execute(_COUNT_CHANGES).fetchone() or (0, 0)
        record_versions(con)
        search_pending(con)
        con.execute(_UPSERT_POSTS)
        con.execute(_UPSERT_SIGHTINGS)
        con.execute(_REPLACE_POST_MPS)
        near_duplicate_index.finish(con)
        sightings = _count(con, "incoming_sightings")
        _write_run_rows(con, run)
        con.execute(
            "DROP TABLE incoming_posts; DROP TABLE incoming_sightings; DROP TABLE stored_posts"
        )
    finally:
        for name in tables:
            con.unregister(name)
    return LoadResult(int(posts_new), int(posts_updated), int(sightings))


def _write_pages_only(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """The run's pages, rejections, crawl state and crawl_runs row, when it read no post:
    the post steps (duplicates, versions, search, MPs) have nothing to do."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE incoming_sightings AS "
        "SELECT post_id, url, source, page_url FROM stage_posts LIMIT 0"
    )
    _write_run_rows(con, run)
    con.execute("DROP TABLE incoming_sightings")


def _write_run_rows(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    """The run's own rows: its pages and rejections (replaced), the source's crawl state
    (from the staged pages and ``incoming_sightings``) and its crawl_runs row."""
    _replace_run_rows(con, run, "pages", "stage_pages")
    _replace_run_rows(con, run, "rejections", "stage_rejections")
    update_crawl_state(con, run.source)
    _upsert_run(con, run)


def _replace_run_rows(
    con: duckdb.DuckDBPyConnection, run: RunRecord, table: str, stage: str
) -> None:
    params = {"run_id": run.run_id, "source": run.source}
    con.execute(_DELETE_RUN_ROWS.format(table=table), params)
    con.execute(_INSERT_RUN_ROWS.format(table=table, stage=stage))


def _upsert_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    params = {
        name: getattr(run, name)
        for name in (
            "run_id",
            "source",
            "kind",
            "started_at",
            "finished_at",
            "status",
            "pages_fetched",
            "posts_found",
            "posts_new",
            "rejections",
            "error",
        )
    }
    params["error"] = redact(params["error"]) if params["error"] else params["error"]
    con.execute(_UPSERT_RUN, params)
    values = {n: getattr(run, n) for n in _RESPONSE_FIELDS}
    con.execute(
        _RUN_RESPONSES, {n: list(v) if isinstance(v, tuple) else v for n, v in values.items()}
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _in_transaction(con: duckdb.DuckDBPyConnection, run: RunRecord, work: Callable[[], _T]) -> _T:
    con.execute("BEGIN TRANSACTION")
    try:
        result = work()
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con)
        if not isinstance(exc, duckdb.Error):
            raise
        raise WarehouseError(
            f"load of run {run.run_id!r} ({run.source}) failed, nothing was changed: "
            f"{error_line(exc)}"
        ) from exc
    return result


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.TransactionException):  # already rolled back
        con.execute("ROLLBACK")


def _check_post_ids(posts: Sequence[PostRow]) -> None:
    missing = next((p for p in posts if not p.post_id), None)
    if missing is not None:
        raise WarehouseError(f"post {missing.url} has no post_id; nothing was loaded")


def _check_belongs(
    run: RunRecord,
    posts: Sequence[PostRow],
    pages: Sequence[PageSeen],
    rejections: Sequence[Rejected],
) -> None:
    rows: list[PostRow | PageSeen | Rejected] = [*posts, *pages, *rejections]
    for row in rows:
        run_ok = row.run_id == run.run_id or (isinstance(row, Rejected) and not row.run_id)
        if not run_ok or row.source != run.source:
            raise WarehouseError(
                f"{type(row).__name__} for {row.url} belongs to run {row.run_id!r} "
                f"({row.source}), not run {run.run_id!r} ({run.source}); nothing was loaded"
            )
