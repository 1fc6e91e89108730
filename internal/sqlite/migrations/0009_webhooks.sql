-- Webhooks: an organisation's endpoints that are told of events, each request
-- signed with HMAC-SHA256 under the webhook's secret; and the outbox of their
-- deliveries, kept until each is delivered or given up, so that a restart
-- loses nothing. secret holds AES-GCM ciphertext sealed by the FieldCipher
-- under the column name webhooks.secret (alliance.ColWebhookSecret). events
-- is stored as ',case.created,referral.sent,', as the lists of cases. A
-- delivery's payload is the JSON body sent, which names records by id only,
-- never a person: it is kept in clear. Times are INTEGER unix microseconds,
-- UTC.

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    secret      BLOB    NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    disabled_at INTEGER
) STRICT;

-- An organisation's webhooks, oldest first; and the active ones an event
-- goes to.
CREATE INDEX webhooks_org ON webhooks (org_id, created_at);

CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks (id),
    event        TEXT    NOT NULL,
    payload      BLOB    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    delivered_at INTEGER,
    failed_at    INTEGER,
    created_at   INTEGER NOT NULL,
    CONSTRAINT webhook_deliveries_attempts_check CHECK (attempts >= 0)
) STRICT;

-- The deliveries due, earliest first: only those still pending are indexed,
-- so the sender's look-up stays cheap however many were delivered.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;

-- A webhook's deliveries, newest first.
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at, id);
