package credential

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters new hashes use: OWASP's recommended minimum
// (19 MiB, two passes, one lane).
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on parameters read from a stored hash, so that a corrupted or hostile
// hash cannot make verification take unbounded memory or time.
const (
	maxMemory  = 1 << 20 // KiB (1 GiB)
	maxTime    = 64
	maxThreads = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// ErrMalformedHash is wrapped by the error VerifyPassword returns for a stored
// hash it cannot parse.
var ErrMalformedHash = errors.New("malformed password hash")

var b64 = base64.RawStdEncoding.Strict()

// argonParams are the settings of one argon2id hash.
type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

// phc is a parsed hash in PHC string format.
type phc struct {
	argonParams
	salt, key []byte
}

// HashPassword returns pw hashed with argon2id under a random salt, in PHC
// string format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	h := phc{argonParams{argonMemory, argonTime, argonThreads}, salt, nil}
	h.key = h.derive(pw, argonKeyLen)
	return h.String(), nil
}

// VerifyPassword reports whether pw matches encoded, a hash from HashPassword.
// The parameters are read from encoded, so hashes made with older settings
// still verify; see NeedsRehash. It returns an error wrapping ErrMalformedHash
// when encoded cannot be parsed.
func VerifyPassword(encoded, pw string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := h.derive(pw, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker settings than
// HashPassword now uses (or cannot be parsed), so that the caller should store
// a new hash after the next successful login.
func NeedsRehash(encoded string) bool {
	h, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	return h.memory < argonMemory || h.time < argonTime ||
		len(h.salt) < argonSaltLen || len(h.key) < argonKeyLen
}

// derive computes the argon2id key of pw.
func (h phc) derive(pw string, keyLen uint32) []byte {
	return argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, keyLen)
}

// String formats h in PHC string format.
func (h phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.memory, h.time, h.threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// parsePHC parses and bounds-checks an argon2id hash in PHC string format.
func parsePHC(s string) (phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return phc{}, malformed("want 5 fields separated by $")
	}
	if parts[1] != "argon2id" {
		return phc{}, malformed("algorithm %q, want argon2id", truncate(parts[1]))
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phc{}, malformed("version %q, want v=%d", truncate(parts[2]), argon2.Version)
	}
	p, err := parseParams(parts[3])
	if err != nil {
		return phc{}, err
	}
	salt, err := decodeField(parts[4], "salt", minSaltLen, maxSaltLen)
	if err != nil {
		return phc{}, err
	}
	key, err := decodeField(parts[5], "hash", minKeyLen, maxKeyLen)
	if err != nil {
		return phc{}, err
	}
	return phc{p, salt, key}, nil
}

// parseParams parses "m=<KiB>,t=<passes>,p=<lanes>" in that order.
func parseParams(s string) (argonParams, error) {
	kv := strings.Split(s, ",")
	if len(kv) != 3 {
		return argonParams{}, malformed("parameters %q, want m=…,t=…,p=…", truncate(s))
	}
	m, err := parseParam(kv[0], "m", 8, maxMemory)
	if err != nil {
		return argonParams{}, err
	}
	t, err := parseParam(kv[1], "t", 1, maxTime)
	if err != nil {
		return argonParams{}, err
	}
	p, err := parseParam(kv[2], "p", 1, maxThreads)
	if err != nil {
		return argonParams{}, err
	}
	if m < 8*p {
		return argonParams{}, malformed("memory m=%d below the minimum of 8 KiB per lane", m)
	}
	return argonParams{memory: m, time: t, threads: uint8(p)}, nil
}

// parseParam parses "name=value" with value a decimal in [lo, hi].
func parseParam(s, name string, lo, hi uint32) (uint32, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, malformed("parameter %q, want %s=…", truncate(s), name)
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < uint64(lo) || n > uint64(hi) || v != strconv.FormatUint(n, 10) {
		return 0, malformed("parameter %s=%q, want a number from %d to %d", name, truncate(v), lo, hi)
	}
	return uint32(n), nil
}

// decodeField decodes unpadded base64 of a length in [lo, hi].
func decodeField(s, name string, lo, hi int) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s { // the decoder skips \r and \n
		return nil, malformed("%s is not unpadded base64", name)
	}
	if len(b) < lo || len(b) > hi {
		return nil, malformed("%s of %d bytes, want %d to %d", name, len(b), lo, hi)
	}
	return b, nil
}

// malformed returns an error wrapping ErrMalformedHash.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
}

// truncate shortens s for quoting in an error.
func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
