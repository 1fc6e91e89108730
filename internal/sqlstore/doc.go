// Package sqlstore holds the helpers shared by the database/sql stores
// (internal/sqlite and internal/postgres): the keyring, the querier interface,
// scanning and conversion helpers, and the re-encryption walk. It holds no SQL
// of its own beyond what a store passes in: each store keeps its own statements,
// migrations, types, locking and error translation.
package sqlstore
