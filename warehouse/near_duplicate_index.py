"""The duplicate index that lives with the warehouse, and folding copies into one post.

Within a load's transaction (``warehouse.load``), :func:`resolve` reads the staged posts
(``stage_posts``), fingerprints them (``pipeline.near_duplicates``), fetches from
``post_fingerprints``/``post_lsh_bands`` only the known posts that could match (same id,
same body hash, or a shared LSH band key: the LSH lookup is a join, so no index has to
be rebuilt in memory), and runs :func:`pipeline.near_duplicates.find_duplicates`. It leaves
``stage_resolved``: the staged rows with ``post_id`` set to their group's canonical post
and ``is_copy`` true for a copy, whose row is only a sighting (its content never
overwrites the original's). :func:`finish` then folds any canonical post that a more
original newcomer superseded into it (sightings moved, row deleted) and stretches
``first_seen_at``/``last_seen_at`` of posts seen through copies.

Posts stored before the index existed are fingerprinted on the next load.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.near_duplicates import (
    MIN_WORDS,
    DuplicateGroup,
    DuplicateIndex,
    Fingerprint,
    band_keys,
    find_duplicates,
    fingerprint,
)

__all__ = ["finish", "resolve"]

_FINGERPRINT_COLUMNS = (
    "post_id, canonical_id, content_hash, minhash, words, published_date, kind, first_seen_at"
)
_FINGERPRINTS_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("canonical_id", pa.string()),
        ("content_hash", pa.string()),
        ("minhash", pa.binary()),
        ("words", pa.int32()),
        ("published_date", pa.date32()),
        ("kind", pa.string()),
        ("first_seen_at", pa.timestamp("us", tz="UTC")),
    ]
)
_BANDS_SCHEMA = pa.schema([("key", pa.int64()), ("post_id", pa.string())])
_MAP_SCHEMA = pa.schema(
    [("post_id", pa.string()), ("canonical_id", pa.string()), ("is_copy", pa.bool_())]
)

_STAGED = """
SELECT post_id, first(body ORDER BY ordinal) AS body,
       first(published_date ORDER BY ordinal) AS published_date,
       first(kind ORDER BY ordinal) AS kind, min(seen_at) AS first_seen_at
FROM stage_posts GROUP BY post_id ORDER BY post_id
"""
_UNINDEXED = """
SELECT post_id, body, published_date, kind, first_seen_at FROM posts AS p
WHERE NOT EXISTS (SELECT 1 FROM post_fingerprints AS f WHERE f.post_id = p.post_id)
"""
_COUNTS = """
SELECT (SELECT count(*) FROM posts),
       (SELECT count(*) FROM post_fingerprints WHERE post_id = canonical_id)
"""
# The candidates, in steps through temp tables: as one query with CTEs, DuckDB re-plans the
# band lookup badly and reads every stored MinHash (seconds and a gigabyte at 1M posts).
_CANDIDATE_STEPS = (
    """CREATE OR REPLACE TEMP TABLE dup_hits AS
    SELECT post_id FROM post_fingerprints WHERE post_id IN (SELECT post_id FROM dup_probe)
    UNION SELECT post_id FROM post_fingerprints
          WHERE content_hash IN (SELECT content_hash FROM dup_probe)
    UNION SELECT post_id FROM post_lsh_bands WHERE key IN (SELECT key FROM dup_keys)""",
    """CREATE OR REPLACE TEMP TABLE dup_wanted AS
    SELECT post_id FROM dup_hits
    UNION SELECT canonical_id FROM post_fingerprints
          WHERE post_id IN (SELECT post_id FROM dup_hits)""",
)
_CANDIDATES = f"""
SELECT {_FINGERPRINT_COLUMNS} FROM post_fingerprints
WHERE post_id IN (SELECT post_id FROM dup_wanted)
"""
_UPSERT_FINGERPRINTS = """
INSERT INTO post_fingerprints BY NAME SELECT * FROM dup_fingerprints
ON CONFLICT (post_id) DO UPDATE SET
    canonical_id = excluded.canonical_id, content_hash = excluded.content_hash,
    minhash = excluded.minhash, words = excluded.words,
    published_date = excluded.published_date, kind = excluded.kind,
    first_seen_at = excluded.first_seen_at
