-- Events: the steps of what happened to the person (HTCDS hte_): recruitment,
-- transit or exploitation, where and when; and the perpetrators who took part
-- (HTCDS per_), with their roles. Sealed columns hold AES-GCM ciphertext sealed
-- by the FieldCipher under the column names of case.go: case_events.description,
-- perpetrators.name and perpetrators.details; an empty one is sealed as an empty
-- value. event_date is a partial date, TEXT 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD',
-- or '' when unknown. roles is stored as ',Transporter,Exploiter,', as the lists
-- of cases. Times are INTEGER unix microseconds, UTC.

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    type        TEXT    NOT NULL,
    event_date  TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    city        TEXT    NOT NULL,
    description BLOB    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    CONSTRAINT case_events_type_check CHECK (type IN ('Recruitment', 'Transit', 'Exploitation'))
) STRICT;

-- A case's events, oldest recorded first.
CREATE INDEX case_events_case ON case_events (case_id, recorded_at);

CREATE TABLE perpetrators (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    kind        TEXT    NOT NULL,
    name        BLOB    NOT NULL,
    roles       TEXT    NOT NULL,
    details     BLOB    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    CONSTRAINT perpetrators_kind_check CHECK (kind IN ('person', 'organisation'))
) STRICT;

-- A case's perpetrators, oldest recorded first.
CREATE INDEX perpetrators_case ON perpetrators (case_id, recorded_at);
