-- Normalised topics (pipeline/categorise.py; categories keeps what the site said), how sure
-- the dating step was (0-1), and the MPs each post is by ('author': their own site) or about
-- ('mentioned'). post_mps follows the post's newest content, like title and body.
-- (One ALTER of a keyed table per step: see warehouse/migrate.py.)
ALTER TABLE posts ADD COLUMN IF NOT EXISTS topics VARCHAR[] DEFAULT [];
-- step
ALTER TABLE posts ADD COLUMN IF NOT EXISTS date_confidence DOUBLE;
-- step

CREATE TABLE IF NOT EXISTS post_mps (
    post_id VARCHAR NOT NULL,
    mp      VARCHAR NOT NULL,
    role    VARCHAR NOT NULL CHECK (role IN ('author', 'mentioned')),
    PRIMARY KEY (post_id, mp, role)
);
