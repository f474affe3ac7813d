-- Incremental crawls skip the known listings (older pagination pages, categories, archives)
-- that a listing page with no new post links to; skipped_listings counts them per run.
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS skipped_listings INTEGER DEFAULT 0;
