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

// encColumns maps the name each sealed user value is bound to (see
// alliance.SealedUser.Values) to the column of the users table that holds it.
var encColumns = map[string]string{
	alliance.ColUserEmail:      "email_enc",
	alliance.ColUserName:       "name_enc",
	alliance.ColUserTOTPSecret: "totp_secret_enc",
}
