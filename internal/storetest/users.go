package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

func checkUser(t *testing.T, e *env, r alliance.Reader, want *alliance.User) {
	t.Helper()
	got, err := r.User(e.ctx, want.ID)
	if err != nil {
		t.Fatalf("User(%d): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("User(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
}

func testUsers(t *testing.T, e *env) {
	a, b := e.org("Police Unit A"), e.org("NGO B")
	u1 := &alliance.User{OrgID: a.ID, Email: "amira.haddad@example.org", Name: "Amira Haddad",
		Role: alliance.RoleAdmin, Language: "ar", PasswordHash: "hash-1", TOTPSecret: "JBSWY3DPEHPK3PXP",
		TOTPEnabled: true, TOTPLastStep: 58_000_123, FailedLogins: 2, LockedUntil: base.Add(15 * 60e9), CreatedAt: base}
	u2 := e.user(a.ID, "ion.popescu@example.org")
	u3 := e.user(b.ID, "maria.silva@example.org")
	e.update(func(tx alliance.Tx) error { return tx.CreateUser(e.ctx, u1) })
	for _, u := range []*alliance.User{u1, u2, u3} {
		checkUser(t, e, e.store, u)
	}

	checkByEmail(t, e, u1, u2)
	lists := []struct {
		org  int64
		want []alliance.User
	}{
		{a.ID, []alliance.User{*u2, *u1}},
		{b.ID, []alliance.User{*u3}},
		{0, []alliance.User{*u2, *u3, *u1}},
		{a.ID + b.ID + 100, []alliance.User{}},
	}
	for _, tc := range lists {
		got, err := e.store.Users(e.ctx, tc.org)
		if err != nil {
			t.Fatalf("Users(%d): %v", tc.org, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || got == nil {
			t.Errorf("Users(%d) mismatch (-want +got):\n%s", tc.org, diff)
		}
	}
}

// checkByEmail looks users up by email written in other cases and spacing.
func checkByEmail(t *testing.T, e *env, u1, u2 *alliance.User) {
	t.Helper()
	byEmail := []struct {
		email string
		want  *alliance.User
	}{
		{"amira.haddad@example.org", u1},
		{"Amira.Haddad@Example.ORG", u1},
		{"  ion.popescu@example.org ", u2},
	}
	for _, tc := range byEmail {
		got, err := e.store.UserByEmail(e.ctx, tc.email)
		if err != nil {
			t.Errorf("UserByEmail(%q): %v", tc.email, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("UserByEmail(%q) mismatch (-want +got):\n%s", tc.email, diff)
		}
	}
}

func testUserUpdate(t *testing.T, e *env) {
	a, b := e.org("Inspectorate"), e.org("Shelter")
	u := e.user(a.ID, "old@example.org")
	disabled := base.Add(48 * 3600e9)
	u.OrgID, u.Email, u.Name, u.Role, u.Language = b.ID, "new@example.org", "New Name", alliance.RoleViewer, "pt-BR"
	u.PasswordHash, u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep = "hash-2", "GEZDGNBVGY3TQOJQ", true, 58_000_200
	u.FailedLogins, u.LockedUntil, u.DisabledAt = 5, base.Add(3600e9), &disabled
	e.update(func(tx alliance.Tx) error { return tx.UpdateUser(e.ctx, u) })
	checkUser(t, e, e.store, u)
	if _, err := e.store.UserByEmail(e.ctx, "old@example.org"); !alliance.IsNotFound(err) {
		t.Errorf("UserByEmail(old address) error = %v, want not found", err)
	}
	if got, err := e.store.UserByEmail(e.ctx, "NEW@example.org"); err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail(new address) = %v, %v; want user %d", got, err, u.ID)
	}

	u.TOTPSecret, u.TOTPEnabled, u.FailedLogins, u.LockedUntil, u.DisabledAt = "", false, 0, time.Time{}, nil
	e.update(func(tx alliance.Tx) error { return tx.UpdateUser(e.ctx, u) })
	checkUser(t, e, e.store, u)

	// A write from an older copy of the user must not lower the last TOTP step:
	// that would make a used code valid again.
	stale := *u
	stale.TOTPLastStep = 58_000_100
	e.update(func(tx alliance.Tx) error { return tx.UpdateUser(e.ctx, &stale) })
	if stale.TOTPLastStep != 58_000_200 {
		t.Errorf("UpdateUser with a lower TOTPLastStep set it to %d, want the stored 58000200", stale.TOTPLastStep)
	}
	checkUser(t, e, e.store, u)
}

func testUserConflicts(t *testing.T, e *env) {
	a := e.org("Org A")
	u1 := e.user(a.ID, "first@example.org")
	u2 := e.user(a.ID, "second@example.org")
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		code  alliance.Code
		field string
	}{
		{"same email", func(tx alliance.Tx) error {
			return tx.CreateUser(e.ctx, &alliance.User{OrgID: a.ID, Email: u1.Email, Role: alliance.RoleViewer})
		}, alliance.CodeConflict, "email"},
		{"email differing in case", func(tx alliance.Tx) error {
			return tx.CreateUser(e.ctx, &alliance.User{OrgID: a.ID, Email: "First@Example.org", Role: alliance.RoleViewer})
		}, alliance.CodeConflict, "email"},
		{"change email to a taken one", func(tx alliance.Tx) error {
			u := *u2
			u.Email = u1.Email
			return tx.UpdateUser(e.ctx, &u)
		}, alliance.CodeConflict, "email"},
		{"unknown organisation", func(tx alliance.Tx) error {
			return tx.CreateUser(e.ctx, &alliance.User{OrgID: a.ID + 1000, Email: "x@example.org", Role: alliance.RoleViewer})
		}, alliance.CodeInvalid, "organisation"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, tc.code, tc.field)
		if err != nil && strings.Contains(err.Error(), "example.org") {
			t.Errorf("%s: error %q repeats the email address", tc.name, err)
		}
	}
	checkUser(t, e, e.store, u2)
}

// testUserEncryptedAtRest reads the stored row and checks that no column holds
// the email, name or TOTP secret, and that the sealed columns open to them.
func testUserEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := &alliance.User{OrgID: a.ID, Email: "amira.haddad@example.org", Name: "Amira Haddad",
		Role: alliance.RoleCaseworker, TOTPSecret: "JBSWY3DPEHPK3PXP"}
	e.update(func(tx alliance.Tx) error { return tx.CreateUser(e.ctx, u) })
	secrets := []string{u.Email, "amira.haddad", u.Name, "Haddad", u.TOTPSecret}
	for col, v := range rawRow(t, e, `SELECT * FROM users WHERE id = $1`, u.ID) {
		for _, s := range secrets {
			if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
				t.Errorf("column %s holds the plaintext %q", col, s)
			}
		}
	}
	sealed := []struct{ column, name, want string }{
		{"email_enc", alliance.ColUserEmail, u.Email},
		{"name_enc", alliance.ColUserName, u.Name},
		{"totp_secret_enc", alliance.ColUserTOTPSecret, u.TOTPSecret},
	}
	for _, c := range sealed {
		var ct []byte
		if err := e.raw().QueryRow(`SELECT `+c.column+` FROM users WHERE id = $1`, u.ID).Scan(&ct); err != nil {
			t.Fatalf("read %s: %v", c.column, err)
		}
		if pt, err := e.keys.Open(c.name, ct); err != nil || string(pt) != c.want {
			t.Errorf("%s opens to %q, %v; want %q", c.column, pt, err, c.want)
		}
	}
}

// rawRow returns every column of the one row query selects, as bytes.
func rawRow(t *testing.T, e *env, query string, args ...any) map[string][]byte {
	t.Helper()
	rows, err := e.raw().Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("%s: no row", query)
	}
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(any)
	}
	if err := rows.Scan(vals...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	out := map[string][]byte{}
	for i, c := range cols {
		out[c] = fmt.Appendf(nil, "%s", *(vals[i].(*any)))
	}
	return out
}

func testReadsInsideUpdate(t *testing.T, e *env) {
	a := e.org("Org A")
	e.update(func(tx alliance.Tx) error {
		u := &alliance.User{OrgID: a.ID, Email: "inside@example.org", Name: "Inside", Role: alliance.RoleViewer}
		if err := tx.CreateUser(e.ctx, u); err != nil {
			return err
		}
		checkUser(t, e, tx, u)
		if got, err := tx.UserByEmail(e.ctx, "INSIDE@example.org"); err != nil || got.ID != u.ID {
			t.Errorf("tx.UserByEmail = %v, %v; want user %d", got, err, u.ID)
		}
		if list, err := tx.Users(e.ctx, a.ID); err != nil || len(list) != 1 {
			t.Errorf("tx.Users = %d users, %v; want 1", len(list), err)
		}
		return nil
	})
}

// testTOTPStepCheckAndSet runs, at once, several transactions that each read a
// user and raise its last TOTP step only when the stored one is lower, as
// internal/app does to refuse a replayed code. Exactly one may succeed: a store
// must not let two transactions both read the old step and both write.
func testTOTPStepCheckAndSet(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "racer@example.org")
	const racers, step = 8, 58_000_300
	errUsed := errors.New("step used already")
	var wg sync.WaitGroup
	errs := make(chan error, racers)
	for range racers {
		wg.Go(func() {
			errs <- e.store.Update(e.ctx, func(tx alliance.Tx) error {
				fresh, err := tx.User(e.ctx, u.ID)
				if err != nil {
					return err
				}
				if fresh.TOTPLastStep >= step {
					return errUsed
				}
				fresh.TOTPLastStep = step
				fresh.FailedLogins++
				return tx.UpdateUser(e.ctx, fresh)
			})
		})
	}
	wg.Wait()
	close(errs)
	passed := 0
	for err := range errs {
		switch {
		case err == nil:
			passed++
		case !errors.Is(err, errUsed):
			t.Errorf("Update: %v", err)
		}
	}
	if passed != 1 {
		t.Errorf("%d of %d concurrent check-and-set transactions passed, want exactly 1", passed, racers)
	}
	got, err := e.store.User(e.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TOTPLastStep != step || got.FailedLogins != 1 {
		t.Errorf("after the race TOTPLastStep, FailedLogins = %d, %d; want %d, 1", got.TOTPLastStep, got.FailedLogins, step)
	}
}
