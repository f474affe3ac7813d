-- Questions about the whole House, and what the crawler found on each site.

-- Posts per party per month: a post counts under the party its MP (posts.mp) has in the
-- registry now; posts without an MP or a published_date are left out.
CREATE OR REPLACE VIEW posts_per_party_month AS
SELECT r.party,
       CAST(date_trunc('month', p.published_date) AS DATE) AS month,
       count(*) AS posts,
       count(DISTINCT r.name) AS mps
FROM posts AS p
JOIN mps AS r ON r.name = p.mp
WHERE p.published_date IS NOT NULL
GROUP BY r.party, month
ORDER BY month, r.party;

-- Sitting MPs with no post of their own (no post_mps row with role 'author' and no post whose
-- mp is theirs), with how many posts mention them and the website the registry lists.
CREATE OR REPLACE VIEW mps_without_posts AS
SELECT r.member_id,
       r.name,
       r.constituency,
       r.party,
       r.website,
       r.site,
       (SELECT count(DISTINCT m.post_id) FROM post_mps AS m
        WHERE m.mp = r.name AND m.role = 'mentioned') AS mentions
FROM mps AS r
WHERE r.sitting
  AND NOT EXISTS (SELECT 1 FROM post_mps AS a WHERE a.mp = r.name AND a.role = 'author')
  AND NOT EXISTS (SELECT 1 FROM posts AS p WHERE p.mp = r.name)
ORDER BY r.constituency;

-- What a crawl found on a site from its start URL alone (spiders/discovery.py): the site
-- family, feeds, sitemaps and news listing pages. The next crawl of the source starts from them.
CREATE TABLE IF NOT EXISTS site_discovery (
    source        VARCHAR PRIMARY KEY,
    start_url     VARCHAR NOT NULL,
    family        VARCHAR NOT NULL,
    feeds         VARCHAR[] NOT NULL,
    sitemaps      VARCHAR[] NOT NULL,
    listings      VARCHAR[] NOT NULL,
    run_id        VARCHAR NOT NULL,
    discovered_at TIMESTAMPTZ NOT NULL
);
