// Package vault encrypts identity fields at rest (envelope encryption with
// AES-256-GCM) and derives the other keys Alliance needs from the master key.
//
// The master key lives in the key file (ALLIANCE_KEY_FILE, see
// LoadOrCreateMasterKey), never in the database. The database holds data keys,
// each wrapped (encrypted) under a key-encryption key derived from the master
// key; values are sealed under the active data key. Whoever holds a copy of the
// database but not the key file can read no identity.
//
// Keys derived from the master key with HKDF-SHA256, by info string:
//
//	"alliance data key wrapping"  wraps and unwraps data keys
//	"alliance blind index"        keys the HMAC-SHA256 blind index (Index)
//	"alliance audit chain"        keys the audit hash chain (AuditChainer)
//
// A wrapped data key is laid out as
//
//	16-byte random key UUID | 12-byte nonce | AES-256-GCM(data key)
//
// with the UUID in its text form (8-4-4-4-12 hex) as additional data. The UUID
// rather than the row id is bound because the store assigns the id only after
// the wrapped key is written.
//
// A sealed value is laid out as
//
//	version byte 1 | data key id (uint32, big endian) | 12-byte nonce | AES-256-GCM(value)
//
// with the column name ("users.email") as additional data, so that a value
// moved to another column no longer opens.
//
// Rotation (Vault.Rotate) adds and activates a new data key and re-seals every
// value under it. Old data keys stay in the database, retired but still
// unwrappable, so that no value can ever become unreadable: a value sealed
// under an old key by a server that had not yet seen the new key still opens.
package vault
