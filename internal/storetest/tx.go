package storetest

import (
	"errors"
	"sync"
	"testing"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// testUpdateRollsBack checks that nothing of a failed transaction is kept,
// whether fn fails by itself or a store method fails inside it.
func testUpdateRollsBack(t *testing.T, e *env) {
	boom := errors.New("boom")
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error {
		o := &alliance.Organisation{Name: "Half Written", Type: alliance.OrgNGO, Country: "RO"}
		if err := tx.CreateOrganisation(e.ctx, o); err != nil {
			return err
		}
		u := &alliance.User{OrgID: o.ID, Email: "half@example.org", Role: alliance.RoleViewer}
		return errors.Join(tx.CreateUser(e.ctx, u), tx.CreateSession(e.ctx, session(u.ID, "t", base)),
			tx.CreateAPIToken(e.ctx, token(u.ID, "k")), tx.ReplaceRecoveryCodes(e.ctx, u.ID, [][]byte{hash("r")}),
			tx.AppendAudit(e.ctx, &alliance.AuditEntry{Action: "user.create", Outcome: alliance.OutcomeSuccess}),
			tx.AddDataKey(e.ctx, &alliance.DataKey{Wrapped: []byte("wrapped"), Active: true}), boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want the error fn returned", err)
	}
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		a := &alliance.Organisation{Name: "Kept?", Type: alliance.OrgNGO, Country: "RO"}
		if err := tx.CreateOrganisation(e.ctx, a); err != nil {
			return err
		}
		return tx.CreateOrganisation(e.ctx, &alliance.Organisation{Name: "KEPT?", Type: alliance.OrgNGO, Country: "RO"})
	})
	wantCode(t, "second organisation with the same name", err, alliance.CodeConflict, "name")
	for _, table := range []string{"organisations", "users", "sessions", "api_tokens", "recovery_codes",
		"audit_log", "data_keys"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after rolled-back transactions, want 0", table, n)
		}
	}
	a := &alliance.AuditEntry{Action: "after", Outcome: alliance.OutcomeSuccess}
	appendAudit(t, e, a)
	if a.Seq != 1 {
		t.Errorf("Seq of the first committed entry = %d, want 1", a.Seq)
	}
}

// testUpdatePanics checks that a panic in fn rolls back and leaves the store usable.
func testUpdatePanics(t *testing.T, e *env) {
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the panic of fn", p)
			}
		}()
		_ = e.store.Update(e.ctx, func(tx alliance.Tx) error {
			if err := tx.CreateOrganisation(e.ctx, &alliance.Organisation{Name: "Panicked", Type: alliance.OrgNGO, Country: "RO"}); err != nil {
				t.Errorf("CreateOrganisation: %v", err)
			}
			panic("boom")
		})
	}()
	o := e.org("After the panic")
	list, err := e.store.Organisations(e.ctx)
	if diff := cmp.Diff([]alliance.Organisation{*o}, list); err != nil || diff != "" {
		t.Errorf("Organisations: error %v, mismatch (-want +got):\n%s", err, diff)
	}
}

func testReencrypt(t *testing.T, e *env) {
	a := e.org("Org A")
	users := []*alliance.User{e.user(a.ID, "one@example.org"), e.user(a.ID, "two@example.org"), e.user(a.ID, "three@example.org")}
	users[0].TOTPSecret = "JBSWY3DPEHPK3PXP"
	e.update(func(tx alliance.Tx) error { return tx.UpdateUser(e.ctx, users[0]) })
	reencrypt(t, e, 0, 0) // everything is current
	e.keys.Rotate()
	reencrypt(t, e, 2, 2)
	reencrypt(t, e, 0, 5) // 3 emails + 3 names + 1 TOTP secret - 2
	reencrypt(t, e, 0, 0)
	rows, err := e.raw().QueryContext(e.ctx, `SELECT email_enc, name_enc, totp_secret_enc FROM users`)
	if err != nil {
		t.Fatalf("read sealed columns: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v [3][]byte
		if err := rows.Scan(&v[0], &v[1], &v[2]); err != nil {
			t.Fatal(err)
		}
		for i, ct := range v {
			if len(ct) > 0 && !e.keys.Current(ct) {
				t.Errorf("column %d value %x is not sealed under the new key after Reencrypt", i, ct[:1])
			}
		}
	}
	for _, u := range users {
		checkUser(t, e, e.store, u)
		if got, err := e.store.UserByEmail(e.ctx, u.Email); err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail(%q) after Reencrypt = %v, %v", u.Email, got, err)
		}
	}
}

