package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// Prefixes of the opaque tokens, so that a leaked token is recognisable (for
// instance by secret scanners) and cannot be used as the other kind.
const (
	APITokenPrefix     = "alt_"
	SessionTokenPrefix = "als_"
)

// tokenBytes is the randomness in each token: 256 bits.
const tokenBytes = 32

// NewToken returns a random opaque token, prefix followed by 32 random bytes in
// unpadded base64url, and its SHA-256 hash. Give the token to the client once
// and store only the hash.
func NewToken(prefix string) (token string, hash []byte, err error) {
	s, err := randomString()
	if err != nil {
		return "", nil, fmt.Errorf("new token: %w", err)
	}
	token = prefix + s
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 of token, prefix included; stores look tokens
// up by it. A plain hash suffices because the token carries 256 random bits.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// NewCSRFToken returns a random token, 32 bytes in unpadded base64url, for the
// hidden field of every form of a session.
func NewCSRFToken() (string, error) {
	s, err := randomString()
	if err != nil {
		return "", fmt.Errorf("new CSRF token: %w", err)
	}
	return s, nil
}

// randomString returns tokenBytes random bytes in unpadded base64url.
func randomString() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
