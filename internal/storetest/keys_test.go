package storetest

import (
	"bytes"
	"testing"
)

func TestKeysSealOpen(t *testing.T) {
	k := NewKeys()
	ct, err := k.Seal("users.email", []byte("amira@example.org"))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if bytes.Contains(ct, []byte("amira")) {
		t.Errorf("ciphertext %x contains the plaintext", ct)
	}
	got, err := k.Open("users.email", ct)
	if err != nil || string(got) != "amira@example.org" {
		t.Errorf("Open = %q, %v; want %q, nil", got, err, "amira@example.org")
	}
	if _, err := k.Open("users.name", ct); err == nil {
		t.Error("Open under another column succeeded; want an error")
	}
	if !k.Current(ct) {
		t.Error("Current = false for a value sealed under the active key")
	}
}

func TestKeysRotate(t *testing.T) {
	k := NewKeys()
	old, _ := k.Seal("users.name", []byte("Amira"))
	if id := k.Rotate(); id != 2 {
		t.Errorf("Rotate = %d, want 2", id)
	}
	if k.Current(old) {
		t.Error("Current = true for a value sealed under the previous key")
	}
	if got, err := k.Open("users.name", old); err != nil || string(got) != "Amira" {
		t.Errorf("Open(old) = %q, %v; want %q, nil", got, err, "Amira")
	}
	fresh, _ := k.Seal("users.name", []byte("Amira"))
	if !k.Current(fresh) {
		t.Error("Current = false for a value sealed after Rotate")
	}
}

func TestKeysIndex(t *testing.T) {
	k1, k2 := NewKeys(), NewKeys()
	if !bytes.Equal(k1.Index("users.email", "a@b.org"), k2.Index("users.email", "a@b.org")) {
		t.Error("Index differs between two Keys; want a deterministic index")
	}
	if bytes.Equal(k1.Index("users.email", "a@b.org"), k1.Index("users.email", "c@b.org")) {
		t.Error("Index is equal for different values")
	}
}
