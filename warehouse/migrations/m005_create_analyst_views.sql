-- Views analysts start from. Months are the first day of the month (DATE).
CREATE VIEW posts_per_mp_month AS
SELECT mp,
       CAST(date_trunc('month', published_date) AS DATE) AS month,
       count(*) AS posts
FROM posts
WHERE mp IS NOT NULL AND published_date IS NOT NULL
GROUP BY mp, month
ORDER BY mp, month;

-- Every post, newest first within each source; filter on recency_rank <= N for the top N.
CREATE VIEW latest_posts AS
SELECT source,
       row_number() OVER (
           PARTITION BY source
           ORDER BY published_date DESC NULLS LAST, first_seen_at DESC, post_id
       ) AS recency_rank,
       published_date,
       title,
       url,
       mp,
       kind,
       author,
       categories,
       post_id,
       first_seen_at
FROM posts
ORDER BY source, recency_rank;

-- Per source: the last run and its status, how many runs and failures, the latest error.
CREATE VIEW crawl_health AS
SELECT source,
       arg_max(kind, started_at) AS kind,
       arg_max(run_id, started_at) AS last_run_id,
       max(started_at) AS last_run_at,
       arg_max(status, started_at) AS last_status,
       arg_max(posts_found, started_at) AS last_posts_found,
       count(*) AS runs,
       count(*) FILTER (WHERE status = 'failed') AS failures,
       arg_max(error, started_at) FILTER (WHERE error IS NOT NULL) AS last_error,
       max(started_at) FILTER (WHERE error IS NOT NULL) AS last_error_at,
       max(started_at) FILTER (WHERE status = 'succeeded') AS last_success_at
FROM crawl_runs
GROUP BY source
ORDER BY source;
