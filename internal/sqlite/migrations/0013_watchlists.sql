-- Watch-list screening: the versions of the watch lists loaded (forced-labour
-- entity lists, sanctions lists, lists of unlicensed agencies), each with the
-- file as loaded (data) so that the matcher can be rebuilt; the screenings an
-- organisation saved (checks) with their names, kept to be screened again
-- when a list changes; and the hits found, with what a reviewer decided.
-- watch_names.name and watch_hits.reason hold AES-GCM ciphertext sealed by the
-- FieldCipher under alliance.ColWatchName and alliance.ColWatchHitReason (an
-- empty reason is sealed as an empty value): a screened name may be a
-- person's. The listed names are public and stay in the clear. Times are
-- INTEGER unix microseconds, UTC.

CREATE TABLE watch_lists (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    format        TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    entities      INTEGER NOT NULL,
    data          BLOB    NOT NULL,
    loaded_by     INTEGER REFERENCES users (id), -- NULL: loaded by the server at start (serve --watch-list)
    loaded_at     INTEGER NOT NULL,
    rescreened_at INTEGER,
    CONSTRAINT watch_lists_entities_check CHECK (entities >= 0)
) STRICT;

-- The versions, newest first.
CREATE INDEX watch_lists_loaded ON watch_lists (loaded_at, id);

CREATE TABLE watch_checks (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    label      TEXT    NOT NULL,
    names      INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
) STRICT;

-- An organisation's checks, newest first.
CREATE INDEX watch_checks_org ON watch_checks (org_id, created_at, id);

CREATE TABLE watch_names (
    id       INTEGER PRIMARY KEY,
    check_id INTEGER NOT NULL REFERENCES watch_checks (id),
    query_id TEXT    NOT NULL,
    name     BLOB    NOT NULL,
    country  TEXT    NOT NULL
) STRICT;

-- A check's names.
CREATE INDEX watch_names_check ON watch_names (check_id, id);

CREATE TABLE watch_hits (
    id          INTEGER PRIMARY KEY,
    check_id    INTEGER NOT NULL REFERENCES watch_checks (id),
    name_id     INTEGER NOT NULL REFERENCES watch_names (id),
    list_id     INTEGER NOT NULL REFERENCES watch_lists (id),
    list_name   TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    listed_name TEXT    NOT NULL,
    score       REAL    NOT NULL,
    explanation TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    reason      BLOB    NOT NULL,
    reviewed_by INTEGER REFERENCES users (id),
    reviewed_at INTEGER,
    found_at    INTEGER NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 1,
    -- A name is hit by an entity of a list at most once: a rescreen adds
    -- only new hits.
    CONSTRAINT watch_hits_unique UNIQUE (name_id, list_name, entity_id),
    CONSTRAINT watch_hits_status_check CHECK (status IN ('open', 'confirmed', 'dismissed'))
) STRICT;

-- A check's hits, by name.
CREATE INDEX watch_hits_check ON watch_hits (check_id, name_id);
-- Counting the open hits of each check.
CREATE INDEX watch_hits_open ON watch_hits (check_id) WHERE status = 'open';
