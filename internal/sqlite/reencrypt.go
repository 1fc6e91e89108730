package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"alliance"
)

// reencryptBatch is how many user rows Reencrypt reads at a time.
const reencryptBatch = 100

// sealedRow is the encrypted values of one user row.
type sealedRow struct {
	id     int64
	values []alliance.SealedValue
}

// Reencrypt re-seals, under the active data key, up to limit identity values
// that are sealed under an older one (every such value when limit <= 0), and
// returns how many it re-sealed. It walks the users by id and updates each row in
// a short transaction guarded by the old ciphertext, so a concurrent change to a
// value wins over the re-sealing of its old version.
func (s *Store) Reencrypt(ctx context.Context, limit int) (int, error) {
	c, err := s.keys.cipher()
	if err != nil {
		return 0, err
	}
	if limit <= 0 {
		limit = math.MaxInt
	}
	done, after := 0, int64(0)
	for done < limit {
		rows, err := s.sealedRows(ctx, after)
		if err != nil || len(rows) == 0 {
			return done, err
		}
		for _, row := range rows {
			if done >= limit {
				break
			}
			n, err := s.resealRow(ctx, c, row, limit-done)
			done += n
			if err != nil {
				return done, err
			}
			after = row.id
		}
	}
	return done, nil
}

func (s *Store) sealedRows(ctx context.Context, after int64) ([]sealedRow, error) {
	rows, err := s.readDB.QueryContext(ctx, `SELECT id, email_enc, name_enc, totp_secret_enc FROM users
		WHERE id > ? ORDER BY id LIMIT ?`, after, reencryptBatch)
	if err != nil {
		return nil, fmt.Errorf("reencrypt: read users: %w", err)
	}
	defer rows.Close()
	var list []sealedRow
	for rows.Next() {
		var id int64
		var s alliance.SealedUser
		if err := rows.Scan(&id, &s.Email, &s.Name, &s.TOTPSecret); err != nil {
			return nil, fmt.Errorf("reencrypt: read users: %w", err)
		}
		list = append(list, sealedRow{id: id, values: s.Values()})
	}
	return list, rows.Err()
}

// resealRow re-seals at most budget stale values of one row. The values are
// sealed before the write transaction begins, to keep it short.
func (s *Store) resealRow(ctx context.Context, c alliance.FieldCipher, row sealedRow, budget int) (int, error) {
	stale := row.stale(c)
	if len(stale) == 0 {
		return 0, nil
	}
	stale = stale[:min(len(stale), budget)]
	fresh := make([][]byte, len(stale))
	for j, i := range stale {
		v := row.values[i]
		ct, err := reseal(c, v.Column, v.Value)
		if err != nil {
			return 0, fmt.Errorf("reencrypt user %d %s: %w", row.id, v.Column, err)
		}
		fresh[j] = ct
	}
	n := 0
	err := s.write(ctx, func(t *sql.Tx) error {
		for j, i := range stale {
			v := row.values[i]
			col := encColumns[v.Column]
			res, err := t.ExecContext(ctx, `UPDATE users SET `+col+` = ? WHERE id = ? AND `+col+` = ?`,
				fresh[j], row.id, v.Value)
			if err != nil {
				return fmt.Errorf("reencrypt user %d %s: %w", row.id, v.Column, err)
			}
			// When no row changed, the value changed after it was read, and the
			// new value, sealed by its writer under the active key, stays.
			k, err := affected(res)
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// stale returns the indexes of the values not sealed under the active key.
func (r sealedRow) stale(c alliance.FieldCipher) []int {
	var idx []int
	for i, v := range r.values {
		if len(v.Value) > 0 && !c.Current(v.Value) {
			idx = append(idx, i)
		}
	}
	return idx
}

// reseal opens a value and seals it again under the active key.
func reseal(c alliance.FieldCipher, column string, old []byte) ([]byte, error) {
	pt, err := c.Open(column, old)
	if err != nil {
		return nil, err
	}
	return c.Seal(column, pt)
}
