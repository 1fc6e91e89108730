package sqlite

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
	var locked, disabled sql.NullInt64
	var created int64
	err := r.Scan(&u.ID, &u.OrgID, &sealed.Email, &sealed.Name, &u.Role, &u.Language, &u.PasswordHash,
		&sealed.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.FailedLogins, &locked, &disabled, &created)
	if err != nil {
		return nil, err
	}
	u.LockedUntil, u.DisabledAt, u.CreatedAt = timeOrZero(locked), timePtr(disabled), fromMicro(created)
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
	return u, translate(err, nil)
}

// User returns the user with the given id.
func (r *reader) User(ctx context.Context, id int64) (*alliance.User, error) {
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
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
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE email_index = ?`, index)
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
		query, args = `SELECT `+userColumns+` FROM users WHERE org_id = ? ORDER BY id`, []any{orgID}
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
		disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.OrgID, s.Email, s.EmailIndex, s.Name, u.Role, u.Language, u.PasswordHash, sqlstore.NullBytes(s.TOTPSecret),
		u.TOTPEnabled, u.TOTPLastStep, u.FailedLogins, nullMicro(u.LockedUntil), ptrMicro(u.DisabledAt),
		micro(u.CreatedAt)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create user: %w", translate(err, refOrganisation))
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
	err = t.q.QueryRowContext(ctx, `UPDATE users SET org_id = ?, email_enc = ?, email_index = ?,
		name_enc = ?, role = ?, language = ?, password_hash = ?, totp_secret_enc = ?, totp_enabled = ?,
		totp_last_step = max(totp_last_step, ?), failed_logins = ?, locked_until = ?, disabled_at = ?
		WHERE id = ? RETURNING totp_last_step`,
		u.OrgID, s.Email, s.EmailIndex, s.Name, u.Role, u.Language, u.PasswordHash, sqlstore.NullBytes(s.TOTPSecret),
		u.TOTPEnabled, u.TOTPLastStep, u.FailedLogins, nullMicro(u.LockedUntil), ptrMicro(u.DisabledAt),
		u.ID).Scan(&u.TOTPLastStep)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, translate(err, refOrganisation))
	}
	return nil
}
