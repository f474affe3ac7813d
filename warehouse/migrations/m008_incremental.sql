-- Incremental crawling: how each run's responses split (200 downloaded, 304 not modified)
-- and how many known post permalinks it skipped without a request (skipped_posts: those
-- holding a stored post; posts_found counts them, so full and incremental runs compare).
-- (One ALTER of a keyed table per step: see warehouse/migrate.py.)
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS responses_200 INTEGER DEFAULT 0;
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS responses_304 INTEGER DEFAULT 0;
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS skipped INTEGER DEFAULT 0;
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS skipped_posts INTEGER DEFAULT 0;
-- step

-- Every version of a post whose text changed after it was first stored: version 1 is the
-- text first seen, each later version an edit seen in a later run (posts shows the newest).
-- Posts never edited have no rows here. seen_at is when that version was first seen.
CREATE TABLE IF NOT EXISTS post_versions (
    post_id      VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    content_hash VARCHAR,
    title        VARCHAR,
    body         VARCHAR,
    categories   VARCHAR[] NOT NULL,
    seen_at      TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR NOT NULL,
    PRIMARY KEY (post_id, version)
);

-- One row per edit: what a post was before and after, and when the change was seen.
CREATE OR REPLACE VIEW post_changes AS
SELECT v.post_id,
       p.url,
       p.source,
       v.version,
       v.seen_at AS changed_at,
       v.run_id,
       prev.title IS DISTINCT FROM v.title AS title_changed,
       prev.body IS DISTINCT FROM v.body AS body_changed,
       prev.categories IS DISTINCT FROM v.categories AS categories_changed,
       prev.title AS old_title,
       v.title AS new_title,
       prev.body AS old_body,
       v.body AS new_body,
       prev.seen_at AS old_seen_at
FROM post_versions AS v
JOIN post_versions AS prev ON prev.post_id = v.post_id AND prev.version = v.version - 1
LEFT JOIN posts AS p ON p.post_id = v.post_id
ORDER BY changed_at, post_id;
