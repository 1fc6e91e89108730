package vault

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"alliance"
)

// Sizes of the parts of a wrapped data key.
const (
	dataKeySize = 32
	uuidSize    = 16
	nonceSize   = 12
	tagSize     = 16
	wrappedSize = uuidSize + nonceSize + dataKeySize + tagSize
)

// errUnwrap is returned for a wrapped key that does not authenticate.
var errUnwrap = errors.New("wrapped data key does not authenticate")

// addDataKey generates a data key, stores it wrapped and, when activate is
// set, makes it the active key, all in one transaction. When onlyIfNone is
// set and the store already holds a key (another process won the race to
// create the first one), it does nothing.
func (v *Vault) addDataKey(ctx context.Context, ks KeyStore, onlyIfNone bool) error {
	wrapped, err := v.newWrappedKey()
	if err != nil {
		return err
	}
	err = ks.Update(ctx, func(tx alliance.Tx) error {
		if onlyIfNone {
			keys, err := tx.DataKeys(ctx)
			if err != nil || len(keys) > 0 {
				return err
			}
		}
		k := &alliance.DataKey{Wrapped: wrapped, CreatedAt: time.Now().UTC()}
		if err := tx.AddDataKey(ctx, k); err != nil {
			return err
		}
		return tx.ActivateDataKey(ctx, k.ID)
	})
	if err != nil {
		return fmt.Errorf("store new data key: %w", err)
	}
	return nil
}

// newWrappedKey generates a random data key and returns it wrapped.
func (v *Vault) newWrappedKey() ([]byte, error) {
	dk := make([]byte, dataKeySize)
	if _, err := rand.Read(dk); err != nil {
		return nil, fmt.Errorf("generate data key: %w", err)
	}
	return wrap(v.kek, dk)
}

// wrap seals a data key under kek: UUID | nonce | sealed, with the UUID in its
// text form as additional data.
func wrap(kek cipher.AEAD, dk []byte) ([]byte, error) {
	out := make([]byte, uuidSize+nonceSize, wrappedSize)
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("generate key uuid and nonce: %w", err)
	}
	out[6] = out[6]&0x0f | 0x40 // UUID version 4
	out[8] = out[8]&0x3f | 0x80 // RFC 9562 variant
	aad := []byte(uuidText(out[:uuidSize]))
	return kek.Seal(out, out[uuidSize:uuidSize+nonceSize], dk, aad), nil
}

// unwrap opens a key made by wrap.
func unwrap(kek cipher.AEAD, wrapped []byte) ([]byte, error) {
	if len(wrapped) != wrappedSize {
		return nil, fmt.Errorf("wrapped data key is %d bytes, want %d", len(wrapped), wrappedSize)
	}
	id, nonce, sealed := wrapped[:uuidSize], wrapped[uuidSize:uuidSize+nonceSize], wrapped[uuidSize+nonceSize:]
	dk, err := kek.Open(nil, nonce, sealed, []byte(uuidText(id)))
	if err != nil {
		return nil, errUnwrap
	}
	return dk, nil
}

// uuidText formats 16 bytes as 8-4-4-4-12 lowercase hex.
func uuidText(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
