package postgres_test

import (
	"testing"

	"alliance/internal/storetest"
)

// BenchmarkAuditedWrite: ALLIANCE_TEST_POSTGRES=... go test -run '^$' -bench AuditedWrite ./internal/postgres/
func BenchmarkAuditedWrite(b *testing.B) {
	s := openDSN(b, storetest.PostgresSchema(b))
	if err := s.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	s.UseKeys(storetest.TestKeys())
	storetest.BenchAuditedWrite(b, s)
}

// BenchmarkSetLinkageMatches: ALLIANCE_TEST_POSTGRES=... go test -run '^$' -bench SetLinkageMatches ./internal/postgres/
func BenchmarkSetLinkageMatches(b *testing.B) {
	s := openDSN(b, storetest.PostgresSchema(b))
	if err := s.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	s.UseKeys(storetest.TestKeys())
	storetest.BenchSetLinkageMatches(b, s)
}
