package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

const tokenColumns = `id, user_id, name, prefix, hash, created_at, expires_at, revoked_at, last_used_at`

func scanToken(r sqlstore.Scanner) (*alliance.APIToken, error) {
	var k alliance.APIToken
	var created, expires int64
	var revoked, used sql.NullInt64
	err := r.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &created, &expires, &revoked, &used)
	if err != nil {
		return nil, err
	}
	k.CreatedAt, k.ExpiresAt = fromMicro(created), fromMicro(expires)
	k.RevokedAt, k.LastUsedAt = timePtr(revoked), timePtr(used)
	return &k, nil
}

// APITokenByHash returns the token whose secret hashes to hash.
func (r *reader) APITokenByHash(ctx context.Context, hash []byte) (*alliance.APIToken, error) {
	k, err := scanToken(r.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil {
		return nil, fmt.Errorf("API token: %w", translate(err, nil))
	}
	return k, nil
}

// APIToken returns the token with the given id.
func (r *reader) APIToken(ctx context.Context, id int64) (*alliance.APIToken, error) {
	k, err := scanToken(r.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("API token %d: %w", id, translate(err, nil))
	}
	return k, nil
}

// APITokens lists the tokens of a user, revoked ones included, oldest first.
func (r *reader) APITokens(ctx context.Context, userID int64) ([]alliance.APIToken, error) {
	return sqlstore.List(ctx, r.q, "list API tokens", scanToken, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
}

// CreateAPIToken stores k and sets its ID (and CreatedAt when zero).
func (t *tx) CreateAPIToken(ctx context.Context, k *alliance.APIToken) error {
	sqlstore.Stamp(&k.CreatedAt)
	err := t.q.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, created_at,
		expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		k.UserID, k.Name, k.Prefix, k.Hash, micro(k.CreatedAt), micro(k.ExpiresAt),
		ptrMicro(k.RevokedAt), ptrMicro(k.LastUsedAt)).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("create API token: %w", translate(err, refUser))
	}
	return nil
}

// RevokeAPIToken marks a token revoked at now; a token already revoked keeps
// its first revocation time.
func (t *tx) RevokeAPIToken(ctx context.Context, id int64, now time.Time) error {
	return t.setTokenTime(ctx, "revoke", `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, id, now)
}

// TouchAPIToken records that a token was used at now.
func (t *tx) TouchAPIToken(ctx context.Context, id int64, now time.Time) error {
	return t.setTokenTime(ctx, "touch", `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, id, now)
}

func (t *tx) setTokenTime(ctx context.Context, verb, query string, id int64, now time.Time) error {
	res, err := t.q.ExecContext(ctx, query, micro(now), id)
	if err != nil {
		return fmt.Errorf("%s API token %d: %w", verb, id, err)
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("%s API token %d: %w", verb, id, sqlstore.OrNotFound(err))
	}
	return nil
}
