package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"
)

// testMaster returns a master key made of one repeated byte.
func testMaster(b byte) []byte { return bytes.Repeat([]byte{b}, MasterKeySize) }

// wrappedKeys returns n data keys wrapped under master, with ids 1..n and the
// key with id active marked active.
func wrappedKeys(t testing.TB, master []byte, n int, active int64) []alliance.DataKey {
	t.Helper()
	v, err := newVault(master, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []alliance.DataKey
	for i := int64(1); i <= int64(n); i++ {
		w, err := v.newWrappedKey()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, alliance.DataKey{ID: i, Wrapped: w, Active: i == active, CreatedAt: time.Now()})
	}
	return keys
}

// testVault returns a vault under master holding keys; it has no key store.
func testVault(t testing.TB, master []byte, keys []alliance.DataKey) *Vault {
	t.Helper()
	v, err := newVault(master, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.install(keys); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSealOpenRoundTrip(t *testing.T) {
	v := testVault(t, testMaster(1), wrappedKeys(t, testMaster(1), 1, 1))
	tests := []struct {
		column, plaintext string
	}{
		{"users.email", "amina@example.org"},
		{"users.name", "Nguyễn Thị Hoa — 阮氏花"},
		{"users.name", ""},
		{"cases.notes", strings.Repeat("long note ", 1000)},
	}
	for _, tt := range tests {
		ct, err := v.Seal(tt.column, []byte(tt.plaintext))
		if err != nil {
			t.Fatalf("Seal(%q): %v", tt.column, err)
		}
		if wantLen := headerSize + len(tt.plaintext) + tagSize; len(ct) != wantLen {
			t.Errorf("len(Seal(%q)) = %d, want %d", tt.plaintext, len(ct), wantLen)
		}
		if len(tt.plaintext) > 3 && bytes.Contains(ct, []byte(tt.plaintext)) {
			t.Errorf("Seal(%q) contains the plaintext", tt.plaintext)
		}
		got, err := v.Open(tt.column, ct)
		if err != nil {
			t.Fatalf("Open(%q, Seal(%q)): %v", tt.column, tt.plaintext, err)
		}
		if string(got) != tt.plaintext {
			t.Errorf("Open(Seal(%q)) = %q", tt.plaintext, got)
		}
	}
}

func TestSealLayout(t *testing.T) {
	keys := wrappedKeys(t, testMaster(1), 3, 2)
	v := testVault(t, testMaster(1), keys)
	a, err := v.Seal("users.email", []byte("x@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := v.Seal("users.email", []byte("x@example.org"))
	if a[0] != 1 {
		t.Errorf("version byte = %d, want 1", a[0])
	}
	if got := binary.BigEndian.Uint32(a[1:5]); got != 2 {
		t.Errorf("key id = %d, want 2 (the active key)", got)
	}
	if bytes.Equal(a[5:17], b[5:17]) || bytes.Equal(a, b) {
		t.Errorf("two seals of the same value share a nonce or ciphertext")
	}
}

func TestOpenRefusesOtherColumn(t *testing.T) {
	v := testVault(t, testMaster(1), wrappedKeys(t, testMaster(1), 1, 1))
	ct, err := v.Seal("users.email", []byte("amina@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"users.name", "users.email ", "Users.email", ""} {
		if got, err := v.Open(col, ct); err == nil {
			t.Errorf("Open(%q, value sealed for users.email) = %q, want an error", col, got)
		}
	}
}

func TestOpenRefusesTampering(t *testing.T) {
	v := testVault(t, testMaster(1), wrappedKeys(t, testMaster(1), 1, 1))
	ct, err := v.Seal("users.email", []byte("amina@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		if got, err := v.Open("users.email", bad); err == nil {
			t.Errorf("Open with byte %d flipped = %q, want an error", i, got)
		}
	}
	for _, n := range []int{0, 1, headerSize, headerSize + tagSize - 1, len(ct) - 1} {
		if got, err := v.Open("users.email", ct[:n]); err == nil {
			t.Errorf("Open of the first %d bytes = %q, want an error", n, got)
		}
	}
}

func TestOpenUnknownKeyNamesIt(t *testing.T) {
	v := testVault(t, testMaster(1), wrappedKeys(t, testMaster(1), 1, 1))
	ct, _ := v.Seal("users.email", []byte("amina@example.org"))
	binary.BigEndian.PutUint32(ct[1:5], 4242)
	_, err := v.Open("users.email", ct)
	if err == nil || !strings.Contains(err.Error(), "data key 4242") {
		t.Errorf("Open under unknown key: error %v, want one naming data key 4242", err)
	}
}

func TestWrongMasterRefused(t *testing.T) {
	keys := wrappedKeys(t, testMaster(1), 2, 2)
	v, err := newVault(testMaster(2), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = v.install(keys)
	checkWrongKeyFile(t, err)
}

// checkWrongKeyFile checks the error given when the key file does not fit the
// database.
func checkWrongKeyFile(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("data keys unwrapped under the wrong master key: got no error")
	}
	if got := alliance.ErrorCode(err); got != alliance.CodeInvalid {
		t.Errorf("error code = %s, want %s", got, alliance.CodeInvalid)
	}
	msg := alliance.ErrorMessage(err)
	for _, want := range []string{"this key file cannot decrypt this database's data", "created together with this database", "ALLIANCE_KEY_FILE"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

func TestInstallRefusesBadKeySets(t *testing.T) {
	m := testMaster(1)
	twoActive := wrappedKeys(t, m, 2, 1)
	twoActive[1].Active = true
	bigID := wrappedKeys(t, m, 1, 1)
	bigID[0].ID = 1 << 32
	truncated := wrappedKeys(t, m, 1, 1)
	truncated[0].Wrapped = truncated[0].Wrapped[:40]
	tests := []struct {
		name string
		keys []alliance.DataKey
		want string
	}{
		{"none active", wrappedKeys(t, m, 2, 0), "none of the 2 data keys is active"},
		{"two active", twoActive, "both active"},
		{"id too large", bigID, "outside"},
		{"no keys", nil, "none of the 0"},
		{"truncated", truncated, "cannot decrypt"},
	}
	for _, tt := range tests {
		v, _ := newVault(m, nil)
		err := v.install(tt.keys)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: install error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestUnwrapBindsUUID(t *testing.T) {
	v, _ := newVault(testMaster(1), nil)
	dk := bytes.Repeat([]byte{7}, dataKeySize)
	w, err := wrap(v.kek, dk)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != wrappedSize {
		t.Fatalf("len(wrapped) = %d, want %d", len(w), wrappedSize)
	}
	got, err := unwrap(v.kek, w)
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("unwrap(wrap(dk)) = %x, %v; want %x", got, err, dk)
	}
	for i := range w {
		bad := bytes.Clone(w)
		bad[i] ^= 0x80
		if _, err := unwrap(v.kek, bad); err == nil {
			t.Errorf("unwrap with byte %d flipped succeeded", i)
		}
	}
}

func TestRotatedKeysStillOpen(t *testing.T) {
	m := testMaster(1)
	keys := wrappedKeys(t, m, 2, 1)
	v := testVault(t, m, keys)
	old, _ := v.Seal("users.name", []byte("Amina"))
	if !v.Current(old) {
		t.Errorf("Current(value sealed under the active key) = false")
	}
	keys[0].Active, keys[1].Active = false, true
	if err := v.install(keys); err != nil {
		t.Fatal(err)
	}
	if v.Current(old) {
		t.Errorf("Current(value sealed under the retired key) = true")
	}
	fresh, _ := v.Seal("users.name", []byte("Amina"))
	if !v.Current(fresh) || binary.BigEndian.Uint32(fresh[1:5]) != 2 {
		t.Errorf("new value sealed under key %d, want 2", binary.BigEndian.Uint32(fresh[1:5]))
	}
	if got, err := v.Open("users.name", old); err != nil || string(got) != "Amina" {
		t.Errorf("Open(value under retired key) = %q, %v; want Amina", got, err)
	}
	for _, ct := range [][]byte{nil, {1, 0}, {2, 0, 0, 0, 2}} {
		if v.Current(ct) {
			t.Errorf("Current(%x) = true, want false", ct)
		}
	}
}

func TestIndex(t *testing.T) {
	m := testMaster(1)
	a := testVault(t, m, wrappedKeys(t, m, 1, 1))
	b := testVault(t, m, wrappedKeys(t, m, 3, 3)) // other data keys, same master
	other := testVault(t, testMaster(2), wrappedKeys(t, testMaster(2), 1, 1))
	x := a.Index("users.email", "amina@example.org")
	if len(x) != 32 {
		t.Errorf("len(Index) = %d, want 32", len(x))
	}
	if got := b.Index("users.email", "amina@example.org"); !bytes.Equal(got, x) {
		t.Errorf("Index differs between data keys under one master key: %x vs %x", got, x)
	}
	differ := []struct {
		name string
		got  []byte
	}{
		{"other master", other.Index("users.email", "amina@example.org")},
		{"other column", a.Index("users.name", "amina@example.org")},
		{"other value", a.Index("users.email", "amina@example.com")},
		{"boundary moved", a.Index("users.emaila", "mina@example.org")},
	}
	for _, d := range differ {
		if bytes.Equal(d.got, x) {
			t.Errorf("%s: Index is the same as the original, want different", d.name)
		}
	}
}

func TestAuditChainerKeyedByMaster(t *testing.T) {
	m := testMaster(1)
	e := alliance.AuditEntry{Seq: 1, Time: time.Unix(1700000000, 0), Action: "login", Outcome: alliance.OutcomeSuccess}
	hash := func(v *Vault) []byte {
		c := e
		v.AuditChainer().Seal(&c, nil)
		return c.Hash
	}
	a := hash(testVault(t, m, wrappedKeys(t, m, 1, 1)))
	b := hash(testVault(t, m, wrappedKeys(t, m, 2, 2)))
	c := hash(testVault(t, testMaster(2), wrappedKeys(t, testMaster(2), 1, 1)))
	if !bytes.Equal(a, b) {
		t.Errorf("audit hash differs between vaults on the same master key")
	}
	if bytes.Equal(a, c) {
		t.Errorf("audit hash is the same under another master key")
	}
	ix := testVault(t, m, wrappedKeys(t, m, 1, 1)).Index("", "")
	if bytes.Equal(derive(m, infoAudit), derive(m, infoIndex)) || bytes.Equal(ix, a) {
		t.Errorf("audit and index keys are not separated")
	}
}

func TestNewVaultRefusesShortMaster(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := newVault(make([]byte, n), nil); alliance.ErrorCode(err) != alliance.CodeInvalid {
			t.Errorf("newVault(%d-byte master) error %v, want CodeInvalid", n, err)
		}
	}
}

// TestConcurrentSealOpenInstall is meant for go test -race.
func TestConcurrentSealOpenInstall(t *testing.T) {
	m := testMaster(1)
	keys := wrappedKeys(t, m, 3, 1)
	v := testVault(t, m, keys)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				ct, err := v.Seal("users.name", []byte("Amina"))
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := v.Open("users.name", ct); err != nil || string(got) != "Amina" {
					t.Errorf("goroutine %d, round %d: Open = %q, %v", g, i, got, err)
					return
				}
			}
		})
	}
	for i := range 50 {
		for j := range keys {
			keys[j].Active = j == i%3
		}
		if err := v.install(keys); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func BenchmarkSealOpen(b *testing.B) {
	m := make([]byte, MasterKeySize)
	rand.Read(m)
	v := testVault(b, m, wrappedKeys(b, m, 1, 1))
	pt := []byte("amina.nguyen@example.org")
	b.ReportAllocs()
	for b.Loop() {
		ct, err := v.Seal("users.email", pt)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Open("users.email", ct); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndex(b *testing.B) {
	v := testVault(b, testMaster(1), wrappedKeys(b, testMaster(1), 1, 1))
	b.ReportAllocs()
	for b.Loop() {
		v.Index("users.email", "amina.nguyen@example.org")
	}
}

func FuzzOpen(f *testing.F) {
	m := testMaster(1)
	v := testVault(f, m, wrappedKeys(f, m, 2, 2))
	good, _ := v.Seal("users.email", []byte("amina@example.org"))
	f.Add("users.email", good)
	f.Add("users.name", good)
	f.Add("", []byte{})
	f.Add("x", []byte{1, 0, 0, 0, 1})
	f.Add("x", []byte{1, 0, 0, 0, 9, 1, 2, 3})
	f.Fuzz(func(t *testing.T, column string, ct []byte) {
		pt, err := v.Open(column, ct)
		if err == nil && (column != "users.email" || !bytes.Equal(ct, good)) {
			t.Fatalf("Open(%q, %x) = %q, want an error for anything but the sealed value", column, ct, pt)
		}
		_ = v.Current(ct)
	})
}
