-- Privacy-preserving record linkage rounds: a round across organisations, each
-- organisation's submission of encodings (Bloom filters of its records, made
-- on its own side, with record ids that are case ids: no name, nothing sealed),
-- and what each organisation learns, the clusters its records fell in. orgs and
-- other_orgs are lists of organisation ids stored as ',3,7,', as the lists of
-- cases. Times are INTEGER unix microseconds, UTC.

CREATE TABLE linkage_rounds (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    orgs       TEXT    NOT NULL,
    threshold  REAL    NOT NULL,
    status     TEXT    NOT NULL,
    progress   INTEGER NOT NULL DEFAULT 0,
    error      TEXT    NOT NULL DEFAULT '',
    records    INTEGER NOT NULL DEFAULT 0,
    people     INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    matched_at INTEGER,
    revision   INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT linkage_rounds_status_check CHECK (status IN ('collecting', 'matching', 'done', 'failed')),
    CONSTRAINT linkage_rounds_progress_check CHECK (progress BETWEEN 0 AND 100),
    CONSTRAINT linkage_rounds_counts_check CHECK (records >= 0 AND people >= 0)
) STRICT;

-- The rounds, newest first.
CREATE INDEX linkage_rounds_created ON linkage_rounds (created_at, id);

CREATE TABLE linkage_submissions (
    round_id     INTEGER NOT NULL REFERENCES linkage_rounds (id),
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    records      INTEGER NOT NULL,
    clk          BLOB    NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (round_id, org_id),
    CONSTRAINT linkage_submissions_records_check CHECK (records >= 0)
) STRICT;

-- A round's matches can number a million: one index only, to keep their
-- insertion cheap.
CREATE TABLE linkage_matches (
    round_id   INTEGER NOT NULL REFERENCES linkage_rounds (id),
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    record_id  TEXT    NOT NULL,
    cluster    INTEGER NOT NULL,
    other_orgs TEXT    NOT NULL
) STRICT;

-- What one organisation learns of a round; and replacing a round's matches.
CREATE INDEX linkage_matches_round_org ON linkage_matches (round_id, org_id);
