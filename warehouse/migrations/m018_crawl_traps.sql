-- Crawl traps: which budgets cut the crawl short (budgets_hit: max_pages, max_depth,
-- max_query_variants), a few of the URL shapes they refused ("<budget>: <shape>") and the
-- depth and query-variant budgets the crawl ran with. budget_hit stays: true when any was hit.
-- (One ALTER of a keyed table per step: see warehouse/migrate.py.)
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS budgets_hit VARCHAR[] DEFAULT [];
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS budget_examples VARCHAR[] DEFAULT [];
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS max_depth INTEGER;
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS max_query_variants INTEGER;
