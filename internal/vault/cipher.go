package vault

import (
	"context"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"alliance"
)

// Layout of a sealed value.
const (
	sealVersion = 1
	headerSize  = 1 + 4 + nonceSize // version | key id | nonce
)

var _ alliance.FieldCipher = (*Vault)(nil)

// Seal encrypts plaintext for column under the active data key.
func (v *Vault) Seal(column string, plaintext []byte) ([]byte, error) {
	v.mu.RLock()
	id, aead := v.ring.active, v.ring.keys[v.ring.active]
	v.mu.RUnlock()
	if aead == nil {
		return nil, errors.New("vault: no active data key")
	}
	out := make([]byte, headerSize, headerSize+len(plaintext)+tagSize)
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:5], id)
	if _, err := rand.Read(out[5:headerSize]); err != nil {
		return nil, fmt.Errorf("seal %s: %w", column, err)
	}
	return aead.Seal(out, out[5:headerSize], plaintext, []byte(column)), nil
}

// Open decrypts a value that Seal made for column. A value sealed under a data
// key this vault does not know yet (one added by another process) makes it
// reload the data keys once before giving up.
func (v *Vault) Open(column string, ciphertext []byte) ([]byte, error) {
	if len(ciphertext) < headerSize+tagSize {
		return nil, fmt.Errorf("open %s: ciphertext of %d bytes is too short", column, len(ciphertext))
	}
	if ciphertext[0] != sealVersion {
		return nil, fmt.Errorf("open %s: unknown ciphertext version %d", column, ciphertext[0])
	}
	id := binary.BigEndian.Uint32(ciphertext[1:5])
	aead, err := v.key(id)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", column, err)
	}
	pt, err := aead.Open(nil, ciphertext[5:headerSize], ciphertext[headerSize:], []byte(column))
	if err != nil {
		return nil, fmt.Errorf("open %s: ciphertext does not authenticate (altered, or sealed for another column)", column)
	}
	return pt, nil
}

// key returns the data key with id, refreshing once when it is unknown.
func (v *Vault) key(id uint32) (cipher.AEAD, error) {
	if aead := v.lookup(id); aead != nil {
		return aead, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	if err := v.Refresh(ctx); err != nil {
		return nil, fmt.Errorf("sealed under unknown data key %d: %w", id, err)
	}
	if aead := v.lookup(id); aead != nil {
		return aead, nil
	}
	return nil, fmt.Errorf("sealed under data key %d, which this database does not hold", id)
}

// lookup returns the data key with id, or nil.
func (v *Vault) lookup(id uint32) cipher.AEAD {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.ring.keys[id]
}

// Current reports whether ciphertext is sealed under the active data key; the
// store re-seals values for which it is false (see Rotate).
func (v *Vault) Current(ciphertext []byte) bool {
	if len(ciphertext) < headerSize || ciphertext[0] != sealVersion {
		return false
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return binary.BigEndian.Uint32(ciphertext[1:5]) == v.ring.active
}

// Index returns the blind index of a normalised value in column:
// HMAC-SHA256(index key, column | 0x00 | value). It depends on the master key
// only, so it stays the same when data keys rotate.
func (v *Vault) Index(column string, normalised string) []byte {
	m := hmac.New(sha256.New, v.indexKey)
	m.Write([]byte(column))
	m.Write([]byte{0})
	m.Write([]byte(normalised))
	return m.Sum(nil)
}
