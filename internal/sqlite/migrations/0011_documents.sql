-- Documents: files attached to a case (a contract, a payslip, a medical note,
-- a scan of a passport). Sealed columns hold AES-GCM ciphertext sealed by the
-- FieldCipher under the column names of document.go: documents.name (the file
-- name as uploaded), documents.note and documents.content (the bytes of the
-- file, up to alliance.MaxDocumentBytes); an empty one is sealed as an empty
-- value. media_type, size and sha256 (the hex digest of the content) are
-- detected from the content by the service and stay in the clear, so that a
-- list never needs the content, and an erased document still says what it was.
-- kind is one of alliance.DocumentKinds. Times are INTEGER unix microseconds,
-- UTC.

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    kind        TEXT    NOT NULL,
    name        BLOB    NOT NULL,
    note        BLOB    NOT NULL,
    media_type  TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    CONSTRAINT documents_kind_check CHECK (kind IN ('identity', 'contract', 'payslip', 'medical', 'legal',
        'correspondence', 'photo', 'other'))
) STRICT;

-- A case's documents, oldest recorded first.
CREATE INDEX documents_case ON documents (case_id, recorded_at);
