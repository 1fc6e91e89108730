-- Cases: the file of one presumed victim in one organisation, its stage
-- changes, the person's consents and the referrals to other organisations.
-- Sealed columns hold AES-GCM ciphertext sealed by the FieldCipher under the
-- column names of case.go: cases.person (the identity and contact fields of the
-- person, as one JSON document), case_transitions.reason, referrals.details,
-- referrals.override and referrals.answer_reason. Gender, citizenships and
-- languages are kept in clear as well, for filters and statistics. A list kept
-- in clear (citizenships, languages, exploitation, methods_of_control,
-- recruitment) is stored as ',UA,RO,' ('' when empty), so that one value is
-- found with instr(column, ',UA,'). Times are INTEGER unix microseconds, UTC.
-- revision counts the updates, for optimistic locking.

CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES organisations (id),
    reference          TEXT    NOT NULL,
    stage              TEXT    NOT NULL,
    assigned_to        INTEGER REFERENCES users (id),
    person             BLOB    NOT NULL,
    gender             TEXT    NOT NULL DEFAULT '',
    citizenships       TEXT    NOT NULL DEFAULT '',
    languages          TEXT    NOT NULL DEFAULT '',
    trafficking_status TEXT    NOT NULL DEFAULT '',
    status_decided_by  INTEGER REFERENCES organisations (id),
    status_decided_at  INTEGER,
    exploitation       TEXT    NOT NULL DEFAULT '',
    methods_of_control TEXT    NOT NULL DEFAULT '',
    industry           TEXT    NOT NULL DEFAULT '',
    recruitment        TEXT    NOT NULL DEFAULT '',
    created_by         INTEGER NOT NULL REFERENCES users (id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    closed_at          INTEGER,
    referred           INTEGER NOT NULL DEFAULT 0,
    revision           INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT cases_reference_unique UNIQUE (org_id, reference),
    CONSTRAINT cases_stage_check CHECK (stage IN ('identification', 'referral', 'assistance', 'decision',
        'inclusion', 'return', 'closure'))
) STRICT;

-- The list: one organisation's cases, newest first. Each index ends with the
-- rowid, so a backward scan gives id DESC without a sort.
CREATE INDEX cases_org ON cases (org_id);
CREATE INDEX cases_org_stage ON cases (org_id, stage);
CREATE INDEX cases_org_industry ON cases (org_id, industry);
CREATE INDEX cases_assigned ON cases (assigned_to);

CREATE TABLE case_transitions (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    from_stage TEXT    NOT NULL,
    to_stage   TEXT    NOT NULL,
    reason     BLOB    NOT NULL,
    moved_by   INTEGER NOT NULL REFERENCES users (id),
    moved_at   INTEGER NOT NULL,
    CONSTRAINT case_transitions_from_check CHECK (from_stage IN ('', 'identification', 'referral', 'assistance',
        'decision', 'inclusion', 'return', 'closure')),
    CONSTRAINT case_transitions_to_check CHECK (to_stage IN ('identification', 'referral', 'assistance', 'decision',
        'inclusion', 'return', 'closure'))
) STRICT;

CREATE INDEX case_transitions_case ON case_transitions (case_id, moved_at);

-- Consents are never edited, only withdrawn. shares is a JSON array of
-- {"org_id", "groups"}: organisation ids and field group names, nothing personal.
CREATE TABLE consents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    services     INTEGER NOT NULL DEFAULT 0,
    statistics   INTEGER NOT NULL DEFAULT 0,
    shares       TEXT    NOT NULL DEFAULT '[]',
    method       TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    given_at     INTEGER NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users (id),
    withdrawn_at INTEGER,
    withdrawn_by INTEGER REFERENCES users (id),
    CONSTRAINT consents_method_check CHECK (method IN ('signed', 'verbal', 'interpreter'))
) STRICT;

CREATE INDEX consents_case ON consents (case_id, given_at);

-- groups is a JSON array of field group names. details, override and
-- answer_reason are sealed; an empty one is sealed as an empty value.
CREATE TABLE referrals (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    from_org      INTEGER NOT NULL REFERENCES organisations (id),
    to_org        INTEGER NOT NULL REFERENCES organisations (id),
    reason        TEXT    NOT NULL,
    details       BLOB    NOT NULL,
    urgency       TEXT    NOT NULL,
    groups        TEXT    NOT NULL DEFAULT '[]',
    override      BLOB    NOT NULL,
    status        TEXT    NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    answered_by   INTEGER REFERENCES users (id),
    answered_at   INTEGER,
    answer_reason BLOB    NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT referrals_status_check CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled'))
) STRICT;

-- A case's referrals, an organisation's outbox and inbox, newest first.
CREATE INDEX referrals_case ON referrals (case_id, created_at);
CREATE INDEX referrals_from ON referrals (from_org, created_at);
CREATE INDEX referrals_to ON referrals (to_org, created_at);
