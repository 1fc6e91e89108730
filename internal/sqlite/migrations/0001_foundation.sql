-- The foundation: organisations, users and their credentials, the audit log and
-- the wrapped data keys. Times are INTEGER unix microseconds, UTC. Identity
-- fields (*_enc) hold AES-GCM ciphertext sealed by the FieldCipher; their
-- plaintext is never stored.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,          -- lower-cased name, for case-insensitive uniqueness
    type       TEXT    NOT NULL,
    country    TEXT    NOT NULL,
    languages  TEXT    NOT NULL DEFAULT '[]', -- JSON array of BCP 47 tags
    created_at INTEGER NOT NULL,
    CONSTRAINT organisations_name_unique UNIQUE (name_key)
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    email_enc       BLOB    NOT NULL,
    email_index     BLOB    NOT NULL,
    name_enc        BLOB    NOT NULL,
    role            TEXT    NOT NULL,
    language        TEXT    NOT NULL DEFAULT '',
    password_hash   TEXT    NOT NULL DEFAULT '',
    totp_secret_enc BLOB,                 -- NULL until enrolment starts
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    disabled_at     INTEGER,
    created_at      INTEGER NOT NULL,
    CONSTRAINT users_email_unique UNIQUE (email_index)
) STRICT;

CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB    NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    second_factor INTEGER NOT NULL DEFAULT 0,
    csrf_token    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    remote_addr   TEXT    NOT NULL DEFAULT '',
    CONSTRAINT sessions_token_unique UNIQUE (token_hash)
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER,
    CONSTRAINT api_tokens_hash_unique UNIQUE (hash)
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    BLOB    NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, hash)
) STRICT;

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    occurred_at     INTEGER NOT NULL,
    actor_user_id   INTEGER NOT NULL DEFAULT 0,
    actor_org_id    INTEGER NOT NULL DEFAULT 0,
    action          TEXT    NOT NULL,
    resource_type   TEXT    NOT NULL DEFAULT '',
    resource_id     TEXT    NOT NULL DEFAULT '',
    resource_org_id INTEGER NOT NULL DEFAULT 0,
    remote_addr     TEXT    NOT NULL DEFAULT '',
    outcome         TEXT    NOT NULL,
    detail          TEXT    NOT NULL DEFAULT '',
    prev_hash       BLOB    NOT NULL,
    hash            BLOB    NOT NULL
) STRICT;

CREATE INDEX audit_log_actor_org ON audit_log (actor_org_id, seq);
CREATE INDEX audit_log_resource_org ON audit_log (resource_org_id, seq);
CREATE INDEX audit_log_actor_user ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, seq);
CREATE INDEX audit_log_time ON audit_log (occurred_at);

-- The log is append-only. Whoever can write the file can drop these triggers;
-- the hash chain is what detects that.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;

-- Data keys, wrapped under the master key. Read before any FieldCipher exists,
-- so nothing here is sealed.
CREATE TABLE data_keys (
    id         INTEGER PRIMARY KEY,
    wrapped    BLOB    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX data_keys_one_active ON data_keys (active) WHERE active;
