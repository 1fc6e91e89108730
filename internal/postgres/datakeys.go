package postgres

import (
	"context"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

// DataKeys returns every data key, oldest first. It needs no cipher: the vault
// reads the keys before it can build one.
func (r *reader) DataKeys(ctx context.Context) ([]alliance.DataKey, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, wrapped, active, created_at FROM data_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list data keys: %w", err)
	}
	defer rows.Close()
	list := []alliance.DataKey{}
	for rows.Next() {
		var k alliance.DataKey
		if err := rows.Scan(&k.ID, &k.Wrapped, &k.Active, &k.CreatedAt); err != nil {
			return nil, fmt.Errorf("list data keys: %w", err)
		}
		k.CreatedAt = utc(k.CreatedAt)
		list = append(list, k)
	}
	return list, rows.Err()
}

// AddDataKey stores k and sets its ID (and CreatedAt when zero). When k.Active
// is set, k becomes the only active key.
func (t *tx) AddDataKey(ctx context.Context, k *alliance.DataKey) error {
	sqlstore.Stamp(&k.CreatedAt)
	err := t.q.QueryRowContext(ctx, `INSERT INTO data_keys (wrapped, active, created_at) VALUES ($1, false, $2)
		RETURNING id`, k.Wrapped, k.CreatedAt).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("add data key: %w", translate(err))
	}
	if k.Active {
		return t.ActivateDataKey(ctx, k.ID)
	}
	return nil
}

// ActivateDataKey makes key id the only active one. The row locks taken by the
// first statement serialise concurrent activations.
func (t *tx) ActivateDataKey(ctx context.Context, id int64) error {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM data_keys WHERE id = $1`, id).Scan(&n); err != nil {
		return fmt.Errorf("activate data key %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("activate data key %d: %w", id, alliance.ErrNotFound)
	}
	// Two statements: the unique index on active is checked row by row.
	if _, err := t.q.ExecContext(ctx, `UPDATE data_keys SET active = false WHERE active AND id <> $1`, id); err != nil {
		return fmt.Errorf("activate data key %d: %w", id, err)
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE data_keys SET active = true WHERE id = $1`, id); err != nil {
		return fmt.Errorf("activate data key %d: %w", id, translate(err))
	}
	return nil
}
