package sqlite

import (
	"context"
	"fmt"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

const sessionColumns = `id, token_hash, user_id, second_factor, csrf_token, created_at, last_seen_at,
	expires_at, remote_addr`

func scanSession(r sqlstore.Scanner) (*alliance.Session, error) {
	var s alliance.Session
	var created, seen, expires int64
	err := r.Scan(&s.ID, &s.TokenHash, &s.UserID, &s.SecondFactor, &s.CSRFToken, &created, &seen,
		&expires, &s.RemoteAddr)
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicro(created), fromMicro(seen), fromMicro(expires)
	return &s, nil
}

// SessionByTokenHash returns the session whose token hashes to hash.
func (r *reader) SessionByTokenHash(ctx context.Context, hash []byte) (*alliance.Session, error) {
	s, err := scanSession(r.q.QueryRowContext(ctx,
		`SELECT `+sessionColumns+` FROM sessions WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, fmt.Errorf("session: %w", translate(err, nil))
	}
	return s, nil
}

// CreateSession stores s and sets its ID; CreatedAt defaults to now and
// LastSeenAt to CreatedAt.
func (t *tx) CreateSession(ctx context.Context, s *alliance.Session) error {
	sqlstore.Stamp(&s.CreatedAt)
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	err := t.q.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, second_factor, csrf_token,
		created_at, last_seen_at, expires_at, remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.TokenHash, s.UserID, s.SecondFactor, s.CSRFToken, micro(s.CreatedAt), micro(s.LastSeenAt),
		micro(s.ExpiresAt), s.RemoteAddr).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("create session: %w", translate(err, refUser))
	}
	return nil
}

// UpdateSession writes the token hash, second factor, CSRF token, times and
// address of s (a new token hash rotates the session after login).
func (t *tx) UpdateSession(ctx context.Context, s *alliance.Session) error {
	res, err := t.q.ExecContext(ctx, `UPDATE sessions SET token_hash = ?, second_factor = ?, csrf_token = ?,
		last_seen_at = ?, expires_at = ?, remote_addr = ? WHERE id = ?`,
		s.TokenHash, s.SecondFactor, s.CSRFToken, micro(s.LastSeenAt), micro(s.ExpiresAt), s.RemoteAddr, s.ID)
	if err != nil {
		return fmt.Errorf("update session %d: %w", s.ID, translate(err, nil))
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("update session %d: %w", s.ID, sqlstore.OrNotFound(err))
	}
	return nil
}

// DeleteSession ends one session; it returns ErrNotFound when there is none.
func (t *tx) DeleteSession(ctx context.Context, id int64) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("delete session %d: %w", id, sqlstore.OrNotFound(err))
	}
	return nil
}

// DeleteUserSessions ends every session of a user and returns how many there were.
func (t *tx) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return sqlstore.Affected(res)
}

// DeleteExpiredSessions deletes the sessions past their absolute timeout at now,
// and, when idle > 0, those not seen for idle.
func (t *tx) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int, error) {
	query, args := `DELETE FROM sessions WHERE expires_at <= ?`, []any{micro(now)}
	if idle > 0 {
		query, args = query+` OR last_seen_at <= ?`, append(args, micro(now.Add(-idle)))
	}
	res, err := t.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return sqlstore.Affected(res)
}