func reencrypt(t *testing.T, e *env, limit, want int) {
	t.Helper()
	n, err := e.store.Reencrypt(e.ctx, limit)
	if err != nil || n != want {
		t.Errorf("Reencrypt(%d) = %d, %v; want %d, nil", limit, n, err, want)
	}
}

// testDataKeys runs without UseKeys: the vault reads the data keys first.
func testDataKeys(t *testing.T, e *env) {
	keys := []*alliance.DataKey{{Wrapped: []byte("k1")}, {Wrapped: []byte("k2"), CreatedAt: base},
		{Wrapped: []byte("k3"), Active: true}}
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.AddDataKey(e.ctx, keys[0]), tx.AddDataKey(e.ctx, keys[1]), tx.AddDataKey(e.ctx, keys[2]))
	})
	checkActive(t, e, keys, 2)
	for _, i := range []int{0, 1, 1} {
		e.update(func(tx alliance.Tx) error { return tx.ActivateDataKey(e.ctx, keys[i].ID) })
		checkActive(t, e, keys, i)
	}
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.ActivateDataKey(e.ctx, keys[2].ID+100) })
	wantCode(t, "activate a missing key", err, alliance.CodeNotFound, "")
	checkActive(t, e, keys, 1)
}

func checkActive(t *testing.T, e *env, keys []*alliance.DataKey, active int) {
	t.Helper()
	want := make([]alliance.DataKey, len(keys))
	for i, k := range keys {
		want[i] = *k
		want[i].Active = i == active
	}
	got, err := e.store.DataKeys(e.ctx)
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("DataKeys with key %d active: error %v, mismatch (-want +got):\n%s", active, err, diff)
	}
}

// testNoKeys checks that a store without keys refuses identity and audit work
// with an error instead of storing plaintext or panicking.
func testNoKeys(t *testing.T, e *env) {
	var o alliance.Organisation
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error {
		o = alliance.Organisation{Name: "Org", Type: alliance.OrgNGO, Country: "RO"}
		if err := tx.CreateOrganisation(e.ctx, &o); err != nil {
			t.Fatalf("CreateOrganisation without keys: %v", err)
		}
		return tx.CreateUser(e.ctx, &alliance.User{OrgID: o.ID, Email: "a@example.org", Role: alliance.RoleViewer})
	})
	if err == nil {
		t.Error("CreateUser without keys succeeded; want an error")
	}
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		return tx.AppendAudit(e.ctx, &alliance.AuditEntry{Action: "login", Outcome: alliance.OutcomeSuccess})
	})
	if err == nil {
		t.Error("AppendAudit without keys succeeded; want an error")
	}
	if _, err := e.store.UserByEmail(e.ctx, "a@example.org"); err == nil || alliance.IsNotFound(err) {
		t.Errorf("UserByEmail without keys: error %v, want one saying the keys are missing", err)
	}
	if n := count(t, e.raw(), `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("users rows = %d, want 0", n)
	}
}

// hookKeys calls onOpen (once) before the first Open of a column, to change a
// row between Reencrypt's read and its write.
type hookKeys struct {
	*Keys
	column string
	once   sync.Once
	onOpen func()
}

func (h *hookKeys) Open(column string, ct []byte) ([]byte, error) {
	if column == h.column {
		h.once.Do(h.onOpen)
	}
	return h.Keys.Open(column, ct)
}

// testReencryptKeepsConcurrentChange changes a user's email while Reencrypt
// is re-sealing the old one: the change must survive.
func testReencryptKeepsConcurrentChange(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "before@example.org")
	e.keys.Rotate()
	hook := &hookKeys{Keys: e.keys, column: "users.email"}
	hook.onOpen = func() {
		changed := *u
		changed.Email = "after@example.org"
		e.update(func(tx alliance.Tx) error { return tx.UpdateUser(e.ctx, &changed) })
	}
	e.store.UseKeys(hook, e.chain)
	// The concurrent UpdateUser sealed both values anew, so neither old one is replaced.
	reencrypt(t, e, 0, 0)
	got, err := e.store.User(e.ctx, u.ID)
	if err != nil || got.Email != "after@example.org" {
		t.Errorf("User(%d) after Reencrypt = %v, %v; want the concurrently changed email", u.ID, got, err)
	}
	reencrypt(t, e, 0, 0)
}
