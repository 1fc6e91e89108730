package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"alliance/internal/sqlite"
	"alliance/internal/storetest"
)

// BenchmarkAuditedWrite: go test -run '^$' -bench AuditedWrite ./internal/sqlite/
func BenchmarkAuditedWrite(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s.UseKeys(storetest.TestKeys())
	storetest.BenchAuditedWrite(b, s)
}

// BenchmarkSetLinkageMatches: go test -run '^$' -bench SetLinkageMatches ./internal/sqlite/
func BenchmarkSetLinkageMatches(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s.UseKeys(storetest.TestKeys())
	storetest.BenchSetLinkageMatches(b, s)
}
