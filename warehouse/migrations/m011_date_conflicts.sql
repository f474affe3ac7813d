-- Dates the dating step or a merge of copies saw but did not choose, as '<source>:<YYYY-MM-DD>'
-- (a listing row's date that disagrees with the permalink's metadata: 'listing:2020-02-05').
-- (One ALTER of a keyed table per step: see warehouse/migrate.py.)
ALTER TABLE posts ADD COLUMN IF NOT EXISTS date_conflicts VARCHAR[] DEFAULT [];
-- step
-- Why a post has no date when its page showed an impossible one ('no valid date: 32/13/2020').
ALTER TABLE posts ADD COLUMN IF NOT EXISTS date_error VARCHAR;
