package storetest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"alliance"
)

// Keys is a real AES-256-GCM alliance.FieldCipher for tests. Each ciphertext is
// the id of the key that sealed it (one byte), a 12-byte nonce and the sealed
// value, with the column name as additional data; so Current can tell which
// values an older key sealed, and a value moved to another column fails to open.
// Keys are derived from fixed labels, so runs are reproducible.
type Keys struct {
	mu     sync.RWMutex
	aeads  map[byte]cipher.AEAD
	active byte
	index  []byte
}

var _ alliance.FieldCipher = (*Keys)(nil)

// NewKeys returns a cipher with one key, id 1, active.
func NewKeys() *Keys {
	k := &Keys{aeads: map[byte]cipher.AEAD{}, index: derive("index", 0)}
	k.Rotate()
	return k
}

// TestKeys returns a fresh cipher (a *Keys) and an audit chainer keyed with a
// fixed test key.
func TestKeys() (alliance.FieldCipher, *alliance.AuditChainer) {
	return NewKeys(), alliance.NewAuditChainer(derive("audit", 0))
}

// Rotate adds a new key, makes it the one new values are sealed under, and
// returns its id. Values sealed under older keys still open.
func (k *Keys) Rotate() byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	id := k.active + 1
	block, err := aes.NewCipher(derive("data", id))
	if err != nil {
		panic(err) // a 32-byte key is always accepted
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	k.aeads[id], k.active = aead, id
	return id
}

func derive(purpose string, id byte) []byte {
	sum := sha256.Sum256(fmt.Appendf(nil, "alliance storetest %s key %d", purpose, id))
	return sum[:]
}

// Seal encrypts plaintext for column under the active key.
func (k *Keys) Seal(column string, plaintext []byte) ([]byte, error) {
	k.mu.RLock()
	id, aead := k.active, k.aeads[k.active]
	k.mu.RUnlock()
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = id
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[1:], plaintext, []byte(column)), nil
}

// Open decrypts a value that Seal sealed for column.
func (k *Keys) Open(column string, ciphertext []byte) ([]byte, error) {
	if len(ciphertext) < 1 {
		return nil, errors.New("storetest keys: empty ciphertext")
	}
	k.mu.RLock()
	aead, ok := k.aeads[ciphertext[0]]
	k.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("storetest keys: unknown key %d", ciphertext[0])
	}
	if len(ciphertext) < 1+aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("storetest keys: ciphertext too short")
	}
	nonce, sealed := ciphertext[1:1+aead.NonceSize()], ciphertext[1+aead.NonceSize():]
	return aead.Open(nil, nonce, sealed, []byte(column))
}

// Index returns HMAC-SHA256 over the column and the normalised value.
func (k *Keys) Index(column, normalised string) []byte {
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte(column))
	m.Write([]byte{0})
	m.Write([]byte(normalised))
	return m.Sum(nil)
}

// Current reports whether ciphertext was sealed under the active key.
func (k *Keys) Current(ciphertext []byte) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(ciphertext) > 0 && ciphertext[0] == k.active
}
