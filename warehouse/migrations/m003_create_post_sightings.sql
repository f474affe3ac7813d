-- Every URL (and the page it was read from) where a post was seen.
CREATE TABLE post_sightings (
    post_id       VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    page_url      VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    last_run_id   VARCHAR NOT NULL,
    PRIMARY KEY (post_id, url, source)
);
