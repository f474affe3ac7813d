-- One row, bumped by every load into a shared (DuckLake) warehouse, so that two loads
-- overlapping in time conflict at commit and the later one is retried on a fresh snapshot.
-- A single-file warehouse has it too (same schema everywhere) but never needs it.
CREATE TABLE IF NOT EXISTS load_ticket (
    ticket    BIGINT NOT NULL,
    loaded_at TIMESTAMPTZ
);
INSERT INTO load_ticket (ticket) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM load_ticket);
