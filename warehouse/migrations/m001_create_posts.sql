-- One row per distinct post (a duplicate group keeps one row; every copy is a sighting).
-- url is the canonical permalink; body holds paragraphs separated by blank lines;
-- mp is the owner of an MP site, or an MP a news article is about.
-- first_run_id (beyond the contract) is the run that first saw the post.
CREATE TABLE posts (
    post_id        VARCHAR PRIMARY KEY,
    url            VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('mp_site', 'news_site')),
    title          VARCHAR,
    author         VARCHAR,
    published_date DATE,
    date_source    VARCHAR,
    updated_at     TIMESTAMPTZ,
    body           VARCHAR,
    categories     VARCHAR[] NOT NULL,
    mp             VARCHAR,
    content_hash   VARCHAR,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    last_run_id    VARCHAR NOT NULL,
    first_run_id   VARCHAR NOT NULL
);
