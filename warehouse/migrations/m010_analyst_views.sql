-- Views for the questions analysts ask most (docs/warehouse.md has example queries).
-- Weeks start on Monday and months on the 1st (both DATE); dates are published_date.
-- Posts without a published_date are left out of the per-week/per-month counts.

-- Posts by each MP per week (the MP whose site it is, or the MP a news article is about).
CREATE VIEW posts_per_mp_week AS
SELECT mp,
       CAST(date_trunc('week', published_date) AS DATE) AS week,
       count(*) AS posts
FROM posts
WHERE mp IS NOT NULL AND published_date IS NOT NULL
GROUP BY mp, week
ORDER BY mp, week;

-- Posts per normalised topic per week and per month (a post with two topics counts in each).
CREATE VIEW posts_per_topic_week AS
SELECT topic,
       CAST(date_trunc('week', published_date) AS DATE) AS week,
       count(*) AS posts
FROM (SELECT unnest(topics) AS topic, published_date FROM posts WHERE published_date IS NOT NULL)
GROUP BY topic, week
ORDER BY topic, week;

CREATE VIEW posts_per_topic_month AS
SELECT topic,
       CAST(date_trunc('month', published_date) AS DATE) AS month,
       count(*) AS posts
FROM (SELECT unnest(topics) AS topic, published_date FROM posts WHERE published_date IS NOT NULL)
GROUP BY topic, month
ORDER BY topic, month;

-- One row per post and MP it mentions (role 'mentioned' in post_mps), newest first.
CREATE VIEW mp_mentions AS
SELECT m.mp,
       p.published_date,
       p.source,
       p.kind,
       p.title,
       p.url,
       p.post_id
FROM post_mps AS m
JOIN posts AS p USING (post_id)
WHERE m.role = 'mentioned'
ORDER BY m.mp, p.published_date DESC NULLS LAST, p.post_id;

-- Crawl health per source per day (UTC) the source ran: runs, failures and what they found.
CREATE VIEW crawl_health_daily AS
SELECT source,
       CAST(started_at AS DATE) AS day,
       count(*) AS runs,
       count(*) FILTER (WHERE status = 'failed') AS failures,
       CAST(sum(pages_fetched) AS BIGINT) AS pages_fetched,
       CAST(sum(posts_found) AS BIGINT) AS posts_found,
       CAST(sum(posts_new) AS BIGINT) AS posts_new,
       CAST(sum(rejections) AS BIGINT) AS rejections,
       arg_max(error, started_at) FILTER (WHERE error IS NOT NULL) AS last_error
FROM crawl_runs
GROUP BY source, day
ORDER BY source, day;
