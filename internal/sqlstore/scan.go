package sqlstore

import (
	"context"
	"fmt"
)

// Scanner is what a *sql.Row and a *sql.Rows have in common.
type Scanner interface{ Scan(dest ...any) error }

// List runs query through q and scans each row with scan, in order. what names
// the list in errors ("list users"). It returns an empty, non-nil slice when no
// row matches.
func List[T any](ctx context.Context, q Querier, what string, scan func(Scanner) (*T, error),
	query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		list = append(list, *v)
	}
	return list, rows.Err()
}
