-- The MP registry (mpnews/data/mps.csv) as a table analysts join on: every MP since the 2024
-- election, keyed by the Members API member_id (null only for MPs who left before 2024 and are
-- kept for old articles). Rewritten from the packaged registry whenever the warehouse is
-- opened for a load (warehouse/registry.py), so it always matches the mpnews that loaded.
-- post_mps.member_id: the mentioned or authoring MP's member_id, when the registry knows it.
CREATE TABLE IF NOT EXISTS mps (
    member_id             INTEGER,
    name                  VARCHAR NOT NULL,
    constituency          VARCHAR NOT NULL,
    party                 VARCHAR NOT NULL,
    sitting               BOOLEAN NOT NULL,
    sat_from              DATE,
    sat_until             DATE,
    left_year             INTEGER,
    honorifics            VARCHAR[] NOT NULL,
    aliases               VARCHAR[] NOT NULL,
    surname               VARCHAR NOT NULL,
    former_constituencies VARCHAR[] NOT NULL,
    website               VARCHAR,
    site                  VARCHAR
);
-- step
ALTER TABLE post_mps ADD COLUMN IF NOT EXISTS member_id INTEGER;
