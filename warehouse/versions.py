"""Edited posts: keep every version of a post whose text changed (``post_versions``).

Called by the loader inside its transaction, after the run's posts are staged in
``incoming_posts`` (their stored rows in ``stored_posts``) and before they are upserted into
``posts``. A post is edited when a
newer sighting from ANOTHER run has a different content hash or title; re-loading the run
that stored the current text (a reload or a re-process) never makes a version. The first
edit of a post stores its stored text as version 1 and the edit as version 2; later edits
add one version each. ``post_changes`` (m008) shows each edit beside the text before it.
"""

from __future__ import annotations

import duckdb

__all__ = ["record_versions"]

_EDITED = """
CREATE OR REPLACE TEMP TABLE edited_posts AS
SELECT p.post_id,
       p.content_hash AS old_hash, p.title AS old_title, p.body AS old_body,
       p.categories AS old_categories, p.first_seen_at AS old_seen_at,
       p.first_run_id AS old_run_id,
       i.content_hash, i.title, i.body, i.categories, i.first_seen_at AS seen_at, i.run_id
FROM incoming_posts AS i JOIN stored_posts AS p USING (post_id)
WHERE i.last_seen_at >= p.last_seen_at
  AND i.run_id IS DISTINCT FROM p.last_run_id
  AND (i.content_hash IS DISTINCT FROM p.content_hash OR i.title IS DISTINCT FROM p.title)
"""

_FIRST_VERSIONS = """
INSERT INTO post_versions BY NAME
SELECT post_id, 1 AS version, old_hash AS content_hash, old_title AS title,
       old_body AS body, old_categories AS categories, old_seen_at AS seen_at,
       old_run_id AS run_id
FROM edited_posts AS e
WHERE NOT EXISTS (SELECT 1 FROM post_versions AS v WHERE v.post_id = e.post_id)
"""

_NEW_VERSIONS = """
INSERT INTO post_versions BY NAME
SELECT e.post_id, v.version + 1 AS version, e.content_hash, e.title, e.body, e.categories,
       e.seen_at, e.run_id
FROM edited_posts AS e
JOIN (SELECT post_id, max(version) AS version FROM post_versions GROUP BY post_id) AS v
  USING (post_id)
"""


def record_versions(con: duckdb.DuckDBPyConnection) -> int:
    """Store the versions the staged posts (``incoming_posts``) add; return how many edits."""
    con.execute(_EDITED)
    try:
        row = con.execute("SELECT count(*) FROM edited_posts").fetchone()
        edits = int(row[0]) if row else 0
        if edits:
            con.execute(_FIRST_VERSIONS)
            con.execute(_NEW_VERSIONS)
    finally:
        con.execute("DROP TABLE edited_posts")
    return edits
