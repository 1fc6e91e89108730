-- Support: the comments staff write on a case (HTCDS cco_CaseComment) and the
-- plans of support for its person (HTCDS spl_). Sealed columns hold AES-GCM
-- ciphertext sealed by the FieldCipher under the column names of case.go:
-- case_comments.text, support_plans.objectives and support_plans.action_plan;
-- an empty one is sealed as an empty value. planned_end and actual_end are
-- days, TEXT 'YYYY-MM-DD', or NULL for none. Times are INTEGER unix
-- microseconds, UTC.

CREATE TABLE case_comments (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    text       BLOB    NOT NULL,
    written_by INTEGER NOT NULL REFERENCES users (id),
    written_at INTEGER NOT NULL
) STRICT;

-- A case's comments, oldest first.
CREATE INDEX case_comments_case ON case_comments (case_id, written_at);

CREATE TABLE support_plans (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    type        TEXT    NOT NULL,
    objectives  BLOB    NOT NULL,
    action_plan BLOB    NOT NULL,
    planned_end TEXT,
    actual_end  TEXT,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    CONSTRAINT support_plans_type_check CHECK (type IN ('Education', 'Financial', 'Health', 'LabourExploitationRehabilitation', 'Legal', 'Livelihood',
        'RightsBasedTraining', 'SexualExploitationRehabilitation', 'SocialCare')),
    -- date() gives NULL for what is not a date and normalises 2025-02-30.
    CONSTRAINT support_plans_planned_end_check CHECK (date(planned_end) IS planned_end),
    CONSTRAINT support_plans_actual_end_check CHECK (date(actual_end) IS actual_end)
) STRICT;

-- A case's support plans, oldest first.
CREATE INDEX support_plans_case ON support_plans (case_id, created_at);
