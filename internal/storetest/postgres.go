package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresDSN returns the DSN of the test server, skipping the test when there is
// none (or failing it when ALLIANCE_REQUIRE_SERVICES=1).
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("ALLIANCE_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("ALLIANCE_REQUIRE_SERVICES") == "1" {
			t.Fatal("ALLIANCE_TEST_POSTGRES is not set but ALLIANCE_REQUIRE_SERVICES=1")
		}
		t.Skip("set ALLIANCE_TEST_POSTGRES to a PostgreSQL DSN to run this test")
	}
	return dsn
}

// PostgresSchema creates an empty schema, dropped when the test ends, and returns
// a DSN whose search_path selects it.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	dsn := PostgresDSN(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	return withSearchPath(t, dsn, schema)
}

func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("ALLIANCE_TEST_POSTGRES is not a valid URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
