package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"alliance"
	"alliance/internal/sqlite"
	"alliance/internal/storetest"
)

func open(t *testing.T) alliance.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "alliance.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

// openReady opens a migrated store with test keys.
func openReady(t *testing.T) *sqlite.Store {
	t.Helper()
	s := open(t).(*sqlite.Store)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s.UseKeys(storetest.TestKeys())
	return s
}

func TestBackup(t *testing.T) {
	ctx := t.Context()
	s := openReady(t)
	o := &alliance.Organisation{Name: "Backed Up", Type: alliance.OrgNGO, Country: "RO", Languages: []string{"ro"}}
	if err := s.Update(ctx, func(tx alliance.Tx) error { return tx.CreateOrganisation(ctx, o) }); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, path); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer b.Close()
	if got, err := b.Organisation(ctx, o.ID); err != nil || got.Name != o.Name {
		t.Errorf("backup Organisation(%d) = %v, %v; want %q", o.ID, got, err, o.Name)
	}

	err = s.Backup(ctx, path)
	if alliance.ErrorCode(err) != alliance.CodeConflict || !strings.Contains(alliance.ErrorMessage(err), "already exists") {
		t.Errorf("Backup onto an existing file: error %v, want a conflict saying it already exists", err)
	}
}

func TestReaderIsReadOnly(t *testing.T) {
	s := openReady(t)
	// The Store's reads go through the read-only pool, so a write sent there fails.
	db := sqlite.ReaderDB(s)
	if _, err := db.ExecContext(t.Context(), `INSERT INTO data_keys (wrapped, created_at) VALUES (x'00', 0)`); err == nil {
		t.Error("write through the reader pool succeeded; want it refused")
	}
}

func TestOpenRefusesEmptyPath(t *testing.T) {
	_, err := sqlite.Open(context.Background(), "")
	if alliance.ErrorCode(err) != alliance.CodeInvalid {
		t.Errorf("Open(\"\") error = %v, want CodeInvalid", err)
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	_, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "missing", "alliance.db"))
	if alliance.ErrorCode(err) != alliance.CodeInvalid || !strings.Contains(alliance.ErrorMessage(err), "does not exist") {
		t.Errorf("Open in a missing directory: error %v, want CodeInvalid saying it does not exist", err)
	}
}
