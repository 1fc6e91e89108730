-- Erasure: how long each organisation keeps the identity of the person of a
-- closed case, and when a case's person was erased. retention_days counts days
-- of 24 hours after cases.closed_at, as in SQLite; 0 keeps identities until
-- erased by hand. erased_at is NULL until the person's identity and the sealed
-- free texts of the case were blanked (the sealed columns then hold an empty
-- value sealed under their column names, so that they still open and still
-- re-seal).

ALTER TABLE organisations ADD COLUMN retention_days integer NOT NULL DEFAULT 0
    CONSTRAINT organisations_retention_days_check CHECK (retention_days BETWEEN 0 AND 36500);

ALTER TABLE cases ADD COLUMN erased_at timestamptz;

-- The cases to erase, of every organisation, oldest closed first: only closed
-- cases not yet erased are indexed.
CREATE INDEX cases_to_erase ON cases (closed_at, id) WHERE stage = 'closure' AND erased_at IS NULL;
