package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"alliance"
)

// HKDF info strings; each derived key serves one purpose only.
const (
	infoWrap  = "alliance data key wrapping"
	infoIndex = "alliance blind index"
	infoAudit = "alliance audit chain"
)

// refreshTimeout bounds the data key reload that Open (the FieldCipher method)
// starts when it meets an unknown key id, since that method has no context.
const refreshTimeout = 10 * time.Second

// KeyStore is where the wrapped data keys are kept. alliance.Store satisfies it;
// the vault uses only DataKeys, AddDataKey and ActivateDataKey.
type KeyStore interface {
	DataKeys(ctx context.Context) ([]alliance.DataKey, error)
	Update(ctx context.Context, fn func(alliance.Tx) error) error
}

// Vault seals and opens identity fields under the data keys of one database and
// computes their blind index. It implements alliance.FieldCipher and is safe for
// concurrent use.
type Vault struct {
	ks       KeyStore
	kek      cipher.AEAD // wraps data keys
	indexKey []byte
	chainer  *alliance.AuditChainer

	mu   sync.RWMutex
	ring keyring
}

// keyring holds the unwrapped data keys by id and the id of the active one.
type keyring struct {
	keys   map[uint32]cipher.AEAD
	active uint32
}

// Open returns a vault over the data keys in ks, unwrapped with master (the key
// from the key file). When ks holds no data key yet, Open generates one, stores
// it wrapped and makes it active. When the data keys do not unwrap under master,
// Open fails at once with a CodeInvalid error that says so.
func Open(ctx context.Context, master []byte, ks KeyStore) (*Vault, error) {
	v, err := newVault(master, ks)
	if err != nil {
		return nil, err
	}
	keys, err := ks.DataKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("read data keys: %w", err)
	}
	if len(keys) == 0 {
		if err := v.addDataKey(ctx, ks, true); err != nil { // only if still none
			return nil, err
		}
		if keys, err = ks.DataKeys(ctx); err != nil {
			return nil, fmt.Errorf("read data keys: %w", err)
		}
	}
	if err := v.install(keys); err != nil {
		return nil, err
	}
	return v, nil
}

// newVault derives the vault's keys from master; it holds no data key yet.
func newVault(master []byte, ks KeyStore) (*Vault, error) {
	if len(master) != MasterKeySize {
		return nil, alliance.Errorf(alliance.CodeInvalid, "the master key is %d bytes, want %d", len(master), MasterKeySize)
	}
	kek, err := newGCM(derive(master, infoWrap))
	if err != nil {
		return nil, err
	}
	return &Vault{
		ks:       ks,
		kek:      kek,
		indexKey: derive(master, infoIndex),
		chainer:  alliance.NewAuditChainer(derive(master, infoAudit)),
	}, nil
}

// derive returns the 32-byte key for one purpose.
func derive(master []byte, info string) []byte {
	k, err := hkdf.Key(sha256.New, master, nil, info, 32)
	if err != nil {
		panic("vault: hkdf: " + err.Error()) // only for lengths above 255*32
	}
	return k
}

// newGCM returns AES-256-GCM under key.
func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(b)
}

// AuditChainer returns the chainer for the audit log, keyed with a key derived
// from the master key.
func (v *Vault) AuditChainer() *alliance.AuditChainer { return v.chainer }

// Refresh reloads the data keys, so that a key added and activated by another
// process (alliance key rotate while the server runs) is used from now on.
// Servers call it periodically. On error the vault keeps its current keys.
func (v *Vault) Refresh(ctx context.Context) error {
	return v.refreshFrom(ctx, v.ks)
}

// refreshFrom reloads the data keys from ks.
func (v *Vault) refreshFrom(ctx context.Context, ks KeyStore) error {
	if ks == nil {
		return errors.New("vault: no key store to reload data keys from")
	}
	keys, err := ks.DataKeys(ctx)
	if err != nil {
		return fmt.Errorf("refresh data keys: %w", err)
	}
	return v.install(keys)
}

// install unwraps keys (reusing those already unwrapped) and replaces the
// keyring. Every key must unwrap and exactly one must be active.
func (v *Vault) install(keys []alliance.DataKey) error {
	v.mu.RLock()
	known := v.ring.keys
	v.mu.RUnlock()
	ring, err := v.buildRing(keys, known)
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.ring = ring
	v.mu.Unlock()
	return nil
}

// buildRing unwraps every key not found in known.
func (v *Vault) buildRing(keys []alliance.DataKey, known map[uint32]cipher.AEAD) (keyring, error) {
	ring := keyring{keys: make(map[uint32]cipher.AEAD, len(keys))}
	for _, k := range keys {
		id, err := keyID(k.ID)
		if err != nil {
			return keyring{}, err
		}
		if ring.keys[id] = known[id]; ring.keys[id] == nil {
			if ring.keys[id], err = v.unwrapAEAD(k); err != nil {
				return keyring{}, err
			}
		}
		if k.Active {
			if ring.active != 0 {
				return keyring{}, fmt.Errorf("vault: data keys %d and %d are both active", ring.active, id)
			}
			ring.active = id
		}
	}
	if ring.active == 0 {
		return keyring{}, fmt.Errorf("vault: none of the %d data keys is active", len(keys))
	}
	return ring, nil
}

// keyID checks that a store-assigned id fits the 4 bytes a ciphertext has for it.
func keyID(id int64) (uint32, error) {
	if id <= 0 || id > math.MaxUint32 {
		return 0, fmt.Errorf("vault: data key id %d is outside 1..%d", id, uint32(math.MaxUint32))
	}
	return uint32(id), nil
}

// unwrapAEAD unwraps k and returns AES-256-GCM under it. Failure means the key
// file does not belong to this database, and the message says what to do.
func (v *Vault) unwrapAEAD(k alliance.DataKey) (cipher.AEAD, error) {
	dk, err := unwrap(v.kek, k.Wrapped)
	if err != nil {
		return nil, &alliance.Error{
			Code: alliance.CodeInvalid,
			Message: fmt.Sprintf("this key file cannot decrypt this database's data (data key %d does not unwrap under it); "+
				"start Alliance with the key file that was created together with this database (ALLIANCE_KEY_FILE)", k.ID),
			Err: err,
		}
	}
	return newGCM(dk)
}
