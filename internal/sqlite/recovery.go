package sqlite

import (
	"context"
	"fmt"
	"time"

	"alliance/internal/sqlstore"
)

// ReplaceRecoveryCodes discards a user's recovery codes and stores new hashes.
func (t *tx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("replace recovery codes of user %d: %w", userID, err)
	}
	for _, h := range hashes {
		_, err := t.q.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`, userID, h)
		if err != nil {
			return fmt.Errorf("replace recovery codes of user %d: %w", userID, translate(err, refUser))
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code used in a single statement, so that two
// concurrent uses of one code cannot both succeed.
func (t *tx) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, now time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND hash = ? AND used_at IS NULL`, micro(now), userID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code of user %d: %w", userID, err)
	}
	n, err := sqlstore.Affected(res)
	return n == 1, err
}

// UnusedRecoveryCodes counts the codes of a user not yet used.
func (t *tx) UnusedRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`,
		userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}
