"""Full-text search over post titles and bodies, ranked by BM25 (DuckDB's ``fts``).

The index lives in the warehouse and follows the loads, not the warehouse's size: each load
lists the posts whose text it wrote in ``search_pending`` (:func:`search_pending`, inside the
load's transaction), and every publish (:func:`warehouse.snapshot.writer`) calls
:func:`refresh_index`, which re-indexes just those posts in ``fts_main_posts`` — their old
entries out, their tokens in, term and document counts adjusted — exactly as DuckDB's
``create_fts_index`` would have indexed them. The index is built from scratch only when it is
missing or when most posts changed at once. Analysts' read-only snapshots therefore carry a
current index. A snapshot without one, or with a stale one (published by an older mpnews, or
without the fts package), is still searchable: :func:`search` then builds a throw-away
index in memory, which is correct but slower.

The extension is loaded from the ``duckdb-extension-fts`` package and never downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from mpnews.exceptions import WarehouseError
from warehouse.db import OFFLINE_CONFIG, connect, error_line, load_fts
from warehouse.lake import attach, is_lake

__all__ = [
    "SearchHit",
    "index_is_current",
    "refresh_index",
    "search",
    "search_pending",
    "snippet",
]

INDEX_SCHEMA = "fts_main_posts"
_STATE = f"{INDEX_SCHEMA}.index_state"
_FINGERPRINT = "SELECT count(*), coalesce(bit_xor(hash(post_id, title, body)), 0) FROM posts"
_BUILD = "PRAGMA create_fts_index('posts', 'post_id', 'title', 'body', overwrite = 1)"
_PENDING = "main.search_pending"
#: Re-index incrementally up to this share of the posts; beyond it, rebuild from scratch.
REBUILD_SHARE = 0.25
_WORD = re.compile(r"\w+")
_SNIPPET_CHARS = 160

_SEARCH = f"""
WITH ranked AS (
    SELECT post_id, {INDEX_SCHEMA}.match_bm25(post_id, $query) AS score FROM posts
)
SELECT p.post_id, p.title, p.published_date, p.source, p.mp, p.url, r.score, p.body
FROM ranked AS r JOIN posts AS p USING (post_id)
WHERE r.score IS NOT NULL
  AND ($since IS NULL OR coalesce(p.published_date, CAST(p.first_seen_at AS DATE)) >= $since)
  AND ($mp IS NULL OR {{mp_filter}})
ORDER BY r.score DESC, p.published_date DESC NULLS LAST, p.post_id
LIMIT $limit
"""
_MP_ON_POST = "p.mp ILIKE '%' || $mp || '%'"
_MP_MENTIONED = (
    "EXISTS (SELECT 1 FROM post_mps AS m "
    "WHERE m.post_id = p.post_id AND m.mp ILIKE '%' || $mp || '%')"
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked match: higher ``score`` (BM25) is better; ``snippet`` shows a match."""

    post_id: str
    title: str | None
    published_date: date | None
    source: str
    mp: str | None
    url: str
    score: float
    snippet: str


def search(
    path: str | Path,
    query: str,
    *,
    mp: str | None = None,
    since: date | None = None,
    limit: int = 10,
) -> list[SearchHit]:
    """The best ``limit`` posts of the published warehouse ``path`` for ``query``.

    Words are stemmed (Porter) and stop words ignored; any word may match (BM25 rewards
    posts matching more of them). ``mp`` keeps posts whose MP, or an MP they mention,
    contains that text (case-insensitive); ``since`` keeps posts dated on or after it
    (undated posts count from the day first seen).
    """
    if not query.strip():
        raise WarehouseError("search needs a query with at least one word")
    con = _searchable(Path(path))
    try:
        sql = _SEARCH.format(mp_filter=_mp_filter(con))
        params = {"query": query, "since": since, "mp": mp, "limit": limit}
        try:
            rows = con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: search failed: {error_line(exc)}") from exc
        stems = _stems(con, query)
    finally:
        con.close()
    return [_hit(row, stems) for row in rows]


