package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

const userColumns = `id, org_id, email_enc, name_enc, role, language, password_hash,
	totp_secret_enc, totp_enabled, totp_last_step, failed_logins, locked_until, disabled_at, created_at`

// scanUser reads a user row and opens its encrypted fields.
func scanUser(r sqlstore.Scanner, c alliance.FieldCipher) (*alliance.User, error) {
	var u alliance.User
	var sealed alliance.SealedUser
	var locked, disabled sql.NullTime
	err := r.Scan(&u.ID, &u.OrgID, &sealed.Email, &sealed.Name, &u.Role, &u.Language, &u.PasswordHash,
		&sealed.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.FailedLogins, &locked, &disabled, &u.CreatedAt)
	if err != nil {
		return nil, err
	}
	u.LockedUntil, u.DisabledAt, u.CreatedAt = timeOrZero(locked), timePtr(disabled), utc(u.CreatedAt)
	if err := alliance.OpenUser(c, &u, &sealed); err != nil {
		return nil, fmt.Errorf("user %d: %w", u.ID, err)
	}
	return &u, nil
}

// queryUser runs a query for one user row.
func (r *reader) queryUser(ctx context.Context, query string, args ...any) (*alliance.User, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	u, err := scanUser(r.q.QueryRowContext(ctx, query, args...), c)
	return u, translate(err)
}

// User returns the user with the given id.
func (r *reader) User(ctx context.Context, id int64) (*alliance.User, error) {
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// User returns the user with the given id and locks its row until the
// transaction ends. A read-modify-write of a user (a count of failed logins,
// the last TOTP step used) then cannot be lost to, or pass alongside, a
// concurrent one: on SQLite write transactions run one at a time, and this
// gives the same. NO KEY UPDATE leaves the foreign-key checks of rows that
// refer to the user (sessions, audit entries) unblocked.
func (t *tx) User(ctx context.Context, id int64) (*alliance.User, error) {
	u, err := t.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR NO KEY UPDATE`, id)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail finds a user through the blind index of the normalised email. The
// error never repeats the address: it is personal data.
func (r *reader) UserByEmail(ctx context.Context, email string) (*alliance.User, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	index := alliance.UserEmailIndex(c, email)
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE email_index = $1`, index)
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return u, nil
}

// Users lists the users of one organisation, or of all when orgID is 0, in the
// order they were created.
func (r *reader) Users(ctx context.Context, orgID int64) ([]alliance.User, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	query, args := `SELECT `+userColumns+` FROM users ORDER BY id`, []any{}
	if orgID != 0 {
		query, args = `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY id`, []any{orgID}
	}
	return sqlstore.List(ctx, r.q, "list users", func(s sqlstore.Scanner) (*alliance.User, error) {
		return scanUser(s, c)
	}, query, args...)
}

// CreateUser stores u, sealing its identity fields, and sets its ID (and
// CreatedAt when zero).
func (t *tx) CreateUser(ctx context.Context, u *alliance.User) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	s, err := alliance.SealUser(c, u)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	sqlstore.Stamp(&u.CreatedAt)
	err = t.q.QueryRowContext(ctx, `INSERT INTO users (org_id, email_enc, email_index, name_enc, role,
		language, password_hash, totp_secret_enc, totp_enabled, totp_last_step, failed_logins, locked_until,
		disabled_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id`,
		u.OrgID, s.Email, s.EmailIndex, s.Name, u.Role, u.Language, u.PasswordHash, sqlstore.NullBytes(s.TOTPSecret),
		u.TOTPEnabled, u.TOTPLastStep, u.FailedLogins, nullTime(u.LockedUntil), ptrTime(u.DisabledAt),
		u.CreatedAt).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create user: %w", translate(err))
	}
	return nil
}

// UpdateUser writes every field of u but its ID and CreatedAt. TOTPLastStep
// only grows: the larger of the stored and the given step is kept, so that a
// write from an older copy of the user cannot make a used code valid again; u
// receives the step kept.
func (t *tx) UpdateUser(ctx context.Context, u *alliance.User) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	s, err := alliance.SealUser(c, u)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	err = t.q.QueryRowContext(ctx, `UPDATE users SET org_id = $1, email_enc = $2, email_index = $3,
		name_enc = $4, role = $5, language = $6, password_hash = $7, totp_secret_enc = $8, totp_enabled = $9,
		totp_last_step = greatest(totp_last_step, $10), failed_logins = $11, locked_until = $12,
		disabled_at = $13 WHERE id = $14 RETURNING totp_last_step`,
		u.OrgID, s.Email, s.EmailIndex, s.Name, u.Role, u.Language, u.PasswordHash, sqlstore.NullBytes(s.TOTPSecret),
		u.TOTPEnabled, u.TOTPLastStep, u.FailedLogins, nullTime(u.LockedUntil), ptrTime(u.DisabledAt),
		u.ID).Scan(&u.TOTPLastStep)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, translate(err))
	}
	return nil
}
