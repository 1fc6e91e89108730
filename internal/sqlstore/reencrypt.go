package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"alliance"
)

// reencryptBatch is how many user rows Reencrypt reads at a time.
const reencryptBatch = 100

// Reencryption is what Reencrypt needs of a store: its connections and its SQL.
type Reencryption struct {
	// Read runs SelectUsers, outside any transaction.
	Read Querier
	// Write runs fn in a short write transaction, rolled back when fn fails.
	Write func(ctx context.Context, fn func(*sql.Tx) error) error
	// SelectUsers selects id, email_enc, name_enc and totp_secret_enc of the
	// users whose id is above the first argument, by id, at most the second.
	SelectUsers string
	// UpdateColumn returns the statement that sets column col to the first
	// argument where id is the second and col still holds the third.
	UpdateColumn func(col string) string
}

// sealedRow is the encrypted values of one user row.
type sealedRow struct {
	id     int64
	values []alliance.SealedValue
}

// Reencrypt re-seals with c, under its active data key, up to limit identity
// values that are sealed under an older one (every such value when limit <= 0),
// and returns how many it re-sealed. It walks the users by id and updates each
// row in a short transaction guarded by the old ciphertext, so a concurrent
// change to a value wins over the re-sealing of its old version.
func Reencrypt(ctx context.Context, c alliance.FieldCipher, limit int, r Reencryption) (int, error) {
	if limit <= 0 {
		limit = math.MaxInt
	}
	done, after := 0, int64(0)
	for done < limit {
		rows, err := r.sealedRows(ctx, after)
		if err != nil || len(rows) == 0 {
			return done, err
		}
		for _, row := range rows {
			if done >= limit {
				break
			}
			n, err := r.resealRow(ctx, c, row, limit-done)
			done += n
			if err != nil {
				return done, err
			}
			after = row.id
		}
	}
	return done, nil
}

func (r Reencryption) sealedRows(ctx context.Context, after int64) ([]sealedRow, error) {
	rows, err := r.Read.QueryContext(ctx, r.SelectUsers, after, reencryptBatch)
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
func (r Reencryption) resealRow(ctx context.Context, c alliance.FieldCipher, row sealedRow, budget int) (int, error) {
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
	err := r.Write(ctx, func(t *sql.Tx) error {
		for j, i := range stale {
			v := row.values[i]
			res, err := t.ExecContext(ctx, r.UpdateColumn(EncColumns[v.Column]), fresh[j], row.id, v.Value)
			if err != nil {
				return fmt.Errorf("reencrypt user %d %s: %w", row.id, v.Column, err)
			}
			// When no row changed, the value changed after it was read, and the
			// new value, sealed by its writer under the active key, stays.
			k, err := Affected(res)
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
