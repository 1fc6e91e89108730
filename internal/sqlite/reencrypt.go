package sqlite

import (
	"context"

	"alliance/internal/sqlstore"
)

// Reencrypt re-seals, under the active data key, up to limit identity values
// that are sealed under an older one (every such value when limit <= 0), and
// returns how many it re-sealed. It walks the users by id and updates each row in
// a short transaction guarded by the old ciphertext, so a concurrent change to a
// value wins over the re-sealing of its old version.
func (s *Store) Reencrypt(ctx context.Context, limit int) (int, error) {
	c, err := s.keys.Cipher()
	if err != nil {
		return 0, err
	}
	return sqlstore.Reencrypt(ctx, c, limit, sqlstore.Reencryption{
		Read:  s.readDB,
		Write: s.write,
		SelectUsers: `SELECT id, email_enc, name_enc, totp_secret_enc FROM users
		WHERE id > ? ORDER BY id LIMIT ?`,
		UpdateColumn: func(col string) string {
			return `UPDATE users SET ` + col + ` = ? WHERE id = ? AND ` + col + ` = ?`
		},
	})
}