"""
_REPLACE_BANDS = """
DELETE FROM post_lsh_bands WHERE post_id IN (SELECT post_id FROM dup_fingerprints);
INSERT INTO post_lsh_bands BY NAME SELECT * FROM dup_bands;
"""
_REPOINT = """
UPDATE post_fingerprints SET canonical_id = s.canonical_id
FROM dup_superseded AS s WHERE post_fingerprints.canonical_id = s.old_id
"""
_STAGE_RESOLVED = """
CREATE OR REPLACE TEMP TABLE stage_resolved AS
SELECT s.* REPLACE (m.canonical_id AS post_id), m.is_copy
FROM stage_posts AS s JOIN dup_map AS m USING (post_id)
"""
_FOLD_SUPERSEDED = """
INSERT INTO post_sightings BY NAME
SELECT d.canonical_id AS post_id, s.* EXCLUDE (post_id)
FROM post_sightings AS s JOIN dup_superseded AS d ON s.post_id = d.old_id
ON CONFLICT (post_id, url, source) DO UPDATE SET
    first_seen_at = least(post_sightings.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(post_sightings.last_seen_at, excluded.last_seen_at);
DELETE FROM post_sightings WHERE post_id IN (SELECT old_id FROM dup_superseded);
DELETE FROM post_mps WHERE post_id IN (SELECT old_id FROM dup_superseded);
DELETE FROM posts WHERE post_id IN (SELECT old_id FROM dup_superseded);
"""
_STRETCH_SEEN = """
UPDATE posts SET first_seen_at = least(posts.first_seen_at, s.first_seen_at),
                 last_seen_at = greatest(posts.last_seen_at, s.last_seen_at)
FROM (SELECT post_id, min(first_seen_at) AS first_seen_at, max(last_seen_at) AS last_seen_at
      FROM post_sightings
      WHERE post_id IN (SELECT post_id FROM stage_resolved WHERE is_copy
                        UNION SELECT canonical_id FROM dup_superseded)
      GROUP BY post_id) AS s
WHERE posts.post_id = s.post_id
"""


def resolve(con: duckdb.DuckDBPyConnection) -> None:
    """Fingerprint ``stage_posts``, match it against the index, update the index, and
    create ``stage_resolved`` (and ``dup_superseded`` for :func:`finish`)."""
    _index_unindexed(con)
    new = [_staged_fingerprint(row) for row in con.execute(_STAGED).fetchall()]
    index = DuplicateIndex.of(_candidates(con, new))
    groups = find_duplicates(new, index)
    canonical = {m: g.canonical_id for g in groups for m in g.members}
    touched = {m for g in groups for m in (*g.members, *g.superseded)} | {f.post_id for f in new}
    _register(con, "dup_fingerprints", _fingerprints_table(index.entries[i] for i in touched))
    _register(con, "dup_bands", _bands_table(new))
    _register(con, "dup_map", _map_table(new, canonical))
    _register(con, "dup_superseded", _superseded_table(groups))
    con.execute(_UPSERT_FINGERPRINTS)
    con.execute(_REPLACE_BANDS)
    con.execute(_REPOINT)
    con.execute(_STAGE_RESOLVED)


def finish(con: duckdb.DuckDBPyConnection) -> None:
    """After posts and sightings are written: fold superseded posts, stretch seen times."""
    con.execute(_FOLD_SUPERSEDED)
    con.execute(_STRETCH_SEEN)
    con.execute("DROP TABLE stage_resolved")
    for name in ("dup_fingerprints", "dup_bands", "dup_map", "dup_superseded"):
        con.unregister(name)


def _index_unindexed(con: duckdb.DuckDBPyConnection) -> None:
    """Fingerprint posts stored before the index existed. Every stored post has the
    fingerprint of its own id, so equal counts (cheap) mean there is nothing to catch up
    on, and the anti-join over every post is skipped."""
    counts = con.execute(_COUNTS).fetchone()
    if counts is not None and counts[0] == counts[1]:
        return
    rows = con.execute(_UNINDEXED).fetchall()
    if not rows:
        return
    fps = [_staged_fingerprint(row) for row in rows]
    _register(con, "dup_fingerprints", _fingerprints_table(fps))
    _register(con, "dup_bands", _bands_table(fps))
    con.execute(_UPSERT_FINGERPRINTS)
    con.execute(_REPLACE_BANDS)


def _staged_fingerprint(row: tuple[Any, ...]) -> Fingerprint:
    post_id, body, published_date, kind, first_seen_at = row
    return fingerprint(
        post_id,
        body or "",
        published_date=published_date,
        kind=kind or "",
        first_seen_at=first_seen_at,
    )


def _candidates(con: duckdb.DuckDBPyConnection, new: list[Fingerprint]) -> list[Fingerprint]:
    probe = pa.table(
        {
            "post_id": pa.array([f.post_id for f in new], pa.string()),
            "content_hash": pa.array([f.content_hash for f in new], pa.string()),
        }
    )
    _register(con, "dup_probe", probe)
    _register(con, "dup_keys", pa.table({"key": pa.array(_keys(new), pa.int64())}))
    try:
        for step in _CANDIDATE_STEPS:
            con.execute(step)
        rows = con.execute(_CANDIDATES).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS dup_hits; DROP TABLE IF EXISTS dup_wanted")
        con.unregister("dup_probe")
        con.unregister("dup_keys")
    return [_stored_fingerprint(row) for row in rows]


def _stored_fingerprint(row: tuple[Any, ...]) -> Fingerprint:
    post_id, canonical_id, chash, minhash, words, published, kind, first_seen = row
    return Fingerprint(
        post_id=post_id,
        content_hash=chash,
        minhash=bytes(minhash),
        words=int(words),
        published_date=published,
        kind=kind or "",
        first_seen_at=first_seen,
        canonical_id="" if canonical_id == post_id else canonical_id,
    )


def _keys(fps: Iterable[Fingerprint]) -> list[int]:
    return sorted({k for f in fps if f.words >= MIN_WORDS for k in band_keys(f.minhash)})


def _fingerprints_table(fps: Iterable[Fingerprint]) -> pa.Table:
    rows = sorted(fps, key=lambda f: f.post_id)
    return pa.Table.from_pylist(
        [
            {
                "post_id": f.post_id,
                "canonical_id": f.group,
                "content_hash": f.content_hash,
                "minhash": f.minhash,
                "words": f.words,
                "published_date": f.published_date,
                "kind": f.kind or None,
                "first_seen_at": f.first_seen_at,
            }
            for f in rows
        ],
        schema=_FINGERPRINTS_SCHEMA,
    )


def _bands_table(fps: Iterable[Fingerprint]) -> pa.Table:
    rows = [
        {"key": key, "post_id": f.post_id}
        for f in fps
        if f.words >= MIN_WORDS
        for key in band_keys(f.minhash)
    ]
    return pa.Table.from_pylist(rows, schema=_BANDS_SCHEMA)


def _map_table(new: list[Fingerprint], canonical: dict[str, str]) -> pa.Table:
    rows = []
    for f in new:
        target = canonical.get(f.post_id, f.group)
        rows.append({"post_id": f.post_id, "canonical_id": target, "is_copy": target != f.post_id})
    return pa.Table.from_pylist(rows, schema=_MAP_SCHEMA)


def _superseded_table(groups: list[DuplicateGroup]) -> pa.Table:
    pairs = [(old, g.canonical_id) for g in groups for old in g.superseded]
    return pa.table(
        {
            "old_id": pa.array([p[0] for p in pairs], pa.string()),
            "canonical_id": pa.array([p[1] for p in pairs], pa.string()),
        }
    )


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(name, table)
