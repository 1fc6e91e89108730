// Package apptest gives tests a real, keyed store: a migrated SQLite database in
// a temporary directory, its identity fields encrypted by a real vault. It is
// for tests only; nothing in the binary imports it.
package apptest

import (
	"path/filepath"
	"testing"

	"alliance/internal/sqlite"
	"alliance/internal/vault"
)

// Store opens a new SQLite database with keys installed, closed when t ends.
func Store(t testing.TB) *sqlite.Store {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "alliance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	master, _, err := vault.LoadOrCreateMasterKey(filepath.Join(dir, "alliance.key"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(ctx, master, st)
	if err != nil {
		t.Fatal(err)
	}
	st.UseKeys(v, v.AuditChainer())
	return st
}
