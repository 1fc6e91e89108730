package sqlite

import (
	"sync/atomic"

	"alliance"
)

// keyring holds what UseKeys installed. It is shared by the Store and every
// transaction, and may be set after the Store has opened (the vault reads the
// data keys from the database before it can build the cipher).
type keyring struct{ p atomic.Pointer[keySet] }

type keySet struct {
	cipher alliance.FieldCipher
	chain  *alliance.AuditChainer
}

func (k *keyring) set(c alliance.FieldCipher, a *alliance.AuditChainer) {
	k.p.Store(&keySet{cipher: c, chain: a})
}

func (k *keyring) cipher() (alliance.FieldCipher, error) {
	if ks := k.p.Load(); ks != nil && ks.cipher != nil {
		return ks.cipher, nil
	}
	return nil, alliance.Errorf(alliance.CodeInternal,
		"the store has no field cipher: call UseKeys before reading or writing users")
}

func (k *keyring) chainer() (*alliance.AuditChainer, error) {
	if ks := k.p.Load(); ks != nil && ks.chain != nil {
		return ks.chain, nil
	}
	return nil, alliance.Errorf(alliance.CodeInternal,
		"the store has no audit chainer: call UseKeys before appending to the audit log")
}

// sealed names an encrypted column: the name bound into the ciphertext and the
// column that holds it.
type sealed struct{ name, column string }

// sealedColumns lists every encrypted column, for Reencrypt.
var sealedColumns = []sealed{
	{"users.email", "email_enc"},
	{"users.name", "name_enc"},
	{"users.totp_secret", "totp_secret_enc"},
}
