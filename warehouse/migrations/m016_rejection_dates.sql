-- A page that gave no post still says when it was published, when its date could be read
-- (a page whose text could not be extracted, an empty listing row): the dating step's day and
-- source, as on posts.
ALTER TABLE rejections ADD COLUMN IF NOT EXISTS published_date DATE;
-- step
ALTER TABLE rejections ADD COLUMN IF NOT EXISTS date_source VARCHAR;
