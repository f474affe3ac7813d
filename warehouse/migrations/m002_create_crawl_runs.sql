-- One row per source per run, written by the flow whether the crawl worked or not.
CREATE TABLE crawl_runs (
    run_id        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('mp_site', 'news_site')),
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL CHECK (status IN ('succeeded', 'failed')),
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    posts_found   INTEGER NOT NULL DEFAULT 0,
    posts_new     INTEGER NOT NULL DEFAULT 0,
    rejections    INTEGER NOT NULL DEFAULT 0,
    error         VARCHAR,
    PRIMARY KEY (run_id, source)
);
