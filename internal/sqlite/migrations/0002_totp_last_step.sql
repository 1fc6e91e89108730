-- The time step of the last TOTP code each user passed, so that a code is
-- refused the second time on every server and after a restart. 0: none yet.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
