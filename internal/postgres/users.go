package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"alliance"
)

const userColumns = `id, org_id, email_enc, name_enc, role, language, password_hash,
	totp_secret_enc, totp_enabled, failed_logins, locked_until, disabled_at, created_at`

// scanUser reads a user row and opens its encrypted fields.
func scanUser(r scanner, c alliance.FieldCipher) (*alliance.User, error) {
	var u alliance.User
	var email, name, totp []byte
	var locked, disabled sql.NullTime
	err := r.Scan(&u.ID, &u.OrgID, &email, &name, &u.Role, &u.Language, &u.PasswordHash,
		&totp, &u.TOTPEnabled, &u.FailedLogins, &locked, &disabled, &u.CreatedAt)
	if err != nil {
		return nil, err
	}
	u.LockedUntil, u.DisabledAt, u.CreatedAt = timeOrZero(locked), timePtr(disabled), utc(u.CreatedAt)
	if err := openUser(c, &u, email, name, totp); err != nil {
		return nil, fmt.Errorf("user %d: %w", u.ID, err)
	}
	return &u, nil
}

func openUser(c alliance.FieldCipher, u *alliance.User, email, name, totp []byte) error {
	pt, err := c.Open("users.email", email)
	if err != nil {
		return fmt.Errorf("decrypt email: %w", err)
	}
	u.Email = string(pt)
	if pt, err = c.Open("users.name", name); err != nil {
		return fmt.Errorf("decrypt name: %w", err)
	}
	u.Name = string(pt)
	if len(totp) > 0 {
		if pt, err = c.Open("users.totp_secret", totp); err != nil {
			return fmt.Errorf("decrypt TOTP secret: %w", err)
		}
		u.TOTPSecret = string(pt)
	}
	return nil
}

// sealedUser holds the encrypted identity fields of a user, ready to store.
type sealedUser struct {
	email, index, name []byte
	totp               any // nil (NULL) when there is no secret
}

func sealUser(c alliance.FieldCipher, u *alliance.User) (*sealedUser, error) {
	var s sealedUser
	var err error
	if s.email, err = c.Seal("users.email", []byte(u.Email)); err != nil {
		return nil, fmt.Errorf("encrypt email: %w", err)
	}
	if s.name, err = c.Seal("users.name", []byte(u.Name)); err != nil {
		return nil, fmt.Errorf("encrypt name: %w", err)
	}
	s.index = c.Index("users.email", alliance.NormaliseEmail(u.Email))
	if u.TOTPSecret != "" {
		totp, err := c.Seal("users.totp_secret", []byte(u.TOTPSecret))
		if err != nil {
			return nil, fmt.Errorf("encrypt TOTP secret: %w", err)
		}
		s.totp = totp
	}
	return &s, nil
}

// queryUser runs a query for one user row.
func (r *reader) queryUser(ctx context.Context, query string, args ...any) (*alliance.User, error) {
	c, err := r.keys.cipher()
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

// UserByEmail finds a user through the blind index of the normalised email. The
// error never repeats the address: it is personal data.
func (r *reader) UserByEmail(ctx context.Context, email string) (*alliance.User, error) {
	c, err := r.keys.cipher()
	if err != nil {
		return nil, err
	}
	index := c.Index("users.email", alliance.NormaliseEmail(email))
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE email_index = $1`, index)
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return u, nil
}

// Users lists the users of one organisation, or of all when orgID is 0, in the
// order they were created.
func (r *reader) Users(ctx context.Context, orgID int64) ([]alliance.User, error) {
	c, err := r.keys.cipher()
	if err != nil {
		return nil, err
	}
	query, args := `SELECT `+userColumns+` FROM users ORDER BY id`, []any{}
	if orgID != 0 {
		query, args = `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY id`, []any{orgID}
	}
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	list := []alliance.User{}
	for rows.Next() {
		u, err := scanUser(rows, c)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		list = append(list, *u)
	}
	return list, rows.Err()
}

// CreateUser stores u, sealing its identity fields, and sets its ID (and
// CreatedAt when zero).
func (t *tx) CreateUser(ctx context.Context, u *alliance.User) error {
	c, err := t.keys.cipher()
	if err != nil {
		return err
	}
	s, err := sealUser(c, u)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	stamp(&u.CreatedAt)
	err = t.q.QueryRowContext(ctx, `INSERT INTO users (org_id, email_enc, email_index, name_enc, role,
		language, password_hash, totp_secret_enc, totp_enabled, failed_logins, locked_until, disabled_at,
		created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		u.OrgID, s.email, s.index, s.name, u.Role, u.Language, u.PasswordHash, s.totp, u.TOTPEnabled,
		u.FailedLogins, nullTime(u.LockedUntil), ptrTime(u.DisabledAt), u.CreatedAt).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create user: %w", translate(err))
	}
	return nil
}

// UpdateUser writes every field of u but its ID and CreatedAt.
func (t *tx) UpdateUser(ctx context.Context, u *alliance.User) error {
	c, err := t.keys.cipher()
	if err != nil {
		return err
	}
	s, err := sealUser(c, u)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE users SET org_id = $1, email_enc = $2, email_index = $3,
		name_enc = $4, role = $5, language = $6, password_hash = $7, totp_secret_enc = $8, totp_enabled = $9,
		failed_logins = $10, locked_until = $11, disabled_at = $12 WHERE id = $13`,
		u.OrgID, s.email, s.index, s.name, u.Role, u.Language, u.PasswordHash, s.totp, u.TOTPEnabled,
		u.FailedLogins, nullTime(u.LockedUntil), ptrTime(u.DisabledAt), u.ID)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, translate(err))
	}
	if n, err := affected(res); err != nil || n == 0 {
		return fmt.Errorf("update user %d: %w", u.ID, orNotFound(err))
	}
	return nil
}
