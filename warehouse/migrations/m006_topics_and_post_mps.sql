-- Normalised topics (pipeline/categorise.py; categories keeps what the site said), how sure
-- the dating step was (0-1), and the MPs each post is by ('author': their own site) or about
-- ('mentioned'). post_mps follows the post's newest content, like title and body.
ALTER TABLE posts ADD COLUMN topics VARCHAR[] DEFAULT [];
ALTER TABLE posts ADD COLUMN date_confidence DOUBLE;

CREATE TABLE post_mps (
    post_id VARCHAR NOT NULL,
    mp      VARCHAR NOT NULL,
    role    VARCHAR NOT NULL CHECK (role IN ('author', 'mentioned')),
    PRIMARY KEY (post_id, mp, role)
);
