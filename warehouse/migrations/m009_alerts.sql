-- Crawl health: the current state of each check per source, and every alert sent.
-- "check" is a column name here: quote it in SQL ("check").
-- source '*' holds alerts about the pipeline itself (a crawl flow that failed or crashed).
CREATE TABLE health_state (
    source        VARCHAR NOT NULL,
    "check"       VARCHAR NOT NULL,
    state         VARCHAR NOT NULL CHECK (state IN ('ok', 'failing')),
    since         TIMESTAMPTZ NOT NULL,
    checked_at    TIMESTAMPTZ NOT NULL,
    last_run_id   VARCHAR NOT NULL,
    message       VARCHAR,
    numbers       JSON,
    last_error    VARCHAR,
    last_alert_at TIMESTAMPTZ,
    PRIMARY KEY (source, "check")
);

-- sinks lists the kinds that accepted the alert ('webhook', 'apprise:mailto', ...), never URLs.
CREATE TABLE alerts (
    alert_id   VARCHAR PRIMARY KEY,
    source     VARCHAR NOT NULL,
    "check"    VARCHAR NOT NULL,
    state      VARCHAR NOT NULL CHECK (state IN ('firing', 'reminder', 'resolved')),
    run_id     VARCHAR NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    message    VARCHAR,
    numbers    JSON,
    last_error VARCHAR,
    delivered  BOOLEAN NOT NULL DEFAULT false,
    sinks      VARCHAR[] NOT NULL DEFAULT []
);
