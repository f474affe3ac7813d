-- Incremental-crawl state, one row per URL a source has fetched, kept up to date by every
-- load from its own pages, so a crawl reads this instead of the whole `pages` history:
-- the role and status of the latest fetch, when the URL was last confirmed (200 or 304),
-- the WARC file of its latest 200 copy, and whether a stored post was read from it.
CREATE TABLE IF NOT EXISTS crawl_state (
    source        VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    status        INTEGER,
    fetched_at    TIMESTAMPTZ NOT NULL,
    checked_at    TIMESTAMPTZ,
    ok_warc_file  VARCHAR,
    ok_fetched_at TIMESTAMPTZ,
    has_post      BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (source, url)
);

INSERT INTO crawl_state BY NAME
SELECT source, url,
       arg_max(role, fetched_at) AS role,
       arg_max(status, fetched_at) AS status,
       max(fetched_at) AS fetched_at,
       max(fetched_at) FILTER (WHERE status IN (200, 304)) AS checked_at,
       arg_max(warc_file, fetched_at) FILTER (WHERE status = 200) AS ok_warc_file,
       max(fetched_at) FILTER (WHERE status = 200) AS ok_fetched_at,
       false AS has_post
FROM pages
WHERE fetched_at IS NOT NULL
GROUP BY source, url
ON CONFLICT DO NOTHING;
-- step
UPDATE crawl_state SET has_post = true
FROM (SELECT source, page_url AS url FROM post_sightings WHERE page_url IS NOT NULL
      UNION SELECT source, url FROM post_sightings) AS s
WHERE crawl_state.source = s.source AND crawl_state.url = s.url;
-- step

-- Posts whose title or body changed since the search index (fts_main_posts) was last
-- brought up to date: the loads add them, the next publish re-indexes just these.
CREATE TABLE IF NOT EXISTS search_pending (
    post_id VARCHAR PRIMARY KEY
);
