-- Crawl budget: whether the source's max_pages cut the crawl short (budget_hit), how many
-- distinct URLs it left unfetched (pages_over_budget) and the budget the crawl ran with.
-- (One ALTER of a keyed table per step: see warehouse/migrate.py.)
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS budget_hit BOOLEAN DEFAULT false;
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS pages_over_budget INTEGER DEFAULT 0;
-- step
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS max_pages INTEGER;
