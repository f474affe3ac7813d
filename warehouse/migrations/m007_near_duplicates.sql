-- The duplicate index (pipeline/near_duplicates.py, warehouse/near_duplicate_index.py). One fingerprint per post
-- id ever loaded (one per URL): canonical_id is the posts row it is stored under (itself when
-- it is the original); minhash is 128 little-endian uint32 (a MinHash of word 5-grams of
-- the normalised body). post_lsh_bands holds the LSH band keys of bodies long enough to
-- match by similarity: two post ids sharing a key are candidate copies.
CREATE TABLE post_fingerprints (
    post_id        VARCHAR PRIMARY KEY,
    canonical_id   VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    minhash        BLOB NOT NULL,
    words          INTEGER NOT NULL,
    published_date DATE,
    kind           VARCHAR,
    first_seen_at  TIMESTAMPTZ
);

CREATE TABLE post_lsh_bands (
    key     BIGINT NOT NULL,
    post_id VARCHAR NOT NULL
);

-- Every post stored under another one: analysts join it to find copies of an article.
CREATE VIEW post_copies AS
SELECT canonical_id AS post_id, post_id AS copy_id, published_date, kind, first_seen_at
FROM post_fingerprints
WHERE canonical_id <> post_id;
