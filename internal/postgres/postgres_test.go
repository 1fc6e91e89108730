package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestCaseRowLock checks the lock tx.Case and tx.Referral take: a second
// transaction reading the same row waits for the first, but one adding a
// transition, consent or referral to the case does not (FOR NO KEY UPDATE,
// not FOR UPDATE, which the foreign key checks of those rows would wait on).
func TestCaseRowLock(t *testing.T) {
	ctx := t.Context()
	s := openDSN(t, storetest.PostgresSchema(t))
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s.UseKeys(storetest.TestKeys())
	a, b := &alliance.Organisation{Name: "A", Type: alliance.OrgNGO, Country: "RO"}, &alliance.Organisation{Name: "B", Type: alliance.OrgNGO, Country: "RO"}
	u := &alliance.User{Email: "lock@example.org", Role: alliance.RoleCaseworker}
	k := &alliance.Case{Reference: "L-1", Stage: alliance.StageIdentification, Person: alliance.Person{FamilyName: "Lock"}}
	r := &alliance.Referral{Reason: "Other", Urgency: "routine", Groups: []string{alliance.GroupIdentity}, Status: alliance.ReferralPending}
	err := s.Update(ctx, func(tx alliance.Tx) error {
		if err := errors.Join(tx.CreateOrganisation(ctx, a), tx.CreateOrganisation(ctx, b)); err != nil {
			return err
		}
		u.OrgID = a.ID
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		k.OrgID, k.CreatedBy = a.ID, u.ID
		if err := tx.CreateCase(ctx, k); err != nil {
			return err
		}
		r.CaseID, r.FromOrg, r.ToOrg, r.CreatedBy = k.ID, a.ID, b.ID, u.ID
		return tx.CreateReferral(ctx, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx alliance.Tx) error {
			_, err1 := tx.Case(ctx, k.ID)
			_, err2 := tx.Referral(ctx, r.ID)
			close(locked)
			<-release
			return errors.Join(err1, err2)
		})
	}()
	<-locked
	wait := func(fn func(context.Context, alliance.Tx) error) error {
		c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		return s.Update(c, func(tx alliance.Tx) error { return fn(c, tx) })
	}
	if err := wait(func(c context.Context, tx alliance.Tx) error { _, err := tx.Case(c, k.ID); return err }); err == nil {
		t.Error("tx.Case of a case another transaction read with tx.Case did not wait")
	}
	if err := wait(func(c context.Context, tx alliance.Tx) error { _, err := tx.Referral(c, r.ID); return err }); err == nil {
		t.Error("tx.Referral of a referral another transaction read with tx.Referral did not wait")
	}
	if _, err := s.Case(ctx, k.ID); err != nil {
		t.Errorf("Case outside a transaction waited for the lock: %v", err)
	}
	err = wait(func(c context.Context, tx alliance.Tx) error {
		return errors.Join(
			tx.AddTransition(c, &alliance.Transition{CaseID: k.ID, From: alliance.StageIdentification, To: alliance.StageReferral, By: u.ID}),
			tx.CreateConsent(c, &alliance.Consent{CaseID: k.ID, Method: alliance.ConsentSigned, Language: "ro", RecordedBy: u.ID}),
			tx.CreateReferral(c, &alliance.Referral{CaseID: k.ID, FromOrg: a.ID, ToOrg: b.ID, Reason: "Other", Urgency: "routine",
				Groups: []string{alliance.GroupIdentity}, Status: alliance.ReferralPending, CreatedBy: u.ID}))
	})
	if err != nil {
		t.Errorf("adding rows that refer to a locked case waited for the lock: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the locking transaction: %v", err)
	}
}