def search_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Within a load's transaction, after ``warehouse.near_duplicate_index.resolve`` and before the
    posts are written: list the staged posts (``incoming_posts``) and the posts folded into
    another one (``dup_superseded``) for re-indexing."""
    con.execute(
        f"INSERT INTO {_PENDING} SELECT DISTINCT post_id FROM incoming_posts "
        "UNION SELECT old_id FROM dup_superseded ON CONFLICT DO NOTHING"
    )


def refresh_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring the search index of a writable warehouse connection up to date: re-index the
    posts listed in ``search_pending``, or build the index when it is missing.

    Returns True when it changed the index. Raises WarehouseError when the fts extension is
    missing.
    """
    load_fts(con)
    has_index = _has_table(con, INDEX_SCHEMA, "docs") and _has_table(con, "main", "search_pending")
    pending = _scalar(con, f"SELECT count(*) FROM {_PENDING}") if has_index else 0
    if has_index and pending == 0 and _counts_agree(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        posts = _scalar(con, "SELECT count(*) FROM posts")
        if has_index and pending <= max(REBUILD_SHARE * posts, 1) and _counts_agree(con, pending):
            _reindex(con)
        else:
            _rebuild(con)
        if _has_table(con, "main", "search_pending"):
            con.execute(f"DELETE FROM {_PENDING}")
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise WarehouseError(f"cannot build the search index: {error_line(exc)}") from exc
    return True


def index_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse on ``con`` holds a search index of exactly its posts."""
    if not _has_table(con, INDEX_SCHEMA, "docs"):
        return False
    if _has_table(con, "main", "search_pending"):
        pending = _scalar(con, f"SELECT count(*) FROM {_PENDING}")
        return pending == 0 and _counts_agree(con)
    if not _has_table(con, INDEX_SCHEMA, "index_state"):  # published by an older mpnews
        return False
    built = con.execute(f"SELECT posts, fingerprint FROM {_STATE}").fetchone()
    now = con.execute(_FINGERPRINT).fetchone()
    return built is not None and now is not None and tuple(built) == tuple(now)


def _counts_agree(con: duckdb.DuckDBPyConnection, pending: int = 0) -> bool:
    """The index holds as many documents as there are posts, give or take the ``pending``
    ones (a cheap guard against an index that missed a write)."""
    docs = _scalar(con, f"SELECT num_docs FROM {INDEX_SCHEMA}.stats")
    posts = _scalar(con, "SELECT count(*) FROM posts")
    return abs(docs - posts) <= pending


def _rebuild(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_BUILD)
    con.execute(
        f"CREATE OR REPLACE TABLE {_STATE} AS SELECT now() AS built_at, "
        "count(*) AS posts, coalesce(bit_xor(hash(post_id, title, body)), 0) AS fingerprint "
        "FROM posts"
    )


def _reindex(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the index entries of the pending posts, as ``create_fts_index`` makes them:
    fields title (0) and body (1) tokenized by the index's own macro, stop words dropped,
    Porter-stemmed; ``dict.df`` counts documents per term, ``docs.len`` terms per document."""
    for statement in _REINDEX:
        con.execute(statement.format(s=INDEX_SCHEMA, pending=_PENDING))
    # Older readers compare a fingerprint of every post; leave them one that says "rebuild".
    con.execute(f"UPDATE {_STATE} SET built_at = now(), fingerprint = NULL")


_REINDEX = (
    "CREATE OR REPLACE TEMP TABLE fts_old AS SELECT docid FROM {s}.docs "
    "WHERE name IN (SELECT post_id FROM {pending})",
    "UPDATE {s}.dict SET df = dict.df - c.n FROM (SELECT termid, count(DISTINCT docid) AS n "
    "FROM {s}.terms WHERE docid IN (SELECT docid FROM fts_old) GROUP BY termid) AS c "
    "WHERE dict.termid = c.termid",
    "DELETE FROM {s}.terms WHERE docid IN (SELECT docid FROM fts_old)",
    "DELETE FROM {s}.docs WHERE docid IN (SELECT docid FROM fts_old)",
    "CREATE OR REPLACE TEMP TABLE fts_new AS "
    "SELECT (SELECT coalesce(max(docid), -1) FROM {s}.docs) + row_number() OVER () AS docid, "
    "post_id AS name, title, body FROM posts WHERE post_id IN (SELECT post_id FROM {pending})",
    "CREATE OR REPLACE TEMP TABLE fts_tokens AS "
    "WITH raw AS (SELECT docid, 0 AS fieldid, unnest({s}.tokenize(title)) AS w FROM fts_new "
    "UNION ALL SELECT docid, 1 AS fieldid, unnest({s}.tokenize(body)) AS w FROM fts_new) "
    "SELECT docid, fieldid, stem(w, 'porter') AS term FROM raw "
    "WHERE w IS NOT NULL AND len(w) > 0 AND w NOT IN (SELECT sw FROM {s}.stopwords)",
    "INSERT INTO {s}.dict (termid, term, df) "
    "SELECT (SELECT coalesce(max(termid), -1) FROM {s}.dict) + row_number() OVER (), term, 0 "
    "FROM (SELECT DISTINCT term FROM fts_tokens "
    "WHERE term NOT IN (SELECT term FROM {s}.dict) ORDER BY term)",
    "INSERT INTO {s}.terms (docid, fieldid, termid) "
    "SELECT t.docid, t.fieldid, d.termid FROM fts_tokens AS t JOIN {s}.dict AS d USING (term)",
    "UPDATE {s}.dict SET df = dict.df + c.n FROM (SELECT term, count(DISTINCT docid) AS n "
    "FROM fts_tokens GROUP BY term) AS c WHERE dict.term = c.term",
    "INSERT INTO {s}.docs (docid, name, len) SELECT n.docid, n.name, "
    "(SELECT count(*) FROM fts_tokens AS t WHERE t.docid = n.docid) FROM fts_new AS n",
    "UPDATE {s}.stats SET num_docs = (SELECT count(*) FROM {s}.docs), "
    "avgdl = (SELECT sum(len) / count(len) FROM {s}.docs)",
    "DROP TABLE fts_old; DROP TABLE fts_new; DROP TABLE fts_tokens",
)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _searchable(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection whose ``posts`` carry a current index: the snapshot, or a copy in memory."""
    con = connect(path, read_only=True)
    try:
        load_fts(con)
        if index_is_current(con):
            return con
    except BaseException:
        con.close()
        raise
    con.close()
    return _in_memory_copy(path)


def _in_memory_copy(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=OFFLINE_CONFIG)
    try:
        load_fts(con)
        if is_lake(path):
            attach(con, path, alias="snapshot", read_only=True)
        else:
            literal = str(path).replace("'", "''")
            con.execute(f"ATTACH '{literal}' AS snapshot (READ_ONLY)")
        con.execute("CREATE TABLE posts AS SELECT * FROM snapshot.posts")
        if _has_table(con, "main", "post_mps", catalog="snapshot"):
            con.execute("CREATE VIEW post_mps AS SELECT * FROM snapshot.post_mps")
        con.execute(_BUILD)
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"{path}: cannot index posts for search: {error_line(exc)}") from exc
    return con


def _has_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, *, catalog: str | None = None
) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
        "AND table_name = ? AND (? IS NULL OR table_catalog = ?)",
        [schema, table, catalog, catalog],
    ).fetchone()
    return bool(row and row[0])


def _mp_filter(con: duckdb.DuckDBPyConnection) -> str:
    if _has_table(con, "main", "post_mps"):
        return f"({_MP_ON_POST} OR {_MP_MENTIONED})"
    return _MP_ON_POST


def _stems(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    words = {w.lower() for w in _WORD.findall(query)}
    if not words:
        return []
    rows = con.execute("SELECT DISTINCT stem(w, 'porter') FROM unnest(?) AS t(w)", [sorted(words)])
    return sorted({str(r[0]) for r in rows.fetchall() if r[0]}, key=len, reverse=True)


def _hit(row: tuple[Any, ...], stems: list[str]) -> SearchHit:
    post_id, title, published, source, mp, url, score, body = row
    return SearchHit(
        post_id, title, published, source, mp, url, float(score), snippet(body or title, stems)
    )


def snippet(text: str | None, stems: list[str], width: int = _SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first word starting with a stem."""
    flat = " ".join((text or "").split())
    if not stems:
        return _clip(flat, 0, width)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.I)
    found = pattern.search(flat)
    start = max(0, found.start() - width // 3) if found else 0
    return _clip(flat, start, width)


def _clip(flat: str, start: int, width: int) -> str:
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + width
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    head = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    return f"{head}{flat[start:end]}{tail}"
