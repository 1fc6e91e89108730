package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"alliance"
	"alliance/internal/postgres"
	"alliance/internal/storetest"
)

func openDSN(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn)
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

func open(t *testing.T) alliance.Store { return openDSN(t, storetest.PostgresSchema(t)) }

func TestStore(t *testing.T) { storetest.Run(t, open) }

// TestConcurrentMigrate starts two stores on one empty schema at once, as two
// servers starting together would.
func TestConcurrentMigrate(t *testing.T) {
	dsn := storetest.PostgresSchema(t)
	stores := []*postgres.Store{openDSN(t, dsn), openDSN(t, dsn), openDSN(t, dsn)}
	var wg sync.WaitGroup
	errs := make([]error, len(stores))
	for i, s := range stores {
		wg.Go(func() { errs[i] = s.Migrate(t.Context()) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Migrate: %v", err)
	}
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("list migrations: %d files, %v", len(files), err)
	}
	var n int
	if err := stores[0].RawDB().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Errorf("schema_migrations rows = %d, %v; want %d, one per migration", n, err, len(files))
	}
}

func TestBackupPointsToPgDump(t *testing.T) {
	s := open(t)
	err := s.Backup(t.Context(), "/tmp/never-written.db")
	if alliance.ErrorCode(err) != alliance.CodeInvalid || !strings.Contains(alliance.ErrorMessage(err), "pg_dump") {
		t.Errorf("Backup error = %v, want CodeInvalid mentioning pg_dump", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	// Port 1 on the loopback interface refuses connections at once.
	_, err := postgres.Open(context.Background(), "postgres://alliance:s3cret-pw@127.0.0.1:1/alliance?sslmode=disable")
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	msg := alliance.ErrorMessage(err)
	if alliance.ErrorCode(err) == alliance.CodeInternal {
		var ae *alliance.Error
		errors.As(err, &ae)
		msg = ae.Message
	}
	for _, want := range []string{"127.0.0.1:1", "did not answer", "running"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("error %q reveals the password", err)
	}
}

func TestOpenInvalidDSN(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://alliance:s3cret-pw@host:notaport/db")
	if alliance.ErrorCode(err) != alliance.CodeInvalid || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("Open(invalid DSN) error = %v, want CodeInvalid without the password", err)
	}
}

func TestOpenUnknownDatabase(t *testing.T) {
	u, err := url.Parse(storetest.PostgresDSN(t))
	if err != nil || u.Scheme == "" {
		return // a key=value DSN: covered by the URL form in CI
	}
	u.Path = "/alliance_no_such_database"
	_, err = postgres.Open(t.Context(), u.String())
	if err == nil || !strings.Contains(err.Error(), "alliance_no_such_database") {
		t.Errorf("Open(unknown database) error = %v, want one naming the database", err)
	}
}
