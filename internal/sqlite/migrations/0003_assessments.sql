-- Assessments: screening interviews against an indicator catalogue and their
-- explained results. An assessment holds no identity; case_id attaches it to a
-- case later (its foreign key comes with the cases table). answers and result
-- hold AES-GCM ciphertext sealed by the FieldCipher under assessments.answers
-- and assessments.result: what a worker told an interviewer is as sensitive as
-- a name. Times are INTEGER unix microseconds, UTC. revision counts the
-- updates, for optimistic locking.

CREATE TABLE assessments (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL REFERENCES organisations (id),
    case_id               INTEGER,         -- NULL until attached to a case
    catalog               TEXT    NOT NULL,
    catalog_version       TEXT    NOT NULL,
    questionnaire         TEXT    NOT NULL,
    questionnaire_version TEXT    NOT NULL,
    worker_lang           TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL,
    answers               BLOB    NOT NULL,
    result                BLOB    NOT NULL,
    created_by            INTEGER NOT NULL REFERENCES users (id),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    completed_at          INTEGER,
    revision              INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT assessments_status_check CHECK (status IN ('open', 'completed'))
) STRICT;

-- The list: one organisation's assessments, most recently updated first. The
-- index ends with the rowid, so a backward scan gives updated_at DESC, id DESC.
CREATE INDEX assessments_org_updated ON assessments (org_id, updated_at);
