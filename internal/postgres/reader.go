package postgres

import (
	"alliance"
	"alliance/internal/sqlstore"
)

// reader answers the alliance.Reader queries through q: the reader pool for the
// Store, the transaction for a Tx.
type reader struct {
	q    sqlstore.Querier
	keys *sqlstore.Keyring
}

// tx is an alliance.Tx on a write transaction.
type tx struct{ reader }

var _ alliance.Tx = (*tx)(nil)
