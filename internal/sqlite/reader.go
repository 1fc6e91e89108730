package sqlite

import (
	"context"
	"database/sql"

	"alliance"
)

// querier is what a *sql.DB and a *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader answers the alliance.Reader queries through q: the reader pool for the
// Store, the transaction for a Tx.
type reader struct {
	q    querier
	keys *keyring
}

// tx is an alliance.Tx on a write transaction.
type tx struct{ reader }

var _ alliance.Tx = (*tx)(nil)
