package sqlstore

import (
	"sync/atomic"

	"alliance"
)

// Keyring holds what a store's UseKeys installed. It is shared by the store and
// every transaction, and may be set after the store has opened (the vault reads
// the data keys from the database before it can build the cipher).
type Keyring struct{ p atomic.Pointer[keySet] }

type keySet struct {
	cipher alliance.FieldCipher
	chain  *alliance.AuditChainer
}

// Set installs the field cipher and the audit chainer.
func (k *Keyring) Set(c alliance.FieldCipher, a *alliance.AuditChainer) {
	k.p.Store(&keySet{cipher: c, chain: a})
}

// Cipher returns the installed field cipher, or an error when there is none.
func (k *Keyring) Cipher() (alliance.FieldCipher, error) {
	if ks := k.p.Load(); ks != nil && ks.cipher != nil {
		return ks.cipher, nil
	}
	return nil, alliance.Errorf(alliance.CodeInternal,
		"the store has no field cipher: call UseKeys before reading or writing users, assessments or cases")
}

// Chainer returns the installed audit chainer, or an error when there is none.
func (k *Keyring) Chainer() (*alliance.AuditChainer, error) {
	if ks := k.p.Load(); ks != nil && ks.chain != nil {
		return ks.chain, nil
	}
	return nil, alliance.Errorf(alliance.CodeInternal,
		"the store has no audit chainer: call UseKeys before appending to the audit log")
}
