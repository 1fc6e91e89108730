-- Decisions: the reasonable- and conclusive-grounds decisions on a case, the
-- extensions of its reflection period, and the blind indexes of its person's
-- name tokens. Sealed columns hold AES-GCM ciphertext sealed by the FieldCipher
-- under the column names of case.go: decisions.notes and
-- reflection_extensions.reason; an empty one is sealed as an empty value.
-- decided_on is the day of the decision, TEXT 'YYYY-MM-DD', so that it sorts
-- and compares as a date. Times are INTEGER unix microseconds, UTC.

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    kind        TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    decided_by  INTEGER NOT NULL REFERENCES organisations (id),
    decided_on  TEXT    NOT NULL,
    notes       BLOB    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    CONSTRAINT decisions_kind_check CHECK (kind IN ('reasonable_grounds', 'conclusive_grounds')),
    CONSTRAINT decisions_outcome_check CHECK (outcome IN ('positive', 'negative')),
    -- date() gives NULL for what is not a date and normalises 2025-02-30.
    CONSTRAINT decisions_decided_on_check CHECK (date(decided_on) IS decided_on)
) STRICT;

-- A case's decisions, oldest first; and the reflection starts of an
-- organisation, found through its cases.
CREATE INDEX decisions_case ON decisions (case_id, decided_on);

CREATE TABLE reflection_extensions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    days        INTEGER NOT NULL,
    reason      BLOB    NOT NULL,
    extended_by INTEGER NOT NULL REFERENCES users (id),
    extended_at INTEGER NOT NULL,
    CONSTRAINT reflection_extensions_days_check CHECK (days BETWEEN 1 AND 365)
) STRICT;

CREATE INDEX reflection_extensions_case ON reflection_extensions (case_id, extended_at);

-- key is the keyed blind index (HMAC) of one name token of the case's person,
-- under the column name case_name_keys.key: the tokens themselves are never
-- stored. org_id is the case's, so that a look-up stays in one organisation
-- without a join.
CREATE TABLE case_name_keys (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    org_id  INTEGER NOT NULL REFERENCES organisations (id),
    key     BLOB    NOT NULL,
    PRIMARY KEY (case_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX case_name_keys_org_key ON case_name_keys (org_id, key);
