package sqlite

import (
	"context"
	"strings"

	"alliance/internal/sqlstore"
)

// Reencrypt re-seals, under the active data key, up to limit sealed values
// (the identity fields of users, the answers and results of assessments, the
// persons of cases, the reasons of their transitions, the details, overrides
// and answers of referrals, the notes of decisions and the reasons of
// reflection extensions) that are sealed under an older one (every such value
// when limit <= 0), and returns how many it re-sealed. Blind indexes (of
// users' emails, of cases' name tokens) are keyed from the master key, not a
// data key, and stay as they are. It
// walks each sealed table by id and updates each row in a short transaction
// guarded by the old ciphertext, so a concurrent change to a value wins over
// the re-sealing of its old version.
func (s *Store) Reencrypt(ctx context.Context, limit int) (int, error) {
	c, err := s.keys.Cipher()
	if err != nil {
		return 0, err
	}
	return sqlstore.Reencrypt(ctx, c, limit, sqlstore.Reencryption{
		Read:  s.readDB,
		Write: s.write,
		Select: func(table string, cols []string) string {
			return `SELECT id, ` + strings.Join(cols, ", ") + ` FROM ` + table +
				` WHERE id > ? ORDER BY id LIMIT ?`
		},
		Update: func(table, col string) string {
			return `UPDATE ` + table + ` SET ` + col + ` = ? WHERE id = ? AND ` + col + ` = ?`
		},
	})
}
