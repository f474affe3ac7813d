-- One row per archived HTTP response (any status), and every page that gave no post.
-- A load replaces the rows of its (run_id, source), so re-processing a run is idempotent.
CREATE TABLE pages (
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    final_url    VARCHAR,
    status       INTEGER,
    role         VARCHAR NOT NULL
        CHECK (role IN ('listing', 'post', 'feed', 'sitemap', 'robots', 'other')),
    content_type VARCHAR,
    fetched_at   TIMESTAMPTZ,
    warc_file    VARCHAR
);

CREATE TABLE rejections (
    run_id     VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    url        VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ
);
