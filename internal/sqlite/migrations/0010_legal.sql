-- Legal status: the steps of a person's residence status (CoE Convention
-- Art. 14), never rewritten, the latest in force; and the criminal, civil,
-- labour and administrative proceedings the person takes part in, updated
-- under a revision. Sealed columns hold AES-GCM ciphertext sealed by the
-- FieldCipher under the column names of legal.go: residence.reference,
-- residence.notes, proceedings.reference and proceedings.notes; an empty one
-- is sealed as an empty value. permit_type is '' when no permit is concerned.
-- valid_from, valid_until, opened_on and closed_on are days, TEXT
-- 'YYYY-MM-DD', or NULL for none. Times are INTEGER unix microseconds, UTC.
-- Nothing here depends on another migration than 0004 (cases) and 0001
-- (users).

CREATE TABLE residence (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    status      TEXT    NOT NULL,
    permit_type TEXT    NOT NULL,
    reference   BLOB    NOT NULL,
    valid_from  TEXT,
    valid_until TEXT,
    notes       BLOB    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    CONSTRAINT residence_status_check CHECK (status IN ('not_needed', 'none', 'applied', 'granted', 'refused', 'expired')),
    CONSTRAINT residence_permit_type_check CHECK (permit_type IN ('', 'victim_cooperation', 'personal_situation',
        'humanitarian', 'protection', 'other')),
    -- date() gives NULL for what is not a date and normalises 2025-02-30.
    CONSTRAINT residence_valid_from_check CHECK (date(valid_from) IS valid_from),
    CONSTRAINT residence_valid_until_check CHECK (date(valid_until) IS valid_until)
) STRICT;

-- A case's residence steps, oldest recorded first.
CREATE INDEX residence_case ON residence (case_id, recorded_at);

CREATE TABLE proceedings (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    kind        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    authority   TEXT    NOT NULL,
    reference   BLOB    NOT NULL,
    status      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    opened_on   TEXT,
    closed_on   TEXT,
    notes       BLOB    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    CONSTRAINT proceedings_kind_check CHECK (kind IN ('criminal', 'civil', 'labour', 'administrative')),
    CONSTRAINT proceedings_role_check CHECK (role IN ('victim', 'witness', 'injured_party', 'claimant', 'defendant', 'other')),
    CONSTRAINT proceedings_status_check CHECK (status IN ('planned', 'open', 'closed')),
    CONSTRAINT proceedings_opened_on_check CHECK (date(opened_on) IS opened_on),
    CONSTRAINT proceedings_closed_on_check CHECK (date(closed_on) IS closed_on)
) STRICT;

-- A case's proceedings, least recently recorded first.
CREATE INDEX proceedings_case ON proceedings (case_id, recorded_at);
