package vault_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/internal/sqlite"
	"alliance/internal/vault"

	"github.com/google/go-cmp/cmp"
)

func master(b byte) []byte { return bytes.Repeat([]byte{b}, vault.MasterKeySize) }

// openStore opens a migrated SQLite database at path.
func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// openVault opens a vault on st and installs it as st's cipher.
func openVault(t *testing.T, m []byte, st *sqlite.Store) *vault.Vault {
	t.Helper()
	v, err := vault.Open(context.Background(), m, st)
	if err != nil {
		t.Fatal(err)
	}
	st.UseKeys(v, v.AuditChainer())
	return v
}

// dataKeys returns the ids of st's data keys and the id of the active one.
func dataKeys(t *testing.T, st *sqlite.Store) (ids []int64, active int64) {
	t.Helper()
	keys, err := st.DataKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		ids = append(ids, k.ID)
		if k.Active {
			active = k.ID
		}
	}
	return ids, active
}

func TestOpenCreatesOneDataKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	st := openStore(t, path)
	v1 := openVault(t, master(1), st)
	v2, err := vault.Open(context.Background(), master(1), openStore(t, path))
	if err != nil {
		t.Fatal(err)
	}
	ids, active := dataKeys(t, st)
	if diff := cmp.Diff([]int64{1}, ids); diff != "" || active != 1 {
		t.Errorf("data keys after two Opens (-want +got):\n%s active = %d, want 1", diff, active)
	}
	ct, err := v1.Seal("users.email", []byte("amina@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v2.Open("users.email", ct); err != nil || string(got) != "amina@example.org" {
		t.Errorf("second vault on the same database: Open = %q, %v; want amina@example.org", got, err)
	}
}

func TestOpenRefusesOtherKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	openVault(t, master(1), openStore(t, path))
	_, err := vault.Open(context.Background(), master(2), openStore(t, path))
	if err == nil {
		t.Fatal("Open with another master key: got no error")
	}
	if got := alliance.ErrorCode(err); got != alliance.CodeInvalid {
		t.Errorf("error code = %s, want %s", got, alliance.CodeInvalid)
	}
	msg := alliance.ErrorMessage(err)
	for _, want := range []string{"this key file cannot decrypt this database's data", "the key file that was created together with this database", "ALLIANCE_KEY_FILE"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

func TestRefreshAdoptsKeyRotatedElsewhere(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	server := openVault(t, master(1), openStore(t, path))
	cliStore := openStore(t, path)
	cli := openVault(t, master(1), cliStore)
	if err := cli.Rotate(ctx, cliStore, 0, nil); err != nil {
		t.Fatal(err)
	}
	fresh, _ := cli.Seal("users.name", []byte("Amina"))
	if got, err := server.Open("users.name", fresh); err != nil || string(got) != "Amina" {
		t.Errorf("server opening a value under a key it has not loaded = %q, %v; want Amina", got, err)
	}
	if err := server.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	sealed, _ := server.Seal("users.name", []byte("Amina"))
	if !cli.Current(sealed) || !server.Current(fresh) {
		t.Errorf("after Refresh the server does not seal under the rotated key")
	}
}

// createUsers stores n users with email, name and TOTP secret through st.
func createUsers(t *testing.T, st alliance.Store, prefix string, n int) []alliance.User {
	t.Helper()
	var out []alliance.User
	err := st.Update(context.Background(), func(tx alliance.Tx) error {
		o := &alliance.Organisation{Name: "Org " + prefix, Type: alliance.OrgNGO, Country: "RO", Languages: []string{"ro"}}
		if err := tx.CreateOrganisation(context.Background(), o); err != nil {
			return err
		}
		for i := range n {
			u := alliance.User{OrgID: o.ID, Email: fmt.Sprintf("%s%d@example.org", prefix, i), Name: fmt.Sprintf("Name %s %d", prefix, i),
				Role: alliance.RoleCaseworker, PasswordHash: "x", TOTPSecret: fmt.Sprintf("SECRET%s%d", strings.ToUpper(prefix), i)}
			if err := tx.CreateUser(context.Background(), &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// lateWriter is the real store with one addition: when a sweep first finds
// nothing left, a server that has not refreshed yet (old) writes a user sealed
// under the old data key, as can happen during the settle window.
type lateWriter struct {
	*sqlite.Store
	old     alliance.Store
	t       *testing.T
	written []alliance.User
	calls   int
}

func (w *lateWriter) Reencrypt(ctx context.Context, limit int) (int, error) {
	w.calls++
	if limit != 500 {
		w.t.Errorf("Reencrypt limit = %d, want 500", limit)
	}
	n, err := w.Store.Reencrypt(ctx, limit)
	if n == 0 && err == nil && w.written == nil {
		w.written = createUsers(w.t, w.old, "late", 3)
	}
	return n, err
}

func TestRotateReencryptsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	st := openStore(t, path)
	v := openVault(t, master(1), st)
	oldServer := openStore(t, path)
	openVault(t, master(1), oldServer) // never refreshed during the rotation
	users := createUsers(t, st, "u", 700)

	w := &lateWriter{Store: st, old: oldServer, t: t}
	var progress []int
	if err := v.Rotate(ctx, w, 0, func(done int) { progress = append(progress, done) }); err != nil {
		t.Fatal(err)
	}
	if n, err := st.Reencrypt(ctx, 500); n != 0 || err != nil {
		t.Errorf("Reencrypt after Rotate = %d, %v; want 0, nil (the late values must be swept too)", n, err)
	}
	wantProgress := []int{500, 1000, 1500, 2000, 2100, 2109} // 700×3 values, then 3 late users ×3
	if diff := cmp.Diff(wantProgress, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	ids, active := dataKeys(t, st)
	if diff := cmp.Diff([]int64{1, 2}, ids); diff != "" || active != 2 {
		t.Errorf("data keys (-want +got):\n%s active = %d, want 2 (the old key stays, retired)", diff, active)
	}
	checkUsers(t, st, append(users, w.written...))
	checkAllCurrent(t, st, v)
}

// checkUsers checks that every user reads back, found by id and by email.
func checkUsers(t *testing.T, st alliance.Store, want []alliance.User) {
	t.Helper()
	ctx := context.Background()
	got, err := st.Users(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	type ident struct{ Email, Name, TOTP string }
	idents := func(us []alliance.User) map[int64]ident {
		m := map[int64]ident{}
		for _, u := range us {
			m[u.ID] = ident{u.Email, u.Name, u.TOTPSecret}
		}
		return m
	}
	if diff := cmp.Diff(idents(want), idents(got)); diff != "" {
		t.Errorf("users after rotation (-want +got):\n%s", diff)
	}
	for _, u := range []alliance.User{want[0], want[len(want)-1]} {
		if found, err := st.UserByEmail(ctx, u.Email); err != nil || found.ID != u.ID {
			t.Errorf("UserByEmail(%q) after rotation = %v, %v; want user %d", u.Email, found, err, u.ID)
		}
	}
}

// checkAllCurrent reads the raw columns and checks each is under the active key.
func checkAllCurrent(t *testing.T, st *sqlite.Store, v *vault.Vault) {
	t.Helper()
	rows, err := st.RawDB().Query(`SELECT email_enc, name_enc, totp_secret_enc FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var e, nm, tp []byte
		if err := rows.Scan(&e, &nm, &tp); err != nil {
			t.Fatal(err)
		}
		for _, ct := range [][]byte{e, nm, tp} {
			if n++; !v.Current(ct) {
				t.Errorf("value %d is not under the active data key", n)
			}
		}
	}
	if n != 703*3 {
		t.Errorf("checked %d values, want %d", n, 703*3)
	}
}

func TestRotateStopsWithContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	st := openStore(t, path)
	v := openVault(t, master(1), st)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := v.Rotate(ctx, st, time.Hour, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Errorf("Rotate with a 1 h settle and a 50 ms deadline = %v after %v; want the deadline error at once", err, time.Since(start))
	}
	if _, active := dataKeys(t, st); active != 2 {
		t.Errorf("active data key = %d, want 2 (the new key is in force even if the sweep is cut short)", active)
	}
}
